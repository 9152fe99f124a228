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

The families `symmetry` and `objects` live in their own modules
(`transforms_symmetry.py`, `transforms_objects.py`), the helpers they share with the rest
in `transform_base.py`; this module holds the other families and the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy import ndimage

from compiler.arc.transform_base import (  # noqa: F401 (FAMILIES: part of the table's API)
    COLOURS,
    CROSS,
    DIRS,
    FAMILIES,
    MAX_SIDE,
    SIDES,
    SQUARE,
    _bbox,
    _colour_counts,
    _extreme_colour,
    _shift,
)
from compiler.arc.transforms_objects import (
    crop_box,
    crop_object,
    delete_objects,
    flip_objects,
    keep_objects,
    object_gravity,
)
from compiler.arc.transforms_symmetry import complete_period, complete_symmetry, fill_mask, patch_mask


@dataclass(frozen=True)
class Transform:
    name: str
    family: str
    fn: Callable[[np.ndarray], np.ndarray | None]
    same_size: bool
    cost: int = 1

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
