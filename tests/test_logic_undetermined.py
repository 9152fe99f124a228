"""Logic's honest `undetermined` (issue 23): causal tasks and their right answers, the exact
version space against brute force, drafts that span it, and the weighted vote."""

import itertools

import jax
import numpy as np
import pytest

from compiler import CompilerConfig, compile, get_domain
from compiler.logic import Demos, from_rules
from compiler.logic.executor import CLOSED, FALSE, NOT_ASKED, TRUE, UNDETERMINED, read_np, run_batch_jit
from compiler.logic.rule_class import RuleClass
from compiler.logic.version_space import version_space_answers
from reasoner import SymbolicReasoner, answer
from tasks import get_tasks
from tasks.logic_causal import causal_answer, causal_answer_brute, fact_rows, possible_causes

LOGIC = get_domain("logic")


def test_causal_answers_match_enumerating_every_cause_structure():
    rng = np.random.default_rng(0)
    causes = possible_causes(3)
    queries = np.array(list(itertools.product([0, 1], repeat=3))[1:], bool)
    for _ in range(60):
        trials = rng.random((int(rng.integers(1, 5)), 3)) < 0.5
        trials = trials[trials.any(axis=1)]
        if not len(trials):
            continue
        hidden = rng.random(len(causes)) < 0.3
        outcomes = (causes[hidden][:, None, :] <= trials[None]).all(axis=2).any(axis=0)
        assert np.array_equal(causal_answer(trials, outcomes, queries),
                              causal_answer_brute(trials, outcomes, queries))


def test_causal_tasks_ask_all_three_answers_and_validate():
    tasks_domain = get_tasks("logic")
    cfg = tasks_domain.config(theory="causal", inputs=5, num_demos=6)
    tasks_domain.validate(cfg)
    tasks = tasks_domain.make_tasks(cfg, 1, 12, [16], [1, 1, 1])
    answers = [int(q.answer[5]) for t in tasks for q in t.queries]
    assert {1, 2, 4} <= set(answers)
    for t in tasks:  # the hidden rule reproduces its own trials; its answers are allowed ones
        out = read_np(np.asarray(run_batch_jit(np.repeat(t.rule[None], len(t.demos.facts), 0),
                                               t.demos.facts, 1)))
        assert np.array_equal(out[:, 5], t.demos.closure[:, 5])
        for q in t.queries:
            hidden = read_np(np.asarray(run_batch_jit(t.rule[None], q.input[None], 1)))[0, 5]
            assert q.answer[5] in (hidden, 4)
    with pytest.raises(ValueError, match="closed-world"):
        tasks_domain.validate(tasks_domain.config(theory="causal", inputs=5, world="open"))


def _brute_version_space(group, queries):
    """Every rule set of the class over 2 inputs and 1 derived atom (8 rules: bodies of 1-2
    input literals), by the executor: read values where they all agree, else 4."""
    x = [(0, False), (0, True), (1, False), (1, True)]
    bodies = [[b] for b in x] + [[a, b] for a, b in itertools.product(x[:2], x[2:])]
    values = []
    for mask in range(1 << len(bodies)):
        rules = from_rules([(bodies[i], (2, False)) for i in range(len(bodies)) if mask >> i & 1])
        demo_out = read_np(np.asarray(run_batch_jit(np.repeat(rules[None], len(group.facts), 0),
                                                    group.facts, 4)))
        if (demo_out[:, 2] == group.closure[:, 2]).all():
            values.append(read_np(np.asarray(run_batch_jit(np.repeat(rules[None], len(queries), 0),
                                                           queries, 4)))[:, 2])
    values = np.array(values)
    return np.where((values == values[0]).all(axis=0), values[0], 4)


