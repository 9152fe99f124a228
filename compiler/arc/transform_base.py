"""What the ARC transform families share (compiler/arc/transforms.py): grid constants,
shifting, colour counts, bounding boxes, the single-item selection."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

MAX_SIDE = 30
FAMILIES = ("geometry", "colour", "rays", "fills", "symmetry", "objects", "size")
COLOURS = tuple(range(1, 10))
DIRS = {"n": (-1, 0), "ne": (-1, 1), "e": (0, 1), "se": (1, 1),
        "s": (1, 0), "sw": (1, -1), "w": (0, -1), "nw": (-1, -1)}
SIDES = ("n", "e", "s", "w")
CROSS = ndimage.generate_binary_structure(2, 1)
SQUARE = np.ones((3, 3), bool)


def _shift(g, dy, dx, fill=0):
    """The grid's content moved by (dy, dx); `fill` comes in."""
    h, w = g.shape
    out = np.full_like(g, fill)
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        g[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def _colour_counts(g):
    """Cells per colour 0-9, background's count set to 0."""
    counts = np.bincount(g.ravel(), minlength=10)
    counts[0] = 0
    return counts


def _only(mask):
    """The mask when it selects exactly one item, else None."""
    return mask if int(mask.sum()) == 1 else None


def _bbox(mask):
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    if rows.size == 0:
        return None
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def _extreme_colour(g, most: bool):
    """The unique most / least common non-background colour, else None."""
    counts = _colour_counts(g)
    present = counts > 0
    if not present.any():
        return None
    best = counts.max() if most else counts[present].min()
    hits = np.nonzero(present & (counts == best))[0]
    return int(hits[0]) if hits.size == 1 else None
