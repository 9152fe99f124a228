"""reasoning-gym's `game_of_life` through our pipeline: `python -m experiments.gym`.

1. Demos: boards from the gym's generator with `simulation_steps=1` at several fill rates
   (the generator's own simulation gives the outputs); the compiler reads them and writes
   the rule (it is never told the rule is Conway's).
2. Queries: the generator's tasks at each step count in `gym.steps`; the configured
   reasoner answers them with the compiled rule.
3. Scoring: the dataset's own `score_answer` (fraction of cells right; 1.0 is exact).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jax
import numpy as np
from omegaconf import DictConfig

from compiler import compile, get_domain
from compiler.life import Demos
from experiments.core.config import ConfigError, compiler_config, validate
from experiments.core.reasoners import build_reasoner
from experiments.core.runio import write_jsonl_atomic
from experiments.reporting.tables import markdown_table
from reasoner import answer

_BOARD = re.compile(r"(\[\[[01,\s\[\]]*\]\])")


def board_of(entry) -> np.ndarray:
    """The input board printed in a game_of_life question."""
    match = _BOARD.search(entry["question"].split("\n\n", 1)[1])
    return np.asarray(json.loads(match.group(1)), np.uint8)


def datasets(g, seed: int):
    try:
        import reasoning_gym
    except ImportError:
        raise ConfigError("experiments.gym needs the gym extra: pip install -e '.[gym]'") from None
    cells = g.grid * g.grid
    make = lambda steps, fill, size, s: reasoning_gym.create_dataset(
        "game_of_life", grid_size_x=g.grid, grid_size_y=g.grid, simulation_steps=steps,
        filled_cells_weights=fill, filled_cells=int(fill * cells), size=size, seed=s)
    demos = [make(1, fill, g.num_demos, seed * 1000 + i) for i, fill in enumerate(g.demo_fill)]
    queries = {steps: make(steps, g.fill, g.size, seed * 1000 + 100 + steps) for steps in g.steps}
    return demos, queries


def run(cfg: DictConfig, run_dir) -> list[dict]:
    validate(cfg)
    g = cfg.gym
    demo_sets, query_sets = datasets(g, cfg.seed)
    pairs = [(board_of(e), np.asarray(json.loads(e["answer"]), np.uint8))
             for ds in demo_sets for e in ds]
    demos = Demos(np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs]), 1)
    compiled = compile(get_domain("life"), demos, jax.random.key(cfg.seed), compiler_config(cfg))
    reasoner = build_reasoner(cfg)
    rows = []
    for steps, ds in query_sets.items():
        entries = list(ds)
        boards = np.stack([board_of(e) for e in entries])
        preds = answer(reasoner, [compiled.voters] * len(entries), boards, steps)
        for i, (e, pred) in enumerate(zip(entries, preds, strict=True)):
            text = json.dumps(pred.astype(int).tolist(), separators=(",", ":"))
            rows.append({"steps": steps, "index": i, "reasoner": reasoner.name,
                         "rule_chosen": compiled.rule_text,
                         "score": float(ds.score_answer(text, e))})
    write_jsonl_atomic(Path(run_dir) / "gym.jsonl", rows)
    print(f"compiled rule {compiled.rule_text} from {len(pairs)} gym demo boards "
          f"({compiled.consistent_drafts} consistent drafts)")
    body = []
    for steps in query_sets:
        sc = [r["score"] for r in rows if r["steps"] == steps]
        body.append([steps, len(sc), f"{np.mean(sc):.4f}", f"{np.mean([s == 1.0 for s in sc]):.1%}"])
    print(markdown_table(["steps", "tasks", "mean score", "exact (score 1.0)"], body))
    return rows


if __name__ == "__main__":
    from experiments.core.cli import hydra_app, main_guard

    main_guard(hydra_app("gym", run))
