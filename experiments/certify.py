"""Certify a reasoner on many rules at once: `python -m experiments.certify [overrides]`.

The domain's certifier (`reasoner/<domain>/certify.py: certify_rule_space`) checks the
reasoner on every local configuration of the rules the domain's `task.*` keys name (life:
`task.certify_rules`, all 2^18 by default, the held-out or training split, or one B/S
text, each on its 512 neighbourhoods; logic: every local configuration at once, which
covers every rule set). Writes `certify.json`: what was certified, the wall time of the
certification itself, the smallest logit margin seen, and the failures (up to
`certify.max_listed`).
"""

from __future__ import annotations

import json
from pathlib import Path

from omegaconf import DictConfig
from tqdm import tqdm

from experiments.core.config import ConfigError, validate
from experiments.core.reasoners import build_reasoner
from experiments.core.runio import write_atomic
from reasoner.certify import certifier
from tasks import get_tasks
from tasks.domain import RuleSpaceCertification


def run(cfg: DictConfig, run_dir) -> dict:
    validate(cfg)
    reasoner = build_reasoner(cfg)
    if not reasoner.spec.certifiable:
        raise ConfigError(f"reasoner={reasoner.name}: a certificate does not apply (its state "
                          "between iterations is not discrete)")
    if reasoner.spec.reads != "rules":
        raise ConfigError(f"reasoner={reasoner.name} reads demos, not a rule set: certify "
                          "it per task (evaluate does), not over the rule space")
    tasks = get_tasks(cfg.task.name)
    label, targets = None, None
    if isinstance(tasks, RuleSpaceCertification):
        try:
            label, targets = tasks.certify_targets(cfg.task)
        except ValueError as err:
            raise ConfigError(str(err)) from None
    total = None if targets is None else len(targets)
    with tqdm(total=total, desc="certify", unit="rule", disable=None) as bar:
        result, lines = certifier(cfg.task.name).certify_rule_space(
            reasoner, targets, cfg.certify.block, cfg.certify.max_listed, progress=bar.update)
    result = {"reasoner": reasoner.name, "checkpoint": cfg.checkpoint or "pretrained",
              **({} if label is None else {"rules": label}), **result}
    write_atomic(Path(run_dir) / "certify.json", json.dumps(result, indent=1) + "\n")
    print("\n".join(lines))
    return result


if __name__ == "__main__":
    from experiments.core.cli import hydra_app, main_guard

    main_guard(hydra_app("certify", run))