def test_version_space_matches_enumerating_every_rule_set():
    rng = np.random.default_rng(1)
    assignments = np.array(list(itertools.product([TRUE, FALSE], repeat=2)), np.uint8)
    states = np.concatenate([assignments, np.zeros((4, 1), np.uint8)], axis=1) | CLOSED
    for _ in range(25):
        hidden = from_rules([([(int(rng.integers(2)), bool(rng.random() < 0.5))], (2, False))])
        pick = rng.choice(4, int(rng.integers(1, 4)), replace=False)
        facts = states[pick]
        closure = read_np(np.asarray(run_batch_jit(np.repeat(hidden[None], len(pick), 0), facts, 4)))
        group = Demos(facts, closure, (0, 1))
        out, info = version_space_answers(group, states)
        assert info["reproducible"]
        assert np.array_equal(read_np(out)[:, 2], _brute_version_space(group, states))


def test_version_space_on_causal_tasks_is_their_right_answer():
    """Over present-object bodies the version space is the causal reading (two independent
    computations: clingo and the closed form): both as the class the tasks state and as the
    default class without negation."""
    tasks_domain = get_tasks("logic")
    tasks = tasks_domain.make_tasks(tasks_domain.config(theory="causal", inputs=5, num_demos=6),
                                    2, 10, [16], [1, 1, 1])
    for t in tasks:
        states = np.stack([q.input for q in t.queries])
        for rule_class in (None, RuleClass(negation=False)):
            out, _ = version_space_answers(t.demos, states, rule_class)
            for q, o in zip(t.queries, read_np(out), strict=True):
                asked = q.answer != NOT_ASKED
                assert np.array_equal(o[asked], q.answer[asked])


def test_an_object_never_tried_leaves_its_query_undetermined():
    """o3 never stands on the machine (no lit trial, no unlit one): drafts that span the
    version space disagree on it, so the vote says `undetermined`; minimal covers alone
    all omit it and say `false`."""
    trials = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0]], bool)
    rule = from_rules([([(0, False)], (4, False))])  # o0 -> e0
    facts = fact_rows(trials, 5)
    closure = read_np(np.asarray(run_batch_jit(np.repeat(rule[None], 4, 0), facts, 1)))
    demos = Demos(facts, closure, (0, 1, 2, 3), ("o0", "o1", "o2", "o3", "e0"))
    query = fact_rows(np.array([[0, 0, 0, 1]], bool), 5)
    reasoner = SymbolicReasoner("logic")
    got = {}
    for proposer in ("induce", "induce_span"):
        c = compile(LOGIC, demos, jax.random.key(0),
                    CompilerConfig(proposer=proposer, num_drafts=16, selector="vote"))
        got[proposer] = read_np(answer(reasoner, [c.voters], query, 1))[0, 4]
    assert got == {"induce": 2, "induce_span": 4}
    assert causal_answer(trials, closure[:, 4] == 1, query[:, :4] & TRUE > 0)[0] == 4


def _unanimous(outputs, weight):
    """The vote before weights: where every real voter reads the same, the first voter's
    state, else undetermined."""
    values = read_np(outputs)
    real = weight[:, :, None] > 0
    agree = ((values == values[:, :1]) | ~real).all(axis=1)
    return np.where(agree, outputs[:, 0], UNDETERMINED)


def test_the_weighted_vote_is_unanimity_at_commit_one_and_a_share_below():
    rng = np.random.default_rng(2)
    outputs = rng.choice(np.array([TRUE, FALSE, 0], np.uint8), size=(6, 5, 7)) | CLOSED
    weight = np.ones((6, 5))
    weight[:, 3:] *= rng.random((6, 2)) < 0.5  # padding
    assert np.array_equal(LOGIC.combine(outputs, weight), _unanimous(outputs, weight))
    # three voters: true (weight .5), true (.3), false (.2): committed at share .8, not .9
    out = np.array([[[TRUE | CLOSED], [TRUE | CLOSED], [FALSE | CLOSED]]], np.uint8)
    w = np.array([[0.5, 0.3, 0.2]])
    assert read_np(LOGIC.combine(out, w, commit=0.8))[0, 0] == 1
    assert read_np(LOGIC.combine(out, w, commit=0.9))[0, 0] == 4


