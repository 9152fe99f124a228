"""Batched JAX versions of the ARC transform table (compiler/arc/transforms.py).

The NumPy table in `transforms.py` is the reference: every instance here gives exactly what
`transforms.apply(name, grid)` gives, on every valid grid, including where it is undefined
(tests/test_arc_transforms_jax.py compares them). Instances that could only be approximated
are left out (see "not covered" below).

Canvas convention (as in `features.py`): a grid `[H, W]` sits at the top-left of a
`CANVAS` x `CANVAS` (30 x 30) uint8 canvas, every cell outside it is `OUT` (10). A
transform reads H and W from that padding. Its result, of any size, is written the same way
(top-left, OUT elsewhere); where the transform is undefined (the reference returns None: a
tie, an empty selection, a side outside 1..30) the result canvas is all OUT and `defined`
is False.

API:
- `JAX_TRANSFORMS[name](canvas) -> (canvas, defined)`: one `[30, 30]` canvas, jittable and
  vmappable; `name` as in `transforms.TRANSFORMS`.
- `apply_batch(name, canvases) -> (canvases, defined)`: `[B, 30, 30]` -> `[B, 30, 30]`
  uint8 and `[B]` bool, jitted and vmapped. Instances that differ only in a number (a
  colour, a direction, a factor, a selector) share one kernel that takes the number as a
  traced argument, so a kernel compiles once for all its instances (the per-name cache
  holds the kernel and the instance's numbers).

Covered (see `FAMILY` for the family of each name):
- geometry: flip_h/v, transpose, antitranspose, rot90/180/270, shift_<d4> (one gather
  kernel with the index map's coefficients as arguments);
- colour: keep_<c>, erase_<c>, recolour_<c>, keep/erase_most/least, normalise_colours,
  swap_colours, bg_to_most (a per-grid colour lookup table);
- rays: smear_<d8>, connect_h/v/hv/diag (first colour along a ray by doubling),
  gravity_<d4> (ranks by a cumulative sum, then a scatter);
- fills: fill_enclosed_<c> (flood fill from the border in a while_loop, each round runs
  along whole rows and columns by cumulative max / min), fill_enclosed_auto, outline_<c>,
  outline4_<c>, hollow, interior_<c>, bbox_fill_<c>, grid_border_<c>;
- objects: keep_/del_/crop_/crop_box_/crop_inside_ with every selector but unique_shape,
  for 4/8-connected multi- and single-colour objects (labels: neighbour minimum plus
  pointer jumping in a while_loop, then segment sums per object);
- size: crop_content, scale_up_2/3, scale_down_2/3, scale_down_auto, kron_self, tile_*,
  mirror_e/w/s/n/4, and the equal splits cols2/rows2/cols3/rows3 with _cell<i>,
  _most/_fewest/_odd and _and/_or/_xor/_nor.

Not covered: the symmetry family (sym_*, complete_period*, fill_mask_*, patch_mask_*: axis
searches with the reference's scoring and tie rules), keep_/crop_unique_shape* (comparing
every pair of object shapes), flip_objects_* and obj_gravity_* (sequential, order-dependent
writes of overlapping objects), and the separator split sep_* (runs of separator lines per
candidate colour); `SKIPPED` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from compiler.arc import transforms as T
from compiler.arc.features import CANVAS, OUT, first_along

C = CANVAS
ROWS = np.broadcast_to(np.arange(C)[:, None], (C, C))
COLS = np.broadcast_to(np.arange(C)[None, :], (C, C))
INDEX_GRID = np.arange(C * C, dtype=np.int32).reshape(C, C)
BIG = C * C  # "no label"
DIRS = T.DIRS


# ---------------------------------------------------------------- helpers

def _b(x):
    return jnp.asarray(x) != 0


def _sh(x, dy: int, dx: int, fill):
    """`out[r, c] = x[r + dy, c + dx]`, `fill` off the canvas (static offsets)."""
    if dy == 0 and dx == 0:
        return x
    p = max(abs(dy), abs(dx))
    xp = jnp.pad(x, p, constant_values=fill)
    return xp[p + dy:p + dy + C, p + dx:p + dx + C]


def _dims(g):
    return (g[:, 0] != OUT).sum(), (g[0, :] != OUT).sum()


def _at(g, r, c):
    return g[jnp.clip(r, 0, C - 1), jnp.clip(c, 0, C - 1)]


def _live(g):
    return (g != 0) & (g != OUT)


def _edge(g, h, w):
    return (g != OUT) & ((ROWS == 0) | (COLS == 0) | (ROWS == h - 1) | (COLS == w - 1))


def _bbox(mask):
    """(r0, c0, r1, c1) inclusive of a mask's cells, and whether it has any."""
    rows, cols = mask.any(1), mask.any(0)
    r0, c0 = jnp.argmax(rows), jnp.argmax(cols)
    r1, c1 = C - 1 - jnp.argmax(rows[::-1]), C - 1 - jnp.argmax(cols[::-1])
    return r0, c0, r1, c1, rows.any()


