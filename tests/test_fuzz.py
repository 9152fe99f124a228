"""Property-based fuzzing of the inputs a user controls: task files and config overrides.

Every malformed input must end in the project's own error type (TaskFileError,
ConfigError, RuleSyntaxError) or Hydra's config error: never another exception, and never
a partially written output file. Together these tests generate well over 500 inputs.
"""

import copy
import json

import pytest
from hydra.errors import HydraException
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from compiler import SELECTORS, get_domain
from compiler.life import RuleSyntaxError, parse_rule
from experiments.core.cli import check_group_overrides
from experiments.core.config import ConfigError, validate
from experiments.solve import solve
from reasoner.registry import reasoner_names
from tasks import TaskFileError, load_task_file
from tasks.life_files import MAX_SIDE, parse_task
from tests.helpers import cfg_for

VALID = {"train": [{"input": [[0, 1, 0], [1, 1, 0], [0, 0, 1]],
                    "output": [[1, 0, 0], [0, 1, 1], [0, 1, 0]]},
                   {"input": [[1, 1, 1], [0, 0, 0], [1, 0, 1]],
                    "output": [[0, 1, 0], [1, 0, 1], [0, 1, 0]]}],
         "test": [{"input": [[0, 1, 1], [1, 0, 0], [0, 1, 0]], "horizon": 3}],
         "demo_horizon": 1}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12)
    | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)
SETTINGS = settings(max_examples=400, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def paths(obj, prefix=()):
    """Every (path) to a node of a JSON object."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from paths(v, (*prefix, i))


def mutate(obj, path, action, value):
    obj = copy.deepcopy(obj)
    if not path:
        return value
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "huge":
        parent[last] = [[0] * 2 for _ in range(MAX_SIDE + 1)]
    elif action == "ragged" and isinstance(parent[last], list):
        parent[last] = parent[last] + [[0]]
    elif action == "unicode":
        parent[last] = "\u00e9\u2603\U0001f600" if not isinstance(parent, list) else parent[last]
        if isinstance(parent, dict):
            parent["\u00fc\u00f1\u00ef"] = value
    return obj


def assert_user_error_or_valid(fn):
    try:
        fn()
    except (TaskFileError, ConfigError, RuleSyntaxError):
        pass


@SETTINGS
@given(data=st.data())
def test_mutated_task_objects_fail_with_task_file_error(data):
    all_paths = list(paths(VALID))
    path = data.draw(st.sampled_from(all_paths))
    action = data.draw(st.sampled_from(["replace", "delete", "huge", "ragged", "unicode"]))
    value = data.draw(json_values)
    if action == "delete" and not path:
        action = "replace"
    bad = mutate(VALID, path, action, value)
    assert_user_error_or_valid(lambda: parse_task(bad, "fuzz.json"))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(cut=st.integers(0, len(json.dumps(VALID)) - 1), junk=st.text(max_size=5))
def test_truncated_or_garbled_json_fails_with_task_file_error(tmp_path_factory, cut, junk):
    path = tmp_path_factory.mktemp("t") / "task.json"
    path.write_text(json.dumps(VALID)[:cut] + junk, encoding="utf-8")
    with pytest.raises(TaskFileError) as err:
        load_task_file(path)
    assert str(path) in str(err.value)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(raw=st.binary(max_size=40))
def test_arbitrary_bytes_fail_with_task_file_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("b") / "task.json"
    path.write_bytes(raw)
    assert_user_error_or_valid(lambda: load_task_file(path))


CONFIG_KEYS = ["task.grid", "task.num_demos", "task.demo_horizon", "task.noise",
               "compiler.num_drafts", "compiler.proposer", "compiler.selector", "train.steps",
               "train.batch_size", "train.lr", "eval.horizons", "eval.grids", "eval.num_tasks",
               "reasoner", "seed", "task.density_min"]
override_values = st.one_of(
    st.integers(-5, 3).map(str), st.floats(-1, 2, allow_nan=False).map(repr),
    st.sampled_from(["abc", "[]", "[1,-2]", "[0]", "null", "\u00e9\u2603", "1e99", "''",
                     "[a,b]", "{}", "magic", "true"]))


POSITIVE = {"task.grid", "task.num_demos", "task.demo_horizon", "compiler.num_drafts",
            "train.steps", "train.batch_size", "train.lr", "eval.num_tasks"}


def usable(cfg, key) -> bool:
    """Whether a run of `cfg` (task=life, the train app) can use the composed value of `key`,
    judged from the value alone (not by asking `validate`)."""
    value = OmegaConf.select(cfg, "reasoner.name" if key == "reasoner" else key)
    if key in POSITIVE:
        return value > 0
    if key == "seed":
        return value >= 0  # numpy's generators take no negative seed
    if key == "task.noise":
        return 0.0 <= value <= 0.5
    if key == "task.density_min":
        return 0.0 <= value <= cfg.task.density_max
    if key in ("eval.horizons", "eval.grids"):
        return len(value) > 0 and all(v > 0 for v in value)
    if key == "compiler.proposer":
        return value in get_domain("life").proposer_names()
    if key == "compiler.selector":
        return value in SELECTORS
    if key == "reasoner":
        return value in reasoner_names("life")
    raise AssertionError(f"no rule for {key}")


# 75 examples: each composes a config through Hydra (~0.1-0.3 s); 150 took 41 s in the suite
@settings(max_examples=75, deadline=None, derandomize=True)
@given(key=st.sampled_from(CONFIG_KEYS), value=override_values)
@example(key="seed", value="-1")
@example(key="train.steps", value="0")
@example(key="task.noise", value="0.6")
@example(key="eval.horizons", value="[4,0]")
@example(key="compiler.selector", value="version_space")  # solve's answerer only
@example(key="train.lr", value="0.003")  # usable values are accepted too
def test_bad_config_overrides_fail_at_start(key, value):
    """An override is refused at start (by the apps' group check, by Hydra's schema or by
    `validate`) exactly when a run could not use it."""
    override = f"{key}={value}"
    try:
        check_group_overrides([override])  # what the apps run before Hydra
        cfg = cfg_for(override)
    except (ConfigError, HydraException, OmegaConfBaseException):
        return
    try:
        validate(cfg)
        accepted = True
    except ConfigError:
        accepted = False
    assert accepted == usable(cfg, key), (override, "accepted" if accepted else "refused")


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data())
def test_solve_never_leaves_partial_output(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("s")
    path = data.draw(st.sampled_from(list(paths(VALID))[1:]))
    bad = mutate(VALID, path, data.draw(st.sampled_from(["replace", "delete"])),
                 data.draw(json_values))
    (folder / "task.json").write_text(json.dumps(bad))
    out = folder / "answer.json"
    cfg = cfg_for(f"task_file={folder / 'task.json'}", f"out={out}", "compiler.num_drafts=2",
                  name="solve")
    try:
        result = solve(cfg)
    except (TaskFileError, ConfigError, RuleSyntaxError):
        assert not out.exists()
        assert [p.name for p in folder.iterdir()] == ["task.json"]
    else:
        assert json.loads(out.read_text()) == json.loads(json.dumps(result))


@settings(max_examples=100, deadline=None, derandomize=True)
@given(text=st.text(max_size=12))
def test_rule_text_is_parsed_or_rejected_clearly(text):
    try:
        parse_rule(text)
    except RuleSyntaxError as err:
        assert repr(text) in str(err)
