"""`make bench`: speed figures measured side by side in one run; writes bench.json.

    python -m experiments.bench [--reps 5] [--out bench.json] [--quick]

Each figure is the median of `--reps` timed repetitions after one warm-up call. `--quick`
shrinks every problem (used by the test of this script); its numbers are not the
benchmark's.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from compiler import check, get_domain
from compiler.checker import check_chunk
from compiler.life import NUM_RULES, Demos, run_batch_jit, run_jit, run_numpy, table_from_index
from compiler.life.bitpacked import pack, run_packed
from compiler.life.checker import demo_check
from experiments.benchmarks.timing import timed
from experiments.core.runio import write_atomic


def bench_executor(reps, batch, side, steps):
    rng = np.random.default_rng(0)
    table = table_from_index(6152)  # B3/S23
    states = (rng.random((batch, side, side)) < 0.35).astype(np.uint8)
    cells = batch * side * side * steps
    run_packed_jit = jax.jit(run_packed)
    words = pack(jnp.asarray(states))
    t_np = timed(lambda: run_numpy(table, states, steps), max(3, reps // 2))
    t_plain = timed(lambda: run_jit(table, states, steps), reps)
    t_packed = timed(lambda: run_packed_jit(table, words, steps), reps)
    return {"numpy_cells_per_s": cells / t_np, "jax_plain_cells_per_s": cells / t_plain,
            "jax_bitpacked_cells_per_s": cells / t_packed,
            "executor_speedup": t_np / t_packed, "executor_speedup_plain": t_np / t_plain}


def demos_for(rng, n, side, horizon):
    truth = table_from_index(int(rng.integers(0, NUM_RULES)))
    inputs = (rng.random((n, side, side)) < 0.4).astype(np.uint8)
    outputs = np.asarray(run_batch_jit(np.repeat(truth[None], n, 0), inputs, horizon))
    return Demos(inputs, outputs, horizon)


def bench_checker(reps, k):
    rng = np.random.default_rng(1)
    demos = demos_for(rng, 4, 32, 2)
    drafts = jnp.asarray(table_from_index(rng.integers(0, NUM_RULES, size=k)))
    spec = demo_check(demos, with_blame=False)
    vectorized = lambda: check_chunk(spec.check_one, drafts, spec.demos, spec.params, with_blame=False)

    def loop():  # the same jitted check, one draft per call
        return [check_chunk(spec.check_one, drafts[i:i + 1], spec.demos, spec.params,
                            with_blame=False)[0] for i in range(k)]

    t_vec, t_loop = timed(vectorized, reps), timed(loop, max(1, reps // 2))
    return {"checker_drafts_per_s": k / t_vec, "checker_loop_drafts_per_s": k / t_loop,
            "checker_speedup": t_loop / t_vec}


def bench_exhaustive(reps, rules):
    from compiler.life.proposers import propose_exhaustive
    rng = np.random.default_rng(2)
    demos = demos_for(rng, 4, 32, 2)
    tables = table_from_index(np.arange(rules))
    life = get_domain("life")
    t_all = timed(lambda: check(life, tables, demos, with_blame=False).mismatches, max(1, reps // 2))
    t_prop = timed(lambda: propose_exhaustive(jax.random.key(0), demos, 16)[0], reps)
    return {"exhaustive_seconds": t_all, "exhaustive_rules": rules,
            "exhaustive_proposer_seconds": t_prop}


def bench_test_time(reps, batch, side):
    from flax import nnx

    from reasoner.life.neural import TRACE_COUNTS, NeuralReasoner, RecurrentCell
    from reasoner.neural_config import NeuralConfig
    reasoner = NeuralReasoner(RecurrentCell(NeuralConfig(), rngs=nnx.Rngs(0)))
    rng = np.random.default_rng(3)
    tables = table_from_index(rng.integers(0, NUM_RULES, size=batch))
    states = (rng.random((batch, side, side)) < 0.4).astype(np.uint8)
    reasoner.rollout(tables, states, 1)
    traces = TRACE_COUNTS["rollout"]
    t8 = timed(lambda: reasoner.rollout(tables, states, 8), reps)
    t512 = timed(lambda: reasoner.rollout(tables, states, 512), max(1, reps // 2))
    return {"t_per_iter_8_s": t8 / 8, "t_per_iter_512_s": t512 / 512,
            "t_ratio_512_vs_8": (t512 / 512) / (t8 / 8),
            "retraces": TRACE_COUNTS["rollout"] - traces}


def matmul_flops(reps, n):
    a = jnp.asarray(np.random.default_rng(4).standard_normal((n, n)), jnp.float32)
    f = jax.jit(lambda a: a @ a)
    return 2 * n**3 / timed(lambda: f(a), reps)


def bench_train_step(reps, cfg, setup):
    args = (setup.params, setup.opt_state, setup.pool, jax.random.fold_in(setup.data_key, 0),
            jnp.asarray(0, jnp.int32))
    start = time.perf_counter()
    compiled = setup.train_step.lower(*args).compile()
    compile_s = time.perf_counter() - start
    cost = compiled.cost_analysis()
    cost = cost[0] if isinstance(cost, list) else cost
    flops = float(cost.get("flops", 0.0))
    step_s = timed(lambda: compiled(*args), reps)
    peak = matmul_flops(reps, 1024 if cfg.train.batch_size < 64 else 2048)
    return {"train_step_s": step_s, "train_examples_per_s": cfg.train.batch_size / step_s,
            "train_step_flops": flops, "train_flops_per_s": flops / step_s,
            "matmul_flops_per_s": peak, "train_flop_share": flops / step_s / peak,
            "compile_seconds": compile_s}


def bench_train_breakdown(reps, cfg, setup):
    """Where a train step's time goes (each part jitted and timed alone), and the same
    model and Adam step in PyTorch (eager, CPU) on the same batch, timed interleaved with
    our whole step so both see the same machine load. PyTorch is optional (the `baseline`
    extra)."""
    from experiments.training.loop import make_optimizer, make_update
    from reasoner import get_spec
    from tasks import get_tasks

    t = cfg.train
    batch_fn = get_tasks(cfg.task.name).training_batch
    key = jax.random.key(0)
    grid = cfg.task.train_grid
    data = jax.jit(lambda k: batch_fn(k, setup.pool, t.batch_size, grid, t.horizon,
                                      halt_window=t.halt_window))
    data_no_halt = jax.jit(lambda k: batch_fn(k, setup.pool, t.batch_size, grid, t.horizon))
    batch = data(key)
    _, update = make_update(setup.graphdef, make_optimizer(t)[0], t,
                            get_spec(cfg.task.name, cfg.reasoner.name))
    model_step = jax.jit(lambda params, opt_state, batch: update(params, opt_state, batch, key, 0))

    args = (setup.params, setup.opt_state, setup.pool, jax.random.fold_in(setup.data_key, 0),
            jnp.asarray(0, jnp.int32))
    ours = {"step": lambda: setup.train_step(*args),
            "model": lambda: model_step(setup.params, setup.opt_state, batch)}
    out = {"train_data_s": timed(lambda: data(key), reps),
           "train_data_no_halt_labels_s": timed(lambda: data_no_halt(key), reps)}
    try:
        from experiments.benchmarks.torch_step import torch_step_fn
        r = cfg.reasoner
        theirs = torch_step_fn({k: np.asarray(v) for k, v in batch.items()}, r.channels, r.width,
                               r.depth, t.lr)
    except ImportError:
        theirs = None
    runs = {"step": [], "model": [], "torch": []}
    for fn in (*ours.values(), *([theirs] if theirs else [])):
        jax.block_until_ready(fn())  # warm up
    for _ in range(max(reps, 10)):  # interleaved, so both see the same machine load
        for name, fn in (*ours.items(), *([("torch", theirs)] if theirs else [])):
            start = time.perf_counter()
            jax.block_until_ready(fn())
            runs[name].append(time.perf_counter() - start)
    out["train_step_full_s"] = statistics.median(runs["step"])
    out["train_model_adam_s"] = statistics.median(runs["model"])
    out["torch_model_adam_s"] = statistics.median(runs["torch"]) if theirs else None
    out["torch_vs_ours"] = (out["torch_model_adam_s"] / out["train_step_full_s"]
                            if theirs else None)
    return out


def markdown(r) -> str:
    rows = [
        ("executor", f"{r['jax_bitpacked_cells_per_s'] / 1e6:.0f} M cell updates/s bit-packed JAX "
                     f"({r['jax_plain_cells_per_s'] / 1e6:.0f} M plain JAX) vs "
                     f"{r['numpy_cells_per_s'] / 1e6:.0f} M NumPy: "
                     f"{r['executor_speedup']:.1f}x", ">= 10x"),
        ("checker", f"{r['checker_drafts_per_s']:.0f} drafts/s vectorized vs "
                    f"{r['checker_loop_drafts_per_s']:.0f} looped: {r['checker_speedup']:.1f}x",
         ">= 50x"),
        ("exhaustive", f"{r['exhaustive_seconds']:.2f} s for {r['exhaustive_rules']} rules x 4 "
                       f"demos (proposer with first-demo screen: "
                       f"{r['exhaustive_proposer_seconds']:.2f} s)", "<= 10 s"),
        ("test-time compute", f"per-iteration ratio T=512 vs T=8: {r['t_ratio_512_vs_8']:.2f}; "
                              f"retraces {r['retraces']}", "<= 1.2; 0"),
        ("train step", f"{r['train_examples_per_s']:.0f} examples/s; "
                       f"{r['train_flops_per_s'] / 1e9:.1f} GFLOP/s = "
                       f"{100 * r['train_flop_share']:.1f}% of matmul "
                       f"{r['matmul_flops_per_s'] / 1e9:.1f} GFLOP/s", ">= 20%"),
        ("compile", f"{r['compile_seconds']:.2f} s to jit the train step", "<= 20 s"),
        ("train step, where the time goes",
         f"whole step {1e3 * r['train_step_full_s']:.1f} ms = data "
         f"{1e3 * r['train_data_s']:.1f} ms (of which halting labels "
         f"{1e3 * (r['train_data_s'] - r['train_data_no_halt_labels_s']):.1f} ms) + model, "
         f"gradient and Adam {1e3 * r['train_model_adam_s']:.1f} ms", "-"),
        ("train step vs PyTorch",
         "PyTorch not installed" if r["torch_model_adam_s"] is None else
         f"PyTorch eager (model + Adam only, same batch) {1e3 * r['torch_model_adam_s']:.1f} ms "
         f"vs our whole step {1e3 * r['train_step_full_s']:.1f} ms: "
         f"**{r['torch_vs_ours']:.2f}x** (>1: ours faster)", ">= 1.0"),
    ]
    from experiments.benchmarks.logic import markdown_rows
    rows += markdown_rows(r)
    from experiments.reporting.tables import markdown_table
    return markdown_table(["what", "measured", "goal"], rows)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--out", default="bench.json")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (tests only)")
    args = parser.parse_args(argv)
    from experiments.core.reasoners import compose_config
    quick, reps = args.quick, args.reps
    cfg = compose_config("train", ["train=tiny"] if quick else [])
    results = {"machine": f"{platform.machine()}, {jax.device_count()} x "
                          f"{jax.devices()[0].device_kind}", "jax": jax.__version__,
               "reps": reps, "quick": quick}
    results |= bench_executor(reps, *((2, 64, 8) if quick else (16, 512, 64)))
    results |= bench_checker(reps, 64 if quick else 4096)
    results |= bench_exhaustive(reps, 4096 if quick else NUM_RULES)
    results |= bench_test_time(reps, *((2, 16) if quick else (16, 32)))
    from experiments.benchmarks import logic as logic_bench
    results |= logic_bench.bench_consistency(reps, 64 if quick else 4096)
    results |= logic_bench.bench_executor(reps, 32 if quick else 1024)
    from experiments.training.loop import build_training
    setup = build_training(cfg)
    results |= bench_train_step(reps, cfg, setup)
    results |= bench_train_breakdown(reps, cfg, setup)
    write_atomic(Path(args.out), json.dumps(results, indent=2) + "\n")
    print(markdown(results))
    return results


if __name__ == "__main__":
    main()
