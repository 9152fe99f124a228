"""One job of an experiment preset:
`python -m experiments.job -m experiment=HYPOTHESIS task=DOMAIN [scale=S]`.

With `-m`, Hydra runs every combination of the sweep axes the domain declares for the
hypothesis (conf/preset/DOMAIN/HYPOTHESIS.yaml; one run directory per job under
`results/NAME/runs/`, NAME from that declaration, named by its overrides; `hydra/launcher=joblib` runs them
in parallel). Each job writes `rows.jsonl` (`{"condition", "metrics", "seed"}` rows, see
experiments/presets/) and `job.json` (wall time and the preset parameters the reports
quote); a job whose `rows.jsonl` exists is skipped, so rerunning a sweep resumes it.
`experiments.aggregate` then writes `results/NAME/summary.csv` and `summary.md`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from omegaconf import DictConfig

from experiments.core.config import ConfigError, validate
from experiments.core.runio import write_atomic, write_jsonl_atomic
from experiments.presets import PRESETS
from experiments.presets.common import preset_parameters


def run(cfg: DictConfig, run_dir) -> list[dict] | None:
    validate(cfg)
    name, hypothesis = cfg.experiment.name, cfg.experiment.hypothesis
    if hypothesis not in PRESETS:
        raise ConfigError(f"experiment.hypothesis={hypothesis!r}: one of {sorted(PRESETS)} "
                          "(python -m experiments.job -m experiment=HYPOTHESIS task=DOMAIN)")
    run_dir = Path(run_dir)
    rows_path = run_dir / "rows.jsonl"
    if rows_path.exists():
        print(f"{run_dir}: done already (rows.jsonl exists); skipped")
        return None
    (run_dir / "error.txt").unlink(missing_ok=True)  # a failure before this rerun
    started = time.perf_counter()
    rows = [{**r, "seed": cfg.seed} for r in PRESETS[hypothesis](cfg, run_dir)]
    write_jsonl_atomic(rows_path, rows)
    write_atomic(run_dir / "job.json", json.dumps(
        {"experiment": name, "hypothesis": hypothesis, "domain": cfg.task.name,
         "scale": cfg.scale, "seed": cfg.seed,
         "wall_s": round(time.perf_counter() - started, 2),
         "parameters": preset_parameters(cfg)}) + "\n")
    print(f"{name}: {len(rows)} rows -> {rows_path}")
    return rows


if __name__ == "__main__":
    from experiments.core.cli import hydra_app, main_guard

    main_guard(hydra_app("job", run))
