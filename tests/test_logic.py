"""The logic domain against independent oracles: clingo's least model for the executor,
python-sat for the internal-consistency check, and brute force for the generator's
promises (self-consistent hidden rule sets, query depths, the held-out split)."""

import json
import subprocess
import sys

import jax
import numpy as np
import pytest

from compiler import CompilerConfig, compile, get_domain
from compiler.logic import RuleSyntaxError, format_rules, parse_rules
from compiler.logic.consistency import consistent_sat, consistent_vectorized
from compiler.logic.executor import (
    CLOSED,
    FALSE,
    TRUE,
    UNDETERMINED,
    closure_batch_jit,
    contradictory,
    read_np,
    run_batch_jit,
)
from compiler.logic.oracles import clingo_closure
from compiler.logic.reference import run_reference
from compiler.logic.rules import BODY, canonical
from experiments.benchmarks.logic import random_drafts
from tasks import TaskFileError, get_tasks, load_task_file
from tasks.logic import LogicTaskConfig, heldout_mask

LOGIC = get_domain("logic")
TASKS = get_tasks("logic")


def random_rule_sets(rng, n, atoms, rules=(1, 12), constraint_p=0.1):
    """Random rule sets over `atoms` atoms, heads anywhere, both signs: many contradict."""
    return random_drafts(rng, n, atoms, rules, constraint_p)


def random_states(rng, n, atoms, given=0.5):
    values = rng.integers(0, 3, size=(n, atoms))  # 0 unknown, 1 true, 2 false
    values[rng.random((n, atoms)) > given] = 0
    return np.where(values == 1, TRUE, np.where(values == 2, FALSE, 0)).astype(np.uint8)


def test_rule_text_round_trip_and_canonical_order():
    rules = parse_rules("p4 -> ~p5; p1 & ~p2 -> p3; p6 & p1 -> false; p1 & ~p2 -> p3")
    text = format_rules(rules)
    assert text == "p1 & ~p2 -> p3; p4 -> ~p5; p1 & p6 -> false"  # sorted, deduplicated
    assert np.array_equal(parse_rules(text), rules)
    assert LOGIC.size(rules[None])[0] == 3 + 5
    named = parse_rules("rain & ~cold -> wet", names=["rain", "cold", "wet"])
    assert format_rules(named, ["rain", "cold", "wet"]) == "rain & ~cold -> wet"


@pytest.mark.parametrize("bad", ["p1 -> ", "p1 p2 -> p3", "p1 & p2 & p3 & p4 -> p5",
                                 "-> p1", "p1 -> p2 -> p3", "p1 & p1 -> p2", "p1 -> p1",
                                 "q9 -> p1", "p1 -> ~~p2"])
def test_bad_rule_text_names_the_text_and_the_form(bad):
    with pytest.raises(RuleSyntaxError) as err:
        parse_rules(bad)
    assert repr(bad) in str(err.value) and "expected rules separated by ';'" in str(err.value)


def test_executor_agrees_with_clingo_on_1000_rule_sets_and_fact_sets():
    rng = np.random.default_rng(0)
    atoms = 10
    rules = random_rule_sets(rng, 1000, atoms)
    states = random_states(rng, 1000, atoms)
    finals, _ = closure_batch_jit(rules, states)
    finals = np.asarray(finals)
    contradictions = 0
    for r, s, fast in zip(rules, states, finals, strict=True):
        assert np.array_equal(fast, clingo_closure(r, s)), format_rules(r)
        contradictions += bool(contradictory(fast))
    assert 100 < contradictions < 900  # both kinds are tested
    # the step-by-step executor agrees with the slow reference at every T
    for t in (0, 1, 2, 5):
        fast = np.asarray(run_batch_jit(rules[:100], states[:100], t))
        for r, s, f in zip(rules[:100], states[:100], fast, strict=True):
            assert np.array_equal(f, run_reference(r, s, t))


