"""The training loop behind `python -m experiments.train` (the app is experiments/train.py).

Sections: setup, data, step, checkpoint/resume, loop, final evaluation. Data for step s
depends only on (seed, s) and the per-step key is `fold_in(data_key, s)`, so a resumed run
retraces the uninterrupted one exactly. Rerunning in the same run directory resumes from
the latest checkpoint.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from omegaconf import DictConfig, OmegaConf
from tqdm import tqdm

from experiments.core.checkpointing import Checkpointer
from experiments.core.cli import NonFiniteLoss
from experiments.core.config import ConfigError, validate
from experiments.core.mesh import data_mesh, replicate, shard_batch
from experiments.core.metrics import MetricsLog
from experiments.core.reasoners import new_model
from experiments.core.runio import append_jsonl, params_sha256, read_jsonl, write_jsonl_atomic
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


def make_train_step(graphdef, tx, data_key, t: DictConfig, spec, batch_fn, mesh=None):
    """The jitted step: the batch of step s made from (seed, s), then `make_update`'s step."""
    batch_kwargs, update = make_update(graphdef, tx, t, spec)

    @jax.jit
    def train_step(params, opt_state, pool, step, first_bad):
        # the whole global batch is generated from (seed, step), then sharded over "data":
        # the numbers do not depend on the number of devices
        key = jax.random.fold_in(data_key, step)
        batch = batch_fn(key, pool, **batch_kwargs)
        batch = shard_batch(batch, mesh)
        params, opt_state, loss, metrics = update(params, opt_state, batch,
                                                  jax.random.fold_in(key, 1), step)
        metrics = {"loss": loss, **metrics}
        # the first non-finite step and its loss stay on the device (no per-step host sync)
        bad_now = (first_bad[0] < 0) & ~jnp.isfinite(loss)
        first_bad = jnp.where(bad_now, jnp.stack([step.astype(jnp.float32), loss]), first_bad)
        return params, opt_state, metrics, first_bad

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
    train_step: object  # jitted (params, opt_state, pool, step, first_bad) -> ...


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
    step = make_train_step(graphdef, tx, data_key, t, spec, batch_fn, mesh)
    return TrainingSetup(mesh, graphdef, params, tx.init(params), schedule, pool, data_key, step)


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

    # --- setup: mesh, model, optimizer, keys -------------------------------------------
    setup = build_training(cfg)
    graphdef, params, opt_state = setup.graphdef, setup.params, setup.opt_state
    mesh, pool, data_key = setup.mesh, setup.pool, setup.data_key
    schedule, train_step = setup.schedule, setup.train_step

    # --- resume ------------------------------------------------------------------------
    checkpointer = Checkpointer(run_dir / "checkpoints")
    metrics_path = run_dir / "metrics.jsonl"
    start = checkpointer.latest_step() or 0
    if start:
        params, opt_state, meta = checkpointer.restore(start, params, opt_state, mesh)
        if meta["seed"] != cfg.seed:
            raise ConfigError(f"{run_dir} was trained with seed={meta['seed']}, not {cfg.seed}")
        print(f"resuming from step {start} in {run_dir}", file=sys.stderr)
    params, opt_state = replicate((params, opt_state), mesh)
    # rows past the restored step were produced after the last checkpoint: redo them
    rows = [r for r in read_jsonl(metrics_path) if r.get("step", 0) <= start and "params_sha256" not in r]
    write_jsonl_atomic(metrics_path, rows)
    metrics_log = MetricsLog(run_dir, tensorboard=t.tensorboard, resume_step=start)

    def save(step):
        meta = {"step": step, "seed": cfg.seed,
                "data_key": np.asarray(jax.random.key_data(data_key)).tolist()}
        checkpointer.save(step, params, opt_state, meta)

    # --- loop --------------------------------------------------------------------------
    end = t.steps if stop_at is None else min(stop_at, t.steps)
    started = time.perf_counter()
    step = start
    first_bad = jnp.array([-1.0, 0.0])  # (step, loss) of the first non-finite loss

    def check_finite():
        bad_step, bad_loss = (float(v) for v in first_bad)
        if bad_step >= 0:
            raise NonFiniteLoss(f"non-finite loss {bad_loss} at step {int(bad_step) + 1}; "
                                f"training stopped, last good checkpoint: step "
                                f"{checkpointer.latest_step() or 'none'}")
    try:
        with tqdm(total=t.steps, initial=start, desc="train", unit="step",
                  disable=None, dynamic_ncols=True) as bar:
            while step < end:
                params, opt_state, metrics, first_bad = train_step(
                    params, opt_state, pool, jnp.asarray(step, jnp.int32), first_bad)
                step += 1
                bar.update(1)
                if step % t.log_every == 0 or step == end:
                    check_finite()
                    row = {k: float(v) for k, v in metrics.items()}
                    row = {"step": step, **row, "lr": float(schedule(step - 1)),
                           "elapsed_s": round(time.perf_counter() - started, 3)}
                    metrics_log.write(row)
                    bar.set_postfix(loss=f"{row['loss']:.4f}", exact=f"{row['exact']:.3f}")
                if step % t.checkpoint_every == 0 or step == end:
                    check_finite()  # a checkpoint never holds parameters past a bad step
                    save(step)
    except KeyboardInterrupt:
        if step > (checkpointer.latest_step() or 0):
            check_finite()
            save(step)
        checkpointer.close()
        print(f"interrupted at step {step}; checkpoint saved. Rerun the same command to resume.",
              file=sys.stderr)
        raise
    finally:  # the event file is flushed however the loop ends (a non-finite loss too)
        metrics_log.close()
    checkpointer.close()
    if step >= t.steps:
        append_jsonl(metrics_path, {"step": step, "final": True,
                                    "train_wall_s": round(time.perf_counter() - started, 3),
                                    "params_sha256": params_sha256(params)})
    return nnx.merge(graphdef, params)

