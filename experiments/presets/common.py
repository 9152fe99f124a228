"""What the experiment presets share: their tasks, keys, and answering with the symbolic
reasoner (and the compiled neural one) from given voters."""

from __future__ import annotations

from pathlib import Path

import jax
import numpy as np
from omegaconf import DictConfig, OmegaConf, open_dict

from compiler import get_domain
from compiler.domain import RuleEquivalence
from experiments.core.config import domain_of
from experiments.core.reasoners import build_reasoner
from experiments.evaluation.queries import attempt_metrics, make_eval_tasks, symbolic
from experiments.training.loop import run as train
from reasoner import answer, get_spec


def query_horizons(cfg: DictConfig) -> list[int]:
    """The scored queries' horizons: experiment.query_horizons, or [query_horizon]."""
    e = cfg.experiment
    return list(e.query_horizons) or [e.query_horizon]


def query_tasks(cfg: DictConfig, noise: float | None = None):
    """The job's held-out tasks, with one query per horizon (the domain's preset query sizes,
    e.g. life's `task.query_grid`, and `query_horizons`)."""
    sizes = domain_of(cfg)[1].preset_query_sizes(cfg.task)
    return make_eval_tasks(cfg, sizes=sizes, horizons=query_horizons(cfg), noise=noise)


def query_batches(tasks):
    """(query index j, task indices) batches: query j of every task, grouped by input shape
    (tasks may differ in size), so each batch is one `answer` call."""
    for j in range(len(tasks[0].queries)):
        for shape in sorted({np.shape(t.queries[j].input) for t in tasks}):
            yield j, [i for i, t in enumerate(tasks) if np.shape(t.queries[j].input) == shape]


def batched_answers(reasoner, tasks, voters) -> list[list[np.ndarray]]:
    """Per task, per query: the answer from `voters[i]` (one `answer` call per batch)."""
    out = [[None] * len(t.queries) for t in tasks]
    for j, idx in query_batches(tasks):
        states = np.stack([tasks[i].queries[j].input for i in idx])
        pred = answer(reasoner, [voters[i] for i in idx], states, tasks[idx[0]].queries[j].horizon)
        for i, p in zip(idx, pred, strict=True):
            out[i][j] = p
    return out


