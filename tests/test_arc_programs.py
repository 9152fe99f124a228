"""ARC programs: the draft format (text, canonical form, type table), the executor with
pieces against the slow reference, the search's states against their chains, the stacker,
the test-input check on programs, size-changing tasks and wrong-size answers."""

import json

import jax
import numpy as np
import pytest

from compiler import CompilerConfig, check, compile, get_domain
from compiler.arc import OUT, Demos, from_canvas, parse_rules, to_canvas
from compiler.arc import programs as P
from compiler.arc import transforms as T
from compiler.arc.executor import run_reference
from compiler.arc.program_proposer import ArcOptions, stack_draft
from compiler.arc.rules import BASE, PIECES, format_rules, well_formed
from compiler.arc.search import SearchConfig, key_of, pieces_of, search, solutions, stacks
from reasoner import SymbolicReasoner, ranked_answers
from tasks.arc import arc_task, parse_arc_task
from tests.helpers import cfg_for

ARC = get_domain("arc")
FAST = CompilerConfig(num_drafts=16, options=ArcOptions(search_depth=1, search_seconds=5.0))
PROGRAMS = [
    "p1 = crop_content(x) | base p1 | (no rules)",
    "p1 = keep_3(x); p2 = smear_e(p1) | paint p2 | (no rules)",
    "p1 = flip_h(x); p2 = smear_s(keep_2(x)) | paint p1 | cover p2 | self=0 & p1!=0 -> p1",
    "p1 = fill_enclosed_4(x) | self=0 & p1=4 -> p1",
    "p1 = scale_up_2(x); p2 = flip_v(p1) | base p1 | paint p2 | fixpoint: self=0 & n=3 -> 3",
    "p1 = crop_largest8(x) | base p1 | self=0 -> 5",
]


def random_grids(seed, shapes, colours=(0, 0, 0, 1, 2, 3)):
    rng = np.random.default_rng(seed)
    return [rng.choice(colours, size=s).astype(np.uint8) for s in shapes]


@pytest.mark.parametrize("text", PROGRAMS)
def test_program_text_round_trips_and_canonical_clears_slots(text):
    draft = parse_rules(text)
    assert format_rules(draft) == text
    assert np.array_equal(parse_rules(format_rules(draft)), draft)
    bound = draft.copy()
    bound[PIECES, P.SLOT] = 7  # a check-time binding is not part of the draft
    from compiler.arc.rules import canonical
    assert np.array_equal(canonical(bound), draft)
    assert well_formed(draft[None])[0]


def test_the_type_table_rejects_malformed_programs():
    good = parse_rules("p1 = keep_3(x); p2 = smear_e(p1) | paint p2 | self=0 & p1!=0 -> p1")
    bad = [good.copy() for _ in range(5)]
    bad[0][PIECES][0, 0] = len(T.TRANSFORMS) + 1  # no such transform
    bad[1][PIECES][1, :P.CHAIN] = [0, 3, 0]  # a gap in a chain
    bad[2][0, BASE] = 4  # the base is a piece it does not have
    bad[3][PIECES][0, P.ROLE] = 9  # no such role
    bad[4][PIECES][0] = 0  # pieces not packed first
    assert well_formed(np.stack([good, *bad])).tolist() == [True] + [False] * len(bad)
    with pytest.raises(ARC.syntax_error, match="piece feature"):
        parse_rules("p1 = keep_3(x) | self=0 & p2!=0 -> p2")
    with pytest.raises(ARC.syntax_error, match="unknown transform"):
        parse_rules("p1 = no_such(x) | (no rules)")
    with pytest.raises(ARC.syntax_error, match="no piece p3"):
        parse_rules("p1 = keep_3(x) | paint p3 | (no rules)")


@pytest.mark.parametrize("text", PROGRAMS)
def test_executor_with_pieces_equals_the_reference(text):
    rule = parse_rules(text)
    grids = random_grids(3, [(5, 6), (7, 4), (4, 4)])
    grids[2][1:3, 1:3] = 0
    grids[2][0, :] = grids[2][3, :] = grids[2][:, 0] = grids[2][:, 3] = 1  # a hole to fill
    canvases = np.stack([to_canvas(g) for g in grids])
    fast = np.asarray(ARC.run_batch(np.repeat(rule[None], len(grids), 0), canvases, 30))
    for g, out in zip(grids, fast, strict=True):
        ref = run_reference(rule, g, 30)
        if (ref == OUT).all():  # the base piece is undefined on this grid: no output
            assert (out == OUT).all()
        else:
            assert np.array_equal(from_canvas(out), ref)


