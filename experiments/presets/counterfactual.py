"""H3, counterfactual rule sets: train on a restricted family, test on held-out rules inside
it ("near") and far from it ("far"); the symbolic reasoner is the reference. The task
domain says what the sets are (life: within task.family_radius entries of
task.family_centre vs at least task.far_distance away; logic: rule sets that follow
the background theory vs rule sets that contradict it)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
from omegaconf import DictConfig, open_dict

from experiments.core.config import ConfigError, domain_of
from experiments.evaluation.queries import compile_tasks, evaluate_reasoner, make_eval_tasks, symbolic
from experiments.presets.common import trained_reasoner
from tasks.domain import CounterfactualSets


def counterfactual_sets(task_domain, cfg) -> dict:
    if not isinstance(task_domain, CounterfactualSets):
        raise ConfigError(f"task={cfg.task.name} declares no counterfactual rule sets")
    return task_domain.counterfactual_sets(cfg.task)


def run(cfg: DictConfig, job_dir: Path) -> list[dict]:
    _, task_domain = domain_of(cfg)
    reasoner = trained_reasoner(cfg, job_dir)
    reference = symbolic(cfg)
    rows = []
    for which, (overrides, pool) in counterfactual_sets(task_domain, cfg).items():
        test_cfg = cfg.copy()
        with open_dict(test_cfg):
            test_cfg.task.update(overrides)
            if cfg.experiment.query_horizons:  # logic: proof depths (scale= sets eval's)
                test_cfg.eval.horizons = list(cfg.experiment.query_horizons)
        tasks = make_eval_tasks(test_cfg, pool=pool)
        compiled = compile_tasks(test_cfg, tasks)
        evaluated = (reasoner, reference) if reasoner.name != "symbolic" else (reference,)
        for r in evaluated:
            cells = defaultdict(list)
            for row in evaluate_reasoner(test_cfg, r, tasks, compiled):
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
