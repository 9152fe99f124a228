"""The pieces of the learned life proposer (issue 13): best-first tables against brute
force, the demo features against counting, a proposer around a network."""

import jax
import numpy as np
import pytest
from flax import nnx

from compiler.life import Demos, parse_rule, run_batch_jit, table_from_index
from compiler.life.proposer_net import (
    NUM_FEATURES,
    ProposerNet,
    demo_features,
    most_likely_tables,
    neural_proposer,
)


def b36_demos(horizon: int, seed: int):
    """B36/S23 and four random 16 x 16 demos of it at `horizon`."""
    rule = parse_rule("B36/S23")
    rng = np.random.default_rng(seed)
    xs = (rng.random((4, 16, 16)) < 0.5).astype(np.uint8)
    ys = np.asarray(run_batch_jit(np.repeat(rule[None], 4, 0), xs, horizon))
    return rule, Demos(xs, ys, horizon)


def test_most_likely_tables_are_the_brute_force_top_k():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, size=18)
    top = most_likely_tables(logits, 300)
    tables = table_from_index(np.arange(1 << 18)).reshape(-1, 18).astype(np.float64)
    log_p = (tables * logits - np.logaddexp(0, logits)).sum(axis=1)  # log Bernoulli(sigmoid)
    expected = np.sort(log_p)[::-1][:300]
    got = (top.reshape(-1, 18) * logits - np.logaddexp(0, logits)).sum(axis=1)
    assert np.allclose(got, expected)  # the same likelihoods in the same order
    assert len({t.tobytes() for t in top}) == 300  # all distinct


def test_features_read_a_horizon_1_table_off_the_demos():
    rule = parse_rule("B36/S23")
    rng = np.random.default_rng(1)
    xs = (rng.random((6, 24, 24)) < 0.5).astype(np.uint8)
    ys = np.asarray(run_batch_jit(np.repeat(rule[None], 6, 0), xs, 1))
    f = demo_features(Demos(xs, ys, 1))
    assert f.shape == (NUM_FEATURES,)
    share, seen = f[:18], f[36:54]
    observed = seen > 0
    assert np.array_equal(share[observed], rule.reshape(-1)[observed].astype(np.float32))
    assert f[54:57].tolist() == [1.0, 0.0, 0.0]


def test_a_proposer_around_a_network_drafts_distinct_tables():
    model = ProposerNet(32, rngs=nnx.Rngs(0))
    rng = np.random.default_rng(2)
    xs = (rng.random((2, 12, 12)) < 0.4).astype(np.uint8)
    demos = Demos(xs, xs, 2)
    drafts, info = neural_proposer(model)(jax.random.key(0), demos, 16)
    assert drafts.shape == (16, 2, 9) and len({d.tobytes() for d in drafts}) == 16


def test_training_moves_the_network_off_its_initial_parameters():
    from experiments.training.life_proposer import train

    model = train(steps=3, batch=4, width=16, progress=None)
    untrained = ProposerNet(16, rngs=nnx.Rngs(0))  # the seed-0 network train starts from
    x = np.random.default_rng(3).random((5, NUM_FEATURES)).astype(np.float32)
    assert np.isfinite(np.asarray(model(x))).all()
    assert not np.allclose(np.asarray(model(x)), np.asarray(untrained(x)))


def test_pass_at_k_is_the_share_of_tasks_whose_table_is_among_the_k_most_likely(monkeypatch):
    """A stand-in network puts task b's true table at rank 0, 1, 7 and beyond 16 (entries
    it is sure of at |logit| 10, the true value of 0, 1 or 3 entries made the less likely
    at |logit| 0.1, or every entry wrong): pass@1, @4, @16 are 1/4, 2/4, 3/4."""
    from experiments.training import life_proposer

    truths = []
    sample_batch = life_proposer.sample_batch

    def recorded(*args, **kwargs):
        x, y, demos = sample_batch(*args, **kwargs)
        truths.append(y)
        return x, y, demos

    monkeypatch.setattr(life_proposer, "sample_batch", recorded)

    def model(x):
        sign = np.where(truths[-1] > 0, 1.0, -1.0)  # [B, 18], towards the truth
        logits = 10.0 * sign
        for b, flipped in [(1, 1), (2, 3)]:
            logits[b, :flipped] = -0.1 * sign[b, :flipped]
        logits[3] = -10.0 * sign[3]
        return logits

    result = life_proposer.pass_at_k(model, 0, 4, ks=(1, 4, 16), horizon=1, noise=0.0,
                                     num_demos=2, grid=12)
    assert len(truths) == 1
    assert result == {"pass@1": 0.25, "pass@4": 0.5, "pass@16": 0.75}


def test_the_shipped_proposer_is_registered_and_finds_horizon_1_rules():
    from compiler import CompilerConfig, compile, get_domain
    from experiments.core.learned_proposers import load, load_proposer_net

    assert "neural" in get_domain("life").learned_proposers
    load_proposer_net()  # the shipped parameters fit the network
    load("life", "neural")
    rule, demos = b36_demos(horizon=1, seed=3)
    compiled = compile(get_domain("life"), demos, jax.random.key(0),
                       CompilerConfig(proposer="neural", num_drafts=16))
    assert (compiled.drafts == rule).all(axis=(1, 2)).any()
    assert compiled.consistent_drafts >= 1


