"""The seams a third domain goes through: learned proposers bound on demand (no import side
effects), truth-optional evaluation, presets, halting and solve on the toy plug-in domain
(tests/plugins: answers without a hidden rule, mixed shapes, two attempts), task files that
must say their domain."""

import dataclasses
import json

import jax
import numpy as np
import pytest

import compiler.domain
from compiler import CompilerConfig, compile, domain_names, get_domain
from compiler.domain import LearnedProposerNotLoaded
from reasoner import SymbolicReasoner, ranked_answers
from tasks import TaskFileError, get_tasks, load_task_file
from tests.helpers import ROOT, cfg_for

LEARNED = [(d, name) for d in domain_names() for name in sorted(get_domain(d).learned_proposers)]


def test_nothing_registers_learned_proposers_on_import(monkeypatch):
    """A learned proposer that nobody loaded fails with a message naming its weights and
    how to load them; importing the experiments layer does not load it."""
    import experiments.core.config  # noqa: F401  (the apps' config: no side effect on registries)

    monkeypatch.setattr(compiler.domain, "_BOUND", {})
    life = get_domain("life")
    assert "neural" not in life.proposers and "neural" in life.proposer_names()
    task = get_tasks("life").make_tasks(get_tasks("life").config(grid=8), 0, 1, [8], [1])[0]
    with pytest.raises(LearnedProposerNotLoaded, match="pretrained/life-proposer.*load"):
        compile(life, task.demos, jax.random.key(0), CompilerConfig(proposer="neural"))
    from experiments.core.config import compiler_config
    compiler_config(cfg_for("compiler.proposer=neural"))  # what the apps do: loads on demand
    compile(life, task.demos, jax.random.key(0), CompilerConfig(proposer="neural", num_drafts=4))


def small_options(domain):
    """The domain's compiler options with a small search budget where it has one (ARC's
    program search: a few hundred states, so determinism is checked in seconds)."""
    if domain.options is None:
        return None
    small = {"search_states": 400}
    names = {f.name for f in dataclasses.fields(domain.options)}
    return domain.options(**{k: v for k, v in small.items() if k in names})


@pytest.mark.parametrize("selector", ["best", "vote", "random", "first"])
@pytest.mark.parametrize(("domain_name", "proposer"), LEARNED)
def test_every_learned_proposer_is_deterministic_once_loaded(domain_name, proposer, selector):
    from experiments.core.learned_proposers import load

    load(domain_name, proposer)
    domain, tasks = get_domain(domain_name), get_tasks(domain_name)
    task = tasks.make_tasks(tasks.config(), 0, 1, [12], [1])[0]
    config = CompilerConfig(proposer=proposer, selector=selector, num_drafts=6,
                            options=small_options(domain))
    a = compile(domain, task.demos, jax.random.key(7), config)
    b = compile(domain, task.demos, jax.random.key(7), config)
    assert np.array_equal(a.drafts, b.drafts) and np.array_equal(a.chosen, b.chosen)
    assert a.survivors.any() and domain.from_text(a.rule_text).shape == domain.rule_shape


def test_ranked_answers_are_distinct_best_supported_and_start_with_the_selectors():
    domain, tasks = get_domain("toy"), get_tasks("toy")
    task = tasks.make_tasks(tasks.config(), 0, 2, [5], [1])[1]
    q = task.queries[0]
    for selector in ("best", "vote"):
        c = compile(domain, task.demos, jax.random.key(0), CompilerConfig(num_drafts=8, selector=selector))
        got = ranked_answers(SymbolicReasoner("toy"), c, q.input, 1, top=3)
        first = np.asarray(domain.run_batch(c.voters, np.repeat(q.input[None], len(c.voters), 0), 1))
        if selector == "best":
            assert np.array_equal(got[0].answer, first[0])
        outs = [a.answer.tobytes() for a in got]
        assert len(set(outs)) == len(outs) == 3
        # support: how many surviving drafts give exactly that answer (a brute-force count)
        runs = np.asarray(domain.run_batch(c.drafts[c.survivors],
                                           np.repeat(q.input[None], c.survivors.sum(), 0), 1))
        for a in got:
            assert a.support == sum(np.array_equal(r, a.answer) for r in runs)


def test_evaluate_and_halting_rows_without_a_hidden_rule(tmp_path):
    """Toy tasks give answers only; their queries differ in shape between tasks."""
    from experiments.evaluate import run

    cfg = cfg_for("task=toy", "reasoner=symbolic", "eval.num_tasks=3", "eval.horizons=[1,2]",
                  "eval.grids=[4]", "eval.until_stable=true", "eval.max_iterations=8",
                  name="evaluate")
    rows = run(cfg, tmp_path)
    assert len(rows) == 3 * 2 and {r["task_id"] for r in rows} == {0, 1, 2}
    assert all(r["rule_true"] is None and r["rule_recovered"] is None for r in rows)
    assert all(r["domain"] == "toy" and r["grid"] == 4 for r in rows)
    halting = [json.loads(line) for line in (tmp_path / "halting.jsonl").read_text().splitlines()]
    assert halting and all(r["mu_true"] is None and r["exact"] is not None for r in halting)


