"""ARC transforms, family `objects` (the table: compiler/arc/transforms.py): connected
components kept, deleted or cropped by a selector, flipped in place, slid until contact."""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy import ndimage

from compiler.arc.transform_base import CROSS, DIRS, SQUARE, _bbox, _colour_counts, _extreme_colour, _only

_LABELS: dict = {}  # (conn, multi, grid bytes) -> labels: every object kind labels alike


def _objects(g, conn: int, multi: bool):
    """`_label_objects`, memoized per grid (the labels are read, never written)."""
    key = (conn, multi, g.shape, g.tobytes())
    if key not in _LABELS:
        if len(_LABELS) > 50_000:
            _LABELS.clear()
        _LABELS[key] = _label_objects(g, conn, multi)
    return _LABELS[key]


def _label_objects(g, conn: int, multi: bool):
    """(labels [H, W] 0 = background, count): connected components of non-background cells
    (multi) or of each colour separately."""
    structure = SQUARE if conn == 8 else CROSS
    if multi:
        return ndimage.label(g != 0, structure)
    lab = np.zeros(g.shape, np.int32)
    n = 0
    for c in np.nonzero(_colour_counts(g))[0]:
        sub, k = ndimage.label(g == c, structure)
        lab[sub > 0] = sub[sub > 0] + n
        n += k
    return lab, n


def _sizes(g, lab, n):
    return np.bincount(lab.ravel(), minlength=n + 1)[1:]


def _obj_colours(g, lab, n):
    """[n, 10] cells of each colour per object."""
    flat = lab.ravel().astype(np.int64) * 10 + g.ravel()
    return np.bincount(flat, minlength=(n + 1) * 10).reshape(n + 1, 10)[1:]


def sel_largest(g, lab, n):
    s = _sizes(g, lab, n)
    return _only(s == s.max())


def sel_smallest(g, lab, n):
    s = _sizes(g, lab, n)
    return _only(s == s.min())


def sel_noise(g, lab, n):
    return _sizes(g, lab, n) == 1


def sel_unique_colour(g, lab, n):
    """The one object whose (main) colour no other object has."""
    main = _obj_colours(g, lab, n).argmax(1)
    return _only(np.bincount(main, minlength=10)[main] == 1)


def sel_least_colour(g, lab, n):
    """The objects holding the least common non-background colour."""
    c = _extreme_colour(g, False)
    return None if c is None else _obj_colours(g, lab, n)[:, c] > 0


def sel_most_colours(g, lab, n):
    k = (_obj_colours(g, lab, n) > 0).sum(1)
    return _only(k == k.max())


def sel_unique_shape(g, lab, n):
    """The one object whose shape (cell mask, colours aside) no other object shares."""
    keys = []
    for k, sl in enumerate(ndimage.find_objects(lab, n)):
        m = lab[sl] == k + 1
        keys.append((m.shape, m.tobytes()))
    counts = Counter(keys)
    return _only(np.array([counts[key] == 1 for key in keys]))


def _border_mask(g, lab, n):
    h, w = g.shape
    return np.array([sl[0].start == 0 or sl[1].start == 0 or sl[0].stop == h or sl[1].stop == w
                     for sl in ndimage.find_objects(lab, n)])


def sel_border(g, lab, n):
    return _border_mask(g, lab, n)


def sel_inner(g, lab, n):
    return ~_border_mask(g, lab, n)


SELECTORS = {"largest": sel_largest, "smallest": sel_smallest, "noise": sel_noise,
             "unique_colour": sel_unique_colour, "unique_shape": sel_unique_shape,
             "least_colour": sel_least_colour, "most_colours": sel_most_colours,
             "border": sel_border, "inner": sel_inner}


def _selected(g, conn, multi, sel):
    """(labels, count, per-cell selected mask; empty where nothing is selected) or None
    where the selection is ambiguous (a tie)."""
    lab, n = _objects(g, conn, multi)
    if n == 0:
        return lab, n, np.zeros(g.shape, bool)
    chosen = SELECTORS[sel](g, lab, n)
    if chosen is None:
        return None
    return lab, n, np.concatenate([[False], chosen])[lab]


def keep_objects(g, conn: int, multi: bool, sel: str):
    found = _selected(g, conn, multi, sel)
    return None if found is None else np.where(found[2], g, 0).astype(np.uint8)


def delete_objects(g, conn: int, multi: bool, sel: str):
    found = _selected(g, conn, multi, sel)
    return None if found is None else np.where(found[2], 0, g).astype(np.uint8)


def _one_box(g, conn, multi, sel):
    """(bbox slices, that object's cells) of the one selected object, or None."""
    found = _selected(g, conn, multi, sel)
    if found is None:
        return None
    lab, _, cells = found
    if np.unique(lab[cells]).size != 1:
        return None
    return _bbox(cells), cells


def crop_object(g, conn: int, multi: bool, sel: str):
    found = _one_box(g, conn, multi, sel)
    if found is None:
        return None
    box, cells = found
    return np.where(cells[box], g[box], 0).astype(np.uint8)


def crop_box(g, conn: int, multi: bool, sel: str, inset: int = 0):
    found = _one_box(g, conn, multi, sel)
    if found is None:
        return None
    out = g[found[0]]
    if inset:
        if min(out.shape) <= 2 * inset:
            return None
        out = out[inset:-inset, inset:-inset]
    return out.copy()


def flip_objects(g, axis: int):
    lab, n = _objects(g, 8, True)
    if n == 0:
        return g.copy()
    out = g.copy()
    for k, sl in enumerate(ndimage.find_objects(lab, n)):
        m = lab[sl] == k + 1
        vals = np.where(m, g[sl], 0)
        fm, fv = np.flip(m, axis), np.flip(vals, axis)
        box = out[sl]
        box[m] = 0
        box[fm] = fv[fm]
    return out


def object_gravity(g, d: str):
    """Objects slide toward side d, nearest first, each until the edge or another object."""
    lab, n = _objects(g, 8, True)
    if n == 0:
        return g.copy()
    h, w = g.shape
    dy, dx = DIRS[d]
    cells = [np.nonzero(lab == k + 1) for k in range(n)]
    lead = [int((ys * dy + xs * dx).max()) for ys, xs in cells]
    occupied = lab > 0
    out = np.zeros_like(g)
    for k in sorted(range(n), key=lambda k: -lead[k]):
        ys, xs = cells[k]
        vals = g[ys, xs]
        occupied[ys, xs] = False
        step = 0
        while True:
            ny, nx = ys + (step + 1) * dy, xs + (step + 1) * dx
            if ny.min() < 0 or nx.min() < 0 or ny.max() >= h or nx.max() >= w \
                    or occupied[ny, nx].any():
                break
            step += 1
        ys, xs = ys + step * dy, xs + step * dx
        occupied[ys, xs] = True
        out[ys, xs] = vals
    return out