def _run(kernel, canvas, *args):
    """One canvas through a kernel `(grid int32, *args) -> (values, height, width, ok)`."""
    g = jnp.asarray(canvas).astype(jnp.int32)
    vals, oh, ow, ok = kernel(g, *args)
    ok = jnp.asarray(ok, bool) & (oh >= 1) & (oh <= C) & (ow >= 1) & (ow <= C)
    keep = ok & (ROWS < oh) & (COLS < ow)
    return jnp.where(keep, vals, OUT).astype(jnp.uint8), ok


# ---------------------------------------------------------------- geometry

def _k_affine(g, a, b, k, p, d, e, m, q, swap):
    """out[r, c] = g[a r + b c + k (h-1) + p, d r + e c + m (w-1) + q] (0 off the grid);
    the result is w x h when `swap`."""
    h, w = _dims(g)
    sr = a * ROWS + b * COLS + k * (h - 1) + p
    sc = d * ROWS + e * COLS + m * (w - 1) + q
    ok = (sr >= 0) & (sr < h) & (sc >= 0) & (sc < w)
    vals = jnp.where(ok, _at(g, sr, sc), 0)
    swap = _b(swap)
    return vals, jnp.where(swap, w, h), jnp.where(swap, h, w), True


_AFFINE = {"flip_h": (1, 0, 0, 0, 0, -1, 1, 0, 0), "flip_v": (-1, 0, 1, 0, 0, 1, 0, 0, 0),
           "transpose": (0, 1, 0, 0, 1, 0, 0, 0, 1),
           "antitranspose": (0, -1, 1, 0, -1, 0, 1, 0, 1),
           "rot90": (0, -1, 1, 0, 1, 0, 0, 0, 1), "rot180": (-1, 0, 1, 0, 0, -1, 1, 0, 0),
           "rot270": (0, 1, 0, 0, -1, 0, 1, 0, 1)}
for _d in T.SIDES:
    _dy, _dx = DIRS[_d]
    _AFFINE[f"shift_{_d}"] = (1, 0, 0, -_dy, 0, 1, 0, -_dx, 0)


# ---------------------------------------------------------------- colour

LUT_MODES = ("keep", "erase", "recolour", "keep_most", "keep_least", "erase_most",
             "erase_least", "normalise_colours", "swap_colours", "bg_to_most")


def _k_lut(g, mode, c):
    """Each colour through a lookup table built from the grid's colour counts."""
    h, w = _dims(g)
    x = jnp.arange(10)
    counts = (g[..., None] == x).sum((0, 1))
    zeros = counts[0]
    counts = counts.at[0].set(0)
    present = counts > 0
    anyp = present.any()
    most_hits = present & (counts == counts.max())
    least_hits = present & (counts == jnp.where(present, counts, C * C + 1).min())
    most_ok, most_c = anyp & (most_hits.sum() == 1), jnp.argmax(most_hits)
    least_ok, least_c = anyp & (least_hits.sum() == 1), jnp.argmax(least_hits)
    # rank: present colours before this one (more cells, or as many and smaller)
    more, same = counts[None, :] > counts[:, None], counts[None, :] == counts[:, None]
    before = present[None, :] & (more | (same & (x[None, :] < x[:, None])))
    normal = jnp.where(present, before.sum(1) + 1, 0)
    lo, hi = jnp.argmax(present), 9 - jnp.argmax(present[::-1])
    swapped = jnp.where(x == lo, hi, jnp.where(x == hi, lo, x))
    luts = jnp.stack([jnp.where(x == c, x, 0), jnp.where(x == c, 0, x), jnp.where(x != 0, c, 0),
                      jnp.where(x == most_c, x, 0), jnp.where(x == least_c, x, 0),
                      jnp.where(x == most_c, 0, x), jnp.where(x == least_c, 0, x),
                      normal, swapped, jnp.where(x == 0, most_c, x)])
    oks = jnp.stack([True, True, True, most_ok, least_ok, most_ok, least_ok, anyp,
                     present.sum() == 2, most_ok & (zeros > 0)])
    vals = luts[mode][jnp.clip(g, 0, 9)]
    return vals, h, w, oks[mode]


