"""Evaluate reasoners on held-out rules: `python -m experiments.evaluate [overrides]`.

Generates `eval.num_tasks` tasks on rules never used for training, compiles each, answers
every query (size x horizon) with the configured reasoner (and the symbolic one for
comparison), writes one `eval.jsonl` row per (task, reasoner, size, horizon), and prints
the table of exact accuracy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from omegaconf import DictConfig

from experiments.core.config import validate
from experiments.core.reasoners import build_reasoner
from experiments.core.runio import write_jsonl_atomic
from experiments.evaluation.halting import evaluate_halting
from experiments.evaluation.queries import compile_tasks, evaluate_reasoner, make_eval_tasks, symbolic
from experiments.reporting.tables import (
    accuracy_table,
    attempts_summary,
    certification_summary,
    compiler_summary,
    halting_table,
)


def run(cfg: DictConfig, run_dir, model=None) -> list[dict]:
    """Evaluate into `run_dir/eval.jsonl`; `model` is a trained module to use directly."""
    validate(cfg)
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    tasks = make_eval_tasks(cfg)
    compiled = compile_tasks(cfg, tasks)
    reasoners = [build_reasoner(cfg, model)]
    if cfg.eval.compare_symbolic and reasoners[0].name != "symbolic":
        reasoners.append(symbolic(cfg))
    rows = []
    for reasoner in reasoners:
        rows += evaluate_reasoner(cfg, reasoner, tasks, compiled)
    write_jsonl_atomic(run_dir / "eval.jsonl", rows)
    print(accuracy_table(rows), file=sys.stdout)
    print(accuracy_table([r for r in rows if r["exact_vs_compiled"] is not None],
                         "exact_vs_compiled"), file=sys.stdout)
    print(compiler_summary(rows), file=sys.stdout)
    print(certification_summary(rows), file=sys.stdout)
    if any(k.startswith("pass_at_") for r in rows for k in r):
        print(attempts_summary(rows), file=sys.stdout)
    if cfg.eval.until_stable:
        halting_rows = []
        for reasoner in reasoners:
            halting_rows += evaluate_halting(cfg, reasoner, tasks, compiled)
        write_jsonl_atomic(run_dir / "halting.jsonl", halting_rows)
        print(halting_table(halting_rows), file=sys.stdout)
    return rows


if __name__ == "__main__":
    from experiments.core.cli import hydra_app, main_guard

    main_guard(hydra_app("evaluate", run))
