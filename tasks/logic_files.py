"""Logic task files (docs/logic.md, "Task files and `solve`"):

    {"domain": "logic", "atoms": [names], "inputs": [names], "world": "closed",
     "train": [{"facts": {"a": true, "b": false}, "closure": {"c": true, "d": false}}],
     "test": [{"facts": {...}, "ask": ["c", "d"]}]}

Facts name input atoms only, with true/false. A closure gives observed atoms true, false or
"unknown" (open world); atoms it leaves out are hidden in that demo. A test query may give
"horizon" (steps; default: to the fixed point). `solve` answers each asked atom `true`,
`false`, `unknown`, `undetermined` (the surviving consistent drafts disagree) or
`contradiction`. Every problem raises TaskFileError with one line naming the file and the
field; so does a key the format does not have (a misspelt `"wrold"` is not ignored).

An optional top-level `"rule_class": {"max_literals": 1-3, "negation": true|false,
"causes": "all" | "inputs" | [atom names]}` states the class of rule sets the demos are read
under (compiler/logic/rule_class.py; a key left out takes the default's value; no field:
the default class, three literals, negated inputs, any atom). The parsed demos carry it
(`Demos.rule_class`), the exact version space and the posterior proposer range over it, and
`task_json` writes it back where the demos state one. A bad value is one line
(`FILE: rule_class.max_literals must be 1, 2 or 3, got 4`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from compiler.logic import Demos
from compiler.logic.executor import CLOSED, FALSE, NOT_ASKED, TRUE, read_np
from compiler.logic.rule_class import RuleClassError, rule_class_of
from compiler.logic.rules import MAX_ATOMS
from tasks.domain import TaskFileError, check_keys

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
READ_NAMES = {0: "unknown", 1: True, 2: False, 3: "contradiction", 4: "undetermined"}
MAX_HORIZON = 1_000_000
# any other key is refused
TOP_KEYS = ("domain", "atoms", "inputs", "world", "rule_class", "train", "test")


@dataclass
class TaskFile:
    path: str
    demos: list[Demos]
    test_inputs: list[np.ndarray]
    test_horizons: list[int]
    names: list[str] = field(default_factory=list)
    asks: list[list[int]] = field(default_factory=list)
    world: str = "closed"
    domain: str = "logic"


def _fail(path, field_name, problem):
    raise TaskFileError(f"{path}: {field_name}: {problem}")


def _names(path, field_name, value, limit=MAX_ATOMS) -> list[str]:
    if not isinstance(value, list) or not value:
        _fail(path, field_name, "expected a non-empty list of atom names")
    if len(value) > limit:
        _fail(path, field_name, f"{len(value)} atoms; at most {limit} allowed")
    for i, name in enumerate(value):
        if not isinstance(name, str) or not _NAME.match(name) or name == "false":
            _fail(path, f"{field_name}[{i}]", f"{name!r} is not an atom name (letters, digits, _)")
    if len(set(value)) != len(value):
        _fail(path, field_name, "an atom is named twice")
    return value


def _mapping(path, field_name, value, index, allowed, closure: bool) -> dict[int, int]:
    if not isinstance(value, dict):
        _fail(path, field_name, f"expected an object of atom: value, got {type(value).__name__}")
    out = {}
    for name, v in value.items():
        if name not in index:
            _fail(path, f"{field_name}.{name}", "unknown atom name")
        if index[name] not in allowed:
            _fail(path, f"{field_name}.{name}", "facts may only name input atoms")
        if isinstance(v, bool):
            out[index[name]] = 1 if v else 2
        elif closure and v == "unknown":
            out[index[name]] = 0
        else:
            expected = 'true, false or "unknown"' if closure else "true or false"
            _fail(path, f"{field_name}.{name}", f"value {v!r}; expected {expected}")
    return out


def _object(path, field_name, value, keys):
    if not isinstance(value, dict):
        _fail(path, field_name or "<top>", f"expected an object with keys {keys}, got "
                                           f"{type(value).__name__}")
    for key in keys:
        if key not in value:
            _fail(path, f"{field_name}.{key}" if field_name else key, "missing key")
    return value


def _list(path, field_name, value, what):
    if not isinstance(value, list):
        _fail(path, field_name, f"expected a list of {what}, got {type(value).__name__}")
    return value


def fact_state(values: dict[int, int], atoms: int, world: str) -> np.ndarray:
    state = np.zeros(atoms, np.uint8)
    for a, v in values.items():
        state[a] = TRUE if v == 1 else FALSE
    if world == "closed":
        state |= CLOSED
    return state


def parse_task(obj, path="<task>") -> TaskFile:
    _object(path, "", obj, ["atoms", "inputs", "train", "test"])
    check_keys(path, "", obj, TOP_KEYS)
    names = _names(path, "atoms", obj["atoms"])
    index = {n: i for i, n in enumerate(names)}
    inputs = _names(path, "inputs", obj["inputs"])
    for i, n in enumerate(inputs):
        if n not in index:
            _fail(path, f"inputs[{i}]", f"{n!r} is not in atoms")
    input_idx = [index[n] for n in inputs]
    world = obj.get("world", "closed")
    if world not in ("closed", "open"):
        _fail(path, "world", f"{world!r}; expected \"closed\" or \"open\"")
    train = _list(path, "train", obj["train"], "demos")
    if not train:
        _fail(path, "train", "empty: at least one demo is needed")
    test = _list(path, "test", obj["test"], "queries")
    facts, closures = [], []
    for i, demo in enumerate(train):
        _object(path, f"train[{i}]", demo, ["facts", "closure"])
        check_keys(path, f"train[{i}]", demo, ("facts", "closure"))
        f = _mapping(path, f"train[{i}].facts", demo["facts"], index, set(input_idx), False)
        c = _mapping(path, f"train[{i}].closure", demo["closure"], index, set(range(len(names))), True)
        facts.append(fact_state(f, len(names), world))
        closure = np.full(len(names), NOT_ASKED, np.uint8)
        for a in {**c, **f}:  # a given fact is observed in its closure
            if a in c and a in f and c[a] != f[a]:
                closure[a] = 3  # the demo contradicts its own facts
            else:
                closure[a] = c.get(a, f.get(a))
        if world == "closed":
            closure[closure == 0] = 2
        closures.append(closure)
    inputs_out, horizons, asks = [], [], []
    for j, query in enumerate(test):
        _object(path, f"test[{j}]", query, ["facts", "ask"])
        check_keys(path, f"test[{j}]", query, ("facts", "ask", "horizon"))
        f = _mapping(path, f"test[{j}].facts", query["facts"], index, set(input_idx), False)
        ask = _list(path, f"test[{j}].ask", query["ask"], "atom names")
        for k, n in enumerate(ask):
            if n not in index:
                _fail(path, f"test[{j}].ask[{k}]", f"unknown atom name {n!r}")
        horizon = query.get("horizon", 2 * len(names) + 2)
        if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= MAX_HORIZON:
            _fail(path, f"test[{j}].horizon", f"expected an integer in [1, {MAX_HORIZON}], got {horizon!r}")
        inputs_out.append(fact_state(f, len(names), world))
        horizons.append(horizon)
        asks.append([index[n] for n in ask])
    try:
        stated = rule_class_of(obj["rule_class"], names) if "rule_class" in obj else None
    except RuleClassError as err:
        raise TaskFileError(f"{path}: {err}") from None
    demos = Demos(np.stack(facts), np.stack(closures), tuple(input_idx), tuple(names), stated)
    return TaskFile(str(path), [demos], inputs_out, horizons, list(names), asks, world)


def _facts_json(state, names, inputs) -> dict:
    return {names[a]: bool(state[a] & TRUE) for a in inputs if state[a] & (TRUE | FALSE)}


def _value(v):
    return READ_NAMES[int(v)]


def demo_json(demos: Demos, i: int, names) -> dict:
    closure = {names[a]: _value(v) for a, v in enumerate(demos.closure[i])
               if v != NOT_ASKED and a not in demos.inputs}
    return {"facts": _facts_json(demos.facts[i], names, demos.inputs), "closure": closure}


def task_json(task) -> dict:
    names, demos = task.names, task.demos
    world = "closed" if (demos.facts[0] & CLOSED).any() else "open"
    stated = {} if demos.rule_class is None else {"rule_class": demos.rule_class.to_json()}
    return {"domain": "logic", "atoms": names, "inputs": [names[a] for a in demos.inputs],
            "world": world, **stated,
            "train": [demo_json(demos, i, names) for i in range(len(demos.facts))],
            "test": [{"facts": _facts_json(q.input, names, demos.inputs),
                      "ask": [names[a] for a in np.nonzero(q.answer != NOT_ASKED)[0]],
                      "horizon": q.horizon} for q in task.queries]}


def answers_json(output, asked=None, names=None) -> dict:
    """One answered query: `{"answers": {atom: value}}` for the asked atoms."""
    values = read_np(np.asarray(output))
    names = names or [f"p{i}" for i in range(len(values))]
    asked = range(len(values)) if asked is None else asked
    return {"answers": {names[a]: _value(values[a]) for a in asked}}
