"""The proposer nets in the one training loop (experiments/training/fit.py), and what every
domain's proposer trainer shares.

A domain trainer (the module its learned proposers name, `LearnedProposer.trainer`, or
experiments/training/<domain>_proposer.py) builds a `ProposerRun` (the net, its optimizer,
the NumPy generator its data come from, a JAX key, and any state it carries from step to
step, e.g. the drafts the checker accepted) and a `step(run, s) -> metrics`; `fit` runs the
steps in the one loop: the non-finite-loss guard, per-step keys (`run.step_key`, the
loop's `fold_in(run.key, s)`), the metrics rows (metrics.jsonl, TensorBoard: the `log`
callback) and, with a `run_dir`, checkpoints every `checkpoint_every` steps (Orbax: the
net's parameters and the optimizer's state; JSON: the generator's and the key's state, the
carried state), from which a rerun in the same directory resumes to the parameters of an
uninterrupted run. `new_run`, `gradient_step`, `pass_rates` and `measured` are the pieces
every trainer's `train`, `train_self_taught`, `pass_at_k` and `train_and_measure` share.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import jax
import numpy as np
from flax import nnx

from experiments.training import fit as loop
from experiments.training.fit import Trainer


@dataclass
class ProposerRun(Trainer):
    model: nnx.Module
    optimizer: nnx.Optimizer
    rng: np.random.Generator
    key: jax.Array = field(default_factory=lambda: jax.random.key(0))
    carried: dict = field(default_factory=dict)  # JSON-able: lists of int lists, numbers
    # the running step's key, fold_in(key, s): set by the loop before each step
    step_key: jax.Array | None = field(default=None, init=False, repr=False)
    step_fn: Callable | None = field(default=None, init=False, repr=False)  # step(run, s)

    def step(self, s, key):
        self.step_key = key
        return self.step_fn(self, s)

    def save(self, checkpointer, step, meta):
        checkpointer.save(step, nnx.to_pure_dict(nnx.state(self.model, nnx.Param)),
                          nnx.to_pure_dict(nnx.state(self.optimizer)),
                          {"rng": self.rng.bit_generator.state, "key": _key_data(self.key),
                           "carried": self.carried, **meta})

    def restore(self, checkpointer, step):
        params, opt_state = nnx.state(self.model, nnx.Param), nnx.state(self.optimizer)
        saved_params, saved_opt, meta = checkpointer.restore(step, nnx.to_pure_dict(params),
                                                             nnx.to_pure_dict(opt_state))
        nnx.replace_by_pure_dict(params, saved_params)
        nnx.replace_by_pure_dict(opt_state, saved_opt)
        nnx.update(self.model, params)
        nnx.update(self.optimizer, opt_state)
        self.rng.bit_generator.state = meta["rng"]
        self.key = jax.random.wrap_key_data(np.asarray(meta["key"], np.uint32))
        self.carried = meta["carried"]
        return meta

    def params(self):
        return nnx.state(self.model, nnx.Param)


def _key_data(key) -> list:
    return np.asarray(jax.random.key_data(key)).tolist()


def fit(run: ProposerRun, step, steps: int, log_every: int = 100, progress=print, log=None,
        run_dir=None, checkpoint_every: int = 0) -> nnx.Module:
    """Run `step(run, s)` for s in [start, steps) in the one loop (start: 0, or the latest
    checkpoint's step in `run_dir`); every `log_every` steps, the mean of each metric since
    the last report. Returns the trained net."""
    run.step_fn = step
    loop.fit(run, steps, log_every, progress, log, run_dir, checkpoint_every, bar=False)
    return run.model


def new_run(model: nnx.Module, transform, rng_seed, key=None, carried=None) -> ProposerRun:
    """A run of the fresh net `model` with an optimizer of the optax `transform` on its
    parameters and a NumPy generator seeded with `rng_seed` (e.g. `[seed, salt]`)."""
    optimizer = nnx.Optimizer(model, transform, wrt=nnx.Param)
    return ProposerRun(model, optimizer, np.random.default_rng(rng_seed),
                       jax.random.key(0) if key is None else key, carried or {})


def gradient_step(loss_fn):
    """The jitted `update(model, optimizer, *batch) -> loss`: one optimizer step on
    `loss_fn(model, *batch)`."""

    @nnx.jit
    def update(model, optimizer, *batch):
        loss, grads = nnx.value_and_grad(lambda m: loss_fn(m, *batch))(model)
        optimizer.update(model, grads)
        return loss

    return update


def pass_rates(first_hit: np.ndarray, ks) -> dict:
    """`{pass@k: share of tasks}` from each task's rank of its first right draft (a rank of
    max(ks) or more: none among the drafts looked at)."""
    first_hit = np.asarray(first_hit)
    return {f"pass@{k}": float((first_hit < k).mean()) for k in ks}


def measured(args, train, measure, width: int, batch: int, log=None, meta=None, **train_args):
    """`train_and_measure`'s common part: `train(seed, steps, batch, width=..., log=...,
    run_dir=--log-dir, checkpoint_every=..., **train_args)` timed, then `measure(model) ->
    (pass@K rows, held-out tasks)`: (the net, its meta.json with `meta`'s entries first)."""
    started = time.perf_counter()
    model = train(args.seed, args.steps, batch, width=width, log=log, run_dir=args.log_dir,
                  checkpoint_every=args.checkpoint_every, **train_args)
    seconds = time.perf_counter() - started
    results, heldout = measure(model)
    return model, {**(meta or {}), "width": width, "steps": args.steps, "batch": batch,
                   "seed": args.seed, "self_taught": args.self_taught,
                   "train_seconds": round(seconds, 1), "heldout_tasks": heldout,
                   "pass_at_k": results}
