"""H1, selection: selectors on the same K drafts (random and first ignore the check's
ranking): P(chosen = true rule) and query accuracy."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from omegaconf import DictConfig

from compiler import SELECTORS, compile, reselect
from experiments.core.config import ConfigError, compiler_config, domain_of
from experiments.presets.common import answers, compiled_reasoner, is_true_rule, job_key, query_tasks


def run(cfg: DictConfig, job_dir: Path) -> list[dict]:
    domain, _ = domain_of(cfg)
    config = replace(compiler_config(cfg), num_drafts=cfg.experiment.selection_drafts)
    tasks = query_tasks(cfg)
    neural = compiled_reasoner(cfg)
    compiled = [compile(domain, t.demos, job_key(cfg, t.task_id, 1), config, truth=t.rule)
                for t in tasks]
    rows = []
    for selector in cfg.experiment.selectors:
        if selector not in SELECTORS:
            raise ConfigError(f"experiment.selectors: unknown selector {selector!r}")
        chosen = [reselect(c, selector, t.demos, job_key(cfg, t.task_id, 2))
                  for c, t in zip(compiled, tasks, strict=True)]
        chosen_true = [is_true_rule(c, t) for c, t in zip(chosen, tasks, strict=True)]
        metrics = {**({} if None in chosen_true else {"p_chosen_true": float(np.mean(chosen_true))}),
                   **answers(cfg, neural, tasks, [c.voters for c in chosen], chosen)}
        rows.append({"condition": {"selector": selector}, "metrics": metrics})
    return rows
