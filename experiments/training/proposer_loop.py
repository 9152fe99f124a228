"""The one training loop of the learned proposers, for every domain and both ways of training
(supervised by the true rules, or self-taught on the checker's verdicts).

A domain trainer (experiments/training/<domain>_proposer.py) builds a `ProposerRun` (the
net, its optimizer, the NumPy generator its data come from, a JAX key, and any state it
carries from step to step, e.g. the drafts the checker accepted) and a `step(run, s) ->
metrics`; `fit` runs the steps with a progress line and the metrics rows (metrics.jsonl,
TensorBoard) of experiments.core.metrics. With a `run_dir`, it checkpoints every
`checkpoint_every` steps (Orbax: the net's parameters and the optimizer's state; JSON: the
generator's and the key's state, the carried state) and a rerun in the same directory
resumes from the latest checkpoint to the same parameters as an uninterrupted run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import jax
import numpy as np
from flax import nnx

from experiments.core.metrics import report


@dataclass
class ProposerRun:
    model: nnx.Module
    optimizer: nnx.Optimizer
    rng: np.random.Generator
    key: jax.Array = field(default_factory=lambda: jax.random.key(0))
    carried: dict = field(default_factory=dict)  # JSON-able: lists of int lists, numbers


def _key_data(key) -> list:
    return np.asarray(jax.random.key_data(key)).tolist()


def save(ckpt, run: ProposerRun, step: int) -> None:
    ckpt.save(step, nnx.to_pure_dict(nnx.state(run.model, nnx.Param)),
              nnx.to_pure_dict(nnx.state(run.optimizer)),
              {"rng": run.rng.bit_generator.state, "key": _key_data(run.key), "carried": run.carried})


def restore(ckpt, run: ProposerRun, step: int) -> None:
    params, opt_state = nnx.state(run.model, nnx.Param), nnx.state(run.optimizer)
    saved_params, saved_opt, meta = ckpt.restore(step, nnx.to_pure_dict(params),
                                                 nnx.to_pure_dict(opt_state))
    nnx.replace_by_pure_dict(params, saved_params)
    nnx.replace_by_pure_dict(opt_state, saved_opt)
    nnx.update(run.model, params)
    nnx.update(run.optimizer, opt_state)
    run.rng.bit_generator.state = meta["rng"]
    run.key = jax.random.wrap_key_data(np.asarray(meta["key"], np.uint32))
    run.carried = meta["carried"]


def fit(run: ProposerRun, step, steps: int, log_every: int = 100, progress=print, log=None,
        run_dir=None, checkpoint_every: int = 0) -> nnx.Module:
    """Run `step(run, s)` for s in [start, steps) (start: 0, or the latest checkpoint's step
    in `run_dir`); every `log_every` steps, the mean of each metric since the last report."""
    ckpt, start = None, 0
    if run_dir is not None and checkpoint_every:
        from experiments.core.checkpointing import Checkpointer

        ckpt = Checkpointer(Path(run_dir) / "checkpoints")
        start = ckpt.latest_step() or 0
        if start:
            restore(ckpt, run, start)
            if progress:
                progress(f"resuming from step {start} ({run_dir})")
    started, window = time.perf_counter(), {}
    try:
        for s in range(start, steps):
            for name, value in step(run, s).items():  # device values: read at the report
                window.setdefault(name, []).append(value)
            if (s + 1) % log_every == 0 or s + 1 == steps:
                report(s + 1, steps, {k: float(np.mean([float(x) for x in v])) for k, v in window.items()},
                       started, progress, log)
                window = {}
            if ckpt is not None and ((s + 1) % checkpoint_every == 0 or s + 1 == steps):
                save(ckpt, run, s + 1)
    finally:
        if ckpt is not None:
            ckpt.close()
    return run.model
