"""The internal-consistency ablation: the same K drafts per task, selected by demo fit alone
or by demo fit plus the internal-consistency check, for each selector. Scored on queries
outside the demos' support (no query repeats a demo's fact set), with the share of chosen
RuleSets that contradict themselves (for `vote`: any voter does)."""

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
    proposed = [domain.proposers[config.proposer](propose_key(job_key(cfg, t.task_id, 0)),
                                                  t.demos, k, config, truth=t.rule)
                for t in tasks]
    rows = []
    for checked in (True, False):
        for selector in cfg.experiment.selectors:
            chosen = [check_and_select(domain, drafts, t.demos, job_key(cfg, t.task_id, 1),
                                       replace(config, selector=selector,
                                               check_consistency=checked), info)
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
