"""H3, inconsistency: (a) m corrupted entries of the chosen RuleSet (the domain's edits: life
flips table entries, logic flips literal signs): query accuracy, and how often the checker
flags the corrupted rule (against the demos, or as self-contradictory); (b) demo noise: accuracy, and
how often no draft reproduces the demos (the checker flags the task)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from omegaconf import DictConfig

from compiler import check, compile
from compiler.domain import Corruption
from experiments.core.config import ConfigError, compiler_config, domain_of
from experiments.presets.common import answers, compiled_reasoner, is_true_rule, job_key, query_tasks


def flags_ok(scores) -> bool:
    """The checker passes the one draft: it reproduces the demos and cannot contradict
    itself."""
    return bool(scores.exact[0] and scores.self_consistent[0])


def run(cfg: DictConfig, job_dir: Path) -> list[dict]:
    e = cfg.experiment
    domain, _ = domain_of(cfg)
    if e.corruptions and not isinstance(domain, Corruption):
        raise ConfigError(f"task={domain.name} declares no corruption of its rule sets; run "
                          "with experiment.corruptions=[] (demo noise only)")
    config = compiler_config(cfg)
    neural = compiled_reasoner(cfg)
    rows = []
    tasks = query_tasks(cfg, noise=0.0)
    compiled = [compile(domain, t.demos, job_key(cfg, t.task_id, 3), config, truth=t.rule)
                for t in tasks]
    rng = np.random.default_rng([cfg.seed, 0xC0])
    for m in e.corruptions:
        rules = [domain.corrupt(c.chosen, m, rng) for c in compiled]
        flagged = [not flags_ok(check(domain, r[None], t.demos, with_blame=False))
                   for r, t in zip(rules, tasks, strict=True)]
        rows.append({"condition": {"corruption": "entries", "amount": float(m)},
                     "metrics": {"p_flagged": float(np.mean(flagged)),
                                 **answers(cfg, neural, tasks, [r[None] for r in rules])}})
    for noise in e.noises:
        noisy = query_tasks(cfg, noise=float(noise))
        comp = [compile(domain, t.demos, job_key(cfg, t.task_id, 4), config, truth=t.rule)
                for t in noisy]
        chosen_true = [is_true_rule(c, t) for c, t in zip(comp, noisy, strict=True)]
        rule_metrics = ({} if None in chosen_true else
                        {"p_chosen_true": float(np.mean(chosen_true))})
        rows.append({"condition": {"corruption": "demo_noise", "amount": float(noise)},
                     "metrics": {"p_flagged": float(np.mean([c.consistent_drafts == 0 for c in comp])),
                                 **rule_metrics,
                                 **answers(cfg, neural, noisy, [c.voters for c in comp])}})
    return rows
