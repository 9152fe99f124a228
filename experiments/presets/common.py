"""What the experiment presets share: their tasks, keys, and answering with the symbolic
reasoner (and the compiled neural one) from given voters."""

from __future__ import annotations

from pathlib import Path

import jax
import numpy as np
from omegaconf import DictConfig, OmegaConf, open_dict

from compiler import get_domain
from experiments.core.reasoners import build_reasoner
from experiments.evaluation.queries import make_eval_tasks, symbolic
from experiments.training.loop import run as train
from reasoner import answer, get_spec


def query_tasks(cfg: DictConfig, noise: float | None = None):
    """The job's held-out tasks, each with one query (experiment.query_grid/horizon)."""
    e = cfg.experiment
    return make_eval_tasks(cfg, sizes=[e.query_grid], horizons=[e.query_horizon], noise=noise)


def exact_on_queries(reasoner, tasks, voters) -> np.ndarray:
    """`[num_tasks]` bool: the reasoner's answer from `voters[i]` equals task i's truth."""
    states = np.stack([t.queries[0].input for t in tasks])
    truth = np.stack([t.queries[0].answer for t in tasks])
    pred = answer(reasoner, voters, states, tasks[0].queries[0].horizon)
    correct = get_domain(reasoner.spec.domain).correct(pred, truth)
    return correct.reshape(len(tasks), -1).all(axis=1)


def job_key(cfg, task_id: int, salt: int):
    """The compile key of task `task_id` in a job (salt: which use)."""
    return jax.random.fold_in(jax.random.fold_in(jax.random.key(cfg.seed), salt), task_id)


def compiled_reasoner(cfg):
    """The compiled neural reasoner (the shipped pretrained one unless checkpoint=), or
    None when the job's reasoner is not `neural`."""
    return build_reasoner(cfg) if cfg.reasoner.name == "neural" else None


def answers(cfg, neural, tasks, voters) -> dict:
    """Query exact accuracy with the symbolic reasoner (and the neural one) from `voters`."""
    out = {"exact_symbolic": float(exact_on_queries(symbolic(cfg), tasks, voters).mean())}
    if neural is not None:
        out["exact_neural"] = float(exact_on_queries(neural, tasks, voters).mean())
    return out


def is_true_rule(rule, truth) -> bool:
    return bool(np.array_equal(rule, truth))


def trained_reasoner(cfg: DictConfig, job_dir: Path):
    """The job's reasoner: symbolic, or trained here (resuming) in `job_dir/train` with the
    preset's per-reasoner steps and batch size."""
    if not get_spec(cfg.task.name, cfg.reasoner.name).trainable:
        return symbolic(cfg)
    e, name = cfg.experiment, cfg.reasoner.name
    with open_dict(cfg):
        cfg.train.steps = e.train_steps.get(name, cfg.train.steps)
        cfg.train.batch_size = e.train_batch_size.get(name, cfg.train.batch_size)
        for key, value in e.reasoner_sizes.get(name, {}).items():
            cfg.reasoner[key] = value
    model = train(cfg, job_dir / "train")
    return build_reasoner(cfg, model)


def preset_parameters(cfg: DictConfig) -> dict:
    """What reports quote about a job's setting (read back by experiments.results_md)."""
    t, e = cfg.train, cfg.experiment
    return {"domain": cfg.task.name, "reasoner": cfg.reasoner.name,
            "train_horizon": t.horizon, "train_grid": t.grid,
            "train_steps": e.train_steps.get(cfg.reasoner.name, t.steps),
            "train_batch_size": e.train_batch_size.get(cfg.reasoner.name, t.batch_size),
            "family_centre": t.family_centre, "family_radius": t.family_radius,
            "far_distance": e.far_distance, "query_horizon": e.query_horizon,
            "query_grid": e.query_grid, "num_tasks": cfg.eval.num_tasks,
            "selection_drafts": e.selection_drafts,
            "eval_grids": OmegaConf.to_object(cfg.eval.grids),
            "eval_horizons": OmegaConf.to_object(cfg.eval.horizons)}
