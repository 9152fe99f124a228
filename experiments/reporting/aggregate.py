"""Collect run directories into one summary: `python -m experiments.aggregate DIR [DIR ...]`.

Every directory below the given ones that holds `.hydra/config.yaml` is a job. A job is
*failed* when it left `error.txt`, *incomplete* when it has neither `eval.jsonl` nor
`rows.jsonl` (killed or still running), else *complete*.

Experiment jobs (experiments.job) write `rows.jsonl`; their summary has one row per
condition (the job's sweep overrides plus the row's own condition keys) with the mean,
std and count over seeds of every metric, and a worked example (`example.json`) is copied
next to it. Training/evaluation runs write `eval.jsonl`: complete jobs are grouped by
condition (their command-line overrides, less `seed` and `hydra.*`) and by (reasoner,
grid, horizon); for each group the
mean, std and count over seeds of each run's mean `exact` and `cell_acc` go to
`OUT/NAME/summary.csv` and `summary.md`. Failed and incomplete jobs are listed, with the
error line, never dropped silently.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

from experiments.core.runio import read_jsonl, write_atomic
from experiments.reporting.tables import attempts_summary, markdown_table

METRICS = ("exact", "cell_acc")
OPTIONAL_METRICS = ("exact_vs_compiled", "certified")  # None where they do not apply


def find_jobs(roots) -> list[Path]:
    jobs = set()
    for root in map(Path, roots):
        if not root.exists():
            raise SystemExit(f"error: {root}: no such directory")
        jobs.update(p.parent.parent for p in root.rglob(".hydra/config.yaml"))
    return sorted(jobs)


# `task.offset`: the shard of a split a job ran (`-m task.stride=S task.offset=0,1,...`):
# the shards of one condition merge into one summary
NOT_CONDITIONS = ("seed=", "hydra.", "hydra/", "experiment=", "scale=", "task.offset=")


def overrides_of(job: Path) -> dict:
    """The job's command-line/sweep overrides that define its condition."""
    path = job / ".hydra" / "overrides.yaml"
    overrides = yaml.safe_load(path.read_text()) if path.exists() else []
    kept = [o for o in overrides or [] if not o.startswith(NOT_CONDITIONS)]
    return dict(sorted(o.lstrip("+~").split("=", 1) for o in kept))


def condition_of(job: Path) -> str:
    return " ".join(f"{k}={v}" for k, v in overrides_of(job).items()) or "(default)"


def job_status(job: Path) -> tuple[str, str]:
    if (job / "error.txt").exists():
        return "failed", (job / "error.txt").read_text().splitlines()[0]
    if not (job / "eval.jsonl").exists() and not (job / "rows.jsonl").exists():
        return "incomplete", "no eval.jsonl or rows.jsonl (killed, still running, or training only)"
    return "complete", ""


