"""The stated rule class (issue 33): the posterior proposer's sample against the exact
posterior, solve's answers under the class a task states and under renaming, the
`rule_class` field's validation, and the blicket-class causal generator."""

import hashlib
import itertools
import json
import subprocess
import sys

import numpy as np
import pytest

from compiler.logic.executor import NOT_ASKED, READ_TRUE, read_np, run_batch_jit
from compiler.logic.posterior import as_drafts, posterior_by_enumeration, rule_pool, sample_rule_sets
from compiler.logic.rule_class import DEFAULT, RuleClass
from compiler.logic.version_space import version_space_answers
from tasks import TaskFileError, get_tasks
from tasks.logic import Query, stated_class
from tasks.logic_causal import CAUSAL_CLASS, causal_answer, causal_answer_brute
from tasks.logic_files import parse_task, task_json

TASKS = get_tasks("logic")
BLICKET_JSON = {"max_literals": 1, "negation": False, "causes": "inputs"}
BLICKET = RuleClass(1, False, "inputs")
T, F = True, False


# --- the posterior sample converges to the exact posterior -----------------------------

def _demo(atoms: str, closure: dict, inputs: str) -> dict:
    """A demo: the objects in `atoms` present, the other `inputs` absent."""
    return {"facts": {a: a in atoms for a in inputs}, "closure": closure}


SMALL_FILES = [  # few sound rules each (posterior_by_enumeration's limit: 18)
    {"atoms": ["a", "b", "c"], "inputs": ["a", "b"],
     "train": [_demo("a", {"c": T}, "ab"), _demo("", {"c": F}, "ab")],
     "test": [{"facts": {"a": T, "b": T}, "ask": ["c"]}, {"facts": {"a": F, "b": T}, "ask": ["c"]}]},
    {"atoms": ["x", "y", "z", "g"], "inputs": ["x", "y", "z"],
     "train": [_demo("xyz", {"g": T}, "xyz"), _demo("z", {"g": F}, "xyz"),
               _demo("x", {"g": F}, "xyz"), _demo("y", {"g": F}, "xyz"), _demo("", {"g": F}, "xyz")],
     "test": [{"facts": {"x": T, "y": T, "z": F}, "ask": ["g"]},
              {"facts": {"x": F, "y": T, "z": T}, "ask": ["g"]}]},
    {"atoms": ["A", "B", "C", "light"], "inputs": ["A", "B", "C"],  # the even split (below)
     "train": [_demo("ABC", {"light": T}, "ABC"), _demo("C", {"light": F}, "ABC")],
     "test": [{"facts": {"A": F, "B": T, "C": F}, "ask": ["light"]},
              {"facts": {"A": T, "B": T, "C": F}, "ask": ["light"]}]},
]


def _posterior_cases():
    """(name, demos, class, queries, horizons, asked atoms per query): task files under the
    default and the blicket class, causal tasks of 4 objects under their own class and the
    blicket class, and a chain (d needs c) under a class small enough to enumerate."""
    cases = []
    for i, obj in enumerate(SMALL_FILES):
        tf = parse_task(obj, f"small{i}")
        # no blicket explains the second file (only a conjunction lights g); the default
        # class has 19 sound rules on the third
        for rule_class in [(DEFAULT, BLICKET), (DEFAULT,), (BLICKET,)][i]:
            cases.append((f"file{i}/{rule_class.max_literals}", tf.demos[0], rule_class,
                          np.stack(tf.test_inputs), tf.test_horizons, tf.asks))
    chain = parse_task({"atoms": ["a", "b", "c", "d"], "inputs": ["a", "b"], "train": [
        _demo("a", {"c": T, "d": F}, "ab"), _demo("ab", {"c": T, "d": T}, "ab"),
        _demo("", {"c": F, "d": F}, "ab")], "test": [{"facts": {"a": F, "b": T}, "ask": ["c", "d"]}]})
    cases.append(("chain", chain.demos[0], RuleClass(2, False, "all"), np.stack(chain.test_inputs),
                  chain.test_horizons, chain.asks))
    for rule_class in (CAUSAL_CLASS, BLICKET):
        cfg = TASKS.config(theory="causal", inputs=4, num_demos=5, rule_class=rule_class.to_json())
        for t in TASKS.make_tasks(cfg, 0, 2, [0], [1, 1, 1]):
            cases.append((f"causal{t.task_id}/{rule_class.max_literals}", t.demos, rule_class,
                          np.stack([q.input for q in t.queries]), [q.horizon for q in t.queries],
                          [np.nonzero(q.answer != NOT_ASKED)[0].tolist() for q in t.queries]))
    return cases


