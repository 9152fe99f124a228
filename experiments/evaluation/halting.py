""""Run until stable" queries: iterations used vs the true stabilization time.

For each task and grid size, the truth is the exact executor on the true rule with the
cycle detector: x_mu (the first state that recurs), mu and the period. Each reasoner
answers with (a) the cycle detector on its own discrete state and, for neural reasoners,
(b) its learned halting head. An answer is exact when it is a state of the true final
cycle (for a fixed point: the fixed point). Tasks without a hidden rule (the domain gives
answers only) are scored against their query's answer, and `mu_true`/`period_true` are
None. Rows go to `halting.jsonl`.
"""

from __future__ import annotations

import weakref

import jax
import jax.numpy as jnp
import numpy as np

from compiler import get_domain
from experiments.evaluation.queries import demo_inputs, query_buckets, symbolic
from reasoner import run_until_cycle

# one jitted detector per reasoner object (its step closes over the parameters), reused
# across calls: the task and the budget are traced arguments
_DETECTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def detect(reasoner, task_input, states, budget):
    """Brent's cycle detection on `reasoner`'s own discrete state (spec.discrete)."""
    if reasoner not in _DETECTORS:
        _DETECTORS[reasoner] = jax.jit(
            lambda task, s, n: run_until_cycle(reasoner.step_fn(task), s, n))
    task = (tuple(jnp.asarray(t) for t in task_input) if isinstance(task_input, tuple)
            else jnp.asarray(task_input))
    return _DETECTORS[reasoner](task, jnp.asarray(states, jnp.uint8), jnp.asarray(budget, jnp.int32))


def in_final_cycle(domain, pred, x_mu, rules, period) -> np.ndarray:
    """Whether `pred` equals one of x_mu, ..., x_mu+period-1 under `rules` (per example)."""
    hit = np.zeros(len(pred), bool)
    state = jnp.asarray(x_mu)
    for k in range(int(max(period.max(), 1))):
        hit |= (np.asarray(state) == pred).reshape(len(pred), -1).all(axis=1) & (k < period)
        state = domain.run_batch(rules, state, 1)
    return hit


def query_inputs(tasks):
    """(size, task indices, `[B, ...]` inputs, the first query asked on them) of every
    distinct batch of query inputs, batched by shape: life asks every horizon of one grid
    size on one input, logic has its own input per proof depth."""
    out = []
    for grid, shape, members in query_buckets(tasks):
        qs = [[q for q in tasks[i].queries if q.size == grid and np.shape(q.input) == shape]
              for i in members]
        seen = set()
        for j in range(min(len(q) for q in qs)):
            states = np.stack([q[j].input for q in qs])
            if states.tobytes() not in seen:
                seen.add(states.tobytes())
                out.append((grid, members, states, [q[j] for q in qs]))
    return out


def evaluate_halting(cfg, reasoner, tasks, compiled, budgets=None) -> list[dict]:
    """Rows per (task, method, grid[, budget]): the reasoner's "until stable" answer with an
    iteration budget (each of `budgets`, default `eval.max_iterations`) against the true
    final cycle, which is found with the largest budget (or, for tasks without a hidden
    rule, against the query's answer)."""
    rows = []
    budget = max([cfg.eval.max_iterations, *(budgets or [])])
    domain = get_domain(cfg.task.name)
    exact_executor = symbolic(cfg)
    with_rules = all(t.rule is not None for t in tasks)
    for grid, members, states, asked in query_inputs(tasks):
        subset = [tasks[i] for i in members]
        if reasoner.spec.reads == "demos":
            task_input = demo_inputs(cfg, reasoner, subset)
        else:
            task_input = np.stack([compiled[i].chosen for i in members])
        if with_rules:
            truth_rules = np.stack([t.rule for t in subset])
            truth = detect(exact_executor, truth_rules, states, budget)
            mu, period = np.asarray(truth.mu), np.asarray(truth.period)
            x_mu = np.asarray(truth.states)
        for limit in budgets or [budget]:
            answers = {}
            if reasoner.spec.discrete:  # a discrete state to detect cycles on
                found = detect(reasoner, task_input, states, limit)
                answers["detector"] = (np.asarray(found.states), np.asarray(found.iterations))
            if reasoner.spec.halts:
                halted, used = reasoner.rollout_halting(task_input, states, limit)
                answers["learned"] = (np.asarray(halted), np.asarray(used))
            for method, (pred, used) in answers.items():
                if with_rules:
                    exact = in_final_cycle(domain, pred, x_mu, truth_rules, period)
                else:
                    exact = np.array([bool(domain.correct(p, q.answer)[domain.scored(q.answer)].all())
                                      for p, q in zip(pred, asked, strict=True)])
                for k, task in enumerate(subset):
                    known = with_rules and mu[k] >= 0
                    row = {"domain": cfg.task.name, "task_id": task.task_id, "seed": cfg.seed,
                           "reasoner": reasoner.name, "halting": method, "grid": grid,
                           "horizon": int(mu[k]) if with_rules else None,
                           "query": int(asked[0].horizon),
                           "mu_true": int(mu[k]) if with_rules else None,
                           "period_true": int(period[k]) if with_rules else None,
                           "iterations": int(used[k]),
                           "exact": bool(exact[k]) if known or not with_rules else None}
                    if budgets:
                        row["budget"] = int(limit)
                    rows.append(row)
    return rows
