"""Seconds per task of the exact version space (the ceiling) against the vote at K = 64, as
logic tasks grow:

    python -m experiments.benchmarks.version_space_scaling [--tasks 5] [--demos 32]
        [--proposer posterior|induce_span]

Per size (inputs, atoms, rules of depth-3 held-out rule sets, 3 queries of depths 1-3):
the ceiling's median and worst seconds per task (clingo's cautious consequences; 10 s is
solve's `exact_seconds`) and the vote's, proposing 64 drafts, checking them and answering:
`posterior` (solve's default for logic: a posterior sample, uniform vote at commit 0.9) or
`induce_span` (the length prior at commit 0.9); and both coverages. Writes a Markdown
table to stdout and, with --out, the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
import time

import jax
import numpy as np

from compiler import CompilerConfig, compile, get_domain
from compiler.logic.version_space import version_space_answers
from reasoner import SymbolicReasoner, answer
from tasks import get_tasks

# 24 inputs / 96 atoms / 48 rules: the vote's first task had not finished after 5 min
# (its minimal sound rules; 2026-11-30), so the sizes stop at 16
SIZES = [(8, 32, 16), (10, 40, 20), (12, 48, 24), (16, 64, 32)]


def measure(inputs, atoms, rules, num_demos, num_tasks, timeout_s, proposer="posterior"):
    tasks_domain, domain = get_tasks("logic"), get_domain("logic")
    reasoner = SymbolicReasoner("logic")
    cfg = tasks_domain.config(inputs=inputs, atoms=atoms, rules=rules, num_demos=num_demos)
    tasks = tasks_domain.make_tasks(cfg, 0, num_tasks, [atoms], [1, 2, 3])
    prior = "uniform" if proposer == "posterior" else "length"  # a fair sample: plain shares
    config = CompilerConfig(proposer=proposer, num_drafts=64, selector="vote", prior=prior,
                            commit=0.9, options=get_domain("logic").options())
    ceiling_s, vote_s, timeouts = [], [], 0
    cov = {"ceiling": [0, 0], "vote": [0, 0]}
    for t in tasks:
        states = np.stack([q.input for q in t.queries])
        asked = np.stack([domain.scored(q.answer) for q in t.queries])
        started = time.perf_counter()
        try:
            out, _ = version_space_answers(t.demos, states, timeout_s=timeout_s)
            cov["ceiling"][0] += int((domain.committed(out) & asked).sum())
        except TimeoutError:
            timeouts += 1
        ceiling_s.append(time.perf_counter() - started)
        cov["ceiling"][1] += int(asked.sum())
        started = time.perf_counter()
        c = compile(domain, t.demos, jax.random.key(t.task_id), config)
        pred = np.stack([answer(reasoner, [c.voters], q.input[None], q.horizon)[0] for q in t.queries])
        vote_s.append(time.perf_counter() - started)
        cov["vote"][0] += int((domain.committed(pred) & asked).sum())
        cov["vote"][1] += int(asked.sum())
    return {"inputs": inputs, "atoms": atoms, "rules": rules, "demos": num_demos, "proposer": proposer,
            "ceiling_median_s": float(np.median(ceiling_s)), "ceiling_max_s": float(np.max(ceiling_s)),
            "ceiling_timeouts": timeouts, "vote_median_s": float(np.median(vote_s)),
            "vote_max_s": float(np.max(vote_s)),
            "ceiling_coverage": cov["ceiling"][0] / max(cov["ceiling"][1], 1),
            "vote_coverage": cov["vote"][0] / max(cov["vote"][1], 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5)
    parser.add_argument("--demos", type=int, default=32)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per task for the ceiling")
    parser.add_argument("--proposer", default="posterior", choices=["posterior", "induce_span"])
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    from experiments.reporting.tables import markdown_table

    rows = []
    for inputs, atoms, rules in SIZES:
        rows.append(measure(inputs, atoms, rules, args.demos, args.tasks, args.timeout, args.proposer))
        r = rows[-1]
        print(f"inputs {inputs}: ceiling {r['ceiling_median_s']:.2f} s (max {r['ceiling_max_s']:.2f}, "
              f"{r['ceiling_timeouts']} timeouts), vote {r['vote_median_s']:.2f} s", flush=True)
        if args.out:  # after every size, so an interrupted run keeps what it measured
            with open(args.out, "w") as f:
                json.dump(rows, f, indent=1)
        if r["ceiling_timeouts"] == args.tasks:
            break  # every task past the timeout: larger sizes would be too
    print(markdown_table(
        ["inputs / atoms / rules", "demos", "ceiling s (median, max)", "timeouts",
         "vote K=64 s (median, max)", "ceiling / vote (median)", "coverage: ceiling / vote"],
        [[f"{r['inputs']} / {r['atoms']} / {r['rules']}", r["demos"],
          f"{r['ceiling_median_s']:.2f}, {r['ceiling_max_s']:.2f}", r["ceiling_timeouts"],
          f"{r['vote_median_s']:.2f}, {r['vote_max_s']:.2f}",
          f"{r['ceiling_median_s'] / r['vote_median_s']:.1f}x",
          f"{100 * r['ceiling_coverage']:.1f}% / {100 * r['vote_coverage']:.1f}%"] for r in rows]))


if __name__ == "__main__":
    main()
