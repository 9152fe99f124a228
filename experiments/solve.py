"""Solve a task file: `python -m experiments.solve task_file=PATH out=PATH [task=DOMAIN] [overrides]`.

The file's `"domain"` picks the domain (or `task=`, for a file that names none; one that
names neither is an error saying so). Compiles the demos into drafts, checks and selects,
answers every test query with the configured reasoner and writes
`{"rule": "B../S..", "consistent_drafts": n, "test": [{"output": grid}, ...], ...}`
atomically to `out` (with `seconds`). With `attempts=N` (default: the domain's, 1 for life
and logic) each test answer also lists up to N distinct ranked answers with their support
(`attempts`) and the cells where the surviving drafts disagree (`undetermined_cells`). A
domain whose files may hold many tasks (`TaskCollections`: arc's Kaggle format) gets its own
submission format in `out` and the per-task results in `OUT.details.json`; a bad task
there is reported on stderr and does not stop the others, and the last line counts the
tasks answered and failed apart. A discrete-state reasoner is
first certified on the rule it will run; if it fails any local configuration (life: any of
the 512 neighbourhoods), the symbolic executor answers instead and the output says so
(`"fallback": "symbolic"`). Contradictory demos still get an answer (a vote over the
best-scoring drafts), and the output and stderr say so.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import hydra
import jax
import numpy as np
from omegaconf import DictConfig, OmegaConf, open_dict
from tqdm import tqdm

from compiler import compile, get_domain, reselect
from compiler.domain import Completions, VersionSpace
from experiments.core.config import VERSION_SPACE, ConfigError, compiler_config, validate
from experiments.core.reasoners import build_reasoner
from experiments.core.runio import write_atomic
from reasoner import SymbolicReasoner, certify_tables, ranked_answers
from reasoner.answer import voter_outputs
from tasks import TaskFileError, get_tasks
from tasks.domain import TaskCollections, read_task_json


def task_json_of(cfg: DictConfig) -> tuple[str, object]:
    """Read `task_file`; where no `task=` was given, the file's domain sets `cfg.task` (its
    defaults)."""
    given = cfg.get("task")
    name, obj = read_task_json(cfg.task_file, given.name if given else None)
    if not given:
        with open_dict(cfg):
            cfg.task = OmegaConf.structured(get_tasks(name).config)
    return name, obj


def attempts_of(cfg: DictConfig) -> int:
    """How many ranked answers per test query: `attempts=`, else the task domain's."""
    n = cfg.attempts if cfg.attempts is not None else get_tasks(cfg.task.name).attempts
    if n < 1:
        raise ConfigError(f"attempts must be >= 1, got {n}")
    return n


def solve(cfg: DictConfig) -> dict:
    """Answer `task_file` into `out`; returns what was written there."""
    if not cfg.task_file:
        raise ConfigError("solve needs task_file=PATH (a task JSON file)")
    if not cfg.out:
        raise ConfigError("solve needs out=PATH (where to write the answer JSON)")
    if cfg.compiler.proposer == "oracle":
        raise ConfigError("compiler.proposer=oracle needs the hidden rule, which a task file "
                          "does not have")
    name, obj = task_json_of(cfg)
    validate(cfg, solve=True)
    codec = get_tasks(name)
    path = Path(cfg.task_file)
    collection = (codec.parse_collection(obj, path) if isinstance(codec, TaskCollections)
                  else None)
    single = codec.parse_task(obj, path) if collection is None else None  # raises on bad input
    reasoner = build_reasoner(cfg)
    if reasoner.spec.reads != "rules":
        raise ConfigError(f"reasoner={reasoner.name} does not read the compiled rule; solve "
                          "answers through it (use reasoner=neural or symbolic)")
    config = compiler_config(cfg)
    if config.selector == VERSION_SPACE:  # answers from the version space; reports the vote's rule
        config = replace(config, selector="vote")
    if not isinstance(codec, TaskCollections):
        result = solve_task(cfg, single, reasoner, config)
        write_atomic(cfg.out, json.dumps(result) + "\n")
        return result
    # the domain's submission format, per-task details in a side file; one failing task
    # does not stop the others
    items = collection if collection is not None else [(path.stem, single)]
    results, details = {}, {}
    for task_name, item in tqdm(items, desc="solve", unit="task", disable=None):
        if isinstance(item, TaskFileError):
            print(f"error: {item}", file=sys.stderr)
            results[task_name], details[task_name] = None, {"error": str(item)}
            continue
        try:
            results[task_name] = details[task_name] = solve_task(cfg, item, reasoner, config)
        except Exception as err:  # noqa: BLE001 - one task the compiler fails on costs only itself
            reason = f"{type(err).__name__}: {err}"
            print(f"error: task {task_name}: {reason}; answered with its test inputs", file=sys.stderr)
            results[task_name] = details[task_name] = input_fallback(codec, item, reason)
        # progress is kept: a run stopped part way leaves the tasks it answered
        write_atomic(details_path(cfg.out), json.dumps(details) + "\n")
    submission = codec.submission(results)
    write_atomic(details_path(cfg.out), json.dumps(details) + "\n")
    write_atomic(cfg.out, json.dumps(submission) + "\n")
    return submission