def query_outcomes(reasoner, tasks, voters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (task, query): exact, the share of scored units answered (not `undetermined`),
    and the share of answered units right; `[num_tasks, queries]` each."""
    domain = get_domain(reasoner.spec.domain)
    n, queries = len(tasks), len(tasks[0].queries)
    exact, coverage, accuracy = (np.zeros((n, queries), bool), np.zeros((n, queries)),
                                 np.zeros((n, queries)))
    preds = batched_answers(reasoner, tasks, voters)
    for j, idx in query_batches(tasks):
        pred = np.stack([preds[i][j] for i in idx])
        truth = np.stack([tasks[i].queries[j].answer for i in idx])
        correct = domain.correct(pred, truth).reshape(len(idx), -1)
        scored = domain.scored(truth).reshape(len(idx), -1)
        committed = domain.committed(pred).reshape(len(idx), -1) & scored
        exact[idx, j] = correct.all(axis=1)
        coverage[idx, j] = committed.sum(axis=1) / np.maximum(scored.sum(axis=1), 1)
        accuracy[idx, j] = (correct & committed).sum(axis=1) / np.maximum(committed.sum(axis=1), 1)
    return exact, coverage, accuracy


def exact_on_queries(reasoner, tasks, voters) -> np.ndarray:
    """`[num_tasks]` share of task i's queries the reasoner answers exactly from `voters[i]`."""
    return query_outcomes(reasoner, tasks, voters)[0].mean(axis=1)


def job_key(cfg, task_id: int, salt: int):
    """The compile key of task `task_id` in a job (salt: which use)."""
    return jax.random.fold_in(jax.random.fold_in(jax.random.key(cfg.seed), salt), task_id)


def compiled_reasoner(cfg):
    """The compiled neural reasoner (the shipped pretrained one unless checkpoint=), or
    None when the job's reasoner is not `neural`."""
    return build_reasoner(cfg) if cfg.reasoner.name == "neural" else None


def answers(cfg, neural, tasks, voters, compiled=None) -> dict:
    """Query exact accuracy with the symbolic reasoner (and the neural one) from `voters`;
    the share of scored units answered (`coverage`: < 1 where a vote says `undetermined`)
    and the accuracy on those (`acc_answered`). Where the domain answers with several
    attempts (its `attempts` N > 1, e.g. ARC's 2) and the `compiled` tasks are given, also
    `pass_at_N` (one of the N best-supported distinct answers exact) and the mean
    `undetermined_cells` (cells where the surviving drafts' answers disagree)."""
    reasoner = symbolic(cfg)
    exact, coverage, accuracy = query_outcomes(reasoner, tasks, voters)
    out = {"exact_symbolic": float(exact.mean()), "coverage": float(coverage.mean()),
           "acc_answered": float(np.average(accuracy, weights=np.maximum(coverage, 1e-9)))}
    attempts = domain_of(cfg)[1].attempts
    if attempts > 1 and compiled is not None:
        scored = [attempt_metrics(reasoner, c, q, q.horizon, attempts)
                  for c, t in zip(compiled, tasks, strict=True) for q in t.queries]
        out[f"pass_at_{attempts}"] = float(np.mean([m[f"pass_at_{attempts}"] for m in scored]))
        out["undetermined_cells"] = float(np.mean([m["undetermined_cells"] for m in scored]))
    if neural is not None:
        out["exact_neural"] = float(exact_on_queries(neural, tasks, voters).mean())
    return out


def is_true_rule(compiled, task) -> bool | None:
    """The chosen RuleSet computes what the task's hidden one does (life: the same table;
    logic: the same answers from every admissible fact set); None where the task has no
    rule or the domain cannot compare rules."""
    if task.rule is None or not isinstance(compiled.domain, RuleEquivalence):
        return None
    return bool(compiled.domain.equivalent(compiled.chosen[None], task.rule, task.demos)[0])


def per_reasoner(cfg: DictConfig, table, default):
    """A per-reasoner preset value: `DOMAIN_NAME` (e.g. `logic_latent`), else `NAME`."""
    name = cfg.reasoner.name
    return table.get(f"{cfg.task.name}_{name}", table.get(name, default))


def trained_reasoner(cfg: DictConfig, job_dir: Path):
    """The job's reasoner: symbolic, or trained here (resuming) in `job_dir/train` with the
    preset's per-reasoner steps and batch size."""
    if not get_spec(cfg.task.name, cfg.reasoner.name).trainable:
        return symbolic(cfg)
    e = cfg.experiment
    with open_dict(cfg):
        cfg.train.steps = per_reasoner(cfg, e.train_steps, cfg.train.steps)
        cfg.train.batch_size = per_reasoner(cfg, e.train_batch_size, cfg.train.batch_size)
        cfg.train.lr = per_reasoner(cfg, e.train_lr, cfg.train.lr)
        for key, value in per_reasoner(cfg, e.reasoner_sizes, {}).items():
            cfg.reasoner[key] = value
    model = train(cfg, job_dir / "train")
    return build_reasoner(cfg, model)


def preset_parameters(cfg: DictConfig) -> dict:
    """What reports quote about a job's setting (read back by experiments.results_md): the
    generic settings and the domain's own (`TaskDomain.report_parameters`)."""
    t, e = cfg.train, cfg.experiment
    return {"domain": cfg.task.name, "reasoner": cfg.reasoner.name,
            "train_horizon": t.horizon,
            "train_steps": per_reasoner(cfg, e.train_steps, t.steps),
            "train_batch_size": per_reasoner(cfg, e.train_batch_size, t.batch_size),
            "train_lr": per_reasoner(cfg, e.train_lr, t.lr),
            **domain_of(cfg)[1].report_parameters(cfg.task),
            "query_horizon": e.query_horizon, "query_horizons": query_horizons(cfg),
            "num_tasks": cfg.eval.num_tasks,
            "selection_drafts": e.selection_drafts,
            "eval_grids": OmegaConf.to_object(cfg.eval.grids),
            "eval_horizons": OmegaConf.to_object(cfg.eval.horizons)}