# ---------------------------------------------------------------- rays

def _k_smear(g, dy, dx):
    h, w = _dims(g)
    return jnp.where(g != 0, g, first_along(g, -dy, -dx)), h, w, True


def _k_connect(g, fwds):
    h, w = _dims(g)
    out = g
    for dy, dx in fwds:  # later lines overwrite earlier ones
        a, b = first_along(g, -dy, -dx), first_along(g, dy, dx)
        out = jnp.where((g == 0) & (a != 0) & (a == b), a, out)
    return out, h, w, True


_CONNECT = {"h": ((0, 1),), "v": ((1, 0),), "hv": ((0, 1), (1, 0)), "diag": ((1, 1), (1, -1))}


def _k_gravity(g, vertical, toward_end):
    h, w = _dims(g)
    vertical = _b(vertical)
    gg = jnp.where(vertical, g.T, g)
    n = jnp.where(vertical, h, w)
    live = _live(gg)
    rank = jnp.cumsum(live, axis=1) - 1
    count = live.sum(1, keepdims=True)
    dest = jnp.where(_b(toward_end), n - count + rank, rank)
    dest = jnp.where(live, dest, C)  # dropped
    out = jnp.zeros((C, C), jnp.int32).at[ROWS, dest].set(gg, mode="drop")
    return jnp.where(vertical, out.T, out), h, w, True


# ---------------------------------------------------------------- fills

def _scan(op, x, axis, reverse=False):
    """Cumulative max / min (an associative scan: faster on the CPU than lax.cummax)."""
    return jax.lax.associative_scan(op, x, axis=axis, reverse=reverse)


def _line_reach(m, blocks_before, blocks_after, axis):
    """Cells of runs (along `axis`) that hold a cell of `m`: a cell is reached when the
    last seed at or before it comes after the last blocked cell before it, or the first seed
    at or after it comes before the first blocked cell after it (cumulative max / min)."""
    idx = ROWS if axis == 0 else COLS
    seen_before = _scan(jnp.maximum, jnp.where(m, idx, -1), axis)
    seen_after = _scan(jnp.minimum, jnp.where(m, idx, C), axis, reverse=True)
    return (seen_before > blocks_before) | (seen_after < blocks_after)


def _holes(g):
    """Background cells whose 4-connected background component misses the grid's border:
    reach the background from the border along whole rows, then whole columns, until
    nothing changes."""
    h, w = _dims(g)
    bg = g == 0
    blocks = [(_scan(jnp.maximum, jnp.where(bg, -1, idx), axis),
               _scan(jnp.minimum, jnp.where(bg, C, idx), axis, reverse=True))
              for axis, idx in ((1, COLS), (0, ROWS))]

    def body(state):
        m, _ = state
        new = bg & _line_reach(m, *blocks[0], 1)
        new = bg & _line_reach(new, *blocks[1], 0)
        return new, (new != m).any()

    reach, _ = jax.lax.while_loop(lambda s: s[1], body, (bg & _edge(g, h, w), jnp.bool_(True)))
    return bg & ~reach


def _k_enclosed(g, c):
    h, w = _dims(g)
    return jnp.where(_holes(g), c, g), h, w, True