def summary_line(details: dict) -> str:
    """`N tasks: A answered, F failed (...)` from a task collection's details: a task is
    answered when the compiler answered it; it failed when the compiler raised (its test
    inputs stand as its answers) or the task could not be read (the format's placeholder)."""
    unreadable = sum(1 for d in details.values() if "error" in d and "test" not in d)
    raised = sum(1 for d in details.values() if "error" in d and "test" in d)
    answered = len(details) - unreadable - raised
    causes = [f"{n} {what}" for n, what in [
        (raised, "the compiler failed on, answered with their test inputs"),
        (unreadable, "unreadable, given the submission's placeholder")] if n]
    return (f"{len(details)} tasks: {answered} answered, {unreadable + raised} failed"
            + (f" ({'; '.join(causes)})" if causes else ""))


def input_fallback(codec, task, reason: str) -> dict:
    """The stated fallback answer of a task the compiler failed on: each test input as it
    is (both attempts), and why."""
    tests = [codec.answer_json(x, task, j) for j, x in enumerate(task.test_inputs)]
    return {"test": tests, "error": reason, "fallback": "the test input itself"}


def details_path(out) -> Path:
    """The side file beside `out` that holds per-task details (rule text, drafts, seconds)."""
    out = Path(out)
    return out.with_name(out.stem + ".details.json")


def solve_task(cfg: DictConfig, task, reasoner, config) -> dict:
    """Compile one task file's demos, answer its test queries: the result dict."""
    started = time.perf_counter()
    domain = get_domain(task.domain)
    attempts = attempts_of(cfg)
    voted = False
    compiled = compile(domain, task.demos, jax.random.key(cfg.seed), config)
    if compiled.consistent_drafts == 0:
        # Answer anyway: vote over the best-scoring drafts.
        voted = True
        if config.selector != "vote":
            compiled = reselect(compiled, "vote", task.demos)
    # Certify before running: a reasoner that is not exact on every neighbourhood of the
    # rule(s) it will run is replaced by the exact executor.
    checked = reasoner.spec.certifiable
    per_voter = certify_tables(reasoner, compiled.voters)[0] if checked else np.zeros(0, int)
    failing = int(per_voter.sum())
    fallback = None
    if failing:
        fallback, reasoner_used = "symbolic", SymbolicReasoner(domain.name)
    else:
        reasoner_used = reasoner
    # the exact ceiling (validated: the domain has one); demos no rule set reproduces get the vote
    exact = cfg.compiler.selector == VERSION_SPACE and not voted
    # every voter's own answer (kept for P(true)), then the domain's combination
    runs = [voter_outputs(reasoner_used, [compiled.voters], x[None], h)
            for x, h in zip(task.test_inputs, task.test_horizons, strict=True)]
    outputs = [domain.combine(out, weight, commit=commit)[0] for out, weight, commit in runs]
    exact_info = exact_values = None
    if exact:
        started_exact = time.perf_counter()
        outputs = exact_values = list(domain.version_space_answers(task.demos,
                                                                   np.stack(task.test_inputs)))
        exact_info = {"used": True, "seconds": round(time.perf_counter() - started_exact, 3)}
    elif config.selector == "vote" and not voted and isinstance(domain, VersionSpace) \
            and cfg.exact_seconds > 0:
        outputs, exact_values, exact_info = with_exact_values(domain, task, outputs,
                                                              cfg.exact_seconds)
    codec = get_tasks(domain.name)
    tests = [codec.answer_json(o, task, j) for j, o in enumerate(outputs)]
    if config.selector == "vote" and isinstance(domain, VersionSpace):
        # P(true) per asked unit: the share of the voters deriving it (a posterior sample's
        # estimate), 1 or 0 where the exact version space decided
        for j, (out, _, _) in enumerate(runs):
            decided = exact_values[j] if exact_values is not None else None
            tests[j].update(codec.probability_json(domain.true_probability(out[0], decided), task, j))
    if attempts > 1:  # the ranked distinct answers (the first is `output` itself)
        for j, (x, h) in enumerate(zip(task.test_inputs, task.test_horizons, strict=True)):
            ranked = ranked_answers(reasoner_used, compiled, x, h, top=None)
            tests[j]["attempts"] = [{**codec.answer_json(c.answer, task, j), "support": c.support}
                                    for c in ranked[:attempts]]
            # cells where the surviving drafts' answers disagree
            tests[j]["undetermined_cells"] = undetermined_cells(domain, ranked)
    result = {
        "rule": codec.rule_text(compiled.chosen, task),
        "consistent_drafts": compiled.consistent_drafts,
        "test": tests,
        "reasoner": reasoner_used.name,
        "certified": (not failing) if checked else None,
        "selector": VERSION_SPACE if exact else compiled.selector,
        "num_drafts": int(len(compiled.drafts)),
        "chosen_demo_score": compiled.chosen_demo_score,
    }
    if exact_info is not None:
        result["exact"] = exact_info
    if fallback:
        result["fallback"] = fallback
        result["failing_configurations"] = failing
        result["fallback_reason"] = (
            f"{reasoner.name} reasoner not certified: wrong on {failing} local "
            f"configurations of "
            f"{', '.join(domain.to_text(v) for v, f in zip(compiled.voters, per_voter, strict=True) if f)}; "
            "answered with the symbolic executor")
    diag = compiled.diagnostics
    if voted:
        conflicts = diag.get("conflicting_entries", [])
        demos = diag.get("conflicting_demos", [])
        result["warning"] = (
            "no consistent draft reproduces the demos"
            + (f" (conflicting evidence for entries {', '.join(conflicts)}"
               + (f" between demos {', '.join(f'{i} and {j}' for i, j in demos)}" if demos else "")
               + ")" if conflicts else "")
            + f"; answered by a vote over the {int(compiled.survivors.sum())} best-scoring drafts")
        result["conflicting_entries"] = conflicts
        if demos:
            result["conflicting_demos"] = demos
    if "unobserved_entries" in diag:
        result["unobserved_entries"] = diag["unobserved_entries"]
    if "posterior" in diag:  # logic's posterior proposer: sampled, or why another's drafts
        result["posterior"] = diag["posterior"]
    if compiled.selector == "vote" and not exact:
        mark_undetermined(domain, compiled, task, result)
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def with_exact_values(domain: VersionSpace, task, outputs, seconds: float):
    """The vote's answers with the exact version space's values wherever it decides (it
    commits only where every rule set that reproduces the demos agrees), if it answers
    within `seconds`; the version space's answers (None where not computed); and what
    happened (`{"used": bool, "seconds": s, "why": ...}`)."""
    started = time.perf_counter()
    try:
        exact, timed_out = domain.version_space_ceiling(task.demos, np.stack(task.test_inputs),
                                                        timeout_s=seconds)
    except ValueError as err:  # e.g. an open-world task: no version space computed
        return outputs, None, {"used": False, "why": str(err)}
    spent = round(time.perf_counter() - started, 3)
    if timed_out:
        return outputs, None, {"used": False, "seconds": spent,
                               "why": f"over exact_seconds={seconds}: the vote's answers stand"}
    merged = [domain.with_exact(o, e) for e, o in zip(exact, outputs, strict=True)]
    return merged, list(exact), {"used": True, "seconds": spent}


