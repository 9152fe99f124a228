"""ARC transforms, family `symmetry` (the table: compiler/arc/transforms.py): completing a
mirror or turn symmetry about a searched axis, a 2-D period, or a masked colour."""

from __future__ import annotations

import numpy as np
from scipy.signal import fftconvolve

from compiler.arc.transform_base import _bbox


def _pair_score(g, unknown, pi, pj):
    """(cells paired with an equal distinct partner, conflicting pairs) for the partner map."""
    h, w = g.shape
    valid = (pi >= 0) & (pi < h) & (pj >= 0) & (pj < w)
    ii, jj = np.nonzero(valid)
    a, b = g[ii, jj], g[pi[valid], pj[valid]]
    both = (a != unknown) & (b != unknown)
    other = (pi[valid] != ii) | (pj[valid] != jj)
    return int((both & (a == b) & other).sum()), int((both & (a != b)).sum())


def _reflection_scores(g, unknown, axes):
    """(scores, conflicts) of every reflection x -> s - x along `axes` (one axis: a mirror
    line, indexed by s; both: a 180-degree rotation centre, indexed by (si, sj)). Ordered
    pairs of known cells are grouped by s: equal pairs minus the cells on the axis (paired
    with themselves) are the score, unequal pairs the conflicts."""
    known = g != unknown
    h, w = g.shape
    if axes == (0,):
        return _reflection_scores(g.T, unknown, (1,))
    if axes == (1,):
        # [W, W] counts over the rows of equal / unequal known pairs (j, l)
        both = known[:, :, None] & known[:, None, :]
        same = both & (g[:, :, None] == g[:, None, :])
        key = (np.arange(w)[:, None] + np.arange(w)[None, :]).ravel()
        eq = np.bincount(key, same.sum(0).ravel(), minlength=2 * w - 1)
        tot = np.bincount(key, both.sum(0).ravel(), minlength=2 * w - 1)
        on_axis = np.zeros(2 * w - 1)
        on_axis[::2] = known.sum(0)
    elif h * w <= 256:  # small grids: all [H*W, H*W] cell pairs directly
        flat, kn = g.ravel(), known.ravel()
        both = kn[:, None] & kn[None, :]
        same = both & (flat[:, None] == flat[None, :])
        ii, jj = np.indices((h, w))
        cell = (ii * (2 * w - 1) + jj).ravel()
        key = (cell[:, None] + cell[None, :]).ravel()
        size = (2 * h - 1) * (2 * w - 1)
        eq = np.bincount(key, same.ravel(), minlength=size).reshape(2 * h - 1, 2 * w - 1)
        tot = np.bincount(key, both.ravel(), minlength=size).reshape(2 * h - 1, 2 * w - 1)
        on_axis = np.zeros((2 * h - 1, 2 * w - 1))
        on_axis[::2, ::2] = known
    else:  # larger grids: the same counts as self-convolutions of the colour masks
        colours = np.unique(g[known])
        masks = (g[None] == colours[:, None, None]).astype(np.float64)
        k = known.astype(np.float64)
        eq = np.rint(fftconvolve(masks, masks, axes=(1, 2))).sum(0)
        tot = np.rint(fftconvolve(k, k))
        on_axis = np.zeros_like(tot)
        on_axis[::2, ::2] = known
    return np.rint(eq - on_axis).astype(int), np.rint(tot - eq).astype(int)


def _best(scores, conflicts, n_known, centre):
    """Index of the candidate with no conflicts pairing the most cells (at least half the
    known ones), nearest the centre on a tie; None if there is none."""
    ok = (conflicts == 0) & (scores > 0) & (2 * scores >= n_known)
    if not ok.any():
        return None
    cands = np.argwhere(ok)
    dist = np.abs(cands - np.asarray(centre)).sum(1)
    order = np.lexsort((dist, -scores[tuple(cands.T)]))
    return tuple(int(v) for v in cands[order[0]])


def _diagonal_axis(g, unknown, n_known, along):
    """The best diagonal mirror line: d of i - j = d (along "u", transpose) or t of
    i + j = t (along "v", antitranspose). In coordinates v = i + j, u = i - j both are plain
    1-D reflections (u -> 2d - u, v -> 2t - v), scored like a left-right mirror on the grid
    redrawn in those coordinates (cells of the other parity are unknown)."""
    h, w = g.shape
    ii, jj = np.indices((h, w))
    frame = np.full((h + w - 1, h + w - 1), unknown, np.uint8)
    frame[ii + jj, ii - jj + w - 1] = g  # rows v, columns u + w - 1
    axis, centre = (1, 2 * (w - 1)) if along == "u" else (0, h + w - 2)
    scores, conflicts = _reflection_scores(frame, unknown, (axis,))
    scores[1::2] = 0  # an odd sum is a half-cell diagonal: no cell maps onto a cell
    best = _best(scores, conflicts, n_known, (centre,))
    if best is None:
        return None
    return (best[0] - 2 * (w - 1)) // 2 if along == "u" else best[0] // 2


