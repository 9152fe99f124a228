"""The one timing rule of the benchmarks: the median of repeated runs after a warm-up."""

from __future__ import annotations

import statistics
import time

import jax


def timed(fn, reps: int) -> float:
    """Median wall time of `fn()` over `reps` runs, after one warm-up run."""
    jax.block_until_ready(fn())
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        jax.block_until_ready(fn())
        times.append(time.perf_counter() - start)
    return statistics.median(times)
