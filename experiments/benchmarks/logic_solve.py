"""`solve` as a user meets it, on generated logic tasks written as task files:

    python -m experiments.benchmarks.logic_solve [--seeds 2 3] [--tasks 20]
        [--out results/logic_calibration/solve_defaults.json]

Per family (blicket tasks: 6 objects in the blicket class; causal tasks: 5 objects, causes
of 1-3 present objects; layered rule sets: 8 inputs, 32 demos, queries of proof depths
1-3), per held-out seed and (causal families) number of trials 4 / 6 / 8 / 10: every task
is exported with `task_file_json` (which writes the class the task states) and answered by
`experiments.solve` twice, with its defaults (logic: the posterior vote at K = 64, commit
0.95, the exact version space where it decides) and with the defaults before
(`compiler.proposer=induce compiler.selector=best compiler.num_drafts=16
compiler.commit=1`: induce's best draft). Pooled over the asked atoms: `right` (the
three-valued answer equals the task's key; `undetermined` is right only where the key says
so), `coverage` and `precision` (share of committed answers right), and seconds per task.
Prints a Markdown table; `--out` writes the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from hydra import compose, initialize_config_dir

from compiler.logic.executor import NOT_ASKED, READ_FALSE, READ_TRUE, READ_UNDETERMINED
from experiments.reporting.tables import markdown_table
from tasks import get_tasks

CONF = str(Path(__file__).resolve().parents[2] / "conf")
FAMILIES = {  # name: (task overrides, settings of task.num_demos, query horizons)
    "blicket": ({"theory": "causal", "inputs": 6,
                 "rule_class": {"max_literals": 1, "negation": False, "causes": "inputs"}},
                [4, 6, 8, 10], [1, 1, 1]),
    "causal": ({"theory": "causal", "inputs": 5}, [4, 6, 8, 10], [1, 1, 1]),
    "layered": ({}, [32], [1, 2, 3]),
}
SETTINGS = {"defaults": [],
            "earlier defaults": ["compiler.proposer=induce", "compiler.selector=best",
                                 "compiler.num_drafts=16", "compiler.commit=1"]}
WORD = {True: READ_TRUE, False: READ_FALSE, "undetermined": READ_UNDETERMINED}


def family_tasks(family: str, seed: int, num_tasks: int):
    """(task, its key per asked atom name) of one family and seed, over its settings."""
    tasks_domain = get_tasks("logic")
    overrides, demos, horizons = FAMILIES[family]
    out = []
    for n in demos:
        cfg = tasks_domain.config(num_demos=n, **overrides)
        tasks_domain.validate(cfg)
        out += tasks_domain.make_tasks(cfg, seed, num_tasks, [cfg.atoms], horizons)
    return out


def solve_file(path: Path, out: Path, extra) -> tuple[dict, float]:
    from experiments.solve import solve

    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        cfg = compose(config_name="solve", overrides=["task=logic", f"task_file={path}",
                                                      f"out={out}", *extra])
    started = time.perf_counter()
    result = solve(cfg)
    return result, time.perf_counter() - started


def score(tasks_domain, task, result) -> tuple[int, int, int, int]:
    """(asked, committed, right among committed, right) of one solved task."""
    asked = committed = right_committed = right = 0
    for q, answer in zip(task.queries, result["test"], strict=True):
        for a in np.nonzero(q.answer != NOT_ASKED)[0]:
            value = WORD[answer["answers"][task.names[a]]]
            ok = value == q.answer[a]
            asked += 1
            right += int(ok)
            if value != READ_UNDETERMINED:
                committed += 1
                right_committed += int(ok)
    return asked, committed, right_committed, right


def measure(family: str, seeds, num_tasks: int) -> list[dict]:
    tasks_domain = get_tasks("logic")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for seed in seeds:
            for i, task in enumerate(family_tasks(family, seed, num_tasks)):
                path = Path(tmp) / f"{family}_{seed}_{i}.json"
                path.write_text(json.dumps(tasks_domain.task_file_json(task)))
                files.append((task, path))
        for name, extra in SETTINGS.items():
            totals, seconds = np.zeros(4, int), []
            for task, path in files:
                result, spent = solve_file(path, Path(tmp) / "out.json", extra)
                totals += score(tasks_domain, task, result)
                seconds.append(spent)
            asked, committed, right_committed, right = (int(x) for x in totals)
            rows.append({"family": family, "setting": name, "seeds": list(seeds),
                         "tasks": len(files), "asked": asked, "right": right / asked,
                         "coverage": committed / asked,
                         "precision": right_committed / max(committed, 1),
                         "seconds_median": float(np.median(seconds)),
                         "seconds_max": float(np.max(seconds))})
            print(f"{family} / {name}: right {100 * rows[-1]['right']:.1f}%", flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--tasks", type=int, default=20, help="tasks per seed and setting")
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=list(FAMILIES))
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    rows = []
    for family in args.families:
        rows += measure(family, args.seeds, args.tasks)
        if args.out:  # after every family, so an interrupted run keeps what it measured
            Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    print(markdown_table(
        ["family", "solve setting", "tasks", "asked atoms", "right %", "coverage %",
         "precision %", "s per task (median, max)"],
        [[r["family"], r["setting"], r["tasks"], r["asked"], f"{100 * r['right']:.1f}",
          f"{100 * r['coverage']:.1f}", f"{100 * r['precision']:.1f}",
          f"{r['seconds_median']:.2f}, {r['seconds_max']:.2f}"] for r in rows]))


if __name__ == "__main__":
    main()
