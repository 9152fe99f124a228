import jax
import numpy as np
import pytest

from compiler import SELECTORS, CompilerConfig, check, compile, get_domain
from compiler.checker import check_chunk
from compiler.life import PROPOSERS, Demos, parse_rule, run_batch_jit, run_reference, table_from_index
from compiler.life.checker import demo_check

LIFE = get_domain("life")


def compile_life(demos, key, config, truth=None):
    return compile(LIFE, demos, key, config, truth=truth)


def make_demos(table, n=4, size=32, horizon=1, seed=0, density=(0.1, 0.9)):
    rng = np.random.default_rng(seed)
    p = rng.uniform(*density, size=(n, 1, 1))
    inputs = (rng.random((n, size, size)) < p).astype(np.uint8)
    outputs = np.asarray(run_batch_jit(np.repeat(table[None], n, 0), inputs, horizon))
    return Demos(inputs, outputs, horizon)


def covering_demos(table):
    """h = 1 demos that observe every one of the 18 table entries."""
    rng = np.random.default_rng(3)
    inputs = np.stack([(rng.random((24, 24)) < d).astype(np.uint8) for d in (0.05, 0.5, 0.95)])
    # a dead cell ringed by 8 live ones, and a live cell alone, make the extremes certain
    inputs[0, 1:4, 1:4] = 1
    inputs[0, 2, 2] = 0
    inputs[2, 1:4, 1:4] = 0
    inputs[2, 2, 2] = 1
    outputs = np.asarray(run_batch_jit(np.repeat(table[None], 3, 0), inputs, 1))
    return Demos(inputs, outputs, 1)


@pytest.mark.parametrize("seed", range(5))
def test_induce_recovers_rule_from_covering_h1_demos(seed):
    table = table_from_index(int(np.random.default_rng(seed).integers(0, 1 << 18)))
    demos = covering_demos(table)
    compiled = compile_life(demos, jax.random.key(seed), CompilerConfig(proposer="induce"))
    assert compiled.diagnostics["num_unobserved"] == 0
    assert np.array_equal(compiled.chosen, table)
    assert compiled.consistent_drafts >= 1


def test_exhaustive_keeps_true_rule_on_h2_demos():
    table = parse_rule("B36/S23")
    demos = make_demos(table, n=2, size=16, horizon=2, seed=1)
    compiled = compile_life(demos, jax.random.key(0),
                            CompilerConfig(proposer="exhaustive", num_drafts=8))
    survivors = compiled.drafts[compiled.survivors]
    assert any(np.array_equal(d, table) for d in survivors)
    assert compiled.diagnostics["consistent_rules"] >= 1


def test_induce_search_finds_consistent_rule_on_h2_demos():
    table = parse_rule("B3/S23")
    demos = make_demos(table, n=4, size=24, horizon=2, seed=2, density=(0.3, 0.6))
    compiled = compile_life(demos, jax.random.key(0), CompilerConfig(proposer="induce"))
    assert compiled.consistent_drafts >= 1
    assert compiled.chosen_demo_score == 1.0


@pytest.mark.parametrize("size,with_blame", [(10, True), (32, False), (32, True)])
def test_vectorized_checker_equals_per_draft_loop(size, with_blame):
    rng = np.random.default_rng(0)
    truth = table_from_index(12345)
    demos = make_demos(truth, n=3, size=size, horizon=2, seed=4)
    drafts = np.concatenate([truth[None], table_from_index(rng.integers(0, 1 << 18, size=20))])
    # several chunks, the last one padded; width 32 without blame runs bit-parallel
    scores = check(LIFE, drafts, demos, chunk=8, with_blame=with_blame)
    for k, d in enumerate(drafts):
        wrong = [int((run_reference(d, x, 2) != y).sum())
                 for x, y in zip(demos.inputs, demos.outputs, strict=True)]
        assert scores.mismatches[k] == sum(wrong)
        assert scores.exact[k] == (sum(wrong) == 0)
        assert np.array_equal(scores.demo_exact[k], np.array(wrong) == 0)
        spec = demo_check(demos, with_blame=True)
        single, _ = check_chunk(spec.check_one, d[None], spec.demos, spec.params, with_blame=True)
        assert int(np.asarray(single).sum()) == sum(wrong)
    assert scores.exact[0] and scores.cell_acc[0] == 1.0


def test_contradictory_demos_give_zero_consistent_and_name_entries():
    x = np.zeros((1, 5, 5), np.uint8)
    demos = [Demos(x, np.zeros_like(x)), Demos(x, np.ones_like(x))]  # B0 -> 0 and B0 -> 1
    compiled = compile_life(demos, jax.random.key(0), CompilerConfig(proposer="induce"))
    assert compiled.consistent_drafts == 0
    assert "B0" in compiled.diagnostics["conflicting_entries"]
    assert "fallback" in compiled.diagnostics and compiled.survivors.any()


@pytest.mark.parametrize("proposer", sorted(PROPOSERS))
@pytest.mark.parametrize("selector", sorted(SELECTORS))
def test_every_proposer_and_selector_is_deterministic(proposer, selector):
    table = parse_rule("B3/S23")
    demos = make_demos(table, n=2, size=12, horizon=1, seed=5)
    config = CompilerConfig(proposer=proposer, selector=selector, num_drafts=6)
    a = compile_life(demos, jax.random.key(7), config, truth=table)
    b = compile_life(demos, jax.random.key(7), config, truth=table)
    assert np.array_equal(a.drafts, b.drafts) and np.array_equal(a.chosen, b.chosen)
    assert a.survivors.shape == (len(a.drafts),)