def _mirror_axis(g, unknown, axis, n_known):
    """The best mirror line across `axis` (1: left-right, 0: up-down) as s in x -> s - x."""
    scores, conflicts = _reflection_scores(g, unknown, (axis,))
    best = _best(scores, conflicts, n_known, (g.shape[axis] - 1,))
    return None if best is None else best[0]


def _symmetry_partners(g, kind, unknown):
    """Partner maps [(rows, cols)] of the best symmetry of that kind, or None."""
    h, w = g.shape
    n_known = int((g != unknown).sum())
    if n_known == 0:
        return None
    ii, jj = np.indices((h, w))
    if kind in ("flip_h", "flip_v", "hv"):
        sh = _mirror_axis(g, unknown, 1, n_known) if kind != "flip_v" else None
        sv = _mirror_axis(g, unknown, 0, n_known) if kind != "flip_h" else None
        if kind == "flip_h":
            return None if sh is None else [(ii, sh - jj)]
        if kind == "flip_v":
            return None if sv is None else [(sv - ii, jj)]
        if sh is None or sv is None:
            return None
        return [(ii, sh - jj), (sv - ii, jj), (sv - ii, sh - jj)]
    if kind == "rot180":
        sc, cf = _reflection_scores(g, unknown, (0, 1))
        best = _best(sc, cf, n_known, (h - 1, w - 1))
        return None if best is None else [(best[0] - ii, best[1] - jj)]
    if kind == "transpose":
        d = _diagonal_axis(g, unknown, n_known, "u")
        return None if d is None else [(jj + d, ii - d)]
    if kind == "antitranspose":
        t = _diagonal_axis(g, unknown, n_known, "v")
        return None if t is None else [(t - jj, t - ii)]
    if kind == "rot90":  # square grids, about the centre
        if h != w:
            return None
        n = h - 1
        maps = [(n - jj, ii), (jj, n - ii), (n - ii, n - jj)]
        score, _ = _pair_score(g, unknown, *maps[0])
        if any(_pair_score(g, unknown, *m)[1] for m in maps) or 2 * score < n_known or score == 0:
            return None
        return maps
    raise ValueError(kind)


def _fill_from(g, unknown, partners):
    """Unknown cells take the colour of a known partner, repeated until nothing changes."""
    h, w = g.shape
    out = g.copy()
    for _ in range(len(partners) + 1):
        changed = False
        for pi, pj in partners:
            valid = (pi >= 0) & (pi < h) & (pj >= 0) & (pj < w)
            src = np.full_like(out, unknown)
            src[valid] = out[pi[valid], pj[valid]]
            take = (out == unknown) & (src != unknown)
            if take.any():
                out[take] = src[take]
                changed = True
        if not changed:
            break
    return out


def complete_symmetry(g, kind: str, unknown: int = 0):
    partners = _symmetry_partners(g, kind, unknown)
    return None if partners is None else _fill_from(g, unknown, partners)


def complete_period(g, unknown: int = 0):
    h, w = g.shape
    known = g != unknown
    if not known.any():
        return None
    ii, jj = np.nonzero(known)
    v = g[known].astype(np.float64)

    def tile(py, px):
        key = (ii % py) * px + jj % px
        n = np.bincount(key, minlength=py * px)
        s = np.bincount(key, v, minlength=py * px)
        s2 = np.bincount(key, v * v, minlength=py * px)
        # every tile position's known cells share one colour (zero variance; exact in float)
        return (n, s) if np.array_equal(s2 * n, s * s) else None

    def rows_agree(py):  # cheap necessary test: rows py apart never conflict
        a, b, ka, kb = g[:-py], g[py:], known[:-py], known[py:]
        return not (ka & kb & (a != b)).any()

    # a period (py, px) holds only if (py, W) and (H, px) hold: test those first
    gt, kt = g.T, known.T
    pys = [py for py in range(1, h + 1)
           if (py == h or rows_agree(py)) and tile(py, w) is not None]
    pxs = [px for px in range(1, w + 1)
           if (px == w or not (kt[:-px] & kt[px:] & (gt[:-px] != gt[px:])).any())
           and tile(h, px) is not None]
    for py, px in sorted(((a, b) for a in pys for b in pxs), key=lambda p: (p[0] * p[1], p)):
        if (py, px) == (h, w):
            return None
        t = tile(py, px)
        if t is None:
            continue
        n, s = t
        vals = np.where(n > 0, np.round(s / np.maximum(n, 1)), unknown).astype(np.uint8)
        rows, cols = np.indices((h, w))
        return np.where(known, g, vals[(rows % py) * px + cols % px]).astype(np.uint8)
    return None


MASK_ORDER = ("hv", "flip_h", "flip_v", "rot180", "transpose", "antitranspose", "rot90")


def fill_mask(g, c: int):
    """Colour c marks unknown cells: the first symmetry (or the period) that fills them all."""
    if not (g == c).any():
        return None
    for kind in MASK_ORDER:
        out = complete_symmetry(g, kind, c)
        if out is not None and not (out == c).any():
            return out
    out = complete_period(g, c)
    if out is not None and not (out == c).any():
        return out
    return None


def patch_mask(g, c: int):
    out = fill_mask(g, c)
    if out is None:
        return None
    return out[_bbox(g == c)]
