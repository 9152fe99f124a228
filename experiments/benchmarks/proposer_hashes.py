"""The parameters' sha256 of each proposer trainer after a short run (life and logic,
supervised and self-taught, seed 1): `python -m experiments.benchmarks.proposer_hashes`.

Run it at two commits to see whether a change to the trainers changes what they train
(2026-11-30: moving the four trainers into experiments/training/proposer_loop.py changed
none of the four hashes). A few minutes on 2 CPU cores.
"""

from __future__ import annotations

import json

from flax import nnx

from experiments.core.runio import params_sha256
from experiments.training import life_proposer, logic_proposer


def main() -> dict:
    quiet = dict(progress=None, log_every=5)
    runs = {
        "life": lambda: life_proposer.train(seed=1, steps=12, batch=16, width=32, **quiet),
        "life_self_taught": lambda: life_proposer.train_self_taught(
            seed=1, steps=12, batch=16, width=32, drafts=4, **quiet),
        "logic": lambda: logic_proposer.train(seed=1, steps=8, batch=4, width=16, pool_size=16, **quiet),
        "logic_self_taught": lambda: logic_proposer.train_self_taught(
            seed=1, steps=8, batch=4, width=16, pool_size=16, induce_drafts=4, samples=2,
            refresh_every=4, **quiet),
    }
    out = {name: params_sha256(nnx.state(run(), nnx.Param)) for name, run in runs.items()}
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