def test_search_states_are_distinct_and_equal_their_chains_run_on_every_input():
    grids = random_grids(5, [(5, 6), (7, 7), (4, 9)])
    result = search(grids, SearchConfig(depth=2, max_states=400, seconds=30))
    assert result.states and result.depth_reached == 2
    keys = [key_of(s.grids) for s in result.states]
    assert len(set(keys)) == len(keys) and key_of(grids) not in keys
    for s in result.states[::7]:
        for g, got in zip(grids, s.grids, strict=True):
            ran, at = P.run_chain(s.chain, g)
            assert at == -1 and np.array_equal(ran, got)
        assert any(g.any() for g in s.grids)  # blank states are dropped


def stacked_task():
    """Output = input with colour 3 shot east and colour 2 shot south: two pieces."""
    xs = []
    for seed in range(3):
        g = np.zeros((8, 8), np.uint8)
        rng = np.random.default_rng(seed)
        g[rng.integers(0, 8), rng.integers(0, 3)] = 3
        g[rng.integers(0, 3), rng.integers(3, 8)] = 2
        xs.append(g)
    paint = lambda g: np.where(T.apply("smear_s", T.apply("keep_2", g)) != 0,  # noqa: E731
                               T.apply("smear_s", T.apply("keep_2", g)),
                               np.where(T.apply("smear_e", T.apply("keep_3", g)) != 0,
                                        T.apply("smear_e", T.apply("keep_3", g)), g))
    return xs[:2], [paint(x) for x in xs[:2]], xs[2:], [paint(x) for x in xs[2:]]


def test_the_stacker_lays_pieces_that_reproduce_the_demos_and_the_checker_agrees():
    xs, ys, tests, truth = stacked_task()
    # the transforms the answer needs among others of their families (a smaller search)
    order = [T.INDEX[n] for n in T.INDEX if n.startswith(("keep_", "erase_", "smear_", "flip_",
                                                           "gravity_", "shift_"))]
    result = search(xs + tests, SearchConfig(depth=2, max_states=5000, seconds=60), order)
    pieces = pieces_of(result.states, ys)
    found = stacks(pieces, xs, ys)
    assert found and not solutions(pieces, ys)
    assert all(s.laid and len(s.laid) + (s.base is not None) >= 2 for s in found)
    demos = Demos(np.stack([to_canvas(x) for x in xs]), np.stack([to_canvas(y) for y in ys]),
                  np.stack([to_canvas(t) for t in tests]))
    draft = stack_draft(found[0])
    assert check(ARC, draft[None], demos).exact[0]
    out = ARC.run_batch(draft[None], demos.tests[:1], 30)[0]
    assert np.array_equal(from_canvas(out), truth[0])


def test_a_program_undefined_on_the_test_input_makes_its_draft_contradict_itself():
    """`crop_largest8` is undefined where two objects tie for largest: the test input."""
    x = np.zeros((5, 5), np.uint8)
    x[0, 0], x[2:4, 2:4] = 1, 2
    y = np.full((2, 2), 2, np.uint8)
    test = np.zeros((5, 5), np.uint8)
    test[0, 0:2], test[3, 3:5] = 1, 3
    demos = Demos(to_canvas(x)[None], to_canvas(y)[None], to_canvas(test)[None])
    draft = parse_rules("p1 = crop_largest8(x) | base p1 | (no rules)")
    scores = check(ARC, draft[None], demos)
    assert scores.exact[0] and not scores.self_consistent[0]
    assert scores.witness[0] == {"input": "test 0", "piece": "p1", "step": "crop_largest8(x)",
                                 "reason": "undefined"}


def test_a_prediction_of_the_wrong_size_scores_wrong_on_every_cell():
    truth = to_canvas(np.ones((2, 2), np.uint8))
    bigger = to_canvas(np.ones((3, 3), np.uint8))
    assert not ARC.correct(bigger[None], truth[None])[ARC.scored(truth[None])].any()
    assert ARC.correct(truth[None], truth[None])[ARC.scored(truth[None])].all()