def _shares(group, rule_class, rule_bits, queries, horizons, num, seed) -> np.ndarray:
    """`[Q, A]` share of `num` posterior drafts that derive each atom at each query."""
    rules, _ = sample_rule_sets(rule_pool(group, rule_class, rule_bits), num,
                                np.random.default_rng(seed))
    drafts = as_drafts(rules)
    return np.stack([(read_np(np.asarray(run_batch_jit(drafts, np.repeat(q[None], num, 0), int(h))))
                      == READ_TRUE).mean(axis=0) for q, h in zip(queries, horizons, strict=True)])


@pytest.mark.parametrize("rule_bits", [0.0, -2.0])
def test_the_posterior_share_of_drafts_converges_to_the_exact_probability(rule_bits):
    errors_big, errors_small = [], []
    for name, group, rule_class, queries, horizons, asked in _posterior_cases():
        exact = posterior_by_enumeration(group, queries, rule_class, rule_bits)
        big = _shares(group, rule_class, rule_bits, queries, horizons, 2000, 0)
        for j, atoms in enumerate(asked):
            for a in atoms:
                assert abs(big[j, a] - exact[j, a]) <= 0.05, (name, j, a, big[j, a], exact[j, a])
                errors_big.append(abs(big[j, a] - exact[j, a]))
        for seed in (1, 2, 3):
            small = _shares(group, rule_class, rule_bits, queries, horizons, 50, seed)
            errors_small += [abs(small[j, a] - exact[j, a]) for j, atoms in enumerate(asked) for a in atoms]
    assert np.mean(errors_big) < np.mean(errors_small)


# --- solve's answers under the stated class and under renaming --------------------------

def _solve(tmp_path, obj, *overrides, name="t"):
    from experiments.solve import solve
    from tests.helpers import cfg_for

    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(obj))
    return solve(cfg_for("task=logic", f"task_file={path}", f"out={tmp_path / (name + '.out.json')}",
                         *overrides, name="solve"))


def _answers(out) -> list[dict]:
    return [t["answers"] for t in out["test"]]


def _renamed(obj: dict, names: dict, rng) -> dict:
    """`obj` with every atom renamed by `names` and the atoms and inputs lists shuffled."""
    def mapping(m):
        return {names[k]: v for k, v in m.items()}

    atoms, inputs = [names[a] for a in obj["atoms"]], [names[a] for a in obj["inputs"]]
    out = {**obj, "atoms": [atoms[i] for i in rng.permutation(len(atoms))],
           "inputs": [inputs[i] for i in rng.permutation(len(inputs))],
           "train": [{"facts": mapping(d["facts"]), "closure": mapping(d["closure"])} for d in obj["train"]],
           "test": [{**q, "facts": mapping(q["facts"]), "ask": [names[a] for a in q["ask"]]}
                    for q in obj["test"]]}
    if isinstance(obj.get("rule_class", {}).get("causes"), list):
        out["rule_class"] = {**obj["rule_class"], "causes": [names[a] for a in obj["rule_class"]["causes"]]}
    return out


def _even_split(rule_class) -> dict:
    """{A, B, C} lights the light, {C} alone does not; A and B are never tried alone."""
    return {"domain": "logic", "atoms": ["A", "B", "C", "light"], "inputs": ["A", "B", "C"],
            "world": "closed", **({"rule_class": rule_class} if rule_class else {}),
            "train": [_demo("ABC", {"light": T}, "ABC"), _demo("C", {"light": F}, "ABC")],
            "test": [{"facts": _demo(q, {}, "ABC")["facts"], "ask": ["light"]}
                     for q in ("B", "AB", "C", "A")]}


@pytest.mark.parametrize("rule_class", [BLICKET_JSON, None], ids=["blicket", "no_class"])
def test_the_even_split_is_undetermined_under_every_renaming(tmp_path, rule_class):
    """Which of A and B lights it the demos cannot tell: {B} alone (and {A}) is undetermined
    whatever the atoms are called and however they are listed. {A, B} is true in the blicket
    class (one of them is a cause); with no class stated `A & B & C -> light` also
    reproduces the demos, so the exact version space leaves it undetermined. {C}: false."""
    rng = np.random.default_rng(0)
    pair = True if rule_class else "undetermined"
    for i, perm in enumerate(itertools.permutations("ABC")):
        names = {**dict(zip("ABC", perm, strict=True)), "light": "light"}
        out = _solve(tmp_path, _renamed(_even_split(rule_class), names, rng), name=f"p{i}")
        assert _answers(out) == [{"light": "undetermined"}, {"light": pair}, {"light": False},
                                 {"light": "undetermined"}], perm
        assert out["selector"] == "vote" and out["num_drafts"] == 64 and out["exact"]["used"]


