import jax
import numpy as np
import pytest

from compiler.life import (
    parse_rule,
    run_batch_jit,
    run_jit,
    run_reference,
    step,
    step_reference,
    table_from_index,
)


@pytest.mark.parametrize("shape", [(5, 7), (9, 4), (6, 6), (3, 11)])
def test_step_and_run_match_numpy_reference(shape):
    rng = np.random.default_rng(sum(shape))
    for _ in range(4):
        table = table_from_index(int(rng.integers(0, 1 << 18)))
        state = (rng.random(shape) < rng.uniform(0.1, 0.9)).astype(np.uint8)
        assert np.array_equal(np.asarray(step(table, state)), step_reference(table, state))
        assert np.array_equal(np.asarray(run_jit(table, state, 5)), run_reference(table, state, 5))


def test_batched_run_matches_reference_per_item():
    rng = np.random.default_rng(1)
    tables = table_from_index(rng.integers(0, 1 << 18, size=3))
    states = (rng.random((3, 6, 8)) < 0.5).astype(np.uint8)
    out = np.asarray(run_batch_jit(tables, states, 3))
    for t, s, o in zip(tables, states, out, strict=True):
        assert np.array_equal(o, run_reference(t, s, 3))


def test_glider_moves_one_cell_diagonally_every_four_steps():
    life = parse_rule("B3/S23")
    grid = np.zeros((8, 10), np.uint8)
    glider = np.array([[0, 1, 0], [0, 0, 1], [1, 1, 1]], np.uint8)
    grid[1:4, 1:4] = glider
    after = np.asarray(run_jit(life, grid, 4))
    assert np.array_equal(after, np.roll(grid, (1, 1), axis=(0, 1)))
    # on a torus it comes back after 4 * lcm-ish steps: 8 rows x 10 cols -> 4 * 40
    assert np.array_equal(np.asarray(run_jit(life, grid, 4 * 40)), grid)


def test_blinker_has_period_two():
    life = parse_rule("B3/S23")
    grid = np.zeros((5, 5), np.uint8)
    grid[2, 1:4] = 1
    one = np.asarray(run_jit(life, grid, 1))
    assert not np.array_equal(one, grid)
    assert np.array_equal(one.T, grid)
    assert np.array_equal(np.asarray(run_jit(life, grid, 2)), grid)


def test_run_does_not_retrace_when_steps_change():
    traces = []

    @jax.jit
    def rollout(table, state, steps):
        traces.append(1)
        from compiler.life import run
        return run(table, state, steps)

    life = parse_rule("B3/S23")
    grid = np.zeros((6, 6), np.uint8)
    for t in (1, 7, 64, 3):
        rollout(life, grid, t)
    assert len(traces) == 1


@pytest.mark.parametrize("shape", [(5, 32), (7, 64), (32, 32), (3, 96)])
def test_bitpacked_executor_matches_reference(shape):
    import jax.numpy as jnp

    from compiler.life.bitpacked import pack, run_packed, unpack
    rng = np.random.default_rng(shape[0] * shape[1])
    for _ in range(6):
        table = table_from_index(int(rng.integers(0, 1 << 18)))
        state = (rng.random(shape) < rng.uniform(0.05, 0.95)).astype(np.uint8)
        assert np.array_equal(np.asarray(unpack(pack(jnp.asarray(state)))), state)
        got = np.asarray(unpack(run_packed(jnp.asarray(table), pack(jnp.asarray(state)), 4)))
        assert np.array_equal(got, run_reference(table, state, 4))


def test_numpy_baseline_matches_reference():
    from compiler.life import run_numpy
    rng = np.random.default_rng(9)
    table = table_from_index(4242)
    states = (rng.random((2, 6, 9)) < 0.5).astype(np.uint8)
    out = run_numpy(table, states, 3)
    for s, o in zip(states, out, strict=True):
        assert np.array_equal(o, run_reference(table, s, 3))
