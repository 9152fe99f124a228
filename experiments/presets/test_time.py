"""H4, test-time computation: exact accuracy of the answer after T iterations vs the truth
at horizon h, for T in experiment.iterations, h in experiment.horizons, per query size; for a
fixed T ("fixed") and, where the reasoner has a halting head, with T as its budget
("halting"). Plus "run until stable": the answer with each budget T (learned halting head,
and the cycle detector on the reasoner's own state) against the true final cycle, and
iterations used vs the true stabilization time mu.

The job trains its reasoner in `JOB/train` (resumable; nothing to train for symbolic).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
from omegaconf import DictConfig, open_dict

from experiments.core.config import domain_of
from experiments.evaluation.halting import evaluate_halting
from experiments.evaluation.queries import (
    compile_tasks,
    demo_inputs,
    make_eval_tasks,
    query_sizes,
    run_reasoner,
)
from experiments.presets.common import trained_reasoner


def run(cfg: DictConfig, job_dir: Path) -> list[dict]:
    e = cfg.experiment
    domain, task_domain = domain_of(cfg)
    reasoner = trained_reasoner(cfg, job_dir)
    tasks = make_eval_tasks(cfg, sizes=e.grids, horizons=e.horizons)
    compiled = compile_tasks(cfg, tasks)
    voters = [c.voters for c in compiled]
    demos = demo_inputs(cfg, reasoner, tasks)
    resumable = reasoner.spec.resumable and all(len(v) == 1 for v in voters)
    halting_input = demos if reasoner.spec.reads == "demos" else np.stack([c.chosen for c in compiled])
    rows = []
    for grid in query_sizes(tasks):
        queries = [[q for q in t.queries if q.size == grid] for t in tasks]
        asked = {h: [next(q for q in qs if q.horizon == h) for qs in queries] for h in e.horizons}
        # horizons whose queries share one input (life: all of them; logic: one per depth)
        by_input: dict[bytes, list] = {}
        for h in e.horizons:
            by_input.setdefault(np.stack([q.input for q in asked[h]]).tobytes(), []).append(h)
        for horizons in by_input.values():
            states = np.stack([q.input for q in asked[horizons[0]]])
            truth = {h: np.stack([q.answer for q in asked[h]]) for h in horizons}
            pred, done = states, 0
            for t in sorted(e.iterations):
                if resumable:
                    pred = run_reasoner(reasoner, demos, voters, pred, t - done)
                    done = t
                else:
                    pred = run_reasoner(reasoner, demos, voters, states, t)
                answers = {"fixed": pred}
                if reasoner.spec.halts:
                    answers["halting"] = np.asarray(
                        reasoner.rollout_halting(halting_input, states, t)[0])
                for mode, out in answers.items():
                    for h in horizons:
                        correct = domain.correct(out, truth[h])
                        scored = domain.scored(truth[h]).reshape(len(tasks), -1)
                        correct = correct.reshape(len(tasks), -1)
                        rows.append({"condition": {"kind": "curve", "mode": mode, "grid": grid,
                                                   "horizon": h, "iterations": t},
                                     "metrics": {"exact": float(correct.all(axis=1).mean()),
                                                 "cell_acc": float(correct[scored].mean())}})
    with open_dict(cfg):
        cfg.eval.grids = list(e.grids)
        cfg.eval.max_iterations = max(e.iterations)
    cells = defaultdict(list)
    budgets = sorted(e.iterations)
    for r in evaluate_halting(cfg, reasoner, tasks, compiled, budgets=budgets):
        if r["exact"] is not None:  # runs that stabilize within the largest budget
            cells[(r["halting"], r["grid"], r["budget"])].append(r)
    by_query = defaultdict(list)
    for (method, grid, budget), rs in cells.items():
        for r in rs:
            if budget == budgets[-1]:
                by_query[(method, grid, r["query"])].append(r)
    if len({q for _, _, q in by_query}) > 1:  # one input per horizon (logic: per proof depth)
        for (method, grid, query), rs in sorted(by_query.items()):
            rows.append({"condition": {"kind": "until_stable_depth", "mode": method, "grid": grid,
                                       "horizon": query},
                         "metrics": {"exact": float(np.mean([r["exact"] for r in rs])),
                                     "iterations_used": float(np.mean([r["iterations"] for r in rs])),
                                     "mu_true": float(np.mean([r["mu_true"] for r in rs]))}})
    for (method, grid, budget), rs in sorted(cells.items()):
        metrics = {"exact": float(np.mean([r["exact"] for r in rs])),
                   "iterations_used": float(np.mean([r["iterations"] for r in rs])),
                   "mu_true": float(np.mean([r["mu_true"] for r in rs]))}
        # until-stable accuracy against the iteration budget (the H4 figure's right panel)
        rows.append({"condition": {"kind": "until_stable_budget", "mode": method, "grid": grid,
                                   "iterations": budget}, "metrics": metrics})
        if budget == budgets[-1]:
            rows.append({"condition": {"kind": "until_stable", "mode": method, "grid": grid},
                         "metrics": metrics})
    return rows
