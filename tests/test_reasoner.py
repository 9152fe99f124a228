import numpy as np

from compiler.life import parse_rule, run_reference, table_from_index
from reasoner import SymbolicReasoner, answer


def test_vote_answer_is_per_cell_majority_of_voter_runs():
    rng = np.random.default_rng(0)
    voters = [table_from_index(rng.integers(0, 1 << 18, size=3)),
              parse_rule("B3/S23")[None]]
    states = (rng.random((2, 7, 9)) < 0.5).astype(np.uint8)
    got = answer(SymbolicReasoner("life"), voters, states, 3)
    runs = np.stack([run_reference(t, states[0], 3) for t in voters[0]])
    assert np.array_equal(got[0], (runs.sum(0) >= 2).astype(np.uint8))
    assert np.array_equal(got[1], run_reference(voters[1][0], states[1], 3))


def test_even_vote_ties_go_to_dead():
    voters = [np.stack([parse_rule("B/S"), parse_rule("B012345678/S012345678")])]
    states = np.zeros((1, 4, 4), np.uint8)
    assert answer(SymbolicReasoner("life"), voters, states, 1).sum() == 0
