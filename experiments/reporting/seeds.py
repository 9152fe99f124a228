"""Summarize eval.jsonl of several run directories (e.g. seeds) into one Markdown table.

    python -m experiments.report runs/neural_seed0 runs/neural_seed1 runs/neural_seed2
    python -m experiments.report --halting RUN_DIRS...   (halting.jsonl instead)

Per (reasoner, grid, horizon): mean and standard deviation over runs of each run's mean
exact accuracy, and the number of runs. Plain argparse: it reads files, it trains nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from experiments.core.runio import read_jsonl
from experiments.reporting.tables import markdown_table


def seed_table(run_dirs, metric: str = "exact") -> str:
    per_run = defaultdict(list)  # (reasoner, grid, horizon) -> [run mean]
    for run_dir in run_dirs:
        rows = read_jsonl(Path(run_dir) / "eval.jsonl")
        if not rows:
            raise SystemExit(f"error: {run_dir}: no eval.jsonl rows")
        cells = defaultdict(list)
        for r in rows:
            if r.get(metric) is not None:  # e.g. exact_vs_compiled is None for end_to_end
                cells[(r["reasoner"], r["grid"], r["horizon"])].append(float(r[metric]))
        for key, values in cells.items():
            per_run[key].append(np.mean(values))
    horizons = sorted({h for _, _, h in per_run})
    keys = sorted({(name, g) for name, g, _ in per_run})
    body = []
    for name, g in keys:
        cells = []
        for h in horizons:
            v = per_run.get((name, g, h), [])
            cells.append(f"{100 * np.mean(v):.1f} ± {100 * np.std(v):.1f}%" if v else "-")
        runs = max(len(per_run.get((name, g, h), [])) for h in horizons)
        body.append([name, f"{g}x{g}", *cells, runs])
    return markdown_table(["reasoner", "grid", *(f"{metric} h={h}" for h in horizons), "runs"], body)


def halting_seed_table(run_dirs) -> str:
    """Per (reasoner, halting, grid): mean over runs of exact share (stabilizing runs only),
    iterations used and the true stabilization time mu."""
    per_run = defaultdict(list)
    for run_dir in run_dirs:
        rows = [r for r in read_jsonl(Path(run_dir) / "halting.jsonl") if r["exact"] is not None]
        cells = defaultdict(list)
        for r in rows:
            cells[(r["reasoner"], r["halting"], r["grid"])].append(r)
        for key, rs in cells.items():
            per_run[key].append((np.mean([r["exact"] for r in rs]),
                                 np.mean([r["iterations"] for r in rs]),
                                 np.mean([r["mu_true"] for r in rs]),
                                 np.mean([r["mu_true"] + r["period_true"] for r in rs]), len(rs)))
    body = []
    for (name, method, grid), v in sorted(per_run.items()):
        a = np.array(v)
        body.append([name, method, f"{grid}x{grid}",
                     f"{100 * a[:, 0].mean():.1f} ± {100 * a[:, 0].std():.1f}%",
                     f"{a[:, 1].mean():.1f}", f"{a[:, 2].mean():.1f}", f"{a[:, 3].mean():.1f}",
                     f"{a[:, 4].mean():.0f}", len(v)])
    return markdown_table(["reasoner", "halting", "grid", "exact", "iterations used", "true mu",
                           "true mu + period", "stabilizing runs per seed", "runs"], body)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", nargs="+")
    parser.add_argument("--metric", default="exact")
    parser.add_argument("--halting", action="store_true", help="summarize halting.jsonl")
    args = parser.parse_args(argv)
    if args.halting:
        print(halting_seed_table(args.run_dirs), file=sys.stdout)
    else:
        print(seed_table(args.run_dirs, args.metric), file=sys.stdout)


if __name__ == "__main__":
    main()
