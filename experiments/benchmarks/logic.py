"""Logic figures for `make bench`, side by side in one run: the vectorized internal-
consistency check vs one python-sat call per draft on the same drafts (identical verdicts
required), and the forward-chaining executor vs the plain Python reference and vs clingo
on the same programs."""

from __future__ import annotations

import time

import numpy as np

from compiler.logic import DOMAIN
from compiler.logic.consistency import consistent_sat, consistent_vectorized
from compiler.logic.executor import closure_batch_jit
from compiler.logic.oracles import clingo_closure
from compiler.logic.reference import run_reference
from compiler.logic.rules import BODY, FALSE_HEAD, canonical, literal
from experiments.benchmarks.timing import timed


def random_drafts(rng, k: int, atoms: int, rules=(4, 16), constraint_p=0.05) -> np.ndarray:
    """`k` random rule sets over `atoms` atoms (heads on any atom, both signs): a mix of
    self-consistent and self-contradictory drafts."""
    out = []
    for _ in range(k):
        rows = []
        for _ in range(int(rng.integers(*rules))):
            size = int(rng.integers(1, BODY + 1))
            chosen = rng.choice(atoms, size=size + 1, replace=False)
            head = (FALSE_HEAD if rng.random() < constraint_p
                    else literal(chosen[size], rng.random() < 0.5))
            rows.append([literal(a, rng.random() < 0.5) for a in chosen[:size]]
                        + [0] * (BODY - size) + [head])
        out.append(canonical(np.array(rows)))
    return np.stack(out)


def bench_consistency(reps: int, k: int, inputs: int = 12, atoms: int = 32) -> dict:
    rng = np.random.default_rng(0)
    drafts = random_drafts(rng, k, atoms)
    ins = list(range(inputs))
    t_vec = timed(lambda: consistent_vectorized(drafts, atoms, ins)[0], reps)
    start = time.perf_counter()
    sat = consistent_sat(drafts, atoms, ins)[0]
    t_sat = time.perf_counter() - start  # one pass: the loop is the slow side
    vec = consistent_vectorized(drafts, atoms, ins)[0]
    return {"logic_consistency_drafts": k, "logic_consistency_inputs": inputs,
            "logic_consistency_vectorized_s": t_vec, "logic_consistency_sat_s": t_sat,
            "logic_consistency_speedup": t_sat / t_vec,
            "logic_consistency_identical": bool(np.array_equal(vec, sat)),
            "logic_consistency_share_consistent": float(vec.mean())}


def bench_executor(reps: int, n: int, steps: int = 32, atoms: int = 32) -> dict:
    rng = np.random.default_rng(1)
    rules = random_drafts(rng, n, atoms, rules=(8, 32))
    states = np.zeros((n, atoms), np.uint8)
    states[:, :8] = rng.integers(1, 3, size=(n, 8))  # 8 input atoms given true/false
    t_jax = timed(lambda: DOMAIN.run_batch(rules, states, steps), reps)
    start = time.perf_counter()
    for r, s in zip(rules, states, strict=True):
        run_reference(r, s, steps)
    t_ref = time.perf_counter() - start
    t_fix = timed(lambda: closure_batch_jit(rules, states), reps)
    start = time.perf_counter()
    for r, s in zip(rules, states, strict=True):
        clingo_closure(r, s)
    t_clingo = time.perf_counter() - start
    fast = np.asarray(closure_batch_jit(rules, states)[0])
    same = all(np.array_equal(f, clingo_closure(r, s))
               for f, r, s in zip(fast[:64], rules[:64], states[:64], strict=True))
    return {"logic_executor_programs": n, "logic_executor_steps": steps,
            "logic_executor_jax_s": t_jax, "logic_executor_reference_s": t_ref,
            "logic_executor_speedup": t_ref / t_jax,
            "logic_fixpoint_jax_s": t_fix, "logic_fixpoint_clingo_s": t_clingo,
            "logic_fixpoint_vs_clingo": t_clingo / t_fix, "logic_fixpoint_agrees_clingo": same}


def markdown_rows(r) -> list[tuple]:
    return [
        ("logic internal consistency",
         f"{r['logic_consistency_drafts']} drafts x 2^{r['logic_consistency_inputs']} assignments: "
         f"vectorized {r['logic_consistency_vectorized_s']:.2f} s vs python-sat loop "
         f"{r['logic_consistency_sat_s']:.2f} s: {r['logic_consistency_speedup']:.1f}x; "
         f"verdicts identical: {r['logic_consistency_identical']}", ">= 10x, identical"),
        ("logic executor",
         f"{r['logic_executor_programs']} programs x {r['logic_executor_steps']} steps: JAX "
         f"{1e3 * r['logic_executor_jax_s']:.1f} ms vs Python reference "
         f"{1e3 * r['logic_executor_reference_s']:.0f} ms: {r['logic_executor_speedup']:.0f}x; "
         f"to the fixed point JAX {1e3 * r['logic_fixpoint_jax_s']:.1f} ms vs clingo "
         f"{1e3 * r['logic_fixpoint_clingo_s']:.0f} ms: {r['logic_fixpoint_vs_clingo']:.0f}x "
         f"(agree: {r['logic_fixpoint_agrees_clingo']})", ">= 50x"),
    ]