def undetermined_cells(domain, ranked) -> int:
    """Scored cells on which the distinct candidate answers differ."""
    answers = np.stack([c.answer for c in ranked])
    scored = domain.scored(answers[0])
    return int(((answers != answers[:1]).any(axis=0) & scored).sum())


def mark_undetermined(domain, compiled, task, result) -> None:
    """Under `vote`: per test query, the cells whose answer depends on what the demos never
    showed, i.e. where the RuleSets the demos cannot tell apart from the chosen one (life:
    every setting of the unobserved entries) disagree. Each answer gets `undetermined` (a
    count) and `undetermined_mask` (1 where undetermined)."""
    if not isinstance(domain, Completions):
        return
    completions = domain.completions(compiled.chosen, compiled.diagnostics)
    if completions is None:
        return
    for entry, x, h in zip(result["test"], task.test_inputs, task.test_horizons, strict=True):
        outs = np.asarray(domain.run_batch(completions, np.repeat(x[None], len(completions), 0), h))
        mask = (outs != outs[:1]).any(axis=0)
        entry["undetermined"] = int(mask.sum())
        entry["undetermined_mask"] = mask.astype(int).tolist()


def run(cfg: DictConfig, run_dir=None) -> dict:
    """`solve`, then what the command prints: warnings on stderr, the summary on stdout."""
    result = solve(cfg)
    if "warning" in result:
        print(f"warning: {result['warning']}", file=sys.stderr)
    if "fallback" in result:
        print(f"fallback: {result['fallback_reason']}", file=sys.stderr)
    if "rule" in result:
        print(f"rule {result['rule']} ({result['consistent_drafts']} consistent drafts); "
              f"{len(result['test'])} answers written to {cfg.out}")
    else:  # a domain's submission format: details beside it
        details = json.loads(details_path(cfg.out).read_text())
        print(f"{summary_line(details)}; written to {cfg.out} (details: {details_path(cfg.out)})")
    return result


@hydra.main(version_base="1.3", config_path="../conf", config_name="solve")
def main(cfg: DictConfig) -> None:
    from experiments.core.cli import exit_on_user_error

    with exit_on_user_error():
        run(cfg)


if __name__ == "__main__":
    from experiments.core.cli import main_guard

    main_guard(main)
