"""Certification: a reasoner's one-step map vs the rule on all 512 neighbourhoods."""

import numpy as np
import pytest
from flax import nnx

from compiler.life import RuleSet, parse_rule, run_reference, table_from_index
from experiments.core.reasoners import load_trained, pretrained_run
from reasoner import SymbolicReasoner, certify, certify_tables, get_spec
from reasoner.life import NeuralConfig, NeuralReasoner, RecurrentCell
from reasoner.life.certify import expected_next
from reasoner.life.neighbourhoods import NUM_NEIGHBOURHOODS, neighbourhood_grids


def neighbourhood_index(grid: np.ndarray) -> np.ndarray:
    """`[H, W]` index of every cell's 3x3 torus neighbourhood (bit k = row-major cell k)."""
    index = np.zeros(grid.shape, np.int64)
    k = 0
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            index |= np.roll(grid, (-dy, -dx), axis=(0, 1)).astype(np.int64) << k
            k += 1
    return index


class CorruptedExecutor:
    """The exact rule, except that neighbourhood `bad` gets the wrong next state."""

    name = "corrupted"
    reads = "rules"
    spec = get_spec("life", "symbolic")  # declares itself a discrete per-cell executor

    def __init__(self, bad: int):
        self.bad = bad

    def rollout(self, tables, states, steps):
        out = []
        for table, state in zip(np.asarray(tables), np.asarray(states), strict=True):
            for _ in range(int(steps)):
                nxt = run_reference(table, state, 1)
                state = np.where(neighbourhood_index(state) == self.bad, 1 - nxt, nxt)
            out.append(state.astype(np.uint8))
        return np.stack(out)


def test_neighbourhood_grids_and_expected_table_match_the_reference_executor():
    grids = neighbourhood_grids()
    assert grids.shape == (NUM_NEIGHBOURHOODS, 3, 3)
    table = parse_rule("B36/S23")
    centres = np.array([run_reference(table, g, 1)[1, 1] for g in grids])
    assert np.array_equal(expected_next(table[None])[0], centres)
    assert all(neighbourhood_index(g)[1, 1] == n for n, g in enumerate(grids))


def test_one_corrupted_neighbourhood_is_caught_and_named():
    bad = 0b101_110_011
    cert = certify(CorruptedExecutor(bad), RuleSet.from_text("B3/S23"))
    assert not cert.certified and cert.num_failing == 1
    (entry,) = cert.failing
    assert entry["neighbourhood"] == bad
    assert entry["grid"] == neighbourhood_grids()[bad].tolist()
    assert entry["produced"] == 1 - entry["expected"]
    assert "NOT certified" in cert.summary()
    assert certify(SymbolicReasoner("life"), RuleSet.from_text("B3/S23")).certified


def random_neural(seed=0) -> NeuralReasoner:
    return NeuralReasoner(RecurrentCell(NeuralConfig(channels=4, width=16, depth=2),
                                        rngs=nnx.Rngs(seed)))


@pytest.mark.parametrize("make", [lambda: CorruptedExecutor(0b010_111_010), random_neural])
def test_certificate_agrees_with_brute_force_rollouts_on_random_grids(make):
    """Every cell of a one-step rollout is wrong exactly when its neighbourhood is in the
    failing set; and a certified reasoner is exact over many steps."""
    reasoner = make()
    rng = np.random.default_rng(0)
    tables = table_from_index(rng.integers(0, 1 << 18, 6))
    grids = (rng.random((6, 12, 12)) < 0.45).astype(np.uint8)
    out = np.asarray(reasoner.rollout(tables, grids, 1))
    for table, grid, got in zip(tables, grids, out, strict=True):
        cert = certify(reasoner, table)
        bad = {f["neighbourhood"] for f in cert.failing}
        wrong = got != run_reference(table, grid, 1)
        assert np.array_equal(wrong, np.isin(neighbourhood_index(grid), list(bad)))


def test_vectorized_certify_matches_one_rule_at_a_time():
    reasoner = random_neural(1)
    tables = table_from_index(np.arange(0, 1 << 18, 9973))
    failing, margin = certify_tables(reasoner, tables)
    assert failing.tolist() == [certify(reasoner, t).num_failing for t in tables]
    # a rule fails iff its smallest margin in the right direction is not positive
    assert np.array_equal(failing > 0, margin <= 0)


def test_pretrained_reasoner_is_certified_and_then_exact_at_long_horizons():
    reasoner = load_trained(pretrained_run("life", "neural"))
    for text in ("B3/S23", "B36/S23", "B2/S"):
        assert certify(reasoner, RuleSet.from_text(text)).certified, text
    table = parse_rule("B36/S23")
    grid = (np.random.default_rng(3).random((1, 24, 24)) < 0.4).astype(np.uint8)
    got = np.asarray(reasoner.rollout(table[None], grid, 64))[0]
    assert np.array_equal(got, run_reference(table, grid[0], 64))


@pytest.mark.e2e
def test_certify_cli_writes_a_report_and_rejects_bad_rule_sets(tmp_path):
    import json

    from tests.helpers import run_cli
    proc = run_cli("experiments.certify", "task.certify_rules=B3/S23", f"hydra.run.dir={tmp_path}",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((tmp_path / "certify.json").read_text())
    assert report["num_rules"] == 1 and report["certified"] == 1
    assert report["neighbourhood_checks"] == 512 and report["failing_rules"] == []
    proc = run_cli("experiments.certify", "task.certify_rules=B9", f"hydra.run.dir={tmp_path / 'b'}",
                   cwd=tmp_path)
    assert proc.returncode == 2 and "task.certify_rules" in proc.stderr
    assert "Traceback" not in proc.stderr
