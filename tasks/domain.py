"""The task side of a domain: its generator, its config schema and its task-file codec.

A domain's task module `tasks/<name>.py` exports `TASKS`, a `TaskDomain`; `get_tasks(name)`
finds it, so adding a domain adds a file here and edits none.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path


class TaskFileError(ValueError):
    """A task file that cannot be used; the message names the file and the field."""


class TaskDomain:
    """What experiments need of a domain's tasks (names are the domain's, shapes its own)."""

    name: str
    config: type  # the dataclass of this domain's `task.*` keys (the Hydra schema)

    def validate(self, task_cfg) -> None:
        """Raise ValueError on `task.*` values no run can use."""

    def make_tasks(self, task_cfg, seed: int, num_tasks: int, query_sizes, query_horizons,
                   pool=None) -> list:
        """Tasks on held-out rules (or from `pool`), deterministic from `seed`; each has
        `task_id`, `rule`, `demos` (what `compile` reads) and `queries` (`input`, `size`,
        `horizon`, `answer`)."""
        raise NotImplementedError

    def rule_pool(self, task_cfg, split: str, centre: str | None = None,
                  max_distance: int | None = None, min_distance: int | None = None):
        """Rule ids of a split ("train" or "heldout"), optionally within a family around
        `centre` (rule text)."""
        raise NotImplementedError

    def training_pool(self, cfg):
        """What training draws its rules from (a pytree of arrays, passed to every step):
        rules outside the held-out split only."""
        raise NotImplementedError

    def batch_fn(self, cfg):
        """`(key, pool, **loss_kwargs) -> batch`: the jittable fixed-shape training batch of
        this domain at `cfg.train`'s sizes (the loss names the extra keys it needs)."""
        raise NotImplementedError

    def counterfactual_sets(self, cfg) -> dict:
        """H3's test sets: `{"near": (task overrides, pool), "far": (...)}`: held-out rules
        like the training ones, and held-out rules far from them."""
        raise NotImplementedError

    def demo_inputs(self, tasks):
        """What a reasoner that reads raw demos (end_to_end) gets for a batch of tasks."""
        raise NotImplementedError

    def task_file_json(self, task) -> dict:
        """A generated task written as a task file (its demos and its queries)."""
        raise NotImplementedError

    def demo_examples(self, task, n: int = 2) -> dict:
        """The first `n` demos of `task` as JSON, for the worked-example figure."""
        raise NotImplementedError

    def answer_json(self, output, task_file=None, index: int = 0) -> dict:
        """One answered test query as `solve` writes it (`task_file` and the query's
        `index` say what was asked, where a domain answers only that)."""
        raise NotImplementedError

    def rule_text(self, rule, task_file=None) -> str:
        """A RuleSet's text in the task file's own names (default: the domain's)."""
        from compiler import get_domain
        return get_domain(self.name).to_text(rule)

    def parse_task(self, obj, path):
        """A decoded task-file object -> a task file object with `demos`, `test_inputs`,
        `test_horizons`; raises TaskFileError naming the field."""
        raise NotImplementedError


def task_domain_names() -> list[str]:
    import tasks

    return sorted(m.name for m in pkgutil.iter_modules(tasks.__path__)
                  if not m.ispkg and m.name not in ("domain",) and
                  hasattr(importlib.import_module(f"tasks.{m.name}"), "TASKS"))


def get_tasks(name: str) -> TaskDomain:
    try:
        module = importlib.import_module(f"tasks.{name}")
    except ModuleNotFoundError:
        module = None
    if module is None or not hasattr(module, "TASKS"):
        raise ValueError(f"task={name!r} is not available; known: {task_domain_names()}")
    return module.TASKS


def load_task_file(path):
    """Read a task JSON file; its `"domain"` field (default `life`) picks the codec."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaskFileError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise TaskFileError(f"{path}: cannot read: {err}") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise TaskFileError(f"{path}: not valid JSON: {err}") from None
    domain = obj.get("domain", "life") if isinstance(obj, dict) else "life"
    try:
        codec = get_tasks(domain)
    except ValueError as err:
        raise TaskFileError(f"{path}: domain: {err}") from None
    return codec.parse_task(obj, path)