def test_a_preset_runs_without_a_hidden_rule(tmp_path):
    from hydra.core.config_store import ConfigStore

    from experiments.core.reasoners import compose_config
    from experiments.presets import selection

    # a domain joins a hypothesis by declaring it (conf/preset/DOMAIN/HYPOTHESIS.yaml; here
    # the same in the config store) and its presets' reasoner (conf/reasoner/preset/DOMAIN)
    store = ConfigStore.instance()
    store.store(group="preset/toy", name="selection", package="_global_",
                node={"experiment": {"name": "toy_selection"}})
    store.store(group="reasoner/preset", name="toy", node={"name": "symbolic"})
    cfg = compose_config("job", ["experiment=selection", "scale=tiny", "task=toy",
                                 "experiment.selectors=[best,vote]"])
    assert cfg.experiment.name == "toy_selection" and cfg.reasoner.name == "symbolic"
    rows = selection.run(cfg, tmp_path)
    assert [r["condition"]["selector"] for r in rows] == ["best", "vote"]
    for r in rows:  # no rule: no P(chosen = true); the query metrics remain
        assert "p_chosen_true" not in r["metrics"] and 0 <= r["metrics"]["exact_symbolic"] <= 1


def test_solve_gives_the_domains_attempts_and_needs_a_domain(tmp_path):
    from experiments.solve import solve

    tasks = get_tasks("toy")
    task = tasks.make_tasks(tasks.config(), 0, 2, [5], [1])[1]
    obj = tasks.task_file_json(task)
    (tmp_path / "named.json").write_text(json.dumps(obj))
    del obj["domain"]
    (tmp_path / "anon.json").write_text(json.dumps(obj))
    # the file's domain decides, no task= needed
    out = solve(cfg_for(f"task_file={tmp_path / 'named.json'}", f"out={tmp_path / 'a.json'}",
                        name="solve"))
    assert [len(t["attempts"]) for t in out["test"]] == [2]
    # a file that names no domain: task= decides; neither: one error naming both ways
    out = solve(cfg_for("task=toy", f"task_file={tmp_path / 'anon.json'}",
                        f"out={tmp_path / 'b.json'}", "attempts=1", name="solve"))
    assert "attempts" not in out["test"][0]
    with pytest.raises(TaskFileError, match="add \"domain\": NAME.*task=NAME"):
        load_task_file(tmp_path / "anon.json")
    with pytest.raises(TaskFileError, match="run with task=toy"):
        load_task_file(tmp_path / "named.json", "life")


def test_logic_checks_every_demo_group():
    """Internal consistency reads the admissible inputs of every demo group, not the first."""
    from compiler.logic import Demos, parse_rules
    from compiler.logic.executor import CLOSED, NOT_ASKED

    logic = get_domain("logic")
    names = ["a", "b", "c"]
    rules = parse_rules("a -> c; b -> ~c", names)[None]

    def group(inputs):
        facts = np.full((1, 3), CLOSED, np.uint8)
        return Demos(facts, np.full((1, 3), NOT_ASKED, np.uint8), tuple(inputs), tuple(names))

    # with input a alone no fact set derives both c and ~c; with a and b one does
    assert logic.internal_consistency(rules, [group([0])])[0][0]
    ok, witness = logic.internal_consistency(rules, [group([0]), group([0, 1])])
    assert not ok[0] and witness[0] == {"a": True, "b": True}


def test_no_library_file_names_a_plugin_domain():
    for package in ("compiler", "reasoner", "tasks", "experiments"):
        for path in (ROOT / package).rglob("*.py"):
            assert "toy" not in path.read_text().lower().split(), path


def test_no_import_circles():
    """No module of compiler/, reasoner/, tasks/ or experiments/ reaches itself through
    imports (top-level or inside a function): a domain's proposers do not import its domain
    object, reports import plots and verdicts, the apps import reports, never back."""
    import ast

    packages = ("compiler", "reasoner", "tasks", "experiments")
    files = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
             for package in packages for p in (ROOT / package).rglob("*.py")}
    graph = {}
    for name, path in files.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(packages):
                deps |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in files
                         else node.module for a in node.names}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith(packages)}
        # (a module's own enclosing package is imported before the module itself, so
        # naming it, e.g. `import compiler` for `compiler.__path__`, orders nothing)
        graph[name] = {d for d in deps & set(files) if not name.startswith(d + ".")} - {name}

    def reaches(start, target, seen):
        for nxt in graph[start]:
            if nxt == target or (nxt not in seen and not seen.add(nxt) and reaches(nxt, target, seen)):
                return True
        return False

    circles = sorted(name for name in graph if reaches(name, name, set()))
    assert not circles, f"import circles through {circles}"
    assert "experiments.reporting.results_md" not in graph["experiments.reporting.logic_report"]
