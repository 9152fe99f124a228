"""What the learned net and the mean-field refinement each contribute to life drafts at demo
horizon 2 and 3: `python -m experiments.benchmarks.mean_field_ablation [--tasks 100]
[--out results/mean_field_ablation.json]`.

Held-out rules, 4 demos of 16 x 16 with output noise 0.02 (the tasks `train_proposer`
reports pass@K on). Variants: the shipped net's most likely tables alone; the refinement
from the net's logits plus 7 random starts (`neural_mean_field`), from 8 random starts
(`mean_field`), from the net's logits only, and from one random start. Prints pass@K
(K = 1, 4, 16, 64) and seconds per task, and writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import jax
import numpy as np

from compiler.life.mean_field import mean_field_proposer
from compiler.life.proposer_net import demo_logits, neural_proposer
from experiments.core.learned_proposers import load_cached_net
from experiments.core.runio import write_atomic
from experiments.training.life_proposer import sample_batch
from tasks.life import heldout_rule_pool

KS = (1, 4, 16, 64)


def variants():
    net = load_cached_net()

    def start(groups):
        return demo_logits(net, groups)

    return {"net alone": neural_proposer(net),
            "refine: net + 7 random starts": mean_field_proposer(start, restarts=8),
            "refine: 8 random starts": mean_field_proposer(None, restarts=8),
            "refine: net only (1 start)": mean_field_proposer(start, restarts=1),
            "refine: 1 random start": mean_field_proposer(None, restarts=1)}


def main(argv=None) -> list:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--out", default="results/mean_field_ablation.json")
    args = parser.parse_args(argv)
    rows = []
    for horizon in (2, 3):
        rng = np.random.default_rng([0, 0xE7A1, horizon])
        _, truths, demos = sample_batch(rng, heldout_rule_pool(0.1), args.tasks, horizon=horizon,
                                        noise=0.02, num_demos=4, grid=16)
        for name, propose in variants().items():
            propose(jax.random.key(0), demos[0], max(KS))  # compile outside the timing
            ranks, started = [], time.perf_counter()
            for i, (truth, d) in enumerate(zip(truths, demos, strict=True)):
                drafts, _ = propose(jax.random.key(i), d, max(KS))
                hit = np.nonzero((drafts.reshape(len(drafts), -1) == truth).all(axis=1))[0]
                ranks.append(int(hit[0]) if len(hit) else max(KS))
            seconds = (time.perf_counter() - started) / args.tasks
            ranks = np.array(ranks)
            row = {"horizon": horizon, "variant": name, "seconds_per_task": round(seconds, 3),
                   **{f"pass@{k}": float((ranks < k).mean()) for k in KS}}
            rows.append(row)
            print(json.dumps(row), flush=True)
    write_atomic(Path(args.out), json.dumps({"tasks": args.tasks, "noise": 0.02, "num_demos": 4,
                                             "grid": 16, "rows": rows}, indent=2) + "\n")
    return rows


if __name__ == "__main__":
    main()
