""""Run until stable" queries: iterations used vs the true stabilization time.

For each task and grid size, the truth is the exact executor on the true rule with the
cycle detector: x_mu (the first state that recurs), mu and the period. Each reasoner
answers with (a) the cycle detector on its own discrete state and, for neural reasoners,
(b) its learned halting head. An answer is exact when it is a state of the true final
cycle (for a fixed point: the fixed point). Rows go to `halting.jsonl`.
"""

from __future__ import annotations

from collections import defaultdict

import jax
import jax.numpy as jnp
import numpy as np

from compiler import step_batch
from reasoner import SymbolicReasoner, run_until_cycle

_detect = jax.jit(run_until_cycle, static_argnums=0)


def in_final_cycle(pred, x_mu, tables, period) -> np.ndarray:
    """Whether `pred` equals one of x_mu, ..., x_mu+period-1 under `tables` (per example)."""
    hit = np.zeros(len(pred), bool)
    state = jnp.asarray(x_mu)
    for k in range(int(max(period.max(), 1))):
        hit |= (np.asarray(state) == pred).reshape(len(pred), -1).all(axis=1) & (k < period)
        state = step_batch(jnp.asarray(tables), state)
    return hit


def evaluate_halting(cfg, reasoner, tasks, compiled) -> list[dict]:
    rows = []
    budget = cfg.eval.max_iterations
    truth_tables = np.stack([t.rule for t in tasks])
    for grid in cfg.eval.grids:
        states = np.stack([next(q.input for q in t.queries if q.input.shape[0] == grid)
                           for t in tasks])
        truth = _detect(SymbolicReasoner().step_fn(truth_tables), jnp.asarray(states), budget)
        mu, period = np.asarray(truth.mu), np.asarray(truth.period)
        x_mu = np.asarray(truth.states)
        if reasoner.reads == "demos":
            task_input = (np.stack([t.demos.inputs for t in tasks]),
                          np.stack([t.demos.outputs for t in tasks]))
        else:
            task_input = np.stack([c.chosen.table for c in compiled])
        answers = {}
        if hasattr(reasoner, "step_fn"):  # a discrete state to detect cycles on
            found = _detect_with(reasoner, task_input, states, budget)
            answers["detector"] = (np.asarray(found.states), np.asarray(found.iterations))
        if hasattr(reasoner, "rollout_halting"):
            halted, used = reasoner.rollout_halting(task_input, states, budget)
            answers["learned"] = (np.asarray(halted), np.asarray(used))
        for method, (pred, used) in answers.items():
            exact = in_final_cycle(pred, x_mu, truth_tables, period)
            for i, task in enumerate(tasks):
                rows.append({
                    "domain": cfg.task.name, "task_id": task.task_id, "seed": cfg.seed,
                    "reasoner": reasoner.name, "halting": method, "grid": grid,
                    "horizon": int(mu[i]), "mu_true": int(mu[i]), "period_true": int(period[i]),
                    "iterations": int(used[i]), "exact": bool(exact[i]) if mu[i] >= 0 else None,
                })
    return rows


def _detect_with(reasoner, task_input, states, budget):
    # the step function closes over the reasoner's parameters; jit it per call
    step = reasoner.step_fn(task_input)
    return jax.jit(lambda s: run_until_cycle(step, s, budget))(jnp.asarray(states, jnp.uint8))


def halting_table(rows) -> str:
    """Per (reasoner, method, grid): exact share on runs that stabilize, mean iterations
    used vs mean true stabilization time mu (+ period)."""
    cells = defaultdict(list)
    for r in rows:
        cells[(r["reasoner"], r["halting"], r["grid"])].append(r)
    lines = ["until-stable queries (runs that reach a fixed point or cycle within the budget)",
             "", "| reasoner | halting | grid | stabilizing runs | exact | mean iterations used "
             "| mean true mu | mean true mu + period |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (name, method, grid), rs in sorted(cells.items()):
        ok = [r for r in rs if r["exact"] is not None]
        if not ok:
            lines.append(f"| {name} | {method} | {grid} | 0/{len(rs)} | - | - | - | - |")
            continue
        lines.append(
            f"| {name} | {method} | {grid} | {len(ok)}/{len(rs)} | "
            f"{100 * np.mean([r['exact'] for r in ok]):.1f}% | "
            f"{np.mean([r['iterations'] for r in ok]):.1f} | "
            f"{np.mean([r['mu_true'] for r in ok]):.1f} | "
            f"{np.mean([r['mu_true'] + r['period_true'] for r in ok]):.1f} |")
    return "\n".join(lines)
