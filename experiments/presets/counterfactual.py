"""H3, counterfactual rule sets: train on a restricted family (train.family_radius entries
around train.family_centre), test on held-out rules inside it ("near") and at least
experiment.far_distance entries away ("far"); the symbolic reasoner is the reference."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
from omegaconf import DictConfig

from experiments.core.config import domain_of
from experiments.evaluation.queries import compile_tasks, evaluate_reasoner, make_eval_tasks, symbolic
from experiments.presets.common import trained_reasoner


def run(cfg: DictConfig, job_dir: Path) -> list[dict]:
    _, task_domain = domain_of(cfg)
    reasoner = trained_reasoner(cfg, job_dir)
    centre = cfg.train.family_centre
    pools = {"near": task_domain.rule_pool(cfg.task, "heldout", centre=centre,
                                           max_distance=cfg.train.family_radius),
             "far": task_domain.rule_pool(cfg.task, "heldout", centre=centre,
                                          min_distance=cfg.experiment.far_distance)}
    reference = symbolic(cfg)
    rows = []
    for which, pool in pools.items():
        tasks = make_eval_tasks(cfg, pool=pool)
        compiled = compile_tasks(cfg, tasks)
        evaluated = (reasoner, reference) if reasoner.name != "symbolic" else (reference,)
        for r in evaluated:
            cells = defaultdict(list)
            for row in evaluate_reasoner(cfg, r, tasks, compiled):
                cells[(row["grid"], row["horizon"])].append(row)
            for (grid, horizon), rs in sorted(cells.items()):
                certified = [x["certified"] for x in rs if x["certified"] is not None]
                metrics = {"exact": float(np.mean([x["exact"] for x in rs])),
                           "cell_acc": float(np.mean([x["cell_acc"] for x in rs]))}
                if certified:
                    metrics["certified"] = float(np.mean(certified))
                rows.append({"condition": {"rules": which, "evaluated": r.name, "grid": grid,
                                           "horizon": horizon},
                             "metrics": metrics})
    return rows
