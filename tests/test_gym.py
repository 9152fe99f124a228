"""reasoning-gym's game_of_life through our pipeline (the `gym` extra, installed by make)."""

from experiments import gym
from experiments.core.runio import read_jsonl
from tests.helpers import cfg_for


def test_gym_game_of_life_scored_by_its_own_scorer(tmp_path):
    cfg = cfg_for("reasoner=symbolic", "gym.size=5", "gym.steps=[1,3]", name="gym")
    rows = gym.run(cfg, tmp_path)
    assert len(rows) == 10 and read_jsonl(tmp_path / "gym.jsonl") == rows
    assert {r["rule_chosen"] for r in rows} == {"B3/S23"}  # compiled from the gym's demos
    assert all(r["score"] == 1.0 for r in rows)


def test_board_parser_reads_the_question_grid():
    import json

    import numpy as np
    import reasoning_gym
    ds = reasoning_gym.create_dataset("game_of_life", grid_size_x=6, grid_size_y=6, size=2,
                                      seed=3, filled_cells=12, simulation_steps=0)
    for entry in ds:
        board = gym.board_of(entry)
        assert board.shape == (6, 6)
        assert ds.score_answer(str(board.tolist()).replace(" ", ""), entry) == 1.0
        assert np.array_equal(board, np.asarray(json.loads(entry["answer"])))