def _value(text):
    """Override values as numbers where they are numbers (for sorting and plotting)."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (int, float, str)) else text


def aggregate_rows(roots) -> tuple[list[dict], list[dict], list[Path]]:
    """(summary rows, problem jobs, example files) for experiment jobs under `roots`."""
    per_seed = defaultdict(lambda: defaultdict(list))  # condition -> metric -> [values]
    problems, examples = [], []
    for job in find_jobs(roots):
        status, line = job_status(job)
        if status != "complete":
            problems.append({"job": str(job), "status": status, "error": line})
            continue
        if (job / "example.json").exists():
            examples.append(job / "example.json")
        base = {k: _value(v) for k, v in overrides_of(job).items()}
        base.pop("task", None)  # results/NAME/ holds one domain's jobs (conf/preset/DOMAIN/)
        for r in read_jsonl(job / "rows.jsonl"):
            key = tuple({**base, **r["condition"]}.items())
            for metric, value in r["metrics"].items():
                per_seed[key][metric].append(value)
    summary = []
    for key, metrics in per_seed.items():
        row = dict(key)
        for metric, values in sorted(metrics.items()):
            row[f"{metric}_mean"] = float(np.mean(values))
            row[f"{metric}_std"] = float(np.std(values))
        row["count"] = max(len(v) for v in metrics.values())
        summary.append(row)
    columns = list(dict.fromkeys(k for row in summary for k in row))
    conditions = [c for c in columns if not c.endswith(("_mean", "_std")) and c != "count"]
    summary = [{c: row.get(c, "") for c in columns} for row in summary]
    summary.sort(key=lambda r: tuple((isinstance(r[c], str), r[c]) for c in conditions))
    return summary, problems, examples


def rows_markdown(rows, problems) -> str:
    if not rows:
        lines = ["(no results)"]
    else:
        columns = list(rows[0])
        conditions = [c for c in columns if not c.endswith(("_mean", "_std")) and c != "count"]
        metrics = [c[:-5] for c in columns if c.endswith("_mean")]
        body = [[r[c] for c in conditions]
                + [f"{r[m + '_mean']:.3f} ± {r[m + '_std']:.3f}" if r[m + "_mean"] != "" else "-"
                   for m in metrics] + [r["count"]] for r in rows]
        lines = [markdown_table(conditions + metrics + ["seeds"], body)]
    if problems:
        lines += ["", "Jobs without results:", ""]
        lines += [f"- {p['status']}: `{p['job']}`: {p['error']}" for p in problems]
    return "\n".join(lines) + "\n"


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
            for m in OPTIONAL_METRICS:
                values = [float(r[m]) for r in rows if r.get(m) is not None]
                if values:
                    means[m] = float(np.mean(values))
            per_run[(condition_of(job), reasoner, grid, horizon)].append(means)
    summary = []
    for (condition, reasoner, grid, horizon), runs in sorted(per_run.items()):
        row = {"condition": condition, "reasoner": reasoner, "grid": grid, "horizon": horizon}
        for m in METRICS + OPTIONAL_METRICS:
            values = [r[m] for r in runs if m in r]
            row[f"{m}_mean"], row[f"{m}_std"] = ((float(np.mean(values)), float(np.std(values)))
                                                 if values else ("", ""))
        row["count"] = len(runs)
        summary.append(row)
    return summary, problems


def sweep_meta(roots, problems) -> dict:
    """Jobs, summed job wall time, scale and the machine, for RESULTS.md."""
    import platform
    import time

    import jax
    jobs = [json.loads(p.read_text()) for j in find_jobs(roots) if (p := j / "job.json").exists()]
    return {"jobs_complete": len(jobs), "jobs_without_results": len(problems),
            "job_wall_s": round(sum(j["wall_s"] for j in jobs), 1),
            "scale": sorted({j.get("scale") for j in jobs} - {None}),
            "seeds": sorted({j.get("seed") for j in jobs} - {None}),  # which ran (held out or not)
            # the preset parameters per reasoner, which RESULTS.md quotes instead of restating
            "parameters": {j["parameters"]["reasoner"]: j["parameters"] for j in jobs
                           if "parameters" in j},
            "aggregated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, "
                       f"jax {jax.__version__} on {jax.default_backend()}"}


def pick_example(examples: list[Path]) -> Path:
    """The worked example to show: prefer `induce` on clean horizon-2 demos (its hill climb
    leaves rejected drafts next to the consistent chosen one), else the first."""
    for path in examples:
        o = overrides_of(path.parent)
        if (o.get("compiler.proposer") == "induce" and o.get("task.demo_horizon") == "2"
                and float(o.get("task.noise", 0)) == 0):
            return path
    return examples[0]


def to_csv(rows) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def to_markdown(rows, problems) -> str:
    lines = [markdown_table(
        ["condition", "reasoner", "grid", "horizon", "exact (mean ± std)", "cell acc",
         "exact vs compiled", "certified", "seeds"],
        [[r["condition"], r["reasoner"], r["grid"], r["horizon"],
          f"{100 * r['exact_mean']:.1f} ± {100 * r['exact_std']:.1f}%",
          f"{100 * r['cell_acc_mean']:.2f}%",
          *(f"{100 * r[m + '_mean']:.1f}%" if r.get(m + "_mean", "") != "" else "-"
            for m in OPTIONAL_METRICS), r["count"]] for r in rows])]
    if problems:
        lines += ["", "Jobs without results:", ""]
        lines += [f"- {p['status']}: `{p['job']}`: {p['error']}" for p in problems]
    return "\n".join(lines) + "\n"


def attempts_markdown(roots, folder: Path) -> str:
    """For runs answered with several attempts (arc's pass@2): every complete job's rows of
    one condition (its shards together) in `folder/eval.jsonl` and their summary."""
    merged = defaultdict(list)
    for job in find_jobs(roots):
        if job_status(job)[0] == "complete":
            rows = read_jsonl(job / "eval.jsonl")
            if any(k.startswith("pass_at_") for r in rows for k in r):
                merged[condition_of(job)] += rows
    if not merged:
        return ""
    write_atomic(folder / "eval.jsonl", "".join(json.dumps(r) + "\n" for rs in merged.values() for r in rs))
    return "".join(f"\n{condition}: {attempts_summary(rows)}\n" for condition, rows in merged.items())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", help="run or sweep directories")
    parser.add_argument("--name", default="summary", help="results/NAME/ to write")
    parser.add_argument("--out", default="results")
    args = parser.parse_args(argv)
    folder = Path(args.out) / args.name
    if any(job_dir.joinpath("rows.jsonl").exists() for job_dir in find_jobs(args.roots)):
        rows, problems, examples = aggregate_rows(args.roots)
        markdown = rows_markdown(rows, problems)
        if examples:
            write_atomic(folder / "example.json", pick_example(examples).read_text())
        write_atomic(folder / "meta.json", json.dumps(sweep_meta(args.roots, problems)) + "\n")
    else:
        rows, problems = aggregate(args.roots)
        markdown = to_markdown(rows, problems) + attempts_markdown(args.roots, folder)
    write_atomic(folder / "summary.csv", to_csv(rows))
    write_atomic(folder / "summary.md", markdown)
    print(markdown, end="")
    print(f"{len(rows)} summary rows, {len(problems)} jobs without results -> {folder}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
