"""The reasoners' trainer behind `python -m experiments.train` (the app is
experiments/train.py), in the one training loop of experiments/training/fit.py.

Sections: setup, data, step, the trainer (checkpoint and resume), run. Data for step s
depend only on (seed, s): the loop's per-step key is `fold_in(data_key, s)`, so a resumed
run retraces the uninterrupted one exactly. Rerunning in the same run directory resumes
from the latest checkpoint.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from omegaconf import DictConfig, OmegaConf

from experiments.core.config import ConfigError, validate
from experiments.core.mesh import data_mesh, replicate, shard_batch
from experiments.core.metrics import MetricsLog
from experiments.core.reasoners import new_model
from experiments.training.fit import Trainer, fit, resume_step
from reasoner import get_spec
from tasks import get_tasks
from tasks.domain import TrainingTasks


def make_optimizer(t: DictConfig):
    warmup = max(0, min(t.warmup, t.steps - 1))  # optax needs a decay phase of >= 1 step
    schedule = optax.warmup_cosine_decay_schedule(
        0.0, t.lr, warmup, max(t.steps, warmup + 1), end_value=t.lr * t.final_lr_fraction)
    return optax.chain(optax.clip_by_global_norm(t.clip), optax.adam(schedule)), schedule


def make_update(graphdef, tx, t: DictConfig, spec):
    """(the `training_batch` arguments the loss needs, `update(params, opt_state, batch, key,
    step) -> (params, opt_state, loss, metrics)`): one gradient and optimizer step on a given
    batch for reasoner `spec` (its registry entry names its loss)."""
    batch_kwargs, loss_fn = spec.loss(graphdef, t, reads_demos=spec.reads == "demos")

    def update(params, opt_state, batch, key, step):
        (loss, metrics), grads = jax.value_and_grad(loss_fn, has_aux=True)(
            params, batch, key, step)
        updates, opt_state = tx.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss, metrics

    return batch_kwargs, update


def make_train_step(graphdef, tx, t: DictConfig, spec, batch_fn, mesh=None):
    """The jitted step: the batch of step s made from its key (the loop's
    `fold_in(data_key, s)`), then `make_update`'s step."""
    batch_kwargs, update = make_update(graphdef, tx, t, spec)

    @jax.jit
    def train_step(params, opt_state, pool, key, step):
        # the whole global batch is generated from (seed, step), then sharded over "data":
        # the numbers do not depend on the number of devices
        batch = batch_fn(key, pool, **batch_kwargs)
        batch = shard_batch(batch, mesh)
        params, opt_state, loss, metrics = update(params, opt_state, batch,
                                                  jax.random.fold_in(key, 1), step)
        return params, opt_state, {"loss": loss, **metrics}

    return train_step


def training_tasks(cfg: DictConfig) -> TrainingTasks:
    """The task domain, if its tasks can train a reasoner (a declared capability)."""
    tasks = get_tasks(cfg.task.name)
    if not isinstance(tasks, TrainingTasks):
        raise ConfigError(f"task={cfg.task.name} generates no training rules: its reasoners "
                          "have nothing to train on")
    return tasks


def training_pool(cfg: DictConfig):
    """What training draws its rules from: the task domain's training split (life: within
    `task.family_radius` entries of `task.family_centre`)."""
    try:
        return training_tasks(cfg).training_pool(cfg.task, cfg.seed)
    except ValueError as err:
        raise ConfigError(str(err)) from None


@dataclass
class TrainingSetup:
    mesh: object
    graphdef: object
    params: object
    opt_state: object
    schedule: object
    pool: object  # the domain's training pool (a pytree of arrays)
    data_key: jax.Array
    train_step: object  # jitted (params, opt_state, pool, key, step) -> (params, opt_state, metrics)


# The setups of the last few configs this process trained: a second run of a config (a
# rerun that resumes, an in-process sweep, the tests) reuses its rule pool and jitted step
# instead of generating the pool and tracing the step again (seconds each; logic's pool
# alone ~1.5 s). Everything in a setup is a pure function of the config and the devices,
# and JAX arrays are immutable, so a reused setup trains exactly as a new one.
_SETUPS: dict[str, TrainingSetup] = {}
_SETUPS_KEPT = 2