def test_the_hybrid_climbs_from_the_nets_drafts_on_horizon_2():
    from compiler import CompilerConfig, compile, get_domain
    from experiments.core.learned_proposers import load

    assert "hybrid" in get_domain("life").learned_proposers
    load("life", "hybrid")
    rule, demos = b36_demos(horizon=2, seed=4)
    compiled = compile(get_domain("life"), demos, jax.random.key(0),
                       CompilerConfig(proposer="hybrid", num_drafts=16))
    assert np.array_equal(compiled.chosen, rule) and "search_iterations" in compiled.diagnostics


def test_self_taught_training_never_reads_the_true_tables(monkeypatch):
    """The self-taught proposer learns from the checker's verdicts and hindsight pairs:
    with every true table replaced by garbage, training ends with the same parameters."""
    import jax

    from experiments.training import life_proposer as proposer

    def params(model):
        return [np.asarray(x) for x in jax.tree.leaves(nnx.state(model, nnx.Param))]

    honest = params(proposer.train_self_taught(steps=3, batch=8, progress=None))
    real = proposer.sample_batch

    def garbage(*args, **kwargs):
        x, y, demos = real(*args, **kwargs)
        return x, np.ones_like(y), demos

    monkeypatch.setattr(proposer, "sample_batch", garbage)
    blind = params(proposer.train_self_taught(steps=3, batch=8, progress=None))
    assert all(np.array_equal(a, b) for a, b in zip(honest, blind, strict=True))


def test_checker_counts_and_hindsight_pairs():
    from compiler import check, get_domain
    from compiler.checker import check_tasks
    from experiments.training.life_proposer import hindsight_pairs

    rule, demos = b36_demos(2, 0)
    other = parse_rule("B3/S23")
    wrong = check_tasks(get_domain("life"), np.stack([rule, other])[None], [demos])
    assert wrong[0, 0] == 0 and wrong[0, 1] > 0
    # the trainer's batched check is the generic checker's count, task by task
    tasks = [b36_demos(2, s) for s in (1, 2, 3)]
    drafts = np.stack([np.stack([r, other, parse_rule("B36/S23")]) for r, _ in tasks])
    batched = check_tasks(get_domain("life"), drafts, [d for _, d in tasks])
    for b, (_, d) in enumerate(tasks):
        assert np.array_equal(batched[b], check(get_domain("life"), drafts[b], d).mismatches)
    # 32 wide: the bit-packed check; grids of two sizes in one call: a clear error
    grids = [(np.random.default_rng(s).random((2, 32, 32)) < 0.5).astype(np.uint8) for s in (4, 5)]
    wide = [Demos(x, np.asarray(run_batch_jit(np.repeat(rule[None], 2, 0), x, 1)), 1) for x in grids]
    batched = check_tasks(get_domain("life"), drafts[:2], wide)
    for b, d in enumerate(wide):
        assert np.array_equal(batched[b], check(get_domain("life"), drafts[b], d).mismatches)
    # tasks of two horizons in one call (each task's own horizon, batched)
    mixed = [b36_demos(1, 6)[1], b36_demos(2, 7)[1]]
    batched = check_tasks(get_domain("life"), drafts[:2], mixed)
    for b, d in enumerate(mixed):
        assert np.array_equal(batched[b], check(get_domain("life"), drafts[b], d).mismatches)
    with pytest.raises(ValueError, match="one form and shape"):
        check_tasks(get_domain("life"), drafts[:2], [wide[0], tasks[0][1]])
    # a draft run on the task's inputs makes demos it reproduces: a correct pair
    features, tables = hindsight_pairs(other[None], [demos])
    assert np.array_equal(tables[0], other.reshape(-1))
    own = Demos(demos.inputs, np.asarray(run_batch_jit(np.repeat(other[None], 4, 0), demos.inputs, 2)), 2)
    assert np.allclose(features[0], demo_features(own))


def test_supervised_training_interrupted_resumes_to_the_same_parameters(tmp_path):
    """Life's supervised trainer in the one proposer loop: stopped after the step-4
    checkpoint, a rerun in the same directory says it resumes and ends on the uninterrupted
    run's parameters (the data generator's state is in the checkpoint)."""
    from experiments.core.runio import params_sha256
    from experiments.training.life_proposer import train

    tiny = dict(steps=6, batch=4, width=16, log_every=1, checkpoint_every=2)
    straight = train(**tiny, progress=None, run_dir=tmp_path / "a")

    def stop_at_5(row):
        if row["step"] == 5:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        train(**tiny, progress=None, run_dir=tmp_path / "b", log=stop_at_5)
    said = []
    resumed = train(**tiny, progress=said.append, run_dir=tmp_path / "b")
    assert any(line.startswith("resuming from step 4") for line in said)
    assert (params_sha256(nnx.state(resumed, nnx.Param))
            == params_sha256(nnx.state(straight, nnx.Param)))