def test_the_length_prior_weights_drafts_by_their_rule_text():
    drafts = np.stack([LOGIC.from_text("p0 -> p2", ["p0", "p1", "p2"]),
                       LOGIC.from_text("~p1 -> p2", ["p0", "p1", "p2"]),
                       LOGIC.from_text("p0 -> p2; p1 -> p2", ["p0", "p1", "p2"])])
    from compiler.logic.domain import LogicOptions
    assert LOGIC.description_length(drafts, LogicOptions(negation_symbols=1)).tolist() == [3, 4, 6]
    from compiler.pipeline import prior_weights
    w = prior_weights(LOGIC, drafts, CompilerConfig(prior="length", prior_bits=1.0,
                                                    options=LogicOptions(negation_symbols=8)))
    assert np.allclose(w, [1, 2.0 ** -8, 2.0 ** -3])
    assert prior_weights(LOGIC, drafts, CompilerConfig()) is None
    with pytest.raises(ValueError, match="commit"):
        compile(LOGIC, Demos(np.zeros((1, 3), np.uint8), np.zeros((1, 3), np.uint8), (0,)),
                jax.random.key(0), CompilerConfig(commit=0.3))


def test_solve_answers_from_the_version_space_with_its_selector(tmp_path):
    import json

    from experiments.core.config import ConfigError, validate
    from experiments.solve import solve
    from tests.helpers import cfg_for

    tasks_domain = get_tasks("logic")
    task = tasks_domain.make_tasks(tasks_domain.config(theory="causal", inputs=5, num_demos=6),
                                   2, 3, [16], [1, 1, 1])[2]
    (tmp_path / "task.json").write_text(json.dumps(tasks_domain.task_file_json(task)))
    out = solve(cfg_for("task=logic", "compiler.selector=version_space",
                        f"task_file={tmp_path / 'task.json'}", f"out={tmp_path / 'out.json'}",
                        name="solve"))
    expected, _ = version_space_answers(task.demos, np.stack([q.input for q in task.queries]))
    word = {1: True, 2: False, 4: "undetermined"}
    assert [t["answers"]["e0"] for t in out["test"]] == [word[int(v)] for v in read_np(expected)[:, 5]]
    assert "undetermined" in [t["answers"]["e0"] for t in out["test"]]  # the class is wider than causes
    with pytest.raises(ConfigError, match="no exact version space"):
        validate(cfg_for("task=life", "compiler.selector=version_space", name="solve"))


def test_voters_carry_their_weights_only_while_they_match():
    from compiler.pipeline import Voters

    v = Voters.of(np.zeros((4, 3, 2)), [1, 0.5, 0.25, 0.1], 0.9)
    assert np.array_equal(v.copy().weights, [1, 0.5, 0.25, 0.1]) and v.copy().commit == 0.9
    assert v[:2].weights is None  # a slice: the weights would pair with the wrong voters


def test_version_space_in_evaluate_and_the_presets_is_refused_in_one_line(tmp_path):
    """Outside solve, `compiler.selector=version_space` would be rows that one majority rule
    set answered under the version space's name: refused before any row is written."""
    from experiments import evaluate, job
    from experiments.core.config import ConfigError
    from tests.helpers import cfg_for

    for app, run, overrides in [
            ("evaluate", evaluate.run, ()),
            ("job", job.run, ("experiment=selection", "scale=tiny"))]:
        cfg = cfg_for("task=logic", "compiler.selector=version_space", *overrides, name=app)
        with pytest.raises(ConfigError) as err:
            run(cfg, tmp_path / app)
        message = str(err.value)
        assert "\n" not in message and "only in experiments.solve" in message
        assert "compiler.selector=vote" in message  # the alternative
        assert not (tmp_path / app).exists()  # no rows
    with pytest.raises(ValueError, match="unknown selector 'version_space'"):
        compile(LOGIC, Demos(np.zeros((1, 3), np.uint8), np.zeros((1, 3), np.uint8), (0,)),
                jax.random.key(0), CompilerConfig(selector="version_space"))