def test_closed_world_reads_underived_atoms_as_false():
    rules = parse_rules("p0 -> p1; ~p0 -> ~p2")
    state = np.array([TRUE, 0, 0, 0], np.uint8)
    out = np.asarray(run_batch_jit(np.stack([rules, rules]), np.stack([state, state | CLOSED]), 3))
    assert read_np(out[0]).tolist() == [1, 1, 0, 0]  # open: p2, p3 unknown
    assert read_np(out[1]).tolist() == [1, 1, 2, 2]  # closed: false
    assert np.array_equal(np.asarray(run_batch_jit(rules[None], out[1:], 4)), out[1:])  # resumable


def test_internal_consistency_vectorized_agrees_with_sat_on_500_drafts():
    rng = np.random.default_rng(1)
    atoms, inputs = 12, list(range(6))
    drafts = random_rule_sets(rng, 500, atoms, rules=(1, 10), constraint_p=0.05)
    fast, fast_witness = consistent_vectorized(drafts, atoms, inputs)
    slow, slow_witness = consistent_sat(drafts, atoms, inputs)
    assert np.array_equal(fast, slow)
    assert 50 < fast.sum() < 450  # consistent and inconsistent drafts both tested
    for k in np.nonzero(~fast)[0]:  # every witness really derives a contradiction
        for index in (fast_witness[k], slow_witness[k]):
            state = np.zeros(atoms, np.uint8)
            for j, a in enumerate(inputs):
                state[a] = TRUE if (index >> j) & 1 else FALSE
            final, _ = closure_batch_jit(drafts[k][None], state[None])
            assert contradictory(np.asarray(final)[0])


def test_checker_flags_self_contradiction_with_a_witness():
    task = TASKS.make_tasks(LogicTaskConfig(), 0, 1, [32], [2])[0]
    bad = canonical(np.concatenate([task.rule[task.rule[:, BODY] > 0],
                                    parse_rules("p0 -> p30; p1 -> ~p30")[:2]]))
    scores = LOGIC_check([task.rule, bad], task.demos)
    assert scores.self_consistent.tolist() == [True, False]
    witness = scores.witness[1]
    assert witness["p0"] is True and witness["p1"] is True


def LOGIC_check(drafts, demos):
    from compiler import check
    return check(LOGIC, np.stack(drafts), demos)


def test_generator_hidden_rule_sets_are_self_consistent_and_deterministic():
    cfg = LogicTaskConfig()
    tasks = TASKS.make_tasks(cfg, 3, 12, [32], [1, 2, 3])
    again = TASKS.make_tasks(cfg, 3, 12, [32], [1, 2, 3])
    rules = np.stack([t.rule for t in tasks])
    assert np.array_equal(rules, np.stack([t.rule for t in again]))
    atoms = tasks[0].demos.num_atoms
    assert consistent_sat(rules, atoms, range(cfg.inputs))[0].all()
    assert heldout_mask(rules, cfg.heldout_fraction).all()  # evaluation: held-out rule sets
    train = TASKS.make_tasks(cfg, 3, 12, [32], [1, 2, 3], pool="train")
    assert not heldout_mask(np.stack([t.rule for t in train]), cfg.heldout_fraction).any()
    for t in tasks:  # every query has the proof depth it asks for
        assert [q.depth for q in t.queries] == [q.horizon for q in t.queries]


def test_deep_queries_have_their_depth_and_need_it():
    cfg = LogicTaskConfig()
    task = TASKS.make_tasks(cfg, 0, 1, [32], [24])[0]
    q = task.queries[0]
    assert q.depth == 24
    early = np.asarray(run_batch_jit(task.rule[None], q.input[None], 23))[0]
    assert not LOGIC.correct(early, q.answer).all()  # 23 steps are not enough
    final = np.asarray(run_batch_jit(task.rule[None], q.input[None], 24))[0]
    assert LOGIC.correct(final, q.answer).all()


def test_induce_returns_different_drafts_that_all_reproduce_the_demos():
    cfg = LogicTaskConfig(num_demos=6)
    task = TASKS.make_tasks(cfg, 0, 1, [32], [3])[0]
    compiled = compile(LOGIC, task.demos, jax.random.key(0), CompilerConfig(num_drafts=16))
    drafts = compiled.drafts
    assert len({d.tobytes() for d in drafts}) == len(drafts) > 1
    assert compiled.consistent_drafts >= 2