def build_training(cfg: DictConfig) -> TrainingSetup:
    """Mesh, fresh model and optimizer state, training rule pool and the jitted step."""
    key = OmegaConf.to_yaml(cfg, resolve=True)
    if key not in _SETUPS:
        while len(_SETUPS) >= _SETUPS_KEPT:
            _SETUPS.pop(next(iter(_SETUPS)))
        _SETUPS[key] = new_training(cfg)
    return _SETUPS[key]


def new_training(cfg: DictConfig) -> TrainingSetup:
    """A setup built afresh (what `build_training` keeps)."""
    t = cfg.train
    mesh = data_mesh()
    if mesh is not None and t.batch_size % mesh.size:
        raise ConfigError(f"train.batch_size={t.batch_size} must be a multiple of the "
                          f"{mesh.size} devices of the data mesh")
    graphdef, params = nnx.split(new_model(cfg, cfg.seed))
    tx, schedule = make_optimizer(t)
    data_key = jax.random.fold_in(jax.random.key(cfg.seed), 1)
    pool = training_pool(cfg)
    spec = get_spec(cfg.task.name, cfg.reasoner.name)
    batch_fn = training_tasks(cfg).batch_fn(cfg.task, t.batch_size, t.horizon)
    step = make_train_step(graphdef, tx, t, spec, batch_fn, mesh)
    return TrainingSetup(mesh, graphdef, params, tx.init(params), schedule, pool, data_key, step)


class ReasonerTrainer(Trainer):
    """A reasoner's functional state (parameters, optimizer state) in the one loop."""

    atomic_steps = True  # the state is replaced when a step returns

    def __init__(self, cfg: DictConfig, setup: TrainingSetup, run_dir):
        self.cfg, self.setup, self.run_dir = cfg, setup, run_dir
        self.key = setup.data_key
        self.state = replicate((setup.params, setup.opt_state), setup.mesh)

    def step(self, s, key):
        params, opt_state = self.state
        params, opt_state, metrics = self.setup.train_step(
            params, opt_state, self.setup.pool, key, jnp.asarray(s, jnp.int32))
        self.state = (params, opt_state)
        return metrics

    def save(self, checkpointer, step, meta):
        checkpointer.save(step, *self.state, {
            "step": step, "seed": self.cfg.seed,
            "data_key": np.asarray(jax.random.key_data(self.key)).tolist(), **meta})

    def restore(self, checkpointer, step):
        params, opt_state, meta = checkpointer.restore(step, self.setup.params,
                                                       self.setup.opt_state, self.setup.mesh)
        if meta["seed"] != self.cfg.seed:
            raise ConfigError(f"{self.run_dir} was trained with seed={meta['seed']}, not {self.cfg.seed}")
        self.state = replicate((params, opt_state), self.setup.mesh)
        return meta

    def params(self):
        return self.state[0]

    def logged(self, step):
        return {"lr": float(self.setup.schedule(step - 1))}


def run(cfg: DictConfig, run_dir, stop_at: int | None = None):
    """Train in `run_dir` (resuming if it holds a checkpoint); return the trained model.

    `stop_at` ends this invocation after that step with a checkpoint, as an interruption
    would; rerunning the same config then resumes.
    """
    validate(cfg)
    if not get_spec(cfg.task.name, cfg.reasoner.name).trainable:
        raise ConfigError(f"reasoner={cfg.reasoner.name} has nothing to train; use reasoner=neural "
                          "or reasoner=end_to_end")
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    t = cfg.train
    trainer = ReasonerTrainer(cfg, build_training(cfg), run_dir)
    metrics_log = MetricsLog(run_dir, tensorboard=t.tensorboard, resume_step=resume_step(run_dir))
    try:  # the event file is flushed however the loop ends (a non-finite loss too)
        fit(trainer, t.steps, t.log_every, progress=None, log=metrics_log.write, run_dir=run_dir,
            checkpoint_every=t.checkpoint_every, stop_at=stop_at,
            say=lambda line: print(line, file=sys.stderr), save_on_interrupt=True)
    finally:
        metrics_log.close()
    return nnx.merge(trainer.setup.graphdef, trainer.params())
