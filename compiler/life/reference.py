"""A slow, obvious NumPy executor: the reference the JAX executor is tested against."""

from __future__ import annotations

import numpy as np


def step_reference(table, state) -> np.ndarray:
    """One update of a 2-D grid, cell by cell, with explicit toroidal wrap-around."""
    table = np.asarray(table)
    state = np.asarray(state)
    height, width = state.shape
    out = np.zeros_like(state)
    for y in range(height):
        for x in range(width):
            live = 0
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    if dy == 0 and dx == 0:
                        continue
                    live += int(state[(y + dy) % height, (x + dx) % width])
            out[y, x] = table[int(state[y, x]), live]
    return out


def run_reference(table, state, steps: int) -> np.ndarray:
    for _ in range(steps):
        state = step_reference(table, state)
    return np.asarray(state)


def run_numpy(table, states, steps: int) -> np.ndarray:
    """A vectorized NumPy executor (`np.roll` neighbour sums + table lookup) for `[..., H, W]`
    states: the NumPy baseline `make bench` compares the JAX executors with."""
    flat = np.asarray(table).reshape(-1).astype(np.uint8)
    s = np.asarray(states, np.uint8)
    for _ in range(steps):
        rows = s + np.roll(s, 1, axis=-2) + np.roll(s, -1, axis=-2)
        counts = rows + np.roll(rows, 1, axis=-1) + np.roll(rows, -1, axis=-1) - s
        s = flat[s * 9 + counts]
    return s
