"""How well logic's compiler does on held-out tasks, quickly (for comparing designs of the
proposer; the presets are the reference numbers):

    python -m experiments.benchmarks.logic_induce [--demos 32] [--world closed] [--tasks 20]

Per (selector, K): exact answers (every asked atom), the share of atoms a vote commits to,
accuracy on those, and the share of tasks whose chosen rule set contradicts itself, on
queries of proof depths 1-24 with the symbolic reasoner. Seed 0, held-out rule sets.
"""

from __future__ import annotations

import argparse

import jax
import numpy as np

from compiler import CompilerConfig, compile, get_domain
from reasoner import SymbolicReasoner, answer
from tasks import get_tasks

DEPTHS = [1, 2, 3, 4, 6, 8, 12, 16, 24]


def measure(num_demos: int, world: str, num_tasks: int, runs=((1, "best"), (64, "best"),
                                                                 (16, "vote"), (64, "vote"))):
    tasks_domain, domain = get_tasks("logic"), get_domain("logic")
    reasoner = SymbolicReasoner("logic")
    cfg = tasks_domain.config(num_demos=num_demos, world=world)
    tasks = tasks_domain.make_tasks(cfg, 0, num_tasks, [cfg.atoms], DEPTHS)
    rows = []
    for k, selector in runs:
        exact, committed, right, scored, contradictory = [], 0, 0, 0, []
        for t in tasks:
            c = compile(domain, t.demos, jax.random.key(0),
                        CompilerConfig(num_drafts=k, selector=selector))
            contradictory.append(not domain.internal_consistency(c.voters, t.demos)[0].all())
            for q in t.queries:
                pred = answer(reasoner, [c.voters], q.input[None], q.horizon)[0]
                ok, asked = domain.correct(pred, q.answer), domain.scored(q.answer)
                sure = domain.committed(pred) & asked
                exact.append(bool(ok.all()))
                committed, right, scored = (committed + int(sure.sum()),
                                            right + int((ok & sure).sum()), scored + int(asked.sum()))
        rows.append({"selector": selector, "K": k, "exact": float(np.mean(exact)),
                     "coverage": committed / scored, "acc_answered": right / max(committed, 1),
                     "contradictory": float(np.mean(contradictory))})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demos", type=int, default=32)
    parser.add_argument("--world", default="closed", choices=["closed", "open"])
    parser.add_argument("--tasks", type=int, default=20)
    args = parser.parse_args(argv)
    from experiments.reporting.tables import markdown_table
    rows = measure(args.demos, args.world, args.tasks)
    print(markdown_table(["selector", "K", "exact %", "answered %", "accuracy on answered %",
                          "chosen contradicts itself %"],
                         [[r["selector"], r["K"], f"{100 * r['exact']:.1f}", f"{100 * r['coverage']:.1f}",
                           f"{100 * r['acc_answered']:.1f}", f"{100 * r['contradictory']:.0f}"]
                          for r in rows]))


if __name__ == "__main__":
    main()