def test_vote_is_three_valued():
    rules = np.stack([parse_rules("p0 -> p2; p0 -> p3"), parse_rules("p0 -> p2; p1 -> p3")])
    state = np.array([TRUE | CLOSED, FALSE | CLOSED, CLOSED, CLOSED], np.uint8)
    out = np.asarray(run_batch_jit(rules, np.stack([state, state]), 3))[None]
    combined = LOGIC.combine(out, np.ones((1, 2), np.int32))[0]
    assert read_np(combined).tolist() == [1, 2, 1, 4]  # p3: the drafts disagree
    assert combined[3] & UNDETERMINED
    alone = LOGIC.combine(out[:, :1], np.ones((1, 1), np.int32))[0]
    assert np.array_equal(alone, out[0, 0])  # one voter: its own state, resumable


def _task_file(**changes):
    obj = {"domain": "logic", "atoms": ["a", "b", "c"], "inputs": ["a", "b"], "world": "closed",
           "train": [{"facts": {"a": True, "b": False}, "closure": {"c": True}},
                     {"facts": {"a": False, "b": False}, "closure": {"c": False}}],
           "test": [{"facts": {"a": True, "b": True}, "ask": ["c"]}]}
    obj.update(changes)
    return obj


@pytest.mark.parametrize("change, field", [
    ({"atoms": ["a", "b", "a"]}, "atoms"),
    ({"inputs": ["z"]}, "inputs[0]"),
    ({"train": [{"facts": {"q": True}, "closure": {}}]}, "train[0].facts.q"),
    ({"train": [{"facts": {"c": True}, "closure": {}}]}, "train[0].facts.c"),
    ({"train": [{"facts": {"a": 1}, "closure": {}}]}, "train[0].facts.a"),
    ({"train": [{"facts": {"a": True}, "closure": {"c": "yes"}}]}, "train[0].closure.c"),
    ({"train": [{"facts": {"a": True}}]}, "train[0].closure"),
    ({"train": [{"facts": [True, False], "closure": {}}]}, "train[0].facts"),
    ({"test": [{"facts": {"a": True}, "ask": ["zz"]}]}, "test[0].ask[0]"),
    ({"test": [{"facts": {"a": True}}]}, "test[0].ask"),
])
def test_bad_task_files_name_the_field(tmp_path, change, field):
    path = tmp_path / "task.json"
    path.write_text(json.dumps(_task_file(**change)))
    with pytest.raises(TaskFileError) as err:
        load_task_file(path)
    assert str(err.value).startswith(f"{path}: {field}:")


@pytest.mark.e2e
def test_solve_cli_rejects_a_bad_file_with_exit_2_and_no_output(tmp_path):
    path, out = tmp_path / "task.json", tmp_path / "out.json"
    path.write_text(json.dumps(_task_file(train=[{"facts": {"c": True}, "closure": {}}])))
    proc = subprocess.run([sys.executable, "-m", "experiments.solve", "task=logic",
                           f"task_file={path}", f"out={out}"], capture_output=True, text=True)
    assert proc.returncode == 2 and not out.exists()
    assert f"{path}: train[0].facts.c" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_solve_answers_by_name_and_reports_contradicting_demos(tmp_path):
    from experiments.solve import solve
    from tests.helpers import cfg_for

    good = tmp_path / "good.json"
    good.write_text(json.dumps(_task_file()))
    out = solve(cfg_for("task=logic", "reasoner=symbolic", f"task_file={good}",
                        "compiler.proposer=induce", "compiler.selector=best", f"out={tmp_path / 'a.json'}",
                        name="solve"))
    assert out["rule"] == "a -> c" and out["test"] == [{"answers": {"c": True}}]
    # solve's default: the posterior sample (a fair vote), the exact values where decided;
    # `a & ~b -> c` also reproduces the demos, so c at {a, b} is not decided (P about 0.79)
    out = solve(cfg_for("task=logic", "reasoner=symbolic", f"task_file={good}",
                        f"out={tmp_path / 'a.json'}", name="solve"))
    assert out["test"][0]["answers"] == {"c": "undetermined"} and out["exact"]["used"]
    assert 0.1 < out["test"][0]["p_true"]["c"] < 0.9  # P(c) = 0.79 exactly (enumeration)
    assert out["selector"] == "vote" and out["num_drafts"] == 64
    # the same facts with two different closures: no rule set reproduces both
    clash = _task_file(train=[{"facts": {"a": True, "b": False}, "closure": {"c": True}},
                              {"facts": {"a": True, "b": False}, "closure": {"c": False}}])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(clash))
    out = solve(cfg_for("task=logic", "reasoner=symbolic", f"task_file={bad}",
                        f"out={tmp_path / 'b.json'}", name="solve"))
    assert out["consistent_drafts"] == 0
    assert out["conflicting_demos"] == [[0, 1]] and out["conflicting_entries"] == ["c"]
    assert "demos 0 and 1" in out["warning"] and out["selector"] == "vote"