def _label(mask, g, conn8, multi):
    """Per cell of `mask`, the least cell index of its component (BIG elsewhere): cells
    link to 4 (or 8, `conn8`) neighbours in the mask, of the same colour unless `multi`.
    Neighbour minima plus pointer jumping, until nothing changes."""
    links = []
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)):
        ok = mask & _sh(mask, dy, dx, False) & (_b(multi) | (g == _sh(g, dy, dx, OUT)))
        if dy and dx:
            ok = ok & _b(conn8)
        links.append((dy, dx, ok))

    def body(state):
        lab, _ = state
        new = lab
        for dy, dx, ok in links:
            new = jnp.minimum(new, jnp.where(ok, _sh(lab, dy, dx, BIG), BIG))
        for _ in range(2):
            new = jnp.append(new.ravel(), BIG)[new]
        return new, (new != lab).any()

    lab0 = jnp.where(mask, INDEX_GRID, BIG)
    lab, _ = jax.lax.while_loop(lambda s: s[1], body, (lab0, jnp.bool_(True)))
    return lab


def _k_enclosed_auto(g):
    h, w = _dims(g)
    holes = _holes(g)
    lab = _label(holes, g, False, True)
    flat = lab.ravel()
    has = jnp.zeros((BIG + 1, 10), bool)
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        nb = _sh(g, dy, dx, 0)
        edge = holes & _live(nb)
        onehot = edge[..., None] & (nb[..., None] == jnp.arange(10))
        has = has | jax.ops.segment_max(onehot.reshape(-1, 10).astype(jnp.int32), flat,
                                        num_segments=BIG + 1).astype(bool)
    uniform = has.sum(1) == 1
    colour = jnp.argmax(has, axis=1)
    fill = holes & uniform[lab]
    return jnp.where(fill, colour[lab], g), h, w, True


def _k_outline(g, c, conn8):
    h, w = _dims(g)
    live = _live(g)
    near = live
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        near = near | _sh(live, dy, dx, False)
    diag = jnp.zeros_like(live)
    for dy, dx in ((-1, -1), (-1, 1), (1, -1), (1, 1)):
        diag = diag | _sh(live, dy, dx, False)
    near = near | (diag & _b(conn8))
    return jnp.where(near & (g == 0), c, g), h, w, True


def _k_interior(g, c):
    """Cells whose 4 neighbours are all non-background -> c (hollow: c = 0)."""
    h, w = _dims(g)
    live = _live(g)
    inner = live
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        inner = inner & _sh(live, dy, dx, False)
    return jnp.where(inner, c, g), h, w, True


def _k_border(g, c):
    h, w = _dims(g)
    return jnp.where(_edge(g, h, w), c, g), h, w, True


def _k_bbox_fill(g, c):
    h, w = _dims(g)
    live = _live(g)
    lab = _label(live, g, True, True)
    flat = lab.ravel()
    root = (live & (lab == INDEX_GRID)).ravel().astype(jnp.int32)
    seg = partial(jax.ops.segment_min, segment_ids=flat, num_segments=BIG + 1)
    segx = partial(jax.ops.segment_max, segment_ids=flat, num_segments=BIG + 1)
    r0 = jnp.where(root > 0, seg(ROWS.ravel())[:BIG], 0)
    c0 = jnp.where(root > 0, seg(COLS.ravel())[:BIG], 0)
    r1 = jnp.where(root > 0, segx(ROWS.ravel())[:BIG], 0) + 1
    c1 = jnp.where(root > 0, segx(COLS.ravel())[:BIG], 0) + 1
    diff = (jnp.zeros((C + 1, C + 1), jnp.int32).at[r0, c0].add(root).at[r0, c1].add(-root)
            .at[r1, c0].add(-root).at[r1, c1].add(root))
    inbox = diff.cumsum(0).cumsum(1)[:C, :C] > 0
    return jnp.where(inbox & (g == 0), c, g), h, w, True


# ---------------------------------------------------------------- objects

SELECTORS = ("largest", "smallest", "noise", "unique_colour", "least_colour", "most_colours",
             "border", "inner")
OBJECT_OPS = ("keep", "del", "crop", "crop_box", "crop_inside")


