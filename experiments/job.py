"""One job of an experiment preset: `python -m experiments.job -m experiment=NAME [scale=S]`.

With `-m`, Hydra runs every combination of the preset's sweep axes (one run directory per
job under `results/NAME/runs/`, named by its overrides; `hydra/launcher=joblib` runs them
in parallel). Each job writes `rows.jsonl` (`{"condition", "metrics", "seed"}` rows, see
experiments/exp_compiler.py and exp_reasoners.py) and `job.json` (wall time); a job whose
`rows.jsonl` exists is skipped, so rerunning a sweep resumes it. `experiments.aggregate`
then writes `results/NAME/summary.csv` and `summary.md`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from omegaconf import DictConfig

from compiler import entry_name, format_rule
from experiments import exp_compiler, exp_reasoners
from experiments.config import ConfigError, validate
from experiments.runio import write_atomic, write_jsonl_atomic
from reasoner import SymbolicReasoner, answer

JOBS = {
    "drafts": lambda cfg, job_dir: exp_compiler.drafts(cfg, example_hook(cfg, job_dir)),
    "selection": lambda cfg, job_dir: exp_compiler.selection(cfg),
    "inconsistency": lambda cfg, job_dir: exp_compiler.inconsistency(cfg),
    "test_time": exp_reasoners.test_time,
    "counterfactual": exp_reasoners.counterfactual,
}


def example_hook(cfg: DictConfig, job_dir: Path):
    """For the grids figure: seed 0's first task, saved by one drafts job per sweep."""
    if not (cfg.experiment.example and cfg.seed == 0):
        return None

    def save(task, compiled, neural):
        write_atomic(job_dir / "example.json", json.dumps(worked_example(task, compiled, neural)))

    return save


def worked_example(task, compiled, reasoner, steps: int = 6) -> dict:
    """Demos, three drafts (the chosen one and two rejected, with why), and a reasoner's
    trajectory on the query next to the truth's."""
    scores = compiled.scores
    order = np.lexsort((np.arange(len(compiled.drafts)), scores.mismatches))
    chosen = compiled.chosen_index if compiled.chosen_index is not None else int(order[0])
    rejected = [int(i) for i in order if not scores.exact[i] and i != chosen]
    picks = [chosen] + rejected[:1] + rejected[-1:]  # the closest and the farthest miss
    drafts = []
    for i in dict.fromkeys(picks):
        blamed = [entry_name(s, n) for s, n in zip(*np.nonzero(scores.blame[i]), strict=True)]
        drafts.append({"rule": format_rule(compiled.drafts[i]), "consistent": bool(scores.exact[i]),
                       "chosen": i == chosen, "wrong_cells": int(scores.mismatches[i]),
                       "blamed_entries": blamed})
    reasoner = reasoner or SymbolicReasoner()
    query = task.queries[0].input
    traj, truth = [query], [query]
    for _ in range(steps):
        traj.append(answer(reasoner, [compiled.voters], traj[-1][None], 1)[0])
        truth.append(answer(SymbolicReasoner(), [task.rule[None]], truth[-1][None], 1)[0])
    grids = lambda xs: [np.asarray(x).astype(int).tolist() for x in xs]
    return {"rule_true": format_rule(task.rule), "demo_inputs": grids(task.demos.inputs[:2]),
            "demo_outputs": grids(task.demos.outputs[:2]), "drafts": drafts,
            "num_drafts": int(len(compiled.drafts)), "reasoner": reasoner.name,
            "trajectory": grids(traj), "truth": grids(truth)}


def run(cfg: DictConfig, run_dir) -> list[dict] | None:
    validate(cfg)
    name = cfg.experiment.name
    if name not in JOBS:
        raise ConfigError(f"experiment={name!r}: pick a preset, one of {sorted(JOBS)} "
                          "(python -m experiments.job -m experiment=NAME)")
    run_dir = Path(run_dir)
    rows_path = run_dir / "rows.jsonl"
    if rows_path.exists():
        print(f"{run_dir}: done already (rows.jsonl exists); skipped")
        return None
    (run_dir / "error.txt").unlink(missing_ok=True)  # a failure before this rerun
    started = time.perf_counter()
    rows = [{**r, "seed": cfg.seed} for r in JOBS[name](cfg, run_dir)]
    write_jsonl_atomic(rows_path, rows)
    write_atomic(run_dir / "job.json", json.dumps(
        {"experiment": name, "scale": cfg.scale, "seed": cfg.seed,
         "wall_s": round(time.perf_counter() - started, 2)}) + "\n")
    print(f"{name}: {len(rows)} rows -> {rows_path}")
    return rows


if __name__ == "__main__":
    from experiments.cli import hydra_app, main_guard

    main_guard(hydra_app("job", run))
