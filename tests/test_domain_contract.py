"""Contract tests every domain passes (parametrized over the registry of domains): a new
domain joins them by existing, without editing this file."""

import json
import logging

import jax
import numpy as np
import pytest

from compiler import SELECTORS, CompilerConfig, check, compile, domain_names, get_domain
from reasoner import SymbolicReasoner, answer, get_spec, reasoner_names
from tasks import get_tasks, load_task_file
from tests.helpers import cfg_for

DOMAINS = domain_names()


def sample_tasks(name, n=2, sizes=(12,), horizons=(1, 3)):
    t = get_tasks(name)
    return t.make_tasks(t.config(), 0, n, list(sizes), list(horizons))


def test_every_domain_has_tasks_and_reasoners():
    for name in DOMAINS:
        assert get_tasks(name).name == name
        assert "symbolic" in reasoner_names(name)


@pytest.mark.parametrize("name", DOMAINS)
def test_executor_equals_slow_reference(name):
    domain = get_domain(name)
    for task in sample_tasks(name):
        for q in task.queries:
            fast = np.asarray(domain.run_batch(task.rule[None], q.input[None], q.horizon))[0]
            assert np.array_equal(fast, domain.run_reference(task.rule, q.input, q.horizon))
            assert domain.correct(fast, q.answer).all()


@pytest.mark.parametrize("name", DOMAINS)
def test_vectorized_checker_equals_loop_over_drafts_and_demos(name):
    domain = get_domain(name)
    task = sample_tasks(name, n=1)[0]
    groups = task.demos if isinstance(task.demos, list) else [task.demos]
    drafts, _ = domain.proposers["random"](jax.random.key(1), groups, 11, CompilerConfig())
    drafts = np.concatenate([task.rule[None], drafts])
    scores = check(domain, drafts, groups, chunk=4)  # several chunks, the last one padded
    for k, d in enumerate(drafts):
        wrong = np.concatenate([domain.reference_wrong(d, g) for g in groups])
        assert scores.mismatches[k] == wrong.sum()
        assert np.array_equal(scores.demo_exact[k], wrong == 0)
    assert scores.exact[0] and scores.self_consistent[0]


@pytest.mark.parametrize("name", DOMAINS)
def test_iterations_are_traced_no_recompile_per_T(name, caplog):
    domain = get_domain(name)
    task = sample_tasks(name, n=1)[0]
    x = task.queries[0].input[None]
    domain.run_batch(task.rule[None], x, 1)  # compile once
    with jax.log_compiles(True), caplog.at_level(logging.WARNING):
        caplog.clear()
        for steps in (2, 5, 17):
            jax.block_until_ready(domain.run_batch(task.rule[None], x, steps))
    assert not [r for r in caplog.records if "Compiling" in r.getMessage()]


@pytest.mark.parametrize("name", DOMAINS)
@pytest.mark.parametrize("selector", sorted(SELECTORS))
def test_compile_is_deterministic_for_every_proposer(name, selector):
    domain = get_domain(name)
    task = sample_tasks(name, n=1)[0]
    for proposer in sorted(set(domain.proposers) - {"exhaustive"}):
        config = CompilerConfig(proposer=proposer, selector=selector, num_drafts=6)
        a = compile(domain, task.demos, jax.random.key(7), config, truth=task.rule)
        b = compile(domain, task.demos, jax.random.key(7), config, truth=task.rule)
        assert np.array_equal(a.drafts, b.drafts) and np.array_equal(a.chosen, b.chosen)
        assert a.survivors.shape == (len(a.drafts),) and a.survivors.any()
        assert domain.from_text(a.rule_text).shape == domain.rule_shape


@pytest.mark.parametrize("name", DOMAINS)
def test_task_file_round_trip(name, tmp_path):
    tasks, domain = get_tasks(name), get_domain(name)
    task = sample_tasks(name, n=1)[0]
    path = tmp_path / "task.json"
    path.write_text(json.dumps(tasks.task_file_json(task)))
    loaded = load_task_file(path)
    assert loaded.domain == name
    assert check(domain, task.rule[None], loaded.demos).exact[0]  # the truth reproduces them
    assert [q.horizon for q in task.queries] == list(loaded.test_horizons)
    for q, x in zip(task.queries, loaded.test_inputs, strict=True):
        assert np.array_equal(q.input, x)


@pytest.mark.parametrize("name", DOMAINS)
def test_solve_answers_a_task_file_with_its_chosen_rule(name, tmp_path):
    from experiments.solve import solve

    tasks, domain = get_tasks(name), get_domain(name)
    task = sample_tasks(name, n=1)[0]
    (tmp_path / "task.json").write_text(json.dumps(tasks.task_file_json(task)))
    cfg = cfg_for(f"task={name}", "reasoner=symbolic", f"task_file={tmp_path / 'task.json'}",
                  f"out={tmp_path / 'out.json'}", name="solve")
    out = solve(cfg)
    assert json.loads((tmp_path / "out.json").read_text()) == out
    loaded = load_task_file(tmp_path / "task.json")
    rule = domain.from_text(out["rule"])
    reasoner = SymbolicReasoner(name)
    for j, (q, written) in enumerate(zip(task.queries, out["test"], strict=True)):
        expected = answer(reasoner, [rule[None]], q.input[None], q.horizon)[0]
        assert written == tasks.answer_json(expected, loaded, j)


@pytest.mark.parametrize("name", DOMAINS)
def test_reasoner_specs_declare_their_capabilities(name):
    for rname in reasoner_names(name):
        spec = get_spec(name, rname)
        assert spec.domain == name and spec.reads in ("rules", "demos")
        assert spec.trainable == (spec.model is not None)
        if spec.certifiable:
            assert spec.discrete  # a certificate needs a discrete state
