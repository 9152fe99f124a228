"""Tasks of the toy domain (tests only): answers without a hidden rule, demos in two sizes,
query shapes that differ between tasks, two attempts per query."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from compiler.toy import COLOURS, Demos
from tasks.domain import TaskDomain, TaskFileError


@dataclass
class ToyTaskConfig:
    name: str = "toy"
    num_demos: int = 2  # per demo size
    noise: float = 0.0


@dataclass
class Query:
    input: np.ndarray
    horizon: int
    answer: np.ndarray

    @property
    def size(self) -> int:
        return int(self.input.shape[0])


@dataclass
class ToyTask:
    task_id: int
    rule: None  # answers only: no hidden rule
    demos: list
    queries: list


def grids(rng, n, h, w, colours):
    return rng.choice(colours, size=(n, h, w)).astype(np.uint8)


def make_task(rng, task_id, t, sizes, horizons):
    mapping = rng.integers(0, COLOURS, COLOURS).astype(np.uint8)
    shown = [0, 1, 2]  # colour 3 never appears in a demo: the drafts disagree on it
    demos = []
    for h, w in ((4, 4), (3, 5)):
        x = grids(rng, t.num_demos, h, w, shown)
        demos.append(Demos(x, mapping[x]))
    queries = []
    for size in sizes:
        x = grids(rng, 1, size, size + task_id % 2, list(range(COLOURS)))[0]
        for horizon in horizons:
            y = x
            for _ in range(horizon):
                y = mapping[y]
            queries.append(Query(x, int(horizon), y))
    return ToyTask(task_id, None, demos, queries)


def grid_json(g):
    return np.asarray(g).astype(int).tolist()


class ToyTasks(TaskDomain):
    name = "toy"
    config = ToyTaskConfig
    attempts = 2

    def make_tasks(self, t, seed, num_tasks, query_sizes, query_horizons, pool=None,
                   noise=None):
        rng = np.random.default_rng([seed, 7])
        return [make_task(rng, i, t, list(query_sizes), list(query_horizons))
                for i in range(num_tasks)]

    def task_file_json(self, task):
        return {"domain": "toy",
                "train": [{"input": grid_json(x), "output": grid_json(y)}
                          for g in task.demos for x, y in zip(g.inputs, g.outputs, strict=True)],
                "test": [{"input": grid_json(q.input), "horizon": q.horizon} for q in task.queries]}

    def demo_examples(self, task, n: int = 2):
        return {"demo_inputs": [grid_json(x) for x in task.demos[0].inputs[:n]],
                "demo_outputs": [grid_json(y) for y in task.demos[0].outputs[:n]]}

    def answer_json(self, output, task_file=None, index: int = 0):
        return {"output": grid_json(output)}

    def parse_task(self, obj, path):
        if "train" not in obj or "test" not in obj:
            raise TaskFileError(f"{path}: train and test are required")
        by_shape: dict[tuple, list] = {}
        for pair in obj["train"]:
            x, y = np.array(pair["input"], np.uint8), np.array(pair["output"], np.uint8)
            by_shape.setdefault(x.shape, []).append((x, y))
        demos = [Demos(np.stack([x for x, _ in p]), np.stack([y for _, y in p]))
                 for p in by_shape.values()]
        return SimpleNamespace(domain="toy", demos=demos,
                               test_inputs=[np.array(q["input"], np.uint8) for q in obj["test"]],
                               test_horizons=[int(q.get("horizon", 1)) for q in obj["test"]])


TASKS = ToyTasks()
