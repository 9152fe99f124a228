"""Life's `solve` says which table entries no demo shows and, under `vote`, which query
cells depend on them (issue 13, part 5)."""

import json

import numpy as np

from compiler.life import parse_rule, run_batch_jit
from experiments.solve import solve
from tests.helpers import cfg_for


def sparse_task(path):
    """Sparse demos (no cell with 5-8 live neighbours) and two queries: a 3 x 3 block,
    whose centre (8 neighbours) and edge middles (5) read unobserved entries, and a
    blinker, which reads only observed ones."""
    rng = np.random.default_rng(0)
    rule = parse_rule("B3/S23")
    xs = (rng.random((4, 16, 16)) < 0.15).astype(np.uint8)
    ys = np.asarray(run_batch_jit(np.repeat(rule[None], 4, 0), xs, 1))
    block = np.zeros((8, 8), np.uint8)
    block[2:5, 2:5] = 1
    blinker = np.zeros((8, 8), np.uint8)
    blinker[3, 2:5] = 1
    path.write_text(json.dumps({
        "train": [{"input": x.tolist(), "output": y.tolist()} for x, y in zip(xs, ys, strict=True)],
        "test": [{"input": block.tolist(), "horizon": 1}, {"input": blinker.tolist(), "horizon": 1}]}))


def test_vote_marks_the_cells_that_read_unobserved_entries(tmp_path):
    sparse_task(tmp_path / "task.json")
    out = solve(cfg_for("task=life", "reasoner=symbolic", "compiler.selector=vote",
                        f"task_file={tmp_path / 'task.json'}", f"out={tmp_path / 'out.json'}",
                        name="solve"))
    assert {"S5", "S8"} <= set(out["unobserved_entries"])
    block, blinker = out["test"]
    mask = np.array(block["undetermined_mask"])
    expected = np.zeros((8, 8), int)
    expected[3, 2:5] = expected[2:5, 3] = 1  # the centre (S8) and the edge middles (S5)
    assert np.array_equal(mask, expected) and block["undetermined"] == 5
    assert blinker["undetermined"] == 0 and not np.array(blinker["undetermined_mask"]).any()


def test_best_still_lists_unobserved_entries_without_a_mask(tmp_path):
    sparse_task(tmp_path / "task.json")
    out = solve(cfg_for("task=life", "reasoner=symbolic", f"task_file={tmp_path / 'task.json'}",
                        f"out={tmp_path / 'out.json'}", name="solve"))
    assert "S8" in out["unobserved_entries"]
    assert all("undetermined" not in t for t in out["test"])