def test_renaming_and_reordering_atoms_leaves_every_answer_unchanged(tmp_path):
    cfg = TASKS.config(theory="causal", inputs=5, num_demos=5, rule_class=BLICKET_JSON)
    rng = np.random.default_rng(1)
    for t in TASKS.make_tasks(cfg, 3, 3, [0], [1, 1, 1]):
        obj = TASKS.task_file_json(t)
        assert obj["rule_class"] == BLICKET_JSON
        new = rng.permutation(len(obj["atoms"]))
        names = {a: f"thing_{k}" for a, k in zip(obj["atoms"], new, strict=True)}
        before = _answers(_solve(tmp_path, obj, name=f"t{t.task_id}"))
        after = _answers(_solve(tmp_path, _renamed(obj, names, rng), name=f"r{t.task_id}"))
        assert after == [{names[a]: v for a, v in answers.items()} for answers in before]


def test_the_blicket_class_decides_what_the_default_class_leaves_open(tmp_path):
    """{A} alone and {B} alone stay off: no object is a blicket, so {A, B} is off in the
    blicket class; in the default class `A & B -> light` is left open."""
    obj = {"domain": "logic", "atoms": ["A", "B", "light"], "inputs": ["A", "B"],
           "train": [_demo("A", {"light": F}, "AB"), _demo("B", {"light": F}, "AB")],
           "test": [{"facts": {"A": T, "B": T}, "ask": ["light"]}]}
    assert _answers(_solve(tmp_path, {**obj, "rule_class": BLICKET_JSON}, name="b")) == [{"light": F}]
    exact = _solve(tmp_path, obj, "compiler.selector=version_space", name="d")
    assert _answers(exact) == [{"light": "undetermined"}] and exact["selector"] == "version_space"


# --- validation of `rule_class` ---------------------------------------------------------

BAD_CLASSES = [
    ({"max_literals": 4}, "rule_class.max_literals"),
    ({"max_literals": "two"}, "rule_class.max_literals"),
    ({"negation": "yes"}, "rule_class.negation"),
    ({"causes": "everything"}, "rule_class.causes"),
    ({"causes": ["A", "Z"]}, "rule_class.causes"),
    ({"max_literals": 1, "blickets": True}, "rule_class: unknown key"),
    ("blicket", "rule_class must be an object"),
]


@pytest.mark.parametrize("value, field", BAD_CLASSES)
def test_a_bad_rule_class_in_a_task_file_names_the_file_and_the_field(value, field):
    with pytest.raises(TaskFileError) as err:
        parse_task({**_even_split(None), "rule_class": value}, "bad.json")
    assert str(err.value).startswith(f"bad.json: {field}") and "\n" not in str(err.value)


@pytest.mark.parametrize("value, field", [BAD_CLASSES[0], BAD_CLASSES[3]])
def test_solve_cli_refuses_a_bad_rule_class_with_exit_2_and_one_line(tmp_path, value, field):
    path, out = tmp_path / "task.json", tmp_path / "out.json"
    path.write_text(json.dumps({**_even_split(None), "rule_class": value}))
    proc = subprocess.run([sys.executable, "-m", "experiments.solve", "task=logic",
                           f"task_file={path}", f"out={out}"], capture_output=True, text=True)
    assert proc.returncode == 2 and not out.exists()
    assert f"{path}: {field}" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("overrides, says", [
    (["task.rule_class={max_literals:4}"], "task.rule_class.max_literals"),
    (["task.rule_class={causes:everything}"], "task.rule_class.causes"),
    (["task.rule_class=blicket"], "task.rule_class must be an object"),
    (["task.theory=causal", "task.inputs=5",
      "task.rule_class={max_literals:2,negation:false,causes:[p0,p1]}"], "task.rule_class.causes"),
])
def test_a_bad_task_rule_class_is_a_config_error(overrides, says):
    from experiments.core.config import ConfigError, validate
    from tests.helpers import cfg_for

    cfg = cfg_for("task=logic", *overrides)
    with pytest.raises(ConfigError) as err:
        validate(cfg)
    assert says in str(err.value) and "\n" not in str(err.value)
    # the same task with the blicket class is fine
    validate(cfg_for("task=logic", *overrides[:-1],
                     "task.rule_class={max_literals:1,negation:false,causes:inputs}"))


