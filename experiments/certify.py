"""Certify a reasoner on many rules at once: `python -m experiments.certify [overrides]`.

For every rule asked for (`certify.rules`: all 2^18, the held-out or training split, or
one B/S text) the reasoner's one-step map is compared with the rule on all 512
neighbourhoods (reasoner/life/certify.py). Writes `certify.json`: the fraction certified, the
wall time of the certification itself, the smallest logit margin seen, and every failing
rule (up to `certify.max_listed`) with its failing neighbourhoods.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from omegaconf import DictConfig
from tqdm import tqdm

from compiler.life import NUM_RULES, RuleSyntaxError, parse_rule, rule_index, table_from_index
from experiments.core.config import ConfigError, validate
from experiments.core.reasoners import build_reasoner
from experiments.core.runio import write_atomic
from reasoner import certify, certify_tables
from tasks import get_tasks


def rule_indices(cfg: DictConfig) -> np.ndarray:
    which = cfg.certify.rules
    if which == "all":
        return np.arange(NUM_RULES)
    if which in ("heldout", "train"):
        return get_tasks(cfg.task.name).rule_pool(cfg.task, which)
    try:
        return rule_index(parse_rule(which))[None]
    except RuleSyntaxError:
        raise ConfigError(f"certify.rules={which!r}: expected all, heldout, train or a "
                          "B/S rule text such as B3/S23") from None


def certify_many(reasoner, indices: np.ndarray, block: int):
    """(`[R]` failing neighbourhoods per rule, `[R]` smallest margin or None, seconds)."""
    failing = np.zeros(len(indices), np.int64)
    margins = np.zeros(len(indices), np.float32)
    has_margin = True
    certify_tables(reasoner, table_from_index(indices[:block]))  # compile outside the timing
    started = time.perf_counter()
    for start in tqdm(range(0, len(indices), block), desc="certify", unit="block", disable=None):
        sl = slice(start, start + block)
        f, m = certify_tables(reasoner, table_from_index(indices[sl]))
        failing[sl] = f
        if m is None:
            has_margin = False
        else:
            margins[sl] = m
    return failing, (margins if has_margin else None), time.perf_counter() - started


def run(cfg: DictConfig, run_dir) -> dict:
    validate(cfg)
    reasoner = build_reasoner(cfg)
    if not reasoner.spec.certifiable:
        raise ConfigError(f"reasoner={reasoner.name}: a certificate does not apply (its state "
                          "between iterations is not discrete)")
    if reasoner.spec.reads != "rules":
        raise ConfigError(f"reasoner={reasoner.name} reads demos, not a rule set: certify "
                          "it per task (evaluate does), not over the rule space")
    if cfg.task.name == "logic":
        return certify_logic(reasoner, cfg, run_dir)
    indices = rule_indices(cfg)
    failing, margins, seconds = certify_many(reasoner, indices, cfg.certify.block)
    bad = np.flatnonzero(failing)
    listed = []
    for i in bad[:cfg.certify.max_listed]:
        cert = certify(reasoner, table_from_index(indices[i]))
        listed.append({"rule": cert.rule, "index": int(indices[i]), "failing": cert.failing})
    result = {
        "reasoner": reasoner.name, "checkpoint": cfg.checkpoint or "pretrained",
        "rules": cfg.certify.rules, "num_rules": int(len(indices)),
        "neighbourhood_checks": int(len(indices)) * 512,
        "certified": int(len(indices) - len(bad)),
        "fraction_certified": float(1 - len(bad) / len(indices)),
        "seconds": round(seconds, 2),
        "min_margin": None if margins is None else float(margins.min()),
        "failing_rules": listed, "failing_rules_total": int(len(bad)),
    }
    write_atomic(Path(run_dir) / "certify.json", json.dumps(result, indent=1) + "\n")
    print(f"{reasoner.name}: {result['certified']} / {result['num_rules']} rules certified "
          f"({result['fraction_certified']:.4%}), {result['neighbourhood_checks']:,} "
          f"neighbourhood checks in {seconds:.1f} s"
          + ("" if margins is None else f"; smallest margin {result['min_margin']:.3g}"))
    for entry in listed[:10]:
        print(f"  fails {entry['rule']}: {len(entry['failing'])} neighbourhoods, e.g. "
              f"#{entry['failing'][0]['neighbourhood']}")
    return result


def certify_logic(reasoner, cfg: DictConfig, run_dir) -> dict:
    """Logic: one check of every local configuration (728 rule-slot configurations, 16 atom
    configurations) certifies the reasoner on every rule set, size and depth at once."""
    from reasoner.logic.certify import ATOM_FEATS, RULE_FEATS, Certificate, certify, local_verdicts

    started = time.perf_counter()
    rule_out, rule_margin, atom_out, atom_margin = local_verdicts(reasoner)
    seconds = time.perf_counter() - started
    # a rule set with every sign pattern: its certificate lists every failing configuration
    every = np.array([[1 + (k // 3 ** s % 3 == 2) if k // 3 ** s % 3 else 0 for s in range(3)]
                      + [3] for k in range(1, 27)], np.int16)
    cert: Certificate = certify(reasoner, every)
    result = {"reasoner": reasoner.name, "checkpoint": cfg.checkpoint or "pretrained",
              "rule_configurations": len(RULE_FEATS), "atom_configurations": len(ATOM_FEATS),
              "certified": cert.certified, "failing": cert.failing, "seconds": round(seconds, 3),
              "min_margin": float(min(rule_margin.min(), atom_margin.min()))}
    write_atomic(Path(run_dir) / "certify.json", json.dumps(result, indent=1) + "\n")
    print(f"{reasoner.name}: " + ("certified" if cert.certified else
                                  f"NOT certified ({cert.num_failing} failing)")
          + f" on all {len(RULE_FEATS)} rule and {len(ATOM_FEATS)} atom configurations, i.e. on "
          f"every rule set, size and depth ({seconds:.2f} s; smallest margin "
          f"{result['min_margin']:.3g})")
    for entry in cert.failing[:10]:
        print(f"  {entry['kind']} {entry['reads']}: expected {entry['expected']}, "
              f"produced {entry['produced']}")
    return result


if __name__ == "__main__":
    from experiments.core.cli import hydra_app, main_guard

    main_guard(hydra_app("certify", run))