def _k_objects(g, conn8, multi, sel, op):
    h, w = _dims(g)
    live = _live(g)
    lab = _label(live, g, conn8, multi)
    flat = lab.ravel()
    root = (live & (lab == INDEX_GRID)).ravel()
    n = root.sum()

    def per_object(values, fn=jax.ops.segment_sum):
        return fn(values.reshape(C * C, -1).astype(jnp.int32), flat, num_segments=BIG + 1)[:BIG]

    size = per_object(live)[:, 0]
    colours = per_object(live[..., None] & (g[..., None] == jnp.arange(10)))  # [BIG, 10]
    on_edge = per_object(_edge(g, h, w) & live, jax.ops.segment_max)[:, 0] > 0
    largest = root & (size == jnp.where(root, size, -1).max())
    smallest = root & (size == jnp.where(root, size, BIG + 1).min())
    main = jnp.argmax(colours, axis=1)
    hist = jax.ops.segment_sum(root.astype(jnp.int32), main, num_segments=10)
    unique = root & (hist[main] == 1)
    counts = colours.sum(0)
    present = counts > 0
    least_hits = present & (counts == jnp.where(present, counts, C * C + 1).min())
    least_c = jnp.argmax(least_hits)
    least = root & (colours[:, least_c] > 0)
    ncol = (colours > 0).sum(1)
    most_colours = root & (ncol == jnp.where(root, ncol, -1).max())
    chosen = jnp.stack([largest, smallest, root & (size == 1), unique, least, most_colours,
                        root & on_edge, root & ~on_edge])
    oks = jnp.stack([largest.sum() == 1, smallest.sum() == 1, True, unique.sum() == 1,
                     least_hits.sum() == 1, most_colours.sum() == 1, True, True])
    chosen, ok = chosen[sel], oks[sel] | (n == 0)
    cells = jnp.append(chosen, False)[lab]
    # crops: the one chosen object's bounding box (inset 1 for crop_inside)
    r0, c0, r1, c1, _ = _bbox(cells)
    inset = jnp.asarray(op == 4, jnp.int32)
    r0, c0, r1, c1 = r0 + inset, c0 + inset, r1 - inset, c1 - inset
    sr, sc = ROWS + r0, COLS + c0
    box = _at(g, sr, sc)
    crop_ok = ok & (chosen.sum() == 1) & (r1 >= r0) & (c1 >= c0)
    same = op <= 1
    vals = jnp.where(op == 0, jnp.where(cells, g, 0),
                     jnp.where(op == 1, jnp.where(cells, 0, g),
                               jnp.where(op == 2, jnp.where(_at(cells, sr, sc), box, 0), box)))
    return (vals, jnp.where(same, h, r1 - r0 + 1), jnp.where(same, w, c1 - c0 + 1),
            jnp.where(same, ok, crop_ok))


# ---------------------------------------------------------------- size

def _k_crop_content(g):
    r0, c0, r1, c1, ok = _bbox(_live(g))
    return _at(g, ROWS + r0, COLS + c0), r1 - r0 + 1, c1 - c0 + 1, ok


