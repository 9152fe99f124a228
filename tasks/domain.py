"""The task side of a domain: its generator, its config schema and its task-file codec.

A domain's task module `tasks/<name>.py` exports `TASKS`, a `TaskDomain`; `get_tasks(name)`
finds it, so adding a domain adds a file here and edits none.
"""

from __future__ import annotations

import difflib
import importlib
import json
import pkgutil
from pathlib import Path


class TaskFileError(ValueError):
    """A task file that cannot be used; the message names the file and the field."""


def check_keys(where: str, field: str, obj: dict, known, error=None) -> None:
    """Refuse a key of `obj` that `known` does not hold, as Hydra refuses an unknown config
    key: a misspelt key would otherwise be ignored (a logic file's `"wrold": "open"` answered
    closed-world). One line, `WHERE: FIELD.KEY: unknown key (did you mean ...?); known: ...`,
    raised as `error` (default TaskFileError)."""
    for key in obj:
        if key not in known:
            close = difflib.get_close_matches(str(key), list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise (error or TaskFileError)(
                f"{where}: {f'{field}.{key}' if field else key}: unknown key{hint}; known: "
                f"{', '.join(sorted(known))}")


class TaskDomain:
    """The core of a domain's tasks every domain implements; what only some domains have is
    an optional capability class below, declared by inheriting it.

    Methods take `t`, this domain's `task.*` config (an instance of `config`), never the
    whole Hydra config. A task has `task_id`, `rule` (the hidden true RuleSet, or None where the domain gives
    answers but no rule), `demos` (what `compile` reads: one demo group, or a list of groups,
    one per shape) and `queries` (each with `input`, `horizon`, `answer` and `size`: what
    eval rows report as `grid`)."""

    name: str
    config: type  # the dataclass of this domain's `task.*` keys (the Hydra schema)
    attempts: int = 1  # ranked distinct answers `solve` gives per test query by default
    # solve's compiler setting for the domain under `compiler.proposer=default` (solve.yaml's
    # default): these `compiler.*` keys, where the command line leaves them at their defaults
    solve_compiler: dict = {}

    def validate(self, t) -> None:
        """Raise ValueError on `task.*` values no run can use."""

    def make_tasks(self, t, seed: int, num_tasks: int, query_sizes, query_horizons,
                   pool=None, noise: float | None = None) -> list:
        """Held-out tasks (or tasks from `pool`, whatever this domain's `counterfactual_sets`
        gave), deterministic from `seed`, with queries at every (size, horizon) the domain
        can ask; `noise` overrides `task.noise` where the domain has demo noise."""
        raise NotImplementedError

    def preset_query_sizes(self, t) -> list[int]:
        """The query sizes the experiment presets score (life: `task.query_grid`); empty:
        `eval.grids` (a domain whose tasks fix their own sizes ignores them)."""
        return []

    def row_extras(self, task) -> dict:
        """Keys this domain adds to a task's eval rows (e.g. the benchmark's own task id)."""
        return {}

    def report_parameters(self, t) -> dict:
        """This domain's settings that reports quote beside the generic ones."""
        return {}

    def probability_json(self, p_true, task_file, index: int = 0) -> dict:
        """What `solve` adds to test answer `index` from P(unit true) `p_true` (a domain
        whose vote estimates it: logic); nothing by default."""
        return {}

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
        """A decoded task-file object -> a task file object with `domain`, `demos`,
        `test_inputs`, `test_horizons`; raises TaskFileError naming the field."""
        raise NotImplementedError


# --- optional capabilities: a task domain declares one by inheriting it ------------------------
class TrainingTasks:
    """Learned reasoners train on this domain's generated rules (outside the held-out split)."""

    def training_pool(self, t, seed: int):
        """What training draws its rules from (a pytree of arrays, passed to every step):
        rules outside the held-out split only."""
        raise NotImplementedError

    def batch_fn(self, t, batch_size: int, horizon: int):
        """`(key, pool, **loss_kwargs) -> batch`: the jittable fixed-shape training batch
        (the loss names the extra keys it needs)."""
        raise NotImplementedError


class DemoReading:
    """Reasoners that read raw demos (end_to_end) can read this domain's tasks."""

    def demo_inputs(self, tasks):
        """What a reasoner that reads raw demos gets for a batch of tasks."""
        raise NotImplementedError


class CounterfactualSets:
    """H3's test sets exist: rules like the training ones, and rules far from them."""

    def counterfactual_sets(self, t) -> dict:
        """`{"near": (task overrides, pool), "far": (...)}`; `pool` goes to `make_tasks`."""
        raise NotImplementedError


class RuleSpaceCertification:
    """`experiments.certify` certifies a reasoner on a set of this domain's rules."""

    def certify_targets(self, t) -> tuple[str, object]:
        """(a label for the report, the rules `task.*` asks to certify on, in the form the
        domain's certifier reads); raises ValueError on a value it cannot use."""
        raise NotImplementedError


class TaskCollections:
    """A task file may hold many tasks (e.g. Kaggle's `{task_id: task}`), and `solve` writes
    the domain's own submission format with the details in a side file."""

    def parse_collection(self, obj, path) -> list[tuple[str, object]] | None:
        """`[(task name, task file object or the TaskFileError that task raised)]`, or None
        when `obj` is a single task."""
        raise NotImplementedError

    def submission(self, results: dict) -> dict:
        """The file `solve` writes to `out` from `{task name: solve's result or None}` (None:
        the task failed; the format may still need an entry for it)."""
        raise NotImplementedError


TASK_CAPABILITIES = (TrainingTasks, DemoReading, CounterfactualSets, RuleSpaceCertification,
                     TaskCollections)


def task_domain_names() -> list[str]:
    import tasks

    return sorted({m.name for m in pkgutil.iter_modules(tasks.__path__)
                   if not m.ispkg and m.name not in ("domain",) and
                   isinstance(getattr(importlib.import_module(f"tasks.{m.name}"), "TASKS", None),
                              TaskDomain)})


def get_tasks(name: str) -> TaskDomain:
    try:
        module = importlib.import_module(f"tasks.{name}")
    except ModuleNotFoundError:
        module = None
    if module is None or not isinstance(getattr(module, "TASKS", None), TaskDomain):
        raise ValueError(f"task={name!r} is not available; known: {task_domain_names()}")
    return module.TASKS


def read_task_json(path, domain: str | None = None) -> tuple[str, object]:
    """(the domain, the decoded JSON) of a task file: its `"domain"` field, else `domain`
    (`task=`), picks the domain; a file that names neither is an error that says both ways
    to name it."""
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
    named = obj.get("domain") if isinstance(obj, dict) else None
    if named is not None and not isinstance(named, str):
        raise TaskFileError(f"{path}: domain: expected a name such as \"life\", got {named!r}")
    if named is not None and domain is not None and named != domain:
        raise TaskFileError(f"{path}: domain: the file is a {named} task; run with task={named}")
    domain = named or domain
    if domain is None:
        raise TaskFileError(f"{path}: domain: the file does not say which domain it is; add "
                            f"\"domain\": NAME to it or run with task=NAME "
                            f"(known: {task_domain_names()})")
    try:
        get_tasks(domain)
    except ValueError as err:
        raise TaskFileError(f"{path}: domain: {err}") from None
    return domain, obj


def load_task_file(path, domain: str | None = None):
    """Read a task JSON file with its domain's codec (see `read_task_json`)."""
    name, obj = read_task_json(path, domain)
    return get_tasks(name).parse_task(obj, Path(path))
