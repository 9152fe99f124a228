"""Compile held-out tasks and answer their queries with a reasoner: eval rows.

Generic over domains: tasks come from the task domain, compiling and answering go through
the compiler domain and the reasoner registry. One row per (task, reasoner, size, horizon)
with the keys of docs/design.md. A task's hidden rule is optional (`task.rule` may be None: the
domain gives answers, not rules); the rule-dependent keys are then None. Queries are batched
across tasks by their input shape, so tasks whose queries differ in size mix freely.
"""

from __future__ import annotations

import time

import jax
import numpy as np
from omegaconf import DictConfig
from tqdm import tqdm

from compiler import compile
from compiler.domain import RuleEquivalence
from experiments.core.config import ConfigError, compiler_config, domain_of
from reasoner import SymbolicReasoner, answer, certify_tables, ranked_answers
from tasks.domain import DemoReading


def make_eval_tasks(cfg: DictConfig, sizes=None, horizons=None, pool=None, noise=None) -> list:
    """The held-out tasks of `cfg` (or from `pool`), queries at every (size, horizon)."""
    _, tasks = domain_of(cfg)
    return tasks.make_tasks(cfg.task, cfg.seed, cfg.eval.num_tasks,
                            list(sizes or cfg.eval.grids), list(horizons or cfg.eval.horizons),
                            pool=pool, noise=noise)


def query_sizes(tasks) -> list[int]:
    """The query sizes the tasks hold (life: the grid sides asked for; logic: each task's
    atom count, which its rule set fixes)."""
    return sorted({q.size for t in tasks for q in t.queries})


def query_buckets(tasks) -> list[tuple[int, tuple, list[int]]]:
    """`(size, input shape, task indices)` per batch of queries that stack: the tasks with
    queries of that size and shape, by size, then shape (life and logic: one shape per
    size, every task in it)."""
    keys = sorted({(q.size, tuple(np.shape(q.input))) for t in tasks for q in t.queries})
    return [(size, shape, [i for i, t in enumerate(tasks)
                           if any(q.size == size and np.shape(q.input) == shape for q in t.queries)])
            for size, shape in keys]


def demo_inputs(cfg, reasoner, tasks):
    """The raw demos a reasoner that reads them gets (None for one that reads rules)."""
    if reasoner.spec.reads != "demos":
        return None
    _, task_domain = domain_of(cfg)
    if not isinstance(task_domain, DemoReading):
        raise ConfigError(f"reasoner={reasoner.name} reads raw demos, which task={cfg.task.name} "
                          "does not provide")
    return task_domain.demo_inputs(tasks)


def compile_tasks(cfg: DictConfig, tasks) -> list:
    """Compile every task (key: fold_in(fold_in(seed, 2), task id))."""
    domain, _ = domain_of(cfg)
    config = compiler_config(cfg)
    root = jax.random.fold_in(jax.random.key(cfg.seed), 2)
    compiled = []
    for task in tqdm(tasks, desc="compile", unit="task", disable=None):
        started = time.perf_counter()
        c = compile(domain, task.demos, jax.random.fold_in(root, task.task_id), config,
                    truth=task.rule)
        c.diagnostics["compile_s"] = time.perf_counter() - started
        compiled.append(c)
    return compiled


def symbolic(cfg: DictConfig) -> SymbolicReasoner:
    return SymbolicReasoner(cfg.task.name)


def evaluate_reasoner(cfg, reasoner, tasks, compiled) -> list[dict]:
    rows = []
    attempts = domain_of(cfg)[1].attempts
    batch = cfg.eval.batch_size
    exact_executor = symbolic(cfg)
    buckets = query_buckets(tasks)
    total = sum(len(members) for *_, members in buckets) * len(cfg.eval.horizons)
    with tqdm(total=total, desc=f"eval {reasoner.name}", unit="query", disable=None) as bar:
        for grid, shape, members in buckets:
            for start in range(0, len(members), batch):
                chunk = members[start:start + batch]
                queries = [[q for q in tasks[i].queries
                            if q.size == grid and np.shape(q.input) == shape] for i in chunk]
                voters = [compiled[i].voters for i in chunk]
                demos = demo_inputs(cfg, reasoner, [tasks[i] for i in chunk])
                certified = certified_flags(reasoner, [compiled[i] for i in chunk], demos)
                # horizons in increasing order, each continuing from the previous answer
                # (exact for one voter per task; a vote restarts from the query)
                one_voter = all(len(v) == 1 for v in voters)
                single = one_voter and reasoner.spec.resumable
                states = None
                for horizon in sorted(cfg.eval.horizons):
                    asked = [next(q for q in qs if q.horizon == horizon) for qs in queries]
                    truth = np.stack([q.answer for q in asked])
                    inputs = np.stack([q.input for q in asked])
                    if states is None or not np.array_equal(inputs, states):
                        # a new query input (life shares one per grid; logic has one per depth)
                        states, done, pred, executed = inputs, 0, inputs, inputs
                    prev = done
                    more = horizon - done if single else horizon
                    start_states = pred if single else states
                    started = time.perf_counter()
                    pred = run_reasoner(reasoner, demos, voters, start_states, more)
                    if attempts > 1 and reasoner.spec.ranked and reasoner.spec.reads == "demos":
                        ranked = np.asarray(reasoner.rollout_ranked(demos, start_states, more,
                                                                    attempts))
                    seconds = (time.perf_counter() - started) / len(chunk)
                    done = horizon
                    # what the exact executor gives on the same compiled rule sets: isolates
                    # the reasoner's own errors from the compiler's
                    if isinstance(reasoner, SymbolicReasoner):  # the exact executor itself
                        executed = pred
                    else:
                        executed = answer(exact_executor, voters,
                                          executed if one_voter else states,
                                          horizon - prev if one_voter else horizon)
                    domain = compiled[0].domain
                    correct, scored = domain.correct(pred, truth), domain.scored(truth)
                    for j, i in enumerate(chunk):
                        row = eval_row(cfg, tasks[i], compiled[i], reasoner.name, grid,
                                       horizon, correct[j][scored[j]])
                        row["exact_vs_compiled"] = (bool((pred[j] == executed[j]).all())
                                                    if reasoner.spec.reads == "rules" else None)
                        row["certified"] = certified[j]
                        row["answer_s"] = round(seconds, 4)
                        if attempts > 1 and reasoner.spec.reads == "rules":
                            row.update(attempt_metrics(reasoner, compiled[i], asked[j], horizon,
                                                       attempts))
                        elif attempts > 1 and reasoner.spec.ranked:
                            row.update(ranked_metrics(domain, ranked[j], asked[j], attempts))
                        rows.append(row)
                    bar.update(len(chunk))
    return rows


