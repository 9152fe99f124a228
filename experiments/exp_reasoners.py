"""Experiment jobs that train reasoners: test_time (H4) and counterfactual (H2/H3).

A job trains its reasoner in `JOB/train` (resumable like any training run; skipped for
`reasoner=symbolic`), then evaluates on held-out tasks and returns rows
`{"condition": {...}, "metrics": {...}}` as the compiler jobs do.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
from omegaconf import DictConfig, open_dict

from compiler import parse_rule, rule_index
from experiments import train
from experiments.config import task_kwargs
from experiments.evaluate import SYMBOLIC, compile_tasks, evaluate_reasoner, run_reasoner
from experiments.halting import evaluate_halting
from experiments.reasoners import build_reasoner
from tasks import family_pool, heldout_rule_pool, make_tasks


def trained_reasoner(cfg: DictConfig, job_dir: Path):
    """The job's reasoner: symbolic, or trained here (resuming) in `job_dir/train`."""
    if cfg.reasoner.name == "symbolic":
        return SYMBOLIC
    e, name = cfg.experiment, cfg.reasoner.name
    with open_dict(cfg):
        cfg.train.steps = e.train_steps.get(name, cfg.train.steps)
        cfg.train.batch_size = e.train_batch_size.get(name, cfg.train.batch_size)
    model = train.run(cfg, job_dir / "train")
    return build_reasoner(cfg, model)


def test_time(cfg: DictConfig, job_dir: Path) -> list[dict]:
    """H4: exact accuracy of the answer after T iterations vs the truth at horizon h, for
    T in experiment.iterations, h in experiment.horizons, per grid size; run for a fixed T
    ("fixed") and, where the reasoner has a halting head, with T as the budget of the
    halting head ("halting"). Plus "run until stable": iterations used vs the true
    stabilization time mu."""
    e = cfg.experiment
    reasoner = trained_reasoner(cfg, job_dir)
    tasks = make_tasks(cfg.seed, cfg.eval.num_tasks, cfg.task.heldout_fraction,
                       query_grids=list(e.grids), query_horizons=list(e.horizons),
                       **task_kwargs(cfg))
    compiled = compile_tasks(cfg, tasks)
    voters = [c.voters for c in compiled]
    demos = (np.stack([t.demos.inputs for t in tasks]), np.stack([t.demos.outputs for t in tasks]))
    resumable = getattr(reasoner, "resumable", True) and all(len(v) == 1 for v in voters)
    halting_input = demos if reasoner.reads == "demos" else np.stack(
        [c.chosen.table for c in compiled])
    rows = []
    for grid in e.grids:
        queries = [[q for q in t.queries if q.input.shape[0] == grid] for t in tasks]
        states = np.stack([qs[0].input for qs in queries])
        truth = {h: np.stack([next(q.answer for q in qs if q.horizon == h) for qs in queries])
                 for h in e.horizons}
        pred, done = states, 0
        for t in sorted(e.iterations):
            if resumable:
                pred = run_reasoner(reasoner, demos, voters, pred, t - done)
                done = t
            else:
                pred = run_reasoner(reasoner, demos, voters, states, t)
            answers = {"fixed": pred}
            if hasattr(reasoner, "rollout_halting"):
                answers["halting"] = np.asarray(
                    reasoner.rollout_halting(halting_input, states, t)[0])
            for mode, out in answers.items():
                for h in e.horizons:
                    correct = out == truth[h]
                    rows.append({"condition": {"kind": "curve", "mode": mode, "grid": grid,
                                               "horizon": h, "iterations": t},
                                 "metrics": {"exact": float(correct.all(axis=(1, 2)).mean()),
                                             "cell_acc": float(correct.mean())}})
    with open_dict(cfg):
        cfg.eval.grids = list(e.grids)
        cfg.eval.max_iterations = max(e.iterations)
    cells = defaultdict(list)
    for r in evaluate_halting(cfg, reasoner, tasks, compiled):
        if r["exact"] is not None:  # runs that stabilize within the budget
            cells[(r["halting"], r["grid"])].append(r)
    for (method, grid), rs in sorted(cells.items()):
        rows.append({"condition": {"kind": "until_stable", "mode": method, "grid": grid},
                     "metrics": {"exact": float(np.mean([r["exact"] for r in rs])),
                                 "iterations_used": float(np.mean([r["iterations"] for r in rs])),
                                 "mu_true": float(np.mean([r["mu_true"] for r in rs]))}})
    return rows


def counterfactual(cfg: DictConfig, job_dir: Path) -> list[dict]:
    """H3: train on a restricted family (train.family_radius entries around
    train.family_centre), test on held-out rules inside it ("near") and at least
    experiment.far_distance entries away ("far"); the symbolic reasoner is the reference."""
    reasoner = trained_reasoner(cfg, job_dir)
    centre = int(rule_index(parse_rule(cfg.train.family_centre)))
    heldout = heldout_rule_pool(cfg.task.heldout_fraction)
    pools = {"near": family_pool(heldout, centre, max_distance=cfg.train.family_radius),
             "far": family_pool(heldout, centre, min_distance=cfg.experiment.far_distance)}
    rows = []
    for which, pool in pools.items():
        tasks = make_tasks(cfg.seed, cfg.eval.num_tasks, cfg.task.heldout_fraction, pool=pool,
                           query_grids=list(cfg.eval.grids),
                           query_horizons=list(cfg.eval.horizons), **task_kwargs(cfg))
        compiled = compile_tasks(cfg, tasks)
        for r in (reasoner, SYMBOLIC) if reasoner is not SYMBOLIC else (SYMBOLIC,):
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
