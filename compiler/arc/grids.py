"""ARC grids on the fixed canvas: padding with OUT and cutting it off again."""

from __future__ import annotations

import numpy as np

from compiler.arc.features import CANVAS, OUT
from compiler.domain import bucket


def to_canvas(grid) -> np.ndarray:
    """`[CANVAS, CANVAS]` uint8: the grid at the top left, OUT elsewhere."""
    grid = np.asarray(grid, np.uint8)
    out = np.full((CANVAS, CANVAS), OUT, np.uint8)
    out[:grid.shape[0], :grid.shape[1]] = grid
    return out


def grid_shape(canvas) -> tuple[int, int]:
    inside = np.asarray(canvas) != OUT
    return int(inside.any(axis=1).sum()), int(inside.any(axis=0).sum())


def from_canvas(canvas) -> np.ndarray:
    """The real grid inside a canvas (`[H, W]` uint8)."""
    h, w = grid_shape(canvas)
    return np.asarray(canvas)[:h, :w].astype(np.uint8)


def pad_batch(array, fill=0) -> np.ndarray:
    """`array` `[n, ...]` padded along axis 0 to `bucket(n)` rows of `fill`."""
    array = np.asarray(array)
    extra = bucket(len(array)) - len(array)
    if not extra:
        return array
    return np.concatenate([array, np.full((extra, *array.shape[1:]), fill, array.dtype)])
