"""The mean-field refinement of life tables (issue 13): the relaxed executor against the
exact one and against brute force, and the proposers built on it."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np

from compiler import CompilerConfig, compile, get_domain
from compiler.life import Demos, run_batch_jit, table_from_index
from compiler.life.mean_field import count_distribution, drafts_from_minima, relaxed_run
from tasks.life import heldout_rule_pool, random_grids


def test_relaxed_run_of_a_hard_table_is_the_executor():
    rng = np.random.default_rng(0)
    tables = table_from_index(rng.integers(0, 2 ** 18, size=6))
    xs = random_grids(rng, 6, 12, 12)
    for steps in (1, 2, 3):
        exact = np.asarray(run_batch_jit(tables, xs, steps))
        for table, x, y in zip(tables, xs, exact, strict=True):
            theta = jnp.where(jnp.asarray(table.reshape(-1)) > 0, 30.0, -30.0)
            q = np.asarray(relaxed_run(theta, jnp.asarray(x, jnp.int32), steps))
            assert np.array_equal(q > 0.5, y.astype(bool)) and np.abs(q - y).max() < 1e-6


def test_count_distribution_is_brute_force_over_independent_neighbours():
    rng = np.random.default_rng(1)
    q = rng.random((3, 3))  # on a 3 x 3 torus the 8 neighbours of a cell are the other cells
    dist = np.asarray(count_distribution(jnp.asarray(q)))[1, 1]
    others = [q[i, j] for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    brute = np.zeros(9)
    for bits in itertools.product((0, 1), repeat=8):
        brute[sum(bits)] += np.prod([p if b else 1 - p for p, b in zip(others, bits, strict=True)])
    np.testing.assert_allclose(dist, brute, atol=1e-6)


def test_drafts_from_minima_are_distinct_and_start_with_the_best_minimum():
    logits = np.array([[5.0] * 18, [-5.0] * 18])
    drafts = drafts_from_minima(logits, np.array([0.3, 0.1]), 20, per_start=4)
    assert drafts.shape == (20, 2, 9)
    assert len({d.tobytes() for d in drafts}) == 20
    assert (drafts[0] == 0).all() and (drafts[4] == 1).all()  # the lower loss comes first


def test_mean_field_drafts_find_horizon_2_rules_with_noise():
    rng = np.random.default_rng(5)
    hits = 0
    for rule in rng.choice(heldout_rule_pool(0.1), size=4, replace=False):
        table = table_from_index(np.array([rule]))[0]
        xs = random_grids(rng, 4, 16, 16)
        ys = np.asarray(run_batch_jit(np.repeat(table[None], 4, 0), xs, 2))
        ys = ys ^ (rng.random(ys.shape) < 0.02).astype(np.uint8)
        compiled = compile(get_domain("life"), Demos(xs, ys, 2), jax.random.key(int(rule)),
                           CompilerConfig(proposer="mean_field", num_drafts=64))
        assert len({d.tobytes() for d in compiled.drafts}) == len(compiled.drafts) == 64
        hits += bool((compiled.drafts == table).all(axis=(1, 2)).any())
    assert hits >= 3  # 98% of 100 such tasks measured; the net alone finds ~10%


def test_the_neural_start_is_registered_and_deterministic():
    from experiments.core.learned_proposers import load

    domain = get_domain("life")
    assert "mean_field" in domain.proposers and "neural_mean_field" in domain.learned_proposers
    load("life", "neural_mean_field")  # the shipped net's weights, bound on demand
    rng = np.random.default_rng(6)
    table = table_from_index(np.array([heldout_rule_pool(0.1)[0]]))[0]
    xs = random_grids(rng, 2, 12, 12)
    demos = Demos(xs, np.asarray(run_batch_jit(np.repeat(table[None], 2, 0), xs, 2)), 2)
    a, info = domain.proposer("neural_mean_field")(jax.random.key(0), demos, 8)
    b, _ = domain.proposer("neural_mean_field")(jax.random.key(0), demos, 8)
    assert np.array_equal(a, b) and info["mean_field_starts"] == 8
