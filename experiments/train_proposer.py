"""Train the life proposer net and ship it: `python -m experiments.train_proposer
[--steps 2000] [--seed 0] [--self-taught] [--out DIR]`.

Trains on training-split tasks over the hard regimes (experiments/training/proposer.py):
supervised by the true tables (default; `pretrained/life-proposer`), or `--self-taught`
with no true table, only the checker's verdicts on its own drafts and hindsight pairs
(`pretrained/life-proposer-self-taught`). Measures pass@K on held-out rules per regime and
writes the parameters and `meta.json` (with those numbers) to `--out`. `--domain logic`
trains the logic proposer (`pretrained/logic-proposer`; with `--self-taught`, on the
checker's verdicts only: `pretrained/logic-proposer-self-taught`).
"""

from __future__ import annotations

import argparse
import time

from experiments.core.learned_proposers import (
    LIFE_PROPOSER,
    LIFE_SELF_TAUGHT,
    LOGIC_PROPOSER,
    LOGIC_SELF_TAUGHT,
    save_proposer_net,
)
from experiments.training.proposer import pass_at_k, train, train_self_taught

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
    parser.add_argument("--self-taught", action="store_true",
                        help="no true tables: the checker's verdicts and hindsight pairs")
    parser.add_argument("--explore", type=float, default=0.25,
                        help="self-taught: share of entries re-drawn uniformly in hindsight samples")
    parser.add_argument("--domain", choices=("life", "logic"), default="life")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    if args.domain == "logic":
        return main_logic(args)
    out = args.out or str(LIFE_SELF_TAUGHT if args.self_taught else LIFE_PROPOSER)
    started = time.perf_counter()
    if args.self_taught:
        model = train_self_taught(args.seed, args.steps, args.batch, width=args.width,
                                  explore=args.explore)
    else:
        model = train(args.seed, args.steps, args.batch, width=args.width)
    seconds = time.perf_counter() - started
    results = [{**regime, **pass_at_k(model, args.seed, args.eval_tasks, **regime)}
               for regime in REPORTED]
    meta = {"width": args.width, "steps": args.steps, "batch": args.batch, "seed": args.seed,
            "self_taught": args.self_taught, "explore": args.explore if args.self_taught else None,
            "train_seconds": round(seconds, 1), "heldout_tasks": args.eval_tasks,
            "pass_at_k": results}
    return ship(model, out, meta)


def ship(model, out, meta: dict) -> dict:
    """Write the net and its `meta.json` to `out`; print the held-out pass@K."""
    save_proposer_net(model, out, meta)
    for r in meta["pass_at_k"]:
        print(r)
    print(f"trained in {meta['train_seconds']:.0f} s -> {out}")
    return meta


def main_logic(args) -> dict:
    """The logic proposer: teacher forcing on training-split rule sets (8 and 32 demos),
    pass@K on held-out rule sets per demo count."""
    from experiments.training.logic_proposer import pass_at_k as logic_pass_at_k
    from experiments.training.logic_proposer import train as train_logic
    from experiments.training.logic_proposer import train_self_taught as train_logic_self_taught

    out = args.out or str(LOGIC_SELF_TAUGHT if args.self_taught else LOGIC_PROPOSER)
    width = 64 if args.width == 128 else args.width  # the logic net's default width
    started = time.perf_counter()
    trainer = train_logic_self_taught if args.self_taught else train_logic
    model = trainer(args.seed, args.steps, min(args.batch, 32), width=width)
    seconds = time.perf_counter() - started
    results = [{"num_demos": n, **logic_pass_at_k(model, args.seed, min(args.eval_tasks, 100), n)}
               for n in (8, 32)]
    meta = {"domain": "logic", "width": width, "steps": args.steps, "batch": min(args.batch, 32),
            "self_taught": args.self_taught,
            "seed": args.seed, "train_seconds": round(seconds, 1),
            "heldout_tasks": min(args.eval_tasks, 100), "pass_at_k": results}
    return ship(model, out, meta)


if __name__ == "__main__":
    main()
