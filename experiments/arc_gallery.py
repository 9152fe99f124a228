"""Worked ARC tasks for the gallery figure: `python -m experiments.arc_gallery`.

Reads an ARC evaluation's rows (`--rows`, default the committed ARC-AGI-1 *train* run),
picks solved and failed test outputs by a fixed rule (the smallest grids first, then by
task id: solved ones; failed ones that kept a consistent draft, i.e. a wrong rule that fits
every demo; failed ones with none), recompiles exactly those tasks with the run's own
settings and keys, and writes `--out` (default results/arc/gallery.json): the settings
(split, proposer, K, selector: the figure's caption), and per task the demos, the test
input, the two attempts, the expected output, the chosen rule text, the counts,
`pass_at_2` from the attempts recomputed here (what the figure draws and labels) and
`row_pass_at_2` from the run's row (what picked it). `make plots` draws it
(experiments.reporting.arc_report.fig_arc_gallery).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from compiler.arc import from_canvas

ROWS = Path("results/arc/arc1_train/eval.jsonl")


def pick(rows: list[dict], solved: int, wrong: int, empty: int) -> list[dict]:
    """Rows of single-test-output tasks: `solved` right at pass@2, `wrong` failed with a
    consistent draft, `empty` failed with none; each kind smallest canvas area first."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["task_name"]] = counts.get(r["task_name"], 0) + 1
    single = [r for r in rows if counts[r["task_name"]] == 1]
    area = lambda r: (r.get("grid_cells", 0), r["task_name"])
    kinds = [([r for r in single if r["pass_at_2"]], solved),
             ([r for r in single if not r["pass_at_2"] and r["consistent_drafts"] > 0], wrong),
             ([r for r in single if not r["pass_at_2"] and r["consistent_drafts"] == 0], empty)]
    return [r for members, n in kinds for r in sorted(members, key=area)[:n]]


def worked(rows: list[dict], solved: int, wrong: int, empty: int) -> list[dict]:
    """Recompile the picked tasks with the run's settings (same keys: the task ids of the
    run's own task list) and record what the figure shows."""
    from experiments.core.reasoners import compose_config
    from experiments.evaluation.queries import compile_tasks, make_eval_tasks, symbolic
    from reasoner import ranked_answers

    first = rows[0]
    cfg = compose_config("evaluate", [
        "task=arc", "eval=arc", "reasoner=symbolic", f"task.split={first['split']}",
        f"compiler.num_drafts={first['num_drafts']}", f"compiler.proposer={first['proposer']}",
        f"compiler.selector={first['selector']}", f"seed={first['seed']}"])
    tasks = {(t.name, t.test_index): t for t in make_eval_tasks(cfg)}
    for r in rows:  # the test input's area orders the picks (small grids read best)
        r["grid_cells"] = int(from_canvas(tasks[(r["task_name"], r["test_index"])]
                                          .queries[0].input).size)
    picked = pick(rows, solved, wrong, empty)
    chosen = [tasks[(r["task_name"], r["test_index"])] for r in picked]
    compiled = compile_tasks(cfg, chosen)
    reasoner = symbolic(cfg)
    grid = lambda canvas: from_canvas(np.asarray(canvas)).astype(int).tolist()
    out = []
    for r, task, c in zip(picked, chosen, compiled, strict=True):
        q = task.queries[0]
        ranked = ranked_answers(reasoner, c, q.input, q.horizon, top=2)
        demos = task.demos
        attempts = [grid(a.answer) for a in ranked]
        expected = grid(q.answer)
        out.append({"task": task.name, "split": r["split"],
                    "pass_at_2": any(a == expected for a in attempts),
                    "row_pass_at_2": bool(r["pass_at_2"]),
                    "consistent_drafts": int(c.consistent_drafts),
                    "rule": c.domain.to_text(c.chosen) if c.consistent_drafts else None,
                    "demo_inputs": [grid(x) for x in demos.inputs],
                    "demo_outputs": [grid(y) for y in demos.outputs],
                    "test_input": grid(q.input), "expected": expected, "attempts": attempts})
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=Path, default=ROWS)
    parser.add_argument("--out", type=Path, default=Path("results/arc/gallery.json"))
    parser.add_argument("--solved", type=int, default=4)
    parser.add_argument("--wrong", type=int, default=2)
    parser.add_argument("--empty", type=int, default=2)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.rows.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if "pass_at_2" in r]
    if not rows:
        raise SystemExit(f"error: {args.rows} has no ARC evaluation rows (pass_at_2)")
    from experiments.core.runio import write_atomic

    gallery = worked(rows, args.solved, args.wrong, args.empty)
    from experiments.reporting.arc_report import SETTINGS

    settings = {k: rows[0][k] for k in SETTINGS if k in rows[0]}
    write_atomic(args.out, json.dumps({"rows": str(args.rows), "settings": settings, "tasks": gallery}))
    print(f"wrote {args.out}: {len(gallery)} tasks")


if __name__ == "__main__":
    main()
