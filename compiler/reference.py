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