def _axis_source(x, n, mode, f):
    """Source index along one axis: 0 tile (x mod n), 1 scale (x div f), 2 the line then
    its mirror, 3 the mirror then the line; the result is n f long."""
    after = jnp.where(x < n, x, 2 * n - 1 - x)
    before = jnp.where(x < n, n - 1 - x, x - n)
    src = jnp.where(mode == 0, x % n,
                    jnp.where(mode == 1, x // f, jnp.where(mode == 2, after, before)))
    return src, n * f


def _k_resize(g, mr, fr, mc, fc):
    h, w = _dims(g)
    sr, oh = _axis_source(ROWS, h, mr, fr)
    sc, ow = _axis_source(COLS, w, mc, fc)
    return _at(g, sr, sc), oh, ow, True


def _k_scale_down(g, k):
    """Uniform k x k blocks -> cells (k = 0: the largest k that works)."""
    h, w = _dims(g)
    inside = g != OUT
    up, left = _sh(g, -1, 0, OUT), _sh(g, 0, -1, OUT)

    def works(k):
        # every cell equals its upper / left neighbour inside its block
        k = jnp.maximum(k, 1)
        same = ((ROWS % k == 0) | (g == up)) & ((COLS % k == 0) | (g == left))
        return (k >= 2) & (h % k == 0) & (w % k == 0) & (same | ~inside).all()

    ks = jnp.arange(2, C + 1)
    auto = jnp.where(jax.vmap(works)(ks), ks, 0).max()
    k = jnp.where(k == 0, auto, k)
    ok = works(k)
    k = jnp.maximum(k, 1)
    return _at(g, ROWS * k, COLS * k), h // k, w // k, ok


def _k_kron(g):
    h, w = _dims(g)
    a = _at(g, ROWS // h, COLS // w)
    b = _at(g, ROWS % h, COLS % w)
    return jnp.where(a != 0, b, 0), h * h, w * w, jnp.maximum(h, w) ** 2 <= C


SPLIT_RULES = ("most", "fewest", "odd", "and", "or", "xor", "nor")


def _k_split(g, vertical, op, parts):
    """Equal parts side by side (rows2/rows3: on the transposed canvas): op < parts is
    cell `op`, then the rules of SPLIT_RULES."""
    h, w = _dims(g)
    vertical = _b(vertical)
    gg = jnp.where(vertical, g.T, g)
    hh, ww = jnp.where(vertical, w, h), jnp.where(vertical, h, w)
    cw = ww // parts
    inside = (ROWS < hh) & (COLS < cw)
    cells = jnp.stack([jnp.where(inside, _at(gg, ROWS, p * cw + COLS), 0) for p in range(parts)])
    on = cells != 0
    counts = on.sum((1, 2))
    most = counts == counts.max()
    fewest = counts == counts.min()
    eq = (cells[:, None] == cells[None, :]).all((2, 3)) & ~np.eye(parts, dtype=bool)
    odd = ~eq.any(1)
    first = cells[parts - 1]
    for p in range(parts - 2, -1, -1):
        first = jnp.where(on[p], cells[p], first)
    results = [cells[p] for p in range(parts)] + [
        cells[jnp.argmax(most)], cells[jnp.argmax(fewest)], cells[jnp.argmax(odd)],
        jnp.where(on.all(0), cells[0], 0), first,
        jnp.where(on.sum(0) == 1, cells.max(0), 0), jnp.where(on.any(0), 0, 1)]
    oks = [True] * parts + [most.sum() == 1, fewest.sum() == 1, odd.sum() == 1] + [True] * 4
    res, ok = jnp.stack(results)[op], jnp.stack(oks)[op] & (ww % parts == 0)
    res = jnp.where(vertical, res.T, res)
    return res, jnp.where(vertical, cw, hh), jnp.where(vertical, hh, cw), ok


# ---------------------------------------------------------------- the table

# name -> (family, kernel, numbers); kernels with static structure are made once here so
# that instances sharing one share its compiled code
_SPECS: dict[str, tuple[str, Callable, tuple[int, ...]]] = {}


def _add(name, family, kernel, *numbers):
    assert name in T.INDEX, name
    _SPECS[name] = (family, kernel, tuple(int(v) for v in numbers))


for _n, _coef in _AFFINE.items():
    _add(_n, "geometry", _k_affine, *_coef)
for _c in T.COLOURS:
    for _i, _m in enumerate(("keep", "erase", "recolour")):
        _add(f"{_m}_{_c}", "colour", _k_lut, _i, _c)
for _i, _m in enumerate(LUT_MODES[3:], start=3):
    _add(_m, "colour", _k_lut, _i, 0)
_SMEAR = {d: partial(_k_smear, dy=dy, dx=dx) for d, (dy, dx) in DIRS.items()}
for _d in DIRS:
    _add(f"smear_{_d}", "rays", _SMEAR[_d])
_CONNECT_K = {how: partial(_k_connect, fwds=f) for how, f in _CONNECT.items()}
for _h in _CONNECT:
    _add(f"connect_{_h}", "rays", _CONNECT_K[_h])
for _d in T.SIDES:
    _add(f"gravity_{_d}", "rays", _k_gravity, _d in "ns", _d in "se")
for _c in T.COLOURS:
    _add(f"fill_enclosed_{_c}", "fills", _k_enclosed, _c)
    _add(f"outline_{_c}", "fills", _k_outline, _c, 1)
    _add(f"outline4_{_c}", "fills", _k_outline, _c, 0)
    _add(f"interior_{_c}", "fills", _k_interior, _c)
    _add(f"bbox_fill_{_c}", "fills", _k_bbox_fill, _c)
    _add(f"grid_border_{_c}", "fills", _k_border, _c)
_add("hollow", "fills", _k_interior, 0)
_add("fill_enclosed_auto", "fills", _k_enclosed_auto)
for _conn, _multi, _sfx in T.CONNS:
    for _sel in SELECTORS:
        for _op in OBJECT_OPS:
            _name = f"{_op}_{_sel}{_sfx}"
            if _name in T.INDEX:
                _add(_name, "objects", _k_objects, _conn == 8, _multi, SELECTORS.index(_sel),
                     OBJECT_OPS.index(_op))
_add("crop_content", "size", _k_crop_content)
for _k in (2, 3):
    _add(f"scale_up_{_k}", "size", _k_resize, 1, _k, 1, _k)
    _add(f"scale_down_{_k}", "size", _k_scale_down, _k)
_add("scale_down_auto", "size", _k_scale_down, 0)
_add("kron_self", "size", _k_kron)
for _r, _c in ((1, 2), (2, 1), (2, 2), (3, 3)):
    _add(f"tile_{_r}x{_c}", "size", _k_resize, 0, _r, 0, _c)
_add("mirror_e", "size", _k_resize, 0, 1, 2, 2)
_add("mirror_w", "size", _k_resize, 0, 1, 3, 2)
_add("mirror_s", "size", _k_resize, 2, 2, 0, 1)
_add("mirror_n", "size", _k_resize, 3, 2, 0, 1)
_add("mirror_4", "size", _k_resize, 2, 2, 2, 2)
_SPLIT = {p: partial(_k_split, parts=p) for p in (2, 3)}
for _how in ("cols2", "rows2", "cols3", "rows3"):
    _p = int(_how[-1])
    for _i in range(_p):
        _add(f"{_how}_cell{_i}", "size", _SPLIT[_p], _how.startswith("rows"), _i)
    for _i, _rule in enumerate(SPLIT_RULES):
        _add(f"{_how}_{_rule}", "size", _SPLIT[_p], _how.startswith("rows"), _p + _i)

def _one(kernel, numbers, canvas):
    return _run(kernel, canvas, *numbers)


JAX_TRANSFORMS: dict[str, Callable] = {
    name: partial(_one, kernel, numbers) for name, (_, kernel, numbers) in _SPECS.items()}
FAMILY: dict[str, str] = {name: spec[0] for name, spec in _SPECS.items()}
SKIPPED: tuple[str, ...] = tuple(t.name for t in T.TRANSFORMS if t.name not in _SPECS)

_KERNEL_JIT: dict[Callable, Callable] = {}
_NAME_JIT: dict[str, Callable] = {}


def _batched(name: str) -> Callable:
    fn = _NAME_JIT.get(name)
    if fn is None:
        _, kernel, numbers = _SPECS[name]
        jitted = _KERNEL_JIT.get(kernel)
        if jitted is None:
            axes = (0,) + (None,) * len(numbers)
            jitted = _KERNEL_JIT[kernel] = jax.jit(jax.vmap(partial(_run, kernel), in_axes=axes))
        args = tuple(np.int32(v) for v in numbers)
        fn = _NAME_JIT[name] = partial(_call, jitted, args)
    return fn


def _call(jitted, args, canvases):
    return jitted(canvases, *args)


def apply_batch(name: str, canvases) -> tuple[jax.Array, jax.Array]:
    """`[B, 30, 30]` uint8 canvases (OUT outside each grid) -> (results `[B, 30, 30]` uint8
    canvases with OUT outside each result grid, defined `[B]` bool). Jitted once per
    transform (instances of one kernel share its compiled code); results where not defined
    are all OUT."""
    return _batched(name)(jnp.asarray(canvases, jnp.uint8))


def to_canvas(grid) -> np.ndarray:
    """A real grid `[H, W]` at the top-left of an OUT canvas."""
    grid = np.asarray(grid, np.uint8)
    out = np.full((C, C), OUT, np.uint8)
    out[:grid.shape[0], :grid.shape[1]] = grid
    return out


def from_canvas(canvas) -> np.ndarray:
    """The real grid of a canvas (cut at its OUT padding)."""
    canvas = np.asarray(canvas)
    h, w = int((canvas[:, 0] != OUT).sum()), int((canvas[0] != OUT).sum())
    return canvas[:h, :w].copy()
