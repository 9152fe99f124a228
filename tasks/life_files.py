"""Life task files: a JSON format close to ARC's.

    {"train": [{"input": grid, "output": grid}, ...],
     "test": [{"input": grid, "horizon": n}, ...],
     "demo_horizon": h}                       # optional, default 1

Grids are non-empty lists of equal-length rows of 0/1. Every problem raises TaskFileError
with one line naming the file and the field; so does a key the format does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compiler.life import Demos
from tasks.domain import TaskFileError, check_keys

MAX_SIDE = 1024  # largest grid side accepted from a file
MAX_HORIZON = 1_000_000


@dataclass
class TaskFile:
    path: str
    demos: list[Demos]  # one group per grid shape
    test_inputs: list[np.ndarray]
    test_horizons: list[int]
    domain: str = "life"


def _fail(path, field, problem):
    raise TaskFileError(f"{path}: {field}: {problem}")


def _grid(path, field, value) -> np.ndarray:
    if not isinstance(value, list) or not value:
        _fail(path, field, "expected a non-empty list of rows")
    if len(value) > MAX_SIDE:
        _fail(path, field, f"{len(value)} rows; at most {MAX_SIDE} allowed")
    width = None
    for r, row in enumerate(value):
        if not isinstance(row, list) or not row:
            _fail(path, f"{field}[{r}]", "expected a non-empty list of 0/1 cells")
        if width is None:
            width = len(row)
            if width > MAX_SIDE:
                _fail(path, f"{field}[{r}]", f"{width} columns; at most {MAX_SIDE} allowed")
        elif len(row) != width:
            _fail(path, f"{field}[{r}]", f"ragged grid: row has {len(row)} cells, row 0 has {width}")
        for c, cell in enumerate(row):
            if isinstance(cell, bool) or cell not in (0, 1):
                _fail(path, f"{field}[{r}][{c}]", f"cell value {cell!r}; only 0 and 1 allowed")
    return np.asarray(value, np.uint8)


def _positive_int(path, field, value, limit):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        _fail(path, field, f"expected a positive integer, got {value!r}")
    if value > limit:
        _fail(path, field, f"{value} is larger than the limit {limit}")
    return value


def _object(path, field, value, keys):
    if not isinstance(value, dict):
        _fail(path, field, f"expected an object with keys {keys}, got {type(value).__name__}")
    for key in keys:
        if key not in value:
            _fail(path, f"{field}.{key}" if field else key, "missing key")
    return value


def parse_task(obj, path="<task>") -> TaskFile:
    """Validate a decoded task object; raise TaskFileError naming the field."""
    _object(path, "", obj, ["train", "test"])
    check_keys(path, "", obj, ("domain", "train", "test", "demo_horizon"))
    horizon = _positive_int(path, "demo_horizon", obj.get("demo_horizon", 1), MAX_HORIZON)
    train, test = obj["train"], obj["test"]
    if not isinstance(train, list):
        _fail(path, "train", f"expected a list of demo pairs, got {type(train).__name__}")
    if not train:
        _fail(path, "train", "empty: at least one demo pair is needed")
    if not isinstance(test, list):
        _fail(path, "test", f"expected a list of queries, got {type(test).__name__}")
    groups: dict[tuple, tuple[list, list]] = {}
    for i, pair in enumerate(train):
        _object(path, f"train[{i}]", pair, ["input", "output"])
        check_keys(path, f"train[{i}]", pair, ("input", "output"))
        x = _grid(path, f"train[{i}].input", pair["input"])
        y = _grid(path, f"train[{i}].output", pair["output"])
        if x.shape != y.shape:
            _fail(path, f"train[{i}].output", f"shape {y.shape} differs from input {x.shape}")
        ins, outs = groups.setdefault(x.shape, ([], []))
        ins.append(x)
        outs.append(y)
    demos = [Demos(np.stack(i), np.stack(o), horizon) for i, o in groups.values()]
    inputs, horizons = [], []
    for j, query in enumerate(test):
        _object(path, f"test[{j}]", query, ["input", "horizon"])
        check_keys(path, f"test[{j}]", query, ("input", "horizon"))
        inputs.append(_grid(path, f"test[{j}].input", query["input"]))
        horizons.append(_positive_int(path, f"test[{j}].horizon", query["horizon"], MAX_HORIZON))
    return TaskFile(str(path), demos, inputs, horizons)

