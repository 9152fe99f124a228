"""Evaluate reasoners on held-out rules: `python -m experiments.evaluate [overrides]`.

Generates `eval.num_tasks` tasks on rules never used for training, compiles each, answers
every query (grid size x horizon) with the configured reasoner (and the symbolic one for
comparison), writes one `eval.jsonl` row per (task, reasoner, grid, horizon), and prints
the table of exact accuracy.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jax
import numpy as np
from omegaconf import DictConfig
from tqdm import tqdm

from compiler import compile_task, format_rule
from experiments.config import compiler_config, task_kwargs, validate
from experiments.halting import evaluate_halting, halting_table
from experiments.reasoners import build_reasoner
from experiments.runio import write_jsonl_atomic
from experiments.table import accuracy_table, certification_summary, compiler_summary
from reasoner import SymbolicReasoner, answer, certifiable, certify_tables
from tasks import make_tasks


def compile_tasks(cfg: DictConfig, tasks) -> list:
    config = compiler_config(cfg)
    root = jax.random.fold_in(jax.random.key(cfg.seed), 2)
    compiled = []
    for task in tqdm(tasks, desc="compile", unit="task", disable=None):
        started = time.perf_counter()
        c = compile_task(task.demos, jax.random.fold_in(root, task.task_id), config,
                         truth=task.rule)
        c.diagnostics["compile_s"] = time.perf_counter() - started
        compiled.append(c)
    return compiled


SYMBOLIC = SymbolicReasoner()


def evaluate_reasoner(cfg, reasoner, tasks, compiled) -> list[dict]:
    rows = []
    batch = cfg.eval.batch_size
    jobs = [(g, h) for g in cfg.eval.grids for h in cfg.eval.horizons]
    with tqdm(total=len(jobs) * len(tasks), desc=f"eval {reasoner.name}", unit="query",
              disable=None) as bar:
        for grid in cfg.eval.grids:
            for start in range(0, len(tasks), batch):
                chunk = range(start, min(start + batch, len(tasks)))
                queries = [[q for q in tasks[i].queries if q.input.shape[0] == grid]
                           for i in chunk]
                states = np.stack([qs[0].input for qs in queries])
                voters = [compiled[i].voters for i in chunk]
                demos = demo_arrays(tasks, chunk)
                certified = certified_flags(reasoner, [compiled[i] for i in chunk], demos)
                # horizons in increasing order, each continuing from the previous answer
                # (exact for one voter per task; a vote restarts from the query)
                one_voter = all(len(v) == 1 for v in voters)
                single = one_voter and getattr(reasoner, "resumable", True)  # (latent: no)
                done, pred, executed = 0, states, states
                for horizon in sorted(cfg.eval.horizons):
                    truth = np.stack([next(q.answer for q in qs if q.horizon == horizon)
                                      for qs in queries])
                    prev = done
                    more = horizon - done if single else horizon
                    start = pred if single else states
                    pred = run_reasoner(reasoner, demos, voters, start, more)
                    done = horizon
                    # what the exact executor gives on the same compiled rule sets: isolates
                    # the reasoner's own errors from the compiler's
                    if reasoner.name == SYMBOLIC.name:  # it is the exact executor itself
                        executed = pred
                    else:
                        executed = answer(SYMBOLIC, voters, executed if one_voter else states,
                                          horizon - prev if one_voter else horizon)
                    correct = pred == truth
                    for j, i in enumerate(chunk):
                        row = eval_row(cfg, tasks[i], compiled[i], reasoner.name, grid,
                                       horizon, correct[j])
                        row["exact_vs_compiled"] = (bool((pred[j] == executed[j]).all())
                                                    if reasoner.reads == "rules" else None)
                        row["certified"] = certified[j]
                        rows.append(row)
                    bar.update(len(chunk))
    return rows


def run_reasoner(reasoner, demos, voters, states, steps) -> np.ndarray:
    """Answers after `steps` iterations: the end-to-end reasoner reads the raw `demos` (no
    compiler involved), every other reasoner the compiled `voters` (see `answer`)."""
    if reasoner.reads == "demos":
        return np.asarray(reasoner.rollout(demos, states, steps))
    return answer(reasoner, voters, states, steps)


def certified_flags(reasoner, compiled, demos) -> list:
    """Per task: is the reasoner certified on its compiled rule (every voter's, under
    `vote`)? None where a certificate does not apply (no discrete per-cell state)."""
    if not certifiable(reasoner):
        return [None] * len(compiled)
    if reasoner.reads == "demos":  # end-to-end: its map, given the demos, vs the chosen rule
        failing, _ = certify_tables(reasoner, np.stack([c.chosen.table for c in compiled]),
                                    task=demos)
        return [bool(f == 0) for f in failing]
    counts = [len(c.voters) for c in compiled]
    failing, _ = certify_tables(reasoner, np.concatenate([c.voters for c in compiled]))
    ends = np.cumsum(counts)
    return [bool((failing[e - n:e] == 0).all()) for n, e in zip(counts, ends, strict=True)]


def demo_arrays(tasks, chunk):
    """`(inputs, outputs)` `[b, N, H, W]` of the tasks in `chunk` (the end-to-end input)."""
    return (np.stack([tasks[i].demos.inputs for i in chunk]),
            np.stack([tasks[i].demos.outputs for i in chunk]))


def eval_row(cfg, task, compiled, reasoner_name, grid, horizon, correct) -> dict:
    return {
        "domain": cfg.task.name, "task_id": task.task_id, "seed": cfg.seed,
        "rule_true": format_rule(task.rule), "rule_chosen": compiled.chosen.to_text(),
        "proposer": cfg.compiler.proposer, "selector": cfg.compiler.selector,
        "num_drafts": cfg.compiler.num_drafts, "consistent_drafts": compiled.consistent_drafts,
        "chosen_demo_score": compiled.chosen_demo_score, "reasoner": reasoner_name,
        "grid": grid, "horizon": horizon, "iterations": horizon,
        "exact": bool(correct.all()), "cell_acc": float(correct.mean()),
        # extras
        "rule_recovered": bool(np.array_equal(compiled.chosen.table, task.rule)),
        "survivors": int(compiled.survivors.sum()),
        # counted from the evidence of horizon-1 demos only; None for longer demo horizons
        "unobserved_entries": (len(compiled.diagnostics["unobserved_entries_list"])
                               if "unobserved_entries_list" in compiled.diagnostics else None),
        "compile_s": round(compiled.diagnostics["compile_s"], 4),
    }


def run(cfg: DictConfig, run_dir, model=None) -> list[dict]:
    """Evaluate into `run_dir/eval.jsonl`; `model` is a trained module to use directly."""
    validate(cfg)
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    kwargs = task_kwargs(cfg)
    tasks = make_tasks(cfg.seed, cfg.eval.num_tasks, cfg.task.heldout_fraction,
                       query_grids=list(cfg.eval.grids), query_horizons=list(cfg.eval.horizons),
                       **kwargs)
    compiled = compile_tasks(cfg, tasks)
    reasoners = [build_reasoner(cfg, model)]
    if cfg.eval.compare_symbolic and reasoners[0].name != "symbolic":
        reasoners.append(SYMBOLIC)
    rows = []
    for reasoner in reasoners:
        rows += evaluate_reasoner(cfg, reasoner, tasks, compiled)
    write_jsonl_atomic(run_dir / "eval.jsonl", rows)
    print(accuracy_table(rows), file=sys.stdout)
    print(accuracy_table([r for r in rows if r["exact_vs_compiled"] is not None],
                         "exact_vs_compiled"), file=sys.stdout)
    print(compiler_summary(rows), file=sys.stdout)
    print(certification_summary(rows), file=sys.stdout)
    if cfg.eval.until_stable:
        halting_rows = []
        for reasoner in reasoners:
            halting_rows += evaluate_halting(cfg, reasoner, tasks, compiled)
        write_jsonl_atomic(run_dir / "halting.jsonl", halting_rows)
        print(halting_table(halting_rows), file=sys.stdout)
    return rows


if __name__ == "__main__":
    from experiments.cli import hydra_app, main_guard

    main_guard(hydra_app("evaluate", run))
