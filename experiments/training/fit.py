"""The one training loop, for the reasoners (experiments/training/loop.py) and the proposer
nets (experiments/training/proposer_loop.py) alike.

What trains is a `Trainer`: one update `step(s, key)` and what its checkpoint holds. `fit`
runs the steps with
- per-step keys: step s gets `fold_in(trainer.key, s)`, so its randomness depends on
  (key, s) only and a resumed run retraces the uninterrupted one;
- the non-finite-loss guard: the first step whose `loss` is not finite is tracked on the
  device (no per-step host sync); training stops at the next log or checkpoint boundary
  with `NonFiniteLoss` naming it, and no checkpoint holds parameters past it;
- metrics: every `log_every` steps the mean of each metric since the last row, as the row
  `{step, **means, **trainer.logged(step), elapsed_s}` to `log` (e.g. `MetricsLog.write`)
  and a line to `progress`; a progress bar where the output is a terminal; with a
  `run_dir`, a final row with the parameters' sha256 once every step has run;
- checkpoints and resume: with a `run_dir` and `checkpoint_every`, a checkpoint (Orbax)
  every `checkpoint_every` steps and at the end; a rerun in the same directory resumes from
  the latest one (the metrics rows past it are dropped, the partial metrics window is in
  the checkpoint) and ends on the uninterrupted run's parameters and rows.
"""

from __future__ import annotations

import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from tqdm import tqdm

from experiments.core.cli import NonFiniteLoss
from experiments.core.metrics import report
from experiments.core.runio import append_jsonl, params_sha256, read_jsonl, write_jsonl_atomic


class Trainer:
    """What `fit` trains (a reasoner's functional state, a proposer's NNX net)."""

    key: jax.Array  # step s's key is fold_in(key, s)
    # the state only changes when `step` returns (a functional update): an interruption
    # inside a step leaves the state of the steps before it, which may then be saved
    atomic_steps: bool = False

    def step(self, s: int, key: jax.Array) -> dict:
        """Step s (0-based): one update; its metrics as device values, `loss` among them."""
        raise NotImplementedError

    def save(self, checkpointer, step: int, meta: dict) -> None:
        """Checkpoint the state after `step` steps, `meta` (the loop's JSON) with it."""
        raise NotImplementedError

    def restore(self, checkpointer, step: int) -> dict:
        """Load the checkpoint of `step`; return the meta saved with it."""
        raise NotImplementedError

    def params(self):
        """The parameters (a pytree) whose sha256 the final metrics row records."""
        raise NotImplementedError

    def logged(self, step: int) -> dict:
        """Values a metrics row adds after the metrics (e.g. the learning rate)."""
        return {}


@jax.jit
def _step_key(key, s):
    return jax.random.fold_in(key, s)


@jax.jit
def _first_bad(first_bad, s, loss):
    """(step, loss) of the first non-finite loss so far; (-1, 0) while there is none."""
    loss = jnp.asarray(loss, jnp.float32)
    bad_now = (first_bad[0] < 0) & ~jnp.isfinite(loss)
    return jnp.where(bad_now, jnp.stack([jnp.asarray(s, jnp.float32), loss]), first_bad)


def checkpoints(run_dir):
    """The Checkpointer of `run_dir` (its `checkpoints/` folder)."""
    from experiments.core.checkpointing import Checkpointer

    return Checkpointer(Path(run_dir) / "checkpoints")


def resume_step(run_dir) -> int:
    """The step a run in `run_dir` resumes from (0: none), e.g. for `MetricsLog`'s
    `resume_step` before `fit` runs."""
    if run_dir is None or not (Path(run_dir) / "checkpoints").is_dir():
        return 0
    ckpt = checkpoints(run_dir)
    try:
        return ckpt.latest_step() or 0
    finally:
        ckpt.close()


def fit(trainer: Trainer, steps: int, log_every: int = 100, progress=print, log=None,
        run_dir=None, checkpoint_every: int = 0, stop_at: int | None = None, say=None,
        save_on_interrupt: bool = False, bar: bool = True):
    """Run steps [start, steps) of `trainer` (start: 0, or the latest checkpoint's step in
    `run_dir`). `stop_at` ends this invocation after that step with a checkpoint, as an
    interruption would (a row only where one is due: the rows of a resumed run are the
    uninterrupted run's). `progress` gets the step lines and `say` (default: `progress`) the
    resume and interruption notes; None is silent. With `save_on_interrupt`, Ctrl-C saves a
    checkpoint at the last whole step; `bar`: a progress bar where stderr is a terminal.
    Returns the number of steps done."""
    say = progress if say is None else say
    ckpt = checkpoints(run_dir) if run_dir is not None and checkpoint_every else None
    start = (ckpt.latest_step() or 0) if ckpt is not None else 0
    window: dict[str, list] = {}
    metrics_path = None if run_dir is None else Path(run_dir) / "metrics.jsonl"
    if start:
        window = trainer.restore(ckpt, start).get("window", {})
        if say:
            say(f"resuming from step {start} in {run_dir}")
    if metrics_path is not None:  # rows past the restored step came after it: redone below
        write_jsonl_atomic(metrics_path, [r for r in read_jsonl(metrics_path)
                                          if r.get("step", 0) <= start and "params_sha256" not in r])
    end = steps if stop_at is None else min(stop_at, steps)
    first_bad = jnp.array([-1.0, 0.0])
    started = time.perf_counter()
    done, in_step = start, False

    def check_finite():
        bad_step, bad_loss = (float(v) for v in first_bad)
        if bad_step >= 0:
            last = ckpt.latest_step() if ckpt is not None else None
            raise NonFiniteLoss(f"non-finite loss {bad_loss} at step {int(bad_step) + 1}; "
                                f"training stopped, last good checkpoint: step {last or 'none'}")

    def save():
        check_finite()  # a checkpoint never holds parameters past a bad step
        floats = {k: [float(x) for x in v] for k, v in jax.device_get(window).items()}
        trainer.save(ckpt, done, {"window": floats})

    try:
        with tqdm(total=steps, initial=start, desc="train", unit="step",
                  disable=None if bar else True, dynamic_ncols=True) as shown:
            for s in range(start, end):
                in_step = True
                metrics = trainer.step(s, _step_key(trainer.key, s))
                first_bad = _first_bad(first_bad, s, metrics["loss"])
                for name, value in metrics.items():  # device values: read at the report
                    window.setdefault(name, []).append(value)
                done, in_step = s + 1, False
                shown.update(1)
                if done % log_every == 0 or done == steps:
                    check_finite()
                    means = {k: float(np.mean([float(x) for x in v]))
                             for k, v in jax.device_get(window).items()}
                    report(done, steps, {**means, **trainer.logged(done)}, started, progress, log)
                    shown.set_postfix({k: f"{v:.4f}" for k, v in list(means.items())[:2]})
                    window = {}
                if ckpt is not None and (done % checkpoint_every == 0 or done == end):
                    save()
    except KeyboardInterrupt:
        whole = not in_step or trainer.atomic_steps
        if save_on_interrupt and ckpt is not None and whole and done > (ckpt.latest_step() or 0):
            save()
            if say:
                say(f"interrupted at step {done}; checkpoint saved. Rerun the same command to resume.")
        raise
    finally:
        if ckpt is not None:
            ckpt.close()
    if done >= steps and metrics_path is not None:
        append_jsonl(metrics_path, {"step": done, "final": True,
                                    "train_wall_s": round(time.perf_counter() - started, 3),
                                    "params_sha256": params_sha256(trainer.params())})
    return done
