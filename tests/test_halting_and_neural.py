import jax
import jax.numpy as jnp
import numpy as np
import pytest

from compiler.life import parse_rule, run_reference
from experiments import evaluate, train
from experiments.core.runio import read_jsonl
from reasoner import SymbolicReasoner, run_until_cycle
from reasoner.life import NeuralReasoner
from tests.helpers import cfg_for

LIFE = parse_rule("B3/S23")


def detect(states, budget=1000):
    step = SymbolicReasoner("life").step_fn(np.repeat(LIFE[None], len(states), 0))
    return jax.jit(lambda s: run_until_cycle(step, s, budget))(jnp.asarray(states, jnp.uint8))


def test_detector_finds_blinker_period_two():
    grid = np.zeros((1, 7, 7), np.uint8)
    grid[0, 3, 2:5] = 1
    r = detect(grid)
    assert int(r.mu[0]) == 0 and int(r.period[0]) == 2
    assert np.array_equal(np.asarray(r.states[0]), grid[0])
    assert int(r.iterations[0]) <= 8  # detected within a few iterations of the period


@pytest.mark.parametrize("side", [8, 12, 16])
def test_detector_finds_glider_returning_after_four_times_side(side):
    grid = np.zeros((1, side, side), np.uint8)
    grid[0, 1:4, 1:4] = [[0, 1, 0], [0, 0, 1], [1, 1, 1]]
    r = detect(grid)
    assert int(r.mu[0]) == 0 and int(r.period[0]) == 4 * side


def test_detector_stabilization_time_matches_brute_force():
    rng = np.random.default_rng(0)
    states = (rng.random((6, 8, 8)) < 0.3).astype(np.uint8)
    r = detect(states, budget=2000)
    for i, s in enumerate(states):
        seen = [s]
        while True:  # brute force: first repeat in the trajectory
            nxt = run_reference(LIFE, seen[-1], 1)
            hits = [k for k, v in enumerate(seen) if np.array_equal(v, nxt)]
            if hits:
                mu, period = hits[0], len(seen) - hits[0]
                break
            seen.append(nxt)
        assert (int(r.mu[i]), int(r.period[i])) == (mu, period)
        assert np.array_equal(np.asarray(r.states[i]), seen[mu])


def test_no_cycle_within_budget_is_reported():
    grid = np.zeros((1, 16, 16), np.uint8)
    grid[0, 1:4, 1:4] = [[0, 1, 0], [0, 0, 1], [1, 1, 1]]  # period 64
    r = detect(grid, budget=20)
    assert int(r.mu[0]) == -1 and int(r.period[0]) == -1


def test_trained_tiny_reasoner_beats_chance_on_heldout_rules(tmp_path):
    cfg = cfg_for("train.steps=200", "train.batch_size=16", "train.lr=3e-3", "train.warmup=20",
                  "train.log_every=50", "train.checkpoint_every=200", "reasoner.width=64",
                  "train.horizon=2", "eval.num_tasks=16", "eval.horizons=[1]", "eval.grids=[8]",
                  "task.grid=16", "eval.compare_symbolic=false")
    model = train.run(cfg, tmp_path)
    rows = evaluate.run(cfg, tmp_path, model=model)
    trained = np.mean([r["cell_acc"] for r in rows])
    # chance: the best constant answer (all dead or all alive) for each query
    from tasks import get_tasks
    tasks = get_tasks("life").make_tasks(cfg.task, cfg.seed, 16, [8], [1])
    chance = np.mean([max(q.answer.mean(), 1 - q.answer.mean()) for t in tasks for q in t.queries])
    assert trained > chance, (trained, chance)


def test_end_to_end_reasoner_trains_and_evaluates(tmp_path):
    cfg = cfg_for("reasoner=end_to_end", "eval.until_stable=true", "eval.max_iterations=16")
    model = train.run(cfg, tmp_path)
    assert NeuralReasoner(model).name == "end_to_end"
    rows = evaluate.run(cfg, tmp_path, model=model)
    assert {r["reasoner"] for r in rows} == {"end_to_end", "symbolic"}
    assert all(r["exact_vs_compiled"] is None for r in rows if r["reasoner"] == "end_to_end")
    halting = read_jsonl(tmp_path / "halting.jsonl")
    assert {(r["reasoner"], r["halting"]) for r in halting} == {
        ("end_to_end", "detector"), ("end_to_end", "learned"), ("symbolic", "detector")}
    assert all(r["iterations"] >= 0 for r in halting)
    from experiments.reporting.seeds import halting_seed_table
    table = halting_seed_table([tmp_path])
    cells = {(r["reasoner"], r["halting"], r["grid"]) for r in halting if r["exact"] is not None}
    assert len(table.splitlines()) == 2 + len(cells)
