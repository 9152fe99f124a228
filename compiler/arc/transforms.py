"""Typed unary ARC grid transforms: a fixed, ordered table of named instances.

A grid is a uint8 NumPy array `[H, W]` (1 <= H, W <= 30, colours 0-9, background 0). Every
instance is `fn(grid) -> grid | None`: a new grid, possibly of another size, or None where the
transform is undefined on that grid (a tie for "largest", an empty selection, no symmetry or
separator found, a result side outside 1..30, an empty crop). No instance raises on a valid
grid or mutates its input (`_checked` also turns a bad result size into None and copies a
result that shares memory with the input).

Argument types: c = colour 1-9; d8 = direction n ne e se s sw w nw; d4 = side n e s w;
conn = connectivity 4 or 8, with objects either multi-colour (all touching non-background
cells; name suffix "4"/"8") or single-colour (suffix "4c"/"8c"); k = factor 2-3;
split = sep | cols2 | rows2 | cols3 | rows3; i = cell index.

geometry
  flip_h, flip_v                  mirror left-right / up-down
  transpose, antitranspose        mirror on the main / the anti diagonal
  rot90, rot180, rot270           rotate clockwise by 90 / 180 / 270 degrees
  shift_<d4>                      move everything one cell toward side d4 (0 comes in)
colour
  keep_<c>, erase_<c>             keep only colour c (others -> 0) / colour c -> 0
  recolour_<c>                    every non-background cell -> c
  keep_most, keep_least           keep only the most / least common non-background colour
  erase_most, erase_least         erase the most / least common non-background colour
  normalise_colours               most common non-background colour -> 1, next -> 2, ...
  swap_colours                    swap the two non-background colours (exactly two present)
  bg_to_most                      background -> the most common non-background colour
rays
  smear_<d8>                      each non-background cell extends its colour along d8 over
                                  background, up to the first non-background input cell
  connect_h / _v / _hv / _diag    fill background strictly between two equal colours on a
                                  row / column / both (vertical wins) / diagonal
  gravity_<d4>                    non-background cells fall toward side d4 (order kept)
fills
  fill_enclosed_<c>               enclosed background (4-component off the border) -> c
  fill_enclosed_auto              each enclosed component -> the one colour around it
  outline_<c>, outline4_<c>       background 8- / 4-adjacent to non-background -> c
  hollow                          erase object cells whose 4 neighbours are all non-background
  interior_<c>                    those interior cells -> c
  bbox_fill_<c>                   background inside each object's bounding box -> c
  grid_border_<c>                 paint the grid's outer ring with c
symmetry
  sym_<kind>                      complete a mirror/rotation symmetry (kind flip_h, flip_v,
                                  transpose, antitranspose, rot180, rot90, hv), axis searched
  complete_period, _<c>           complete the smallest 2-D period (unknown colour 0 / c)
  fill_mask_<c>                   fill colour-c cells from the first symmetry/period found
  patch_mask_<c>                  ... and return only the patch that was masked by c
objects
  keep_<sel><conn>                keep the selected objects (sel largest smallest
                                  unique_colour unique_shape least_colour most_colours
                                  border inner)
  crop_<sel><conn>                the one selected object, cropped to its bounding box
  crop_box_<sel><conn>            the grid inside the selected object's bounding box
  crop_inside_<sel><conn>         ... without its outer ring (the inside of a frame)
  del_<sel><conn>                 erase the selected objects (sel noise largest smallest)
  flip_objects_h, _v              mirror each object in place within its bounding box
  obj_gravity_<d4>                every object slides as a whole toward side d4
size
  crop_content                    the bounding box of all non-background cells
  scale_up_<k>, scale_down_<k>    each cell -> k x k block / uniform k x k blocks -> cells
  scale_down_auto                 the largest uniform block size that divides both sides
  kron_self                       each non-background cell -> a copy of the grid
  tile_<r>x<c>                    repeat the grid r x c times
  mirror_e/_w/_s/_n, mirror_4     the grid and its mirror side by side / in 2 x 2
  <split>_cell<i>                 cell i of a split (separator lines or equal parts)
  <split>_most/_fewest/_odd       the cell with the most / fewest non-background cells, or
                                  the one cell equal to no other
  <split>_and/_or/_xor/_nor       overlay the cells: non-background in all / any (first wins)
                                  / exactly one; nor: background in all -> 1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy import ndimage
from scipy.signal import fftconvolve

MAX_SIDE = 30
FAMILIES = ("geometry", "colour", "rays", "fills", "symmetry", "objects", "size")
COLOURS = tuple(range(1, 10))
DIRS = {"n": (-1, 0), "ne": (-1, 1), "e": (0, 1), "se": (1, 1),
        "s": (1, 0), "sw": (1, -1), "w": (0, -1), "nw": (-1, -1)}
SIDES = ("n", "e", "s", "w")
CROSS = ndimage.generate_binary_structure(2, 1)
SQUARE = np.ones((3, 3), bool)


@dataclass(frozen=True)
class Transform:
    name: str
    family: str
    fn: Callable[[np.ndarray], np.ndarray | None]
    same_size: bool
    cost: int = 1


# ---------------------------------------------------------------- helpers

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


# ---------------------------------------------------------------- geometry

def flip_h(g):
    return g[:, ::-1]


def flip_v(g):
    return g[::-1]


def transpose(g):
    return g.T


def antitranspose(g):
    return g[::-1, ::-1].T


def rot90(g):
    return np.rot90(g, -1)  # numpy rotates anticlockwise


def rot180(g):
    return g[::-1, ::-1]


def rot270(g):
    return np.rot90(g, 1)


def shift(g, d: str):
    return _shift(g, *DIRS[d])


# ---------------------------------------------------------------- colour

# A transform with nothing to act on in one grid (no cell of colour c, no hole, no object)
# is defined there: it leaves the grid as it is (or blank, for a `keep`). Only a real
# ambiguity (a tie, no axis, a size out of range) is undefined (None): the search drops a
# state undefined on any input, but keeps one that is a no-op on some inputs only.

def keep_colour(g, c: int):
    return np.where(g == c, g, 0).astype(np.uint8)


def erase_colour(g, c: int):
    return np.where(g == c, 0, g).astype(np.uint8)


def recolour_all(g, c: int):
    return np.where(g != 0, c, 0).astype(np.uint8)


def _extreme_colour(g, most: bool):
    """The unique most / least common non-background colour, else None."""
    counts = _colour_counts(g)
    present = counts > 0
    if not present.any():
        return None
    best = counts.max() if most else counts[present].min()
    hits = np.nonzero(present & (counts == best))[0]
    return int(hits[0]) if hits.size == 1 else None


def keep_extreme(g, most: bool):
    c = _extreme_colour(g, most)
    return None if c is None else keep_colour(g, c)


def erase_extreme(g, most: bool):
    c = _extreme_colour(g, most)
    return None if c is None else erase_colour(g, c)


def normalise_colours(g):
    counts = _colour_counts(g)
    present = [c for c in range(1, 10) if counts[c]]
    if not present:
        return None
    # most common first, ties by the smaller colour
    order = sorted(present, key=lambda c: (-counts[c], c))
    lut = np.zeros(10, np.uint8)
    lut[order] = np.arange(1, len(order) + 1)
    return lut[g]


def swap_colours(g):
    present = np.nonzero(_colour_counts(g))[0]
    if present.size != 2:
        return None
    a, b = present
    lut = np.arange(10, dtype=np.uint8)
    lut[a], lut[b] = b, a
    return lut[g]


def bg_to_most(g):
    c = _extreme_colour(g, True)
    if c is None or not (g == 0).any():
        return None
    return np.where(g == 0, c, g).astype(np.uint8)


# ---------------------------------------------------------------- rays

def _ffill_east(g):
    """Each background cell gets the colour of the nearest non-background cell to its west."""
    idx = np.where(g != 0, np.arange(g.shape[1]), -1)
    np.maximum.accumulate(idx, axis=1, out=idx)
    out = np.take_along_axis(g, np.maximum(idx, 0), axis=1)
    out[idx < 0] = 0
    return out


def _upstream(g, d):
    """Non-background cells keep their colour; a background cell takes the colour of the
    nearest non-background input cell behind it (against d), 0 when none: the result of every
    cell casting a ray along d that stops at the first non-background input cell."""
    if d == "e":
        return _ffill_east(g)
    if d == "w":
        return _ffill_east(g[:, ::-1])[:, ::-1]
    if d == "s":
        return _ffill_east(g.T).T
    if d == "n":
        return _ffill_east(g[::-1].T).T[::-1]
    dy, dx = DIRS[d]
    out, bg = g, g == 0
    # diagonals: propagate one step at a time; a filled background cell passes on the same
    # colour its upstream neighbour got, so this converges to the nearest-upstream colour
    for _ in range(max(g.shape)):
        nxt = np.where(bg, _shift(out, dy, dx), g)
        if np.array_equal(nxt, out):
            break
        out = nxt
    return out.astype(np.uint8)


def smear(g, d: str):
    return _upstream(g, d)


def _between(g, d_fwd, d_back):
    """(mask, colour): background cells lying between two equal colours along a line."""
    a, b = _upstream(g, d_fwd), _upstream(g, d_back)
    return (g == 0) & (a != 0) & (a == b), a


def connect(g, how: str):
    pairs = {"h": [("e", "w")], "v": [("s", "n")], "hv": [("e", "w"), ("s", "n")],
             "diag": [("se", "nw"), ("sw", "ne")]}[how]
    out = g.copy()
    for fwd, back in pairs:  # later lines overwrite earlier ones (vertical wins in "hv")
        mask, colour = _between(g, fwd, back)
        out[mask] = colour[mask]
    return out


def gravity(g, d: str):
    axis = 0 if d in ("n", "s") else 1
    # a stable sort of the "non-background" flags keeps each line's order
    key = (g != 0) if d in ("s", "e") else (g == 0)
    order = np.argsort(key, axis=axis, kind="stable")
    return np.take_along_axis(g, order, axis=axis)


# ---------------------------------------------------------------- fills

def _holes(g):
    """Background cells whose 4-connected background component misses the border."""
    return ndimage.binary_fill_holes(g != 0) & (g == 0)


def fill_enclosed(g, c: int):
    return np.where(_holes(g), c, g).astype(np.uint8)


def fill_enclosed_auto(g):
    holes = _holes(g)
    if not holes.any():
        return g.copy()
    lab, n = ndimage.label(holes, CROSS)
    # a hole's 4-neighbours are holes of the same component or non-background cells
    labs, cols = [], []
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        nb = _shift(g, dy, dx)
        edge = holes & (nb != 0)
        labs.append(lab[edge])
        cols.append(nb[edge].astype(np.float64))
    labs, cols = np.concatenate(labs), np.concatenate(cols)
    cnt = np.bincount(labs, minlength=n + 1)
    s = np.bincount(labs, cols, minlength=n + 1)
    s2 = np.bincount(labs, cols * cols, minlength=n + 1)
    uniform = (cnt > 0) & (s2 * cnt == s * s)  # zero variance: one surrounding colour
    if not uniform[1:].any():
        return g.copy()
    colour = np.zeros(n + 1, np.uint8)
    colour[uniform] = (s[uniform] / cnt[uniform]).round().astype(np.uint8)
    fill = uniform[lab] & holes
    return np.where(fill, colour[lab], g).astype(np.uint8)


def outline(g, c: int, conn: int):
    ring = ndimage.binary_dilation(g != 0, SQUARE if conn == 8 else CROSS) & (g == 0)
    return np.where(ring, c, g).astype(np.uint8)


def _interior(g):
    """Non-background cells whose 4 neighbours are all non-background (outside counts as
    background)."""
    m = np.pad(g != 0, 1)
    return m[1:-1, 1:-1] & m[:-2, 1:-1] & m[2:, 1:-1] & m[1:-1, :-2] & m[1:-1, 2:]


def hollow(g):
    inner = _interior(g)
    return np.where(inner, 0, g).astype(np.uint8)


def interior(g, c: int):
    inner = _interior(g)
    return np.where(inner, c, g).astype(np.uint8)


def bbox_fill(g, c: int):
    lab, n = ndimage.label(g != 0, SQUARE)
    out = g.copy()
    for sl in ndimage.find_objects(lab):
        box = out[sl]
        box[box == 0] = c
    return out


def grid_border(g, c: int):
    out = g.copy()
    out[0, :] = out[-1, :] = c
    out[:, 0] = out[:, -1] = c
    return out


# ---------------------------------------------------------------- symmetry

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


# ---------------------------------------------------------------- objects

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


# ---------------------------------------------------------------- size

def crop_content(g):
    box = _bbox(g != 0)
    return None if box is None else g[box]


def scale_up(g, k: int):
    if max(g.shape) * k > MAX_SIDE:
        return None
    return np.repeat(np.repeat(g, k, 0), k, 1)


def _scale_down(g, k):
    h, w = g.shape
    if h % k or w % k:
        return None
    blocks = g.reshape(h // k, k, w // k, k)
    first = blocks[:, :1, :, :1]
    return blocks[:, 0, :, 0].copy() if (blocks == first).all() else None


def scale_down(g, k: int):
    return _scale_down(g, k)


def scale_down_auto(g):
    h, w = g.shape
    for k in range(min(h, w), 1, -1):
        out = _scale_down(g, k)
        if out is not None:
            return out
    return None


def kron_self(g):
    if max(g.shape) ** 2 > MAX_SIDE:
        return None
    return np.kron((g != 0).astype(np.uint8), g)


def tile(g, rows: int, cols: int):
    if g.shape[0] * rows > MAX_SIDE or g.shape[1] * cols > MAX_SIDE:
        return None
    return np.tile(g, (rows, cols))


def mirror_tile(g, side: str):
    h, w = g.shape
    if side in "ew" and 2 * w > MAX_SIDE or side in "ns" and 2 * h > MAX_SIDE \
            or side == "4" and 2 * max(h, w) > MAX_SIDE:
        return None
    if side == "e":
        return np.hstack([g, g[:, ::-1]])
    if side == "w":
        return np.hstack([g[:, ::-1], g])
    if side == "s":
        return np.vstack([g, g[::-1]])
    if side == "n":
        return np.vstack([g[::-1], g])
    top = np.hstack([g, g[:, ::-1]])
    return np.vstack([top, top[::-1]])


def _runs(keep):
    """(start, stop) of the maximal runs of True."""
    edges = np.diff(np.concatenate([[0], keep.astype(np.int8), [0]]))
    return list(zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0], strict=True))


def _separator_cells(g):
    """Cells between full rows/columns of one non-background colour, all of one size."""
    h, w = g.shape
    # a line of one cell separates nothing: rows need w >= 2, columns h >= 2
    full_rows = (g == g[:, :1]).all(1) & (g[:, 0] != 0) & (w >= 2)
    full_cols = (g == g[:1]).all(0) & (g[0] != 0) & (h >= 2)
    colours = sorted(set(g[full_rows, 0].tolist()) | set(g[0, full_cols].tolist()))
    for c in colours:
        sep_r = full_rows & (g[:, 0] == c)
        sep_c = full_cols & (g[0] == c)
        rr, cc = _runs(~sep_r), _runs(~sep_c)
        if len(rr) * len(cc) < 2 or not rr or not cc:
            continue
        if len({b - a for a, b in rr}) != 1 or len({b - a for a, b in cc}) != 1:
            continue
        return [g[a:b, p:q] for a, b in rr for p, q in cc]
    return None


def _split(g, how):
    h, w = g.shape
    if how == "sep":
        return _separator_cells(g)
    parts = int(how[-1])
    if how.startswith("cols"):
        return None if w % parts else [g[:, i * w // parts:(i + 1) * w // parts]
                                       for i in range(parts)]
    return None if h % parts else [g[i * h // parts:(i + 1) * h // parts] for i in range(parts)]


def split_cell(g, how: str, i: int):
    cells = _split(g, how)
    return None if cells is None or i >= len(cells) else cells[i].copy()


def split_select(g, how: str, rule: str):
    cells = _split(g, how)
    if cells is None:
        return None
    if rule == "odd":
        unmatched = [i for i, a in enumerate(cells)
                     if not any(j != i and np.array_equal(a, b) for j, b in enumerate(cells))]
        return cells[unmatched[0]].copy() if len(unmatched) == 1 else None
    counts = np.array([int((c != 0).sum()) for c in cells])
    best = counts.max() if rule == "most" else counts.min()
    hits = np.nonzero(counts == best)[0]
    return cells[hits[0]].copy() if hits.size == 1 else None


def split_combine(g, how: str, op: str):
    cells = _split(g, how)
    if cells is None:
        return None
    stack = np.stack(cells)
    on = stack != 0
    if op == "and":
        return np.where(on.all(0), stack[0], 0).astype(np.uint8)
    if op == "or":  # the first cell with a colour wins
        first = on.argmax(0)
        return np.where(on.any(0), np.take_along_axis(stack, first[None], 0)[0], 0).astype(np.uint8)
    if op == "xor":
        return np.where(on.sum(0) == 1, stack.max(0), 0).astype(np.uint8)
    return np.where(on.any(0), 0, 1).astype(np.uint8)  # nor


# ---------------------------------------------------------------- the table

def _checked(fn, grid):
    """Call fn; a result of a bad shape becomes None, and one sharing memory with the input
    (a view) is copied so no caller can mutate the input through it."""
    out = fn(grid)
    if out is None:
        return None
    if out.ndim != 2 or not (1 <= out.shape[0] <= MAX_SIDE and 1 <= out.shape[1] <= MAX_SIDE):
        return None
    if out.dtype != np.uint8 or np.may_share_memory(out, grid) or not out.flags.c_contiguous:
        out = np.ascontiguousarray(out, dtype=np.uint8).copy()
    return out


def _t(name, family, fn, same_size, cost=1, **kwargs):
    return Transform(name, family, partial(_checked, partial(fn, **kwargs) if kwargs else fn),
                     same_size, cost)


def _geometry():
    out = [_t("flip_h", "geometry", flip_h, True), _t("flip_v", "geometry", flip_v, True),
           _t("transpose", "geometry", transpose, False),
           _t("antitranspose", "geometry", antitranspose, False),
           _t("rot90", "geometry", rot90, False), _t("rot180", "geometry", rot180, True),
           _t("rot270", "geometry", rot270, False)]
    out += [_t(f"shift_{d}", "geometry", shift, True, d=d) for d in SIDES]
    return out


def _colour():
    out = [_t(f"keep_{c}", "colour", keep_colour, True, c=c) for c in COLOURS]
    out += [_t(f"erase_{c}", "colour", erase_colour, True, c=c) for c in COLOURS]
    out += [_t(f"recolour_{c}", "colour", recolour_all, True, c=c) for c in COLOURS]
    out += [_t("keep_most", "colour", keep_extreme, True, most=True),
            _t("keep_least", "colour", keep_extreme, True, most=False),
            _t("erase_most", "colour", erase_extreme, True, most=True),
            _t("erase_least", "colour", erase_extreme, True, most=False),
            _t("normalise_colours", "colour", normalise_colours, True),
            _t("swap_colours", "colour", swap_colours, True),
            _t("bg_to_most", "colour", bg_to_most, True)]
    return out


def _rays():
    out = [_t(f"smear_{d}", "rays", smear, True, d=d) for d in DIRS]
    out += [_t(f"connect_{how}", "rays", connect, True, how=how)
            for how in ("h", "v", "hv", "diag")]
    out += [_t(f"gravity_{d}", "rays", gravity, True, d=d) for d in SIDES]
    return out


def _fills():
    out = [_t(f"fill_enclosed_{c}", "fills", fill_enclosed, True, c=c) for c in COLOURS]
    out.append(_t("fill_enclosed_auto", "fills", fill_enclosed_auto, True))
    out += [_t(f"outline_{c}", "fills", outline, True, c=c, conn=8) for c in COLOURS]
    out += [_t(f"outline4_{c}", "fills", outline, True, c=c, conn=4) for c in COLOURS]
    out.append(_t("hollow", "fills", hollow, True))
    out += [_t(f"interior_{c}", "fills", interior, True, c=c) for c in COLOURS]
    out += [_t(f"bbox_fill_{c}", "fills", bbox_fill, True, c=c) for c in COLOURS]
    out += [_t(f"grid_border_{c}", "fills", grid_border, True, c=c) for c in COLOURS]
    return out


def _symmetry():
    out = [_t(f"sym_{kind}", "symmetry", complete_symmetry, True, kind=kind)
           for kind in ("flip_h", "flip_v", "hv", "rot180", "transpose", "antitranspose",
                        "rot90")]
    out.append(_t("complete_period", "symmetry", complete_period, True))
    out += [_t(f"complete_period_{c}", "symmetry", complete_period, True, unknown=c)
            for c in COLOURS]
    out += [_t(f"fill_mask_{c}", "symmetry", fill_mask, True, 2, c=c) for c in COLOURS]
    out += [_t(f"patch_mask_{c}", "symmetry", patch_mask, False, 2, c=c) for c in COLOURS]
    return out


CONNS = ((8, True, "8"), (4, True, "4"), (8, False, "8c"), (4, False, "4c"))


def _objects_table():
    out = []
    keep_sels = ("largest", "smallest", "unique_colour", "unique_shape", "least_colour",
                 "border", "inner")
    for conn, multi, sfx in CONNS:
        out += [_t(f"keep_{s}{sfx}", "objects", keep_objects, True, conn=conn, multi=multi,
                   sel=s) for s in keep_sels]
        out += [_t(f"del_{s}{sfx}", "objects", delete_objects, True, conn=conn, multi=multi,
                   sel=s) for s in ("noise", "largest", "smallest")]
        out += [_t(f"crop_{s}{sfx}", "objects", crop_object, False, conn=conn, multi=multi,
                   sel=s) for s in ("largest", "smallest", "unique_colour", "unique_shape",
                                    "least_colour")]
    for conn, multi, sfx in CONNS[:2]:  # several colours per object only in multi-colour ones
        out.append(_t(f"keep_most_colours{sfx}", "objects", keep_objects, True, conn=conn,
                      multi=multi, sel="most_colours"))
        out.append(_t(f"crop_most_colours{sfx}", "objects", crop_object, False, conn=conn,
                      multi=multi, sel="most_colours"))
    for conn, multi, sfx in ((8, True, "8"), (8, False, "8c"), (4, False, "4c")):
        for s in ("largest", "unique_colour", "least_colour"):
            out.append(_t(f"crop_box_{s}{sfx}", "objects", crop_box, False, conn=conn,
                          multi=multi, sel=s))
        out.append(_t(f"crop_inside_largest{sfx}", "objects", crop_box, False, 2, conn=conn,
                      multi=multi, sel="largest", inset=1))
    out += [_t("flip_objects_h", "objects", flip_objects, True, axis=1),
            _t("flip_objects_v", "objects", flip_objects, True, axis=0)]
    out += [_t(f"obj_gravity_{d}", "objects", object_gravity, True, 2, d=d) for d in SIDES]
    return out


SPLITS = {"sep": 4, "cols2": 2, "rows2": 2, "cols3": 3, "rows3": 3}


def _size():
    out = [_t("crop_content", "size", crop_content, False)]
    out += [_t(f"scale_up_{k}", "size", scale_up, False, k=k) for k in (2, 3)]
    out += [_t(f"scale_down_{k}", "size", scale_down, False, k=k) for k in (2, 3)]
    out.append(_t("scale_down_auto", "size", scale_down_auto, False))
    out.append(_t("kron_self", "size", kron_self, False))
    out += [_t(f"tile_{r}x{c}", "size", tile, False, rows=r, cols=c)
            for r, c in ((1, 2), (2, 1), (2, 2), (3, 3))]
    out += [_t(f"mirror_{s}", "size", mirror_tile, False, side=s) for s in "ewsn4"]
    for how, n in SPLITS.items():
        out += [_t(f"{how}_cell{i}", "size", split_cell, False, how=how, i=i) for i in range(n)]
        out += [_t(f"{how}_{r}", "size", split_select, False, how=how, rule=r)
                for r in ("most", "fewest", "odd")]
        out += [_t(f"{how}_{op}", "size", split_combine, False, how=how, op=op)
                for op in ("and", "or", "xor", "nor")]
    return out


def _table():
    rows = _geometry() + _colour() + _rays() + _fills() + _symmetry() + _objects_table() + _size()
    rows.sort(key=lambda t: t.cost)  # stable: simple ones first, family order kept
    return tuple(rows)


TRANSFORMS: tuple[Transform, ...] = _table()
INDEX: dict[str, int] = {t.name: i for i, t in enumerate(TRANSFORMS)}
assert len(INDEX) == len(TRANSFORMS), "transform names must be unique"


def apply(name_or_index, grid) -> np.ndarray | None:
    """The named (or numbered) transform of `grid`, None where undefined or invalid."""
    t = TRANSFORMS[INDEX[name_or_index] if isinstance(name_or_index, str) else name_or_index]
    out = t.fn(np.asarray(grid, dtype=np.uint8))
    if out is None or out.ndim != 2 or out.dtype != np.uint8:
        return None
    if not (1 <= out.shape[0] <= MAX_SIDE and 1 <= out.shape[1] <= MAX_SIDE):
        return None
    return out