def ranked_metrics(domain, answers, query, attempts: int) -> dict:
    """`attempt_metrics` for a reasoner that gives its own ranked answers `[top, ...]`."""
    scored = domain.scored(query.answer)
    hit = [bool(domain.correct(a, query.answer)[scored].all()) for a in answers[:attempts]]
    return {f"pass_at_{attempts}": any(hit), "pass_at_1": hit[0]}


def attempt_metrics(reasoner, compiled, query, horizon: int, attempts: int) -> dict:
    """Where the domain answers with several attempts (its `attempts`, e.g. ARC's 2): whether
    one of the top `attempts` distinct ranked answers is exact (`pass_at_N`), on how many
    scored cells the surviving drafts' answers disagree (`undetermined_cells`), and the
    seconds it took."""
    domain = compiled.domain
    started = time.perf_counter()
    ranked = ranked_answers(reasoner, compiled, query.input, horizon, top=None)
    answers = np.stack([c.answer for c in ranked])
    scored = domain.scored(query.answer)
    return {**ranked_metrics(domain, answers, query, attempts),
            "undetermined_cells": int(((answers != answers[:1]).any(axis=0) & scored).sum()),
            "distinct_answers": len(ranked), "answer_s": round(time.perf_counter() - started, 4)}


def run_reasoner(reasoner, demos, voters, states, steps) -> np.ndarray:
    """Answers after `steps` iterations: a reasoner that reads demos gets the raw `demos`
    (no compiler involved), every other reasoner the compiled `voters` (see `answer`)."""
    if reasoner.spec.reads == "demos":
        return np.asarray(reasoner.rollout(demos, states, steps))
    return answer(reasoner, voters, states, steps)


def certified_flags(reasoner, compiled, demos) -> list:
    """Per task: is the reasoner certified on its compiled rule (every voter's, under
    `vote`)? None where a certificate does not apply (its spec says so)."""
    if not reasoner.spec.certifiable:
        return [None] * len(compiled)
    if reasoner.spec.reads == "demos":  # end-to-end: its map, given the demos, vs the chosen rule
        failing, _ = certify_tables(reasoner, np.stack([c.chosen for c in compiled]), task=demos)
        return [bool(f == 0) for f in failing]
    counts = [len(c.voters) for c in compiled]
    failing, _ = certify_tables(reasoner, np.concatenate([c.voters for c in compiled]))
    bounds = np.cumsum([0, *counts])
    return [bool(failing[a:b].sum() == 0) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def recovered(task, compiled) -> bool | None:
    """The chosen RuleSet computes what the truth does (life: the same table); computed once
    per compiled task; None where the task has no rule or the domain cannot compare rules."""
    if task.rule is None or not isinstance(compiled.domain, RuleEquivalence):
        return None
    if "rule_recovered" not in compiled.diagnostics:
        compiled.diagnostics["rule_recovered"] = bool(
            compiled.domain.equivalent(compiled.chosen[None], task.rule, task.demos)[0])
    return compiled.diagnostics["rule_recovered"]


def eval_row(cfg, task, compiled, reasoner_name, grid, horizon, correct) -> dict:
    domain = compiled.domain
    unobserved = compiled.diagnostics.get("unobserved_entries")
    return {
        "domain": cfg.task.name, "task_id": task.task_id, "seed": cfg.seed,
        "rule_true": None if task.rule is None else domain.to_text(task.rule),
        "rule_chosen": compiled.rule_text,
        "proposer": cfg.compiler.proposer, "selector": cfg.compiler.selector,
        "num_drafts": cfg.compiler.num_drafts, "consistent_drafts": compiled.consistent_drafts,
        "chosen_demo_score": compiled.chosen_demo_score, "reasoner": reasoner_name,
        "grid": grid, "horizon": horizon, "iterations": horizon,
        "exact": bool(correct.all()), "cell_acc": float(correct.mean()),
        # extras
        "rule_recovered": recovered(task, compiled),
        "survivors": int(compiled.survivors.sum()),
        # entries no demo shows (life: counted from h = 1 demos; None for longer horizons)
        "unobserved_count": None if unobserved is None else len(unobserved),
        "rule_entries": int(compiled.diagnostics.get("num_entries", np.prod(domain.rule_shape))),
        "compile_s": round(compiled.diagnostics["compile_s"], 4),
        # a proposer that labels its drafts (arc: solution, stack, channels, cells) and
        # reports its own numbers (arc: the search's states and seconds)
        "draft_kind": chosen_kind(compiled),
        **compiled.diagnostics.get("row_extras", {}),
        **domain_of(cfg)[1].row_extras(task),
    }


def chosen_kind(compiled) -> str | None:
    kinds, i = compiled.diagnostics.get("kinds"), compiled.chosen_index
    return kinds[i] if kinds is not None and i is not None and i < len(kinds) else None
