"""The internal-consistency ablation: per task, drafts from the same proposer key with the
internal-consistency check off (`compiler.check_consistency=false`: selection by demo fit
alone, and a proposer that orders its drafts by the check keeps them as written) or on,
for each selector. Scored on queries outside the demos' support (no query repeats a demo's
fact set), with the share of chosen RuleSets that contradict themselves (for `vote`: any
voter does)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from omegaconf import DictConfig

from compiler import check_and_select, propose_key
from experiments.core.config import compiler_config, domain_of
from experiments.presets.common import answers, compiled_reasoner, is_true_rule, job_key, query_tasks


def run(cfg: DictConfig, job_dir: Path) -> list[dict]:
    domain, _ = domain_of(cfg)
    k = cfg.experiment.selection_drafts
    config = replace(compiler_config(cfg), num_drafts=k)
    tasks = query_tasks(cfg)
    neural = compiled_reasoner(cfg)
    rows = []
    for checked in (True, False):
        variant = replace(config, check_consistency=checked)
        proposed = [domain.proposer(config.proposer)(propose_key(job_key(cfg, t.task_id, 0)),
                                                      t.demos, k, variant, truth=t.rule)
                    for t in tasks]
        for selector in cfg.experiment.selectors:
            chosen = [check_and_select(domain, drafts, t.demos, job_key(cfg, t.task_id, 1),
                                       replace(variant, selector=selector), info)
                      for (drafts, info), t in zip(proposed, tasks, strict=True)]
            contradictory = [not domain.internal_consistency(c.voters, t.demos)[0].all()
                             for c, t in zip(chosen, tasks, strict=True)]
            metrics = {"p_chosen_contradictory": float(np.mean(contradictory)),
                       "p_chosen_true": float(np.mean([is_true_rule(c, t)
                                                       for c, t in zip(chosen, tasks, strict=True)])),
                       **answers(cfg, neural, tasks, [c.voters for c in chosen])}
            rows.append({"condition": {"check": "demos+internal" if checked else "demos only",
                                       "selector": selector}, "metrics": metrics})
    return rows
