"""ARC's learned guide: the best-first search against the breadth-first one, budget prefixes
against searches run with that budget, the net's set encoding, the synthetic training tasks
against their chains, the guided proposer and the budget preset's drafts, the trainer's
resume."""

import jax
import numpy as np
import pytest
from flax import nnx

from compiler import CompilerConfig, compile, get_domain
from compiler.arc import programs as P
from compiler.arc import transforms as T
from compiler.arc.guide_net import MAX_PAIRS, NUM_TRANSFORMS, GuideNet, task_encoding, transform_logp
from compiler.arc.program_proposer import ArcOptions
from compiler.arc.search import SearchConfig, search, search_guided, task_transforms
from tasks.arc import arc_task, split_tasks

ARC = get_domain("arc")


@pytest.fixture(scope="module")
def train_task():
    name, parsed = split_tasks("arc1_train")[1]
    ins = [np.asarray(x, np.uint8) for x, _ in parsed["train"]]
    outs = [np.asarray(y, np.uint8) for _, y in parsed["train"]]
    tests = [np.asarray(x, np.uint8) for x, _ in parsed["test"]]
    return name, parsed, ins, outs, tests


@pytest.fixture(scope="module")
def net():
    return GuideNet(16, rngs=nnx.Rngs(0))


def test_best_first_with_equal_scores_keeps_what_breadth_first_keeps(train_task):
    _, _, ins, outs, tests = train_task
    allowed = task_transforms(ins, outs)
    config = SearchConfig(depth=1, max_states=10_000, seconds=60.0)
    bfs = search(ins + tests, config, order=allowed)
    best = search_guided(ins + tests, config, np.full(NUM_TRANSFORMS, -5.0), allowed)
    assert bfs.complete and best.complete
    assert [s.chain for s in best.states] == [s.chain for s in bfs.states]


def test_best_first_tries_the_likeliest_chain_first_and_goes_deeper(train_task):
    _, _, ins, outs, tests = train_task
    logp = np.full(NUM_TRANSFORMS, -8.0)
    liked = [T.INDEX["flip_h"], T.INDEX["rot90"]]
    logp[liked] = -0.1
    result = search_guided(ins + tests, SearchConfig(depth=3, max_states=60, seconds=60.0), logp)
    chains = [s.chain for s in result.states]
    assert chains[0] == (liked[0],)
    # the likely pair composes to depth 3 before the unlikely transforms are tried at depth 1
    assert result.depth_reached == 3
    assert all(set(c) <= set(liked) for c in chains[:4])
    for s in result.states[:10]:  # each state's grids are its chain run on the inputs
        for x, g in zip(ins + tests, s.grids, strict=True):
            expected, failed = P.run_chain(s.chain, x)
            assert failed == -1 and np.array_equal(expected, g)


@pytest.mark.parametrize("guided", [False, True])
def test_a_budget_prefix_is_what_that_budget_keeps(train_task, guided):
    _, _, ins, outs, tests = train_task
    allowed = task_transforms(ins, outs)
    logp = np.random.default_rng(0).normal(size=NUM_TRANSFORMS) - 6

    def run(states):
        config = SearchConfig(depth=2, max_states=states, seconds=60.0)
        return (search_guided(ins + tests, config, logp, allowed) if guided
                else search(ins + tests, config, order=allowed))

    full, small = run(300), run(70)
    prefix = full.prefix(70)
    assert len(prefix.states) == len(small.states) == 70
    assert [s.chain for s in prefix.states] == [s.chain for s in small.states]
    assert prefix.seconds <= full.seconds


def test_the_net_reads_the_demo_pairs_as_a_set(train_task, net):
    _, _, ins, outs, _ = train_task
    pairs = list(zip(ins, outs, strict=True))
    logp = transform_logp(net, pairs)
    assert logp.shape == (NUM_TRANSFORMS,)
    assert np.isclose(np.exp(logp).sum(), 1.0, atol=1e-4)
    assert np.allclose(transform_logp(net, pairs[::-1]), logp, atol=1e-4)
    canvases, hand, mask = task_encoding(pairs)
    assert canvases.shape[0] == hand.shape[0] == MAX_PAIRS and mask.sum() == min(len(pairs), MAX_PAIRS)
    # the one-hot input channels give back the input grid
    x = ins[0]
    assert np.array_equal(canvases[0, :x.shape[0], :x.shape[1], :10].argmax(-1), x)


def test_synthetic_tasks_are_their_chains_on_training_grids():
    from experiments.training.arc_proposer import folds, synthetic_pool

    seen, held = folds()
    assert len(seen) + len(held) == 400 and not {n for n, _ in seen} & {n for n, _ in held}
    pool = synthetic_pool(3, seen[:6], 25, progress=None)
    seen_grids = {g.tobytes() for _, p in seen[:6] for pair in p["train"] for g in pair} | {
        np.asarray(x, np.uint8).tobytes() for _, p in seen[:6] for x, _ in p["test"]}
    for pairs, chain in pool:
        assert 1 <= len(chain) <= 3
        for x, y in pairs:
            assert x.tobytes() in seen_grids  # inputs come from the seen tasks only
            out, failed = P.run_chain(chain, x)
            assert failed == -1 and np.array_equal(out, y)
        assert any(x.shape != y.shape or not np.array_equal(x, y) for x, y in pairs)


def test_guided_proposer_compiles_a_task_with_a_bound_net(train_task, net):
    name, parsed, *_ = train_task
    task = arc_task(0, name, parsed)
    ARC.bind("guided", net)
    options = ArcOptions(search_states=300, search_seconds=10.0, search_guided_depth=3)
    out = compile(ARC, task.demos, jax.random.key(0), CompilerConfig(proposer="guided", num_drafts=8,
                                                          options=options))
    assert 1 <= len(out.drafts) <= 8
    assert out.diagnostics["search_states"] <= 300


def test_budget_drafts_per_budget(train_task, net):
    name, parsed, *_ = train_task
    (group,) = [arc_task(0, name, parsed).demos]
    made = ARC.budget_drafts(group, 8, ArcOptions(search_seconds=30.0), [10, 50], "guided", net)
    assert [m["states"] for m in made] == [10, 50]
    assert made[0]["search_s"] <= made[1]["search_s"]
    with pytest.raises(ValueError, match="known"):
        ARC.budget_drafts(group, 8, ArcOptions(), [10], "sideways")


def test_guide_training_interrupted_resumes_to_the_same_parameters(tmp_path):
    from experiments.core.runio import params_sha256
    from experiments.training.arc_proposer import folds, synthetic_pool, train

    seen, _ = folds()
    pool = synthetic_pool(0, seen[:4], 12, progress=None)
    data = {"synthetic": pool, "self_taught": pool[:3]}
    tiny = dict(steps=4, batch=4, width=16, log_every=1, checkpoint_every=2)
    straight = train(data, **tiny, progress=None, run_dir=tmp_path / "a")

    def stop_at_3(row):
        if row["step"] == 3:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        train(data, **tiny, progress=None, run_dir=tmp_path / "b", log=stop_at_3)
    said = []
    resumed = train(data, **tiny, progress=said.append, run_dir=tmp_path / "b")
    assert any(line.startswith("resuming from step 2") for line in said)
    assert (params_sha256(nnx.state(resumed, nnx.Param))
            == params_sha256(nnx.state(straight, nnx.Param)))