def test_above_16_inputs_the_check_goes_through_sat():
    from compiler.logic.consistency import internal_consistency

    drafts = np.stack([parse_rules("p0 -> p20; p17 -> ~p20"), parse_rules("p0 & p17 -> p20"),
                       parse_rules("p3 & ~p16 -> p19; p19 & p16 -> false")])
    consistent, witness = internal_consistency(drafts, 24, list(range(18)))
    assert consistent.tolist() == [False, True, True]
    assert witness[0] & 1 and witness[0] >> 17 & 1  # p0 and p17 true
    with pytest.raises(ValueError, match="at most 16"):
        consistent_vectorized(drafts, 24, list(range(18)))


def test_the_internal_check_changes_what_best_chooses():
    from compiler import check_and_select
    from compiler.logic import Demos

    # open world: a alone derives c, b alone derives ~c; a & b is never shown
    facts = np.array([[TRUE, FALSE, 0], [FALSE, TRUE, 0]], np.uint8)
    closure = np.array([[1, 2, 1], [2, 1, 2]], np.uint8)
    demos = Demos(facts, closure, (0, 1))
    drafts = np.stack([parse_rules("p0 -> p2; p1 -> ~p2"),  # smaller, contradicts on a & b
                       parse_rules("p0 & ~p1 -> p2; p1 -> ~p2")])
    on = check_and_select(LOGIC, drafts, demos, jax.random.key(0), CompilerConfig(selector="best"))
    off = check_and_select(LOGIC, drafts, demos, jax.random.key(0),
                           CompilerConfig(selector="best", check_consistency=False))
    assert on.scores.self_consistent.tolist() == [False, True] and on.chosen_index == 1
    assert off.chosen_index == 0 and off.diagnostics["self_consistent"].tolist() == [False, True]
    assert on.scores.witness[0] == {"p0": True, "p1": True}


def test_induce_design_measurement_reports_shares():
    from experiments.benchmarks.logic_induce import measure

    (row,) = measure(4, "open", 2, runs=((4, "vote"),))
    assert all(0.0 <= row[k] <= 1.0 for k in ("exact", "coverage", "acc_answered", "contradictory"))


def test_solve_defaults_on_an_open_world_file_say_whose_drafts_answered(tmp_path):
    """The posterior needs a closed world: an open-world file gets induce's drafts and no
    exact values, and the output says why."""
    from experiments.solve import solve
    from tests.helpers import cfg_for

    path = tmp_path / "open.json"
    path.write_text(json.dumps(_task_file(world="open")))
    out = solve(cfg_for("task=logic", f"task_file={path}", f"out={tmp_path / 'a.json'}",
                        name="solve"))
    assert out["posterior"].startswith("induce's drafts") and "closed-world" in out["posterior"]
    assert out["exact"]["used"] is False and "closed-world" in out["exact"]["why"]
    assert out["selector"] == "vote" and set(out["test"][0]["answers"]) == {"c"}
