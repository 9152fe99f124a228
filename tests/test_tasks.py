import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from compiler.life import FAMOUS_RULES, parse_rule, rule_index, run_reference
from tasks import TaskFileError, load_task_file
from tasks.life import (
    heldout_mask,
    heldout_rule_pool,
    make_tasks,
    random_grids,
    sample_rules,
    train_rule_pool,
    training_batch,
)


def test_train_and_heldout_pools_partition_rule_space():
    train, held = train_rule_pool(0.1), heldout_rule_pool(0.1)
    assert len(train) + len(held) == 1 << 18
    assert not np.isin(train, held).any()
    famous = rule_index(np.stack([parse_rule(t) for t in FAMOUS_RULES.values()]))
    assert heldout_mask(famous, 0.1).all()
    assert 0.09 < len(held) / (1 << 18) < 0.11


def test_sampling_respects_exclusion_set():
    rng = np.random.default_rng(0)
    pool = np.arange(10)
    got = sample_rules(rng, 50, exclude={3, 4, 5}, pool=pool)
    assert set(got.tolist()) <= {0, 1, 2, 6, 7, 8, 9}


def test_grids_respect_density_range():
    grids = random_grids(np.random.default_rng(0), 200, 32, 32, density=(0.3, 0.4))
    d = grids.mean(axis=(1, 2))
    assert d.min() > 0.25 and d.max() < 0.45


def test_tasks_are_deterministic_and_consistent_with_their_rule():
    kw = dict(grid=8, num_demos=3, demo_horizon=2, noise=0.0, query_grids=[8, 10],
              query_horizons=[1, 3])
    a, b = make_tasks(4, 3, 0.1, **kw), make_tasks(4, 3, 0.1, **kw)
    for ta, tb in zip(a, b, strict=True):
        assert np.array_equal(ta.rule, tb.rule)
        assert np.array_equal(ta.demos.inputs, tb.demos.inputs)
        assert heldout_mask([rule_index(ta.rule)], 0.1)[0]
        for x, y in zip(ta.demos.inputs, ta.demos.outputs, strict=True):
            assert np.array_equal(run_reference(ta.rule, x, 2), y)
        for q in ta.queries:
            assert np.array_equal(run_reference(ta.rule, q.input, q.horizon), q.answer)
    assert {q.input.shape for q in a[0].queries} == {(8, 8), (10, 10)}


def test_noise_flips_demo_outputs():
    kw = dict(grid=16, num_demos=4, demo_horizon=1, query_grids=[16], query_horizons=[1])
    clean = make_tasks(1, 1, 0.1, noise=0.0, **kw)[0]
    noisy = make_tasks(1, 1, 0.1, noise=0.1, **kw)[0]
    flipped = (clean.demos.outputs != noisy.demos.outputs).mean()
    assert 0.05 < flipped < 0.15


def test_training_batch_is_fixed_shape_deterministic_and_excludes_heldout():
    pool = jnp.asarray(train_rule_pool(0.1), jnp.int32)
    fn = jax.jit(training_batch, static_argnums=(2, 3, 4, 5, 6))
    batch = fn(jax.random.key(3), pool, 16, 8, 3, 2, 12)
    again = fn(jax.random.key(3), pool, 16, 8, 3, 2, 12)
    tables, x, y = (np.asarray(batch[k]) for k in ("tables", "state", "next"))
    assert tables.shape == (16, 2, 9) and x.shape == y.shape == (16, 8, 8)
    assert batch["demo_inputs"].shape == batch["demo_outputs"].shape == (16, 2, 8, 8)
    assert all(np.array_equal(batch[k], again[k]) for k in batch)
    assert not heldout_mask(rule_index(tables), 0.1).any()
    for i, (t, s, n) in enumerate(zip(tables, x, y, strict=True)):
        assert np.array_equal(run_reference(t, s, 1), n)
        for d_in, d_out in zip(batch["demo_inputs"][i], batch["demo_outputs"][i], strict=True):
            assert np.array_equal(run_reference(t, np.asarray(d_in), 1), np.asarray(d_out))
        later = [run_reference(t, s, k) for k in range(1, 13)]
        assert bool(batch["in_cycle"][i]) == any(np.array_equal(s, v) for v in later)


def write(tmp_path, obj, raw=None):
    path = tmp_path / "task.json"
    path.write_text(raw if raw is not None else json.dumps(obj))
    return path


GOOD = {"train": [{"input": [[0, 1], [1, 0]], "output": [[0, 0], [0, 0]]}],
        "test": [{"input": [[1, 1], [1, 1]], "horizon": 2}], "demo_horizon": 1}


@pytest.mark.parametrize("obj,raw,field", [
    (None, "{not json", "not valid JSON"),
    ({"test": []}, None, "train: missing key"),
    ({"train": [], "test": []}, None, "train: empty"),
    ({"train": [{"input": [[0, 1], [1]], "output": [[0, 0], [0, 0]]}], "test": []}, None,
     "train[0].input[1]: ragged"),
    ({"train": [{"input": [[0, 2], [1, 0]], "output": [[0, 0], [0, 0]]}], "test": []}, None,
     "train[0].input[0][1]"),
    ({"train": [{"input": [[0, 1], [1, 0]]}], "test": []}, None, "train[0].output: missing"),
    ({**GOOD, "test": [{"input": [[1]], "horizon": 0}]}, None, "test[0].horizon"),
    ({**GOOD, "demo_horizon": -1}, None, "demo_horizon"),
    ({**GOOD, "test": [{"input": [[True]], "horizon": 1}]}, None, "test[0].input[0][0]"),
])
def test_bad_task_files_name_file_and_field(tmp_path, obj, raw, field):
    path = write(tmp_path, obj, raw)
    with pytest.raises(TaskFileError) as err:
        load_task_file(path, "life")  # these files name no domain: task=life says it
    assert str(path) in str(err.value) and field in str(err.value)
    assert "\n" not in str(err.value)


def test_good_task_file_loads(tmp_path):
    task = load_task_file(write(tmp_path, GOOD), "life")
    assert len(task.demos) == 1 and task.test_horizons == [2]
    assert load_task_file(write(tmp_path, {**GOOD, "domain": "life"})).test_horizons == [2]
    with pytest.raises(TaskFileError, match="task=NAME"):
        load_task_file(write(tmp_path, GOOD))  # neither the file nor task= names a domain