def test_a_stated_rule_class_round_trips_through_task_json():
    for value in (BLICKET_JSON, {"max_literals": 2, "negation": True, "causes": ["A", "C"]}, None):
        obj = _even_split(value)
        tf = parse_task(obj, "t.json")
        task = type("Task", (), {"names": tf.names, "demos": tf.demos[0], "queries": [
            Query(x, h, np.where(np.isin(np.arange(len(tf.names)), ask), 0, NOT_ASKED).astype(np.uint8))
            for x, h, ask in zip(tf.test_inputs, tf.test_horizons, tf.asks, strict=True)]})()
        written = task_json(task)
        if value is None:
            assert "rule_class" not in written
        else:
            assert written["rule_class"] == value
        assert parse_task(written, "again.json").demos[0].rule_class == tf.demos[0].rule_class
        assert written["train"] == obj["train"]


# --- the blicket-class causal generator -------------------------------------------------

def _trials(t):
    objects = list(t.demos.inputs)
    return (t.demos.facts[:, objects] & 1) > 0, [(q.input[objects] & 1) > 0 for q in t.queries]


@pytest.mark.parametrize("max_literals", [1, 2])
def test_the_causal_generator_honours_the_stated_class(max_literals):
    """Blicket class: hidden causes are single objects (1-2 per effect), and the key is the
    version space of the class (clingo), the closed form and brute force over its causes.
    max_literals 2: conjunctive pairs too, the key over causes of 1-2 objects."""
    rule_class = RuleClass(max_literals, False, "inputs")
    cfg = TASKS.config(theory="causal", inputs=4, effects=2, num_demos=6, rule_class=rule_class.to_json())
    TASKS.validate(cfg)
    assert stated_class(cfg) == rule_class
    tasks = TASKS.make_tasks(cfg, 4, 10, [0], [1, 1, 1])
    sizes = set()
    for t in tasks:
        assert t.demos.rule_class == rule_class
        used = t.rule[t.rule[:, -1] != 0]
        bodies = used[:, :3]
        size = (bodies > 0).sum(axis=1)
        assert (size >= 1).all() and (size <= max_literals).all()
        assert (bodies[bodies > 0] % 2 == 1).all()  # present objects only
        sizes |= set(size.tolist())
        for e in range(2):
            assert 1 <= (used[:, 3] == 2 * (4 + e) + 1).sum() <= 2
        trials, queries = _trials(t)
        states = np.stack([q.input for q in t.queries])
        exact = read_np(version_space_answers(t.demos, states, rule_class)[0])
        for e in range(2):
            lit = t.demos.closure[:, 4 + e] == READ_TRUE
            key = np.array([q.answer[4 + e] for q in t.queries])
            assert np.array_equal(key, exact[:, 4 + e])
            assert np.array_equal(key, causal_answer(trials, lit, np.array(queries), max_literals))
            assert np.array_equal(key, causal_answer_brute(trials, lit, np.array(queries), max_literals))
    assert sizes == ({1} if max_literals == 1 else {1, 2})


def _digest(tasks) -> str:
    h = hashlib.sha256()
    for t in tasks:
        for a in (t.rule, t.demos.facts, t.demos.closure):
            h.update(np.ascontiguousarray(a).tobytes())
        for q in t.queries:
            h.update(q.input.tobytes())
            h.update(q.answer.tobytes())
            h.update(str((q.horizon, q.depth)).encode())
        h.update(",".join(t.names).encode())
    return h.hexdigest()[:16]


@pytest.mark.parametrize("inputs, effects, num_demos, seed, digest", [
    (5, 1, 6, 2, "9d9d940ad927bcf2"), (6, 2, 8, 3, "4f31f8f527a7972b"),
    (4, 1, 4, 0, "7a0829d0b49a01a4"), (8, 3, 10, 1, "e70a11889eb1d036")])
def test_causal_tasks_of_the_default_class_are_unchanged(inputs, effects, num_demos, seed, digest):
    """The digests of these tasks as the generator drew them before it read the stated
    class (commit 8c076c9): the default class draws the same tasks."""
    cfg = TASKS.config(theory="causal", inputs=inputs, effects=effects, num_demos=num_demos)
    assert _digest(TASKS.make_tasks(cfg, seed, 12, [0], [1, 1, 1])) == digest
    stated = TASKS.config(theory="causal", inputs=inputs, effects=effects, num_demos=num_demos,
                          rule_class=CAUSAL_CLASS.to_json())
    assert _digest(TASKS.make_tasks(stated, seed, 12, [0], [1, 1, 1])) == digest
