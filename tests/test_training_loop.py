"""The one training loop (experiments/training/fit.py) on a toy trainer: per-step keys, the
non-finite-loss guard, metrics rows and exact resume (the reasoners' and the proposers'
trainers are tested in test_experiments.py, test_reliability.py, test_proposer_net.py and
test_logic_proposer.py)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from experiments.core.cli import NonFiniteLoss
from experiments.core.runio import read_jsonl
from experiments.training.fit import Trainer, fit


class Toy(Trainer):
    """A running sum of its step keys' uniforms; the loss is the sum (NaN at `bad_at`)."""

    atomic_steps = True

    def __init__(self, bad_at=None):
        self.key, self.w, self.keys, self.bad_at = jax.random.key(3), jnp.zeros(()), [], bad_at

    def step(self, s, key):
        self.keys.append(key)
        self.w = self.w + jax.random.uniform(key)
        return {"loss": jnp.where(s == self.bad_at, jnp.nan, self.w), "s": jnp.asarray(s, jnp.float32)}

    def save(self, checkpointer, step, meta):
        checkpointer.save(step, {"w": self.w}, {"none": jnp.zeros(())}, meta)

    def restore(self, checkpointer, step):
        params, _, meta = checkpointer.restore(step, {"w": self.w}, {"none": jnp.zeros(())})
        self.w = params["w"]
        return meta

    def params(self):
        return {"w": self.w}


def test_step_s_gets_the_key_folded_with_s():
    toy = Toy()
    assert fit(toy, 5, progress=None) == 5
    for s, key in enumerate(toy.keys):
        assert np.array_equal(jax.random.key_data(key),
                              jax.random.key_data(jax.random.fold_in(jax.random.key(3), s)))


def test_a_non_finite_loss_stops_at_the_next_boundary_with_no_checkpoint_past_it(tmp_path):
    with pytest.raises(NonFiniteLoss, match=r"non-finite loss nan at step 4; .* step 2$"):
        fit(Toy(bad_at=3), 10, log_every=4, progress=None, run_dir=tmp_path, checkpoint_every=2)
    assert sorted(int(p.name) for p in (tmp_path / "checkpoints").iterdir() if p.name.isdigit()) == [2]
    assert not read_jsonl(tmp_path / "metrics.jsonl")  # the first row would have held step 4


def test_rows_are_window_means_and_a_resumed_run_ends_on_the_same_rows_and_parameters(tmp_path):
    rows = {"straight": [], "resumed": []}
    fit(Toy(), 7, log_every=3, progress=None, log=rows["straight"].append,
        run_dir=tmp_path / "a", checkpoint_every=2)
    # stopped after step 4 (mid-window: steps 4 and 5 are in the window of the row at 6)
    fit(Toy(), 7, log_every=3, progress=None, log=rows["resumed"].append,
        run_dir=tmp_path / "b", checkpoint_every=2, stop_at=4)
    said = []
    fit(Toy(), 7, log_every=3, progress=None, say=said.append, log=rows["resumed"].append,
        run_dir=tmp_path / "b", checkpoint_every=2)
    assert said == [f"resuming from step 4 in {tmp_path / 'b'}"]
    strip = lambda rs: [{k: v for k, v in r.items() if k != "elapsed_s"} for r in rs]
    straight = strip(rows["straight"])
    assert [r["step"] for r in straight] == [3, 6, 7]
    assert [r["s"] for r in straight] == [1.0, 4.0, 6.0]  # the mean of steps 0-2, 3-5, 6
    assert straight == strip(rows["resumed"])
    final = [read_jsonl(tmp_path / d / "metrics.jsonl")[-1] for d in ("a", "b")]
    assert final[0]["final"] and final[0]["params_sha256"] == final[1]["params_sha256"]
