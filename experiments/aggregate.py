"""Collect run directories into one summary: `python -m experiments.aggregate DIR [DIR ...]`.

Every directory below the given ones that holds `.hydra/config.yaml` is a job. A job is
*failed* when it left `error.txt`, *incomplete* when it has no `eval.jsonl` (killed or still
running), else *complete*. Complete jobs are grouped by condition (their command-line
overrides, less `seed` and `hydra.*`) and by (reasoner, grid, horizon); for each group the
mean, std and count over seeds of each run's mean `exact` and `cell_acc` go to
`OUT/NAME/summary.csv` and `summary.md`. Failed and incomplete jobs are listed, with the
error line, never dropped silently.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

from experiments.runio import read_jsonl, write_atomic

METRICS = ("exact", "cell_acc")


def find_jobs(roots) -> list[Path]:
    jobs = set()
    for root in map(Path, roots):
        if not root.exists():
            raise SystemExit(f"error: {root}: no such directory")
        jobs.update(p.parent.parent for p in root.rglob(".hydra/config.yaml"))
    return sorted(jobs)


def condition_of(job: Path) -> str:
    path = job / ".hydra" / "overrides.yaml"
    overrides = yaml.safe_load(path.read_text()) if path.exists() else []
    kept = [o for o in overrides or [] if not o.startswith(("seed=", "hydra.", "hydra/"))]
    return " ".join(sorted(kept)) or "(default)"


def job_status(job: Path) -> tuple[str, str]:
    if (job / "error.txt").exists():
        return "failed", (job / "error.txt").read_text().splitlines()[0]
    if not (job / "eval.jsonl").exists():
        return "incomplete", "no eval.jsonl (killed, still running, or training only)"
    return "complete", ""


def aggregate(roots) -> tuple[list[dict], list[dict]]:
    """(summary rows, problem jobs) for the jobs under `roots`."""
    per_run = defaultdict(list)  # (condition, reasoner, grid, horizon) -> [{metric: run mean}]
    problems = []
    for job in find_jobs(roots):
        status, line = job_status(job)
        if status != "complete":
            problems.append({"job": str(job), "status": status, "error": line})
            continue
        cells = defaultdict(list)
        for r in read_jsonl(job / "eval.jsonl"):
            cells[(r["reasoner"], r["grid"], r["horizon"])].append(r)
        for (reasoner, grid, horizon), rows in cells.items():
            means = {m: float(np.mean([float(r[m]) for r in rows])) for m in METRICS}
            per_run[(condition_of(job), reasoner, grid, horizon)].append(means)
    summary = []
    for (condition, reasoner, grid, horizon), runs in sorted(per_run.items()):
        row = {"condition": condition, "reasoner": reasoner, "grid": grid, "horizon": horizon}
        for m in METRICS:
            values = [r[m] for r in runs]
            row[f"{m}_mean"], row[f"{m}_std"] = float(np.mean(values)), float(np.std(values))
        row["count"] = len(runs)
        summary.append(row)
    return summary, problems


def to_csv(rows) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def to_markdown(rows, problems) -> str:
    lines = ["| condition | reasoner | grid | horizon | exact (mean ± std) | cell acc | seeds |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['condition']} | {r['reasoner']} | {r['grid']} | {r['horizon']} | "
                     f"{100 * r['exact_mean']:.1f} ± {100 * r['exact_std']:.1f}% | "
                     f"{100 * r['cell_acc_mean']:.2f}% | {r['count']} |")
    if problems:
        lines += ["", "Jobs without results:", ""]
        lines += [f"- {p['status']}: `{p['job']}`: {p['error']}" for p in problems]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", help="run or sweep directories")
    parser.add_argument("--name", default="summary", help="results/NAME/ to write")
    parser.add_argument("--out", default="results")
    args = parser.parse_args(argv)
    rows, problems = aggregate(args.roots)
    folder = Path(args.out) / args.name
    write_atomic(folder / "summary.csv", to_csv(rows))
    markdown = to_markdown(rows, problems)
    write_atomic(folder / "summary.md", markdown)
    print(markdown, end="")
    print(f"{len(rows)} summary rows, {len(problems)} jobs without results -> {folder}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
