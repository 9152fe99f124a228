"""Experiment jobs on the compiler side (no training): drafts, selection, inconsistency.

Each job function takes the composed config and returns rows
`{"condition": {...}, "metrics": {...}}`: one per inner condition (K, selector,
corruption), each metric a mean over the job's `eval.num_tasks` held-out tasks. The Hydra
sweep axes (proposer, demo horizon, noise, seed) are in the run's overrides; `aggregate`
joins both into the condition.
"""

from __future__ import annotations

from dataclasses import replace

import jax
import numpy as np
from omegaconf import DictConfig

from compiler import SELECTORS, check, compile_task
from compiler.compile import reselect
from experiments.config import compiler_config, task_kwargs
from experiments.evaluate import SYMBOLIC
from experiments.reasoners import build_reasoner
from reasoner import answer
from tasks import make_tasks


def query_tasks(cfg: DictConfig, noise: float | None = None):
    """The job's held-out tasks, each with one query (experiment.query_grid/horizon)."""
    e = cfg.experiment
    kwargs = task_kwargs(cfg)
    if noise is not None:
        kwargs["noise"] = noise
    return make_tasks(cfg.seed, cfg.eval.num_tasks, cfg.task.heldout_fraction,
                      query_grids=[e.query_grid], query_horizons=[e.query_horizon], **kwargs)


def exact_on_queries(reasoner, tasks, voters) -> np.ndarray:
    """`[num_tasks]` bool: the reasoner's answer from `voters[i]` equals task i's truth."""
    states = np.stack([t.queries[0].input for t in tasks])
    truth = np.stack([t.queries[0].answer for t in tasks])
    pred = answer(reasoner, voters, states, tasks[0].queries[0].horizon)
    return (pred == truth).all(axis=(1, 2))


def _key(cfg, task_id: int, salt: int):
    return jax.random.fold_in(jax.random.fold_in(jax.random.key(cfg.seed), salt), task_id)


def _neural(cfg):
    """The compiled neural reasoner (the shipped pretrained one unless checkpoint=)."""
    return build_reasoner(cfg) if cfg.reasoner.name == "neural" else None


def _answers(neural, tasks, voters) -> dict:
    """Query exact accuracy with the symbolic reasoner (and the neural one) from `voters`."""
    out = {"exact_symbolic": float(exact_on_queries(SYMBOLIC, tasks, voters).mean())}
    if neural is not None:
        out["exact_neural"] = float(exact_on_queries(neural, tasks, voters).mean())
    return out


def drafts(cfg: DictConfig, example_hook=None) -> list[dict]:
    """H1: P(true rule among survivors), P(chosen = true), query accuracy vs K drafts."""
    config = compiler_config(cfg)
    tasks = query_tasks(cfg)
    neural = _neural(cfg)
    ks = ([max(cfg.experiment.num_drafts)] if config.proposer == "exhaustive"
          else list(cfg.experiment.num_drafts))
    rows = []
    for k in ks:
        compiled = [compile_task(t.demos, _key(cfg, t.task_id, k), replace(config, num_drafts=k),
                                 truth=t.rule) for t in tasks]
        truth_survives = [bool(((c.drafts == t.rule).all(axis=(1, 2)) & c.survivors).any())
                          for c, t in zip(compiled, tasks, strict=True)]
        chosen_true = [np.array_equal(c.chosen.table, t.rule)
                       for c, t in zip(compiled, tasks, strict=True)]
        metrics = {"p_true_survives": float(np.mean(truth_survives)),
                   "p_chosen_true": float(np.mean(chosen_true)),
                   "p_consistent": float(np.mean([c.consistent_drafts > 0 for c in compiled])),
                   **_answers(neural, tasks, [c.voters for c in compiled])}
        rows.append({"condition": {"num_drafts": k}, "metrics": metrics})
        if example_hook is not None and k == ks[-1]:
            example_hook(tasks[0], compiled[0], neural)
    return rows


def selection(cfg: DictConfig) -> list[dict]:
    """H1: selectors on the same K drafts (random and first ignore the check's ranking)."""
    config = replace(compiler_config(cfg), num_drafts=cfg.experiment.selection_drafts)
    tasks = query_tasks(cfg)
    neural = _neural(cfg)
    compiled = [compile_task(t.demos, _key(cfg, t.task_id, 1), config, truth=t.rule)
                for t in tasks]
    rows = []
    for selector in cfg.experiment.selectors:
        if selector not in SELECTORS:
            from experiments.config import ConfigError
            raise ConfigError(f"experiment.selectors: unknown selector {selector!r}")
        chosen = [reselect(c, selector, t.demos, _key(cfg, t.task_id, 2))
                  for c, t in zip(compiled, tasks, strict=True)]
        metrics = {"p_chosen_true": float(np.mean([np.array_equal(c.chosen.table, t.rule)
                                                   for c, t in zip(chosen, tasks, strict=True)])),
                   **_answers(neural, tasks, [c.voters for c in chosen])}
        rows.append({"condition": {"selector": selector}, "metrics": metrics})
    return rows


def corrupt(table: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """`table` with `m` distinct entries flipped."""
    flat = table.reshape(-1).copy()
    flat[rng.choice(flat.size, size=m, replace=False)] ^= 1
    return flat.reshape(table.shape)


def inconsistency(cfg: DictConfig) -> list[dict]:
    """H3: (a) m corrupted entries of the chosen RuleSet: query accuracy, and how often the
    checker flags the corrupted rule against the demos; (b) demo noise: accuracy, and how
    often no draft reproduces the demos (the checker flags the task)."""
    e = cfg.experiment
    config = compiler_config(cfg)
    neural = _neural(cfg)
    rows = []
    tasks = query_tasks(cfg, noise=0.0)
    compiled = [compile_task(t.demos, _key(cfg, t.task_id, 3), config, truth=t.rule)
                for t in tasks]
    rng = np.random.default_rng([cfg.seed, 0xC0])
    for m in e.corruptions:
        tables = [corrupt(c.chosen.table, m, rng) for c in compiled]
        flagged = [not bool(check(tb[None], [t.demos], with_blame=False).exact[0])
                   for tb, t in zip(tables, tasks, strict=True)]
        rows.append({"condition": {"corruption": "entries", "amount": float(m)},
                     "metrics": {"p_flagged": float(np.mean(flagged)),
                                 **_answers(neural, tasks, [tb[None] for tb in tables])}})
    for noise in e.noises:
        noisy = query_tasks(cfg, noise=float(noise))
        comp = [compile_task(t.demos, _key(cfg, t.task_id, 4), config, truth=t.rule)
                for t in noisy]
        rows.append({"condition": {"corruption": "demo_noise", "amount": float(noise)},
                     "metrics": {"p_flagged": float(np.mean([c.consistent_drafts == 0
                                                             for c in comp])),
                                 "p_chosen_true": float(np.mean(
                                     [np.array_equal(c.chosen.table, t.rule)
                                      for c, t in zip(comp, noisy, strict=True)])),
                                 **_answers(neural, noisy, [c.voters for c in comp])}})
    return rows