def test_drafts_do_not_change_when_the_test_outputs_do():
    """No leak: the compiler never reads a test output."""
    obj = {"train": [{"input": [[1, 0], [0, 2]], "output": [[2, 0], [0, 1]]},
                     {"input": [[0, 1, 1]], "output": [[0, 2, 2]]}],
           "test": [{"input": [[1, 1], [2, 0]], "output": [[2, 2], [1, 0]]}]}
    other = json.loads(json.dumps(obj))
    other["test"][0]["output"] = [[5, 5, 5]]
    a, b = (compile(ARC, arc_task(0, "t", parse_arc_task(o, "t")).demos, jax.random.key(0), FAST)
            for o in (obj, other))
    assert np.array_equal(a.drafts, b.drafts) and a.rule_text == b.rule_text


@pytest.mark.parametrize(("name", "size_changing"), [("1c786137", True), ("3af2c5a8", True),
                                                      ("00d62c1b", False)])
def test_programs_solve_real_training_tasks(name, size_changing):
    """ARC-AGI-1 training tasks one program step solves: crop to the inside of the largest
    frame, mirror-tile (3x4 -> 6x8), fill the enclosed background."""
    from tasks.arc import split_tasks

    parsed = dict(split_tasks("arc1_train"))[name]
    task = arc_task(0, name, parsed)
    compiled = compile(ARC, task.demos, jax.random.key(0), FAST)
    assert compiled.consistent_drafts > 0 and "base p1" in compiled.rule_text or not size_changing
    for q in task.queries:
        tried = ranked_answers(SymbolicReasoner("arc"), compiled, q.input, q.horizon, top=2)
        assert any(np.array_equal(a.answer, q.answer) for a in tried)


def test_solve_answers_a_size_changing_task_and_every_test_input(tmp_path):
    from experiments.solve import solve

    crop = {"train": [{"input": [[0, 0, 0], [0, 3, 3], [0, 3, 0]], "output": [[3, 3], [3, 0]]},
                      {"input": [[5, 0, 0, 0], [0, 0, 0, 0]], "output": [[5]]}],
            "test": [{"input": [[0, 0], [0, 7]]}, {"input": [[0, 4, 4, 0], [0, 4, 0, 0]]}]}
    (tmp_path / "k.json").write_text(json.dumps({"crop": crop}))
    out = solve(cfg_for("task=arc", "reasoner=symbolic", f"task_file={tmp_path / 'k.json'}",
                        f"out={tmp_path / 'sub.json'}", "task.search_depth=1", name="solve"))
    assert [e["attempt_1"] for e in out["crop"]] == [[[7]], [[4, 4], [4, 0]]]


def test_kaggle_scoring_counts_exact_attempts_only_and_missing_tasks_as_wrong():
    from experiments.arc_kaggle import challenges, score_rows
    from tasks.arc_data import load_split

    split = load_split("arc1_train")
    name, task = next(iter(split.items()))
    truth = task["test"][0]["output"]
    assert "output" not in challenges("arc1_train")[name]["test"][0]  # no answers handed out
    bigger = [row + [0] for row in truth]  # right cells, wrong size
    rows = score_rows("arc1_train", {name: [{"attempt_1": bigger, "attempt_2": truth}]},
                      {name: {"seconds": 2.0, "consistent_drafts": 1}})
    first = [r for r in rows if r["task_name"] == name]
    assert [(r["pass_at_1"], r["pass_at_2"]) for r in first] == [(False, True)]
    assert len(rows) == sum(len(t["test"]) for t in split.values())
    assert not any(r["pass_at_2"] for r in rows if r["task_name"] != name)


def test_covers_without_pieces_never_read_a_piece_feature():
    """A pool with no pieces has every `p<i>` OUT: `p1 != 0` would hold on every cell and
    name a piece the draft lacks (it crashed a task of the first ARC-AGI-1 eval run)."""
    from compiler.arc.features import NUM_CELL_FEATURES
    from compiler.arc.proposers import ONCE, Pool, covers, literal_candidates

    x = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 2]], np.uint8)
    demos = Demos(to_canvas(x)[None], to_canvas(np.where(x == 0, 3, x))[None])
    assert all(f < NUM_CELL_FEATURES for f, _, _ in literal_candidates(Pool([demos], ONCE)))
    for _, _, rules, _ in covers([demos]):
        assert all(f < NUM_CELL_FEATURES for lits, _ in rules for f, _, _ in lits)
