"""Train the life proposer net and ship it: `python -m experiments.train_proposer
[--steps 2000] [--seed 0] [--out pretrained/life-proposer]`.

Trains on training-split rules over the hard regimes (experiments/training/proposer.py),
measures pass@K on held-out rules per regime, and writes the parameters and `meta.json`
(with those numbers) to `--out`.
"""

from __future__ import annotations

import argparse
import time

from experiments.core.learned_proposers import LIFE_PROPOSER, save_proposer_net
from experiments.training.proposer import pass_at_k, train

REPORTED = [dict(horizon=1, noise=0.0, num_demos=4, grid=16),
            dict(horizon=1, noise=0.0, num_demos=2, grid=12),
            dict(horizon=2, noise=0.02, num_demos=4, grid=16),
            dict(horizon=3, noise=0.0, num_demos=4, grid=16)]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-tasks", type=int, default=200)
    parser.add_argument("--out", default=str(LIFE_PROPOSER))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    model = train(args.seed, args.steps, args.batch, width=args.width)
    seconds = time.perf_counter() - started
    results = [{**regime, **pass_at_k(model, args.seed, args.eval_tasks, **regime)}
               for regime in REPORTED]
    meta = {"width": args.width, "steps": args.steps, "batch": args.batch, "seed": args.seed,
            "train_seconds": round(seconds, 1), "heldout_tasks": args.eval_tasks,
            "pass_at_k": results}
    save_proposer_net(model, args.out, meta)
    for r in results:
        print(r)
    print(f"trained in {seconds:.0f} s -> {args.out}")
    return meta


if __name__ == "__main__":
    main()
