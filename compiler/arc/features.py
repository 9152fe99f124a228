"""Features of a cell, computed from the current grid: what ARC rules read.

Grids live on a fixed canvas (`CANVAS` x `CANVAS`, padded with `OUT` = 10 outside the real
grid), so every task, whatever its sizes, runs through one compiled function. A feature is
a small integer per cell; `FEATURES` names them in order, `COLOUR_FEATURES` are the ones a
rule's head may copy a colour from (`-> ray_n`). Background is colour 0.

- `self`; the 8 neighbours `n ne e se s sw w nw` (OUT outside the grid);
- `ray_*`: the first non-background colour along each of the 8 rays (0: none before the
  edge);
- `cnt4`, `cnt8`: non-background neighbours; `same8`: neighbours of the cell's own colour;
- `row2 col2 row3 col3`: row / column modulo 2 and 3; `edge`: on the grid's border;
- `between_h`, `between_v`: colour c when the first non-background colours on both sides
  (left and right; up and down) are c, else 0;
- `mirror_h mirror_v mirror_d mirror_a mirror_r rot_cw rot_ccw`: the colour at the cell's
  partner under the grid's flips and turns: (r, W-1-c), (H-1-r, c), (c, r), (W-1-c, H-1-r),
  (H-1-r, W-1-c), (H-1-c, r), (c, W-1-r) (OUT where that cell is outside the grid);
- `obj_size` (capped at 10), `obj_border`: the 4-connected same-colour component of the
  cell: its size, whether it touches the border; `enclosed`: a background cell whose
  background component does not touch the border;
- `major8`: the most common non-background colour among the 8 neighbours (0: none);
  `row_major`, `col_major`: the most common non-background colour of the cell's row /
  column; `grid_major`, `grid_minor`: the most / least common non-background colour of
  the grid (ties: the smaller colour; 0: none);
- `obj_largest`, `obj_smallest`: the cell is non-background and its component is a
  largest / smallest non-background component of the grid;
- `p1` .. `p6` (`PIECE_FEATURES`, after the cell features): the colour of a draft's piece
  i at the cell (compiler/arc/programs.py), not computed from the grid: the executor
  appends them (`with_pieces`); OUT where the draft has no piece i or it lies outside.

`features(grid)` is the JAX version of the cell features (jittable, vmappable);
`features_reference` is the slow, obvious per-cell loop the tests compare it with.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

CANVAS = 30
OUT = 10  # outside the grid
COLOURS = 10
DIRS = {"n": (-1, 0), "ne": (-1, 1), "e": (0, 1), "se": (1, 1), "s": (1, 0), "sw": (1, -1),
        "w": (0, -1), "nw": (-1, -1)}
CELL_FEATURES = (["self"] + list(DIRS) + [f"ray_{d}" for d in DIRS]
            + ["cnt4", "cnt8", "same8", "row2", "col2", "row3", "col3", "edge",
               "between_h", "between_v", "mirror_h", "mirror_v", "mirror_d", "mirror_a",
               "mirror_r", "rot_cw", "rot_ccw", "obj_size", "obj_border", "enclosed", "major8",
               "row_major", "col_major",
               "grid_major", "grid_minor", "obj_largest", "obj_smallest"])
NUM_CELL_FEATURES = len(CELL_FEATURES)
# a draft's program pieces (compiler/arc/programs.py): the colour of piece i's result at the
# cell (OUT outside it, or where the draft has no piece i); not computed from the grid
MAX_PIECES = 6
PIECE_FEATURES = [f"p{i}" for i in range(1, MAX_PIECES + 1)]
FEATURES = CELL_FEATURES + PIECE_FEATURES
INDEX = {name: i for i, name in enumerate(FEATURES)}
NUM_FEATURES = len(FEATURES)
COLOUR_FEATURES = tuple(INDEX[n] for n in (["self"] + list(DIRS) + [f"ray_{d}" for d in DIRS]
                                           + ["between_h", "between_v", "mirror_h", "mirror_v",
                                              "mirror_d", "mirror_a", "mirror_r", "rot_cw",
                                              "rot_ccw", "major8", "row_major", "col_major",
                                              "grid_major", "grid_minor"] + PIECE_FEATURES))
MAX_VALUE = 11  # feature values lie in 0..10
SIZE_CAP = 10


def shift(grid, dy: int, dx: int, fill=OUT):
    """`out[r, c] = grid[r + dy, c + dx]` (fill off the canvas)."""
    pad = max(abs(dy), abs(dx))
    padded = jnp.pad(grid, pad, constant_values=fill)
    return jax.lax.dynamic_slice(padded, (pad + dy, pad + dx), grid.shape)


def first_along(grid, dy: int, dx: int):
    """Per cell, the first non-background colour strictly along (dy, dx) (0: none), by
    doubling: `seen` holds the first colour among the next k cells, then the next 2k."""
    colour = jnp.where(grid == OUT, 0, grid)  # OUT only lies past the grid's far edges
    seen = shift(colour, dy, dx, fill=0)
    k = 1
    while k < CANVAS:
        seen = jnp.where(seen != 0, seen, shift(seen, k * dy, k * dx, fill=0))
        k *= 2
    return seen


def _run_min(labels, grid, axis: int):
    """Per cell, the least label over its run of equal colours along `axis` (segmented
    min-scans forward and backward)."""
    def scan(values, starts, reverse):
        def op(a, b):
            (va, fa), (vb, fb) = a, b
            return jnp.where(fb, vb, jnp.minimum(va, vb)), fa | fb
        return jax.lax.associative_scan(op, (values, starts), axis=axis, reverse=reverse)[0]

    before = jnp.roll(grid, 1, axis=axis)
    after = jnp.roll(grid, -1, axis=axis)
    first = jnp.arange(CANVAS) == 0
    last = jnp.arange(CANVAS) == CANVAS - 1
    if axis == 0:
        first, last = first[:, None], last[:, None]
    starts = first | (before != grid)
    ends = last | (after != grid)
    return jnp.minimum(scan(labels, starts, False), scan(labels, ends, True))


def components(grid):
    """Per cell, a label shared by its 4-connected same-colour component (its least cell
    index): run minima along rows, then columns, until nothing changes (as many rounds as
    the component has turns)."""
    index = jnp.arange(CANVAS * CANVAS, dtype=jnp.int32).reshape(CANVAS, CANVAS)

    def cond(carry):
        return carry[1]

    def body(carry):
        labels, _ = carry
        new = _run_min(_run_min(labels, grid, 1), grid, 0)
        return new, (new != labels).any()

    labels, _ = jax.lax.while_loop(cond, body, (index, jnp.bool_(True)))
    return labels


def most_common(counts, least: bool = False):
    """The colour 1-9 with the most (least) counts along the last axis (ties: the smaller
    colour; 0 where no colour counts)."""
    counts = counts[..., 1:COLOURS]
    present = counts > 0
    score = jnp.where(present, -counts if least else counts, -(CANVAS * CANVAS + 1))
    return jnp.where(present.any(-1), jnp.argmax(score, axis=-1) + 1, 0)


def features(grid) -> jax.Array:
    """`[CANVAS, CANVAS, NUM_CELL_FEATURES]` int32 features of every cell of `grid` (the
    piece features come from a draft's program, see `with_pieces`)."""
    grid = jnp.asarray(grid, jnp.int32)
    inside = grid != OUT
    height = inside.any(axis=1).sum()
    width = inside.any(axis=0).sum()
    rows = jnp.arange(CANVAS)[:, None] * jnp.ones((1, CANVAS), jnp.int32)
    cols = jnp.arange(CANVAS)[None, :] * jnp.ones((CANVAS, 1), jnp.int32)
    neighbours = [shift(grid, dy, dx) for dy, dx in DIRS.values()]
    rays = {d: first_along(grid, dy, dx) for d, (dy, dx) in DIRS.items()}
    live = [(v != 0) & (v != OUT) for v in neighbours]
    cnt4 = live[0].astype(jnp.int32) + live[2] + live[4] + live[6]
    cnt8 = sum(v.astype(jnp.int32) for v in live)
    same8 = sum((v == grid).astype(jnp.int32) for v in neighbours)
    edge = (rows == 0) | (cols == 0) | (rows == height - 1) | (cols == width - 1)
    between_h = jnp.where(rays["w"] == rays["e"], rays["w"], 0)
    between_v = jnp.where(rays["n"] == rays["s"], rays["n"], 0)

    def at(r, c):
        ok = (r >= 0) & (c >= 0) & (r < height) & (c < width)
        return jnp.where(ok, grid[jnp.clip(r, 0, CANVAS - 1), jnp.clip(c, 0, CANVAS - 1)], OUT)

    mirror_h = at(rows, width - 1 - cols)
    mirror_v = at(height - 1 - rows, cols)
    mirror_d = at(cols, rows)
    turns = [at(width - 1 - cols, height - 1 - rows), at(height - 1 - rows, width - 1 - cols),
             at(height - 1 - cols, rows), at(cols, width - 1 - rows)]
    labels = components(grid)  # OUT cells form their own components, never counted
    flat = labels.ravel()
    sizes = jax.ops.segment_sum(inside.ravel().astype(jnp.int32), flat,
                                num_segments=CANVAS * CANVAS + 1)
    border = jax.ops.segment_max((edge & inside).ravel().astype(jnp.int32), flat,
                                 num_segments=CANVAS * CANVAS + 1)
    obj_size = jnp.minimum(sizes[flat], SIZE_CAP).reshape(CANVAS, CANVAS)
    obj_border = border[flat].reshape(CANVAS, CANVAS)
    enclosed = (grid == 0) & (obj_border == 0)
    onehot = (grid[..., None] == jnp.arange(COLOURS)).astype(jnp.int32)  # OUT: all zero
    near = sum((v[..., None] == jnp.arange(COLOURS)).astype(jnp.int32) for v in neighbours)
    major8 = most_common(near)
    row_major = jnp.broadcast_to(most_common(onehot.sum(axis=1))[:, None], grid.shape)
    col_major = jnp.broadcast_to(most_common(onehot.sum(axis=0))[None, :], grid.shape)
    total = onehot.sum(axis=(0, 1))
    grid_major = jnp.full(grid.shape, most_common(total))
    grid_minor = jnp.full(grid.shape, most_common(total, least=True))
    # component sizes of non-background cells: the largest and smallest
    raw = sizes[flat].reshape(CANVAS, CANVAS)
    solid = inside & (grid != 0)
    largest = solid & (raw == jnp.where(solid, raw, 0).max())
    smallest = solid & (raw == jnp.where(solid, raw, CANVAS * CANVAS + 1).min())
    out = jnp.stack([grid, *neighbours, *rays.values(), cnt4, cnt8, same8, rows % 2, cols % 2,
                     rows % 3, cols % 3, edge, between_h, between_v, mirror_h, mirror_v,
                     mirror_d, *turns, obj_size, obj_border, enclosed, major8, row_major, col_major,
                     grid_major, grid_minor, largest, smallest], axis=-1).astype(jnp.int32)
    return jnp.where(inside[..., None], out, OUT)


features_jit = jax.jit(features)


def with_pieces(cell_features, layers):
    """`[C, C, NUM_FEATURES]`: cell features and the `[MAX_PIECES, C, C]` piece layers."""
    return jnp.concatenate([cell_features, jnp.moveaxis(jnp.asarray(layers, jnp.int32), 0, -1)], axis=-1)


def features_reference(grid) -> np.ndarray:
    """The same features by plain loops over the real grid (`[H, W]`, no padding): the
    obvious, slow version the tests compare `features` with."""
    grid = np.asarray(grid, np.int64)
    h, w = grid.shape

    def colour(r, c):
        return int(grid[r, c]) if 0 <= r < h and 0 <= c < w else OUT

    def ray(r, c, dy, dx):
        r, c = r + dy, c + dx
        while 0 <= r < h and 0 <= c < w:
            if grid[r, c] != 0:
                return int(grid[r, c])
            r, c = r + dy, c + dx
        return 0

    comp = -np.ones((h, w), np.int64)
    sizes, borders = [], []
    for r0 in range(h):
        for c0 in range(w):
            if comp[r0, c0] >= 0:
                continue
            stack, members = [(r0, c0)], []
            comp[r0, c0] = len(sizes)
            while stack:
                r, c = stack.pop()
                members.append((r, c))
                for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                    rr, cc = r + dy, c + dx
                    if 0 <= rr < h and 0 <= cc < w and comp[rr, cc] < 0 and grid[rr, cc] == grid[r, c]:
                        comp[rr, cc] = len(sizes)
                        stack.append((rr, cc))
            sizes.append(len(members))
            borders.append(any(r in (0, h - 1) or c in (0, w - 1) for r, c in members))
    def most(values, least=False):
        counts = {c: list(values).count(c) for c in range(1, COLOURS) if c in list(values)}
        if not counts:
            return 0
        best = (min if least else max)(counts.values())
        return min(c for c, n in counts.items() if n == best)

    solid = [k for k in range(len(sizes))
             if any(grid[r, c] != 0 for r in range(h) for c in range(w) if comp[r, c] == k)]
    big = max((sizes[k] for k in solid), default=0)
    small = min((sizes[k] for k in solid), default=0)
    out = np.zeros((h, w, NUM_CELL_FEATURES), np.int64)
    for r in range(h):
        for c in range(w):
            nb = [colour(r + dy, c + dx) for dy, dx in DIRS.values()]
            rays = [ray(r, c, dy, dx) for dy, dx in DIRS.values()]
            live = [v not in (0, OUT) for v in nb]
            k = comp[r, c]
            values = ([colour(r, c)] + nb + rays
                      + [live[0] + live[2] + live[4] + live[6], sum(live),
                         sum(v == grid[r, c] for v in nb), r % 2, c % 2, r % 3, c % 3,
                         int(r in (0, h - 1) or c in (0, w - 1)),
                         rays[6] if rays[6] == rays[2] else 0,
                         rays[0] if rays[0] == rays[4] else 0,
                         colour(r, w - 1 - c), colour(h - 1 - r, c), colour(c, r),
                         colour(w - 1 - c, h - 1 - r), colour(h - 1 - r, w - 1 - c),
                         colour(h - 1 - c, r), colour(c, w - 1 - r),
                         min(sizes[k], SIZE_CAP), int(borders[k]),
                         int(grid[r, c] == 0 and not borders[k]),
                         most([v for v in nb if v != OUT]), most(grid[r]), most(grid[:, c]),
                         most(grid.ravel()), most(grid.ravel(), least=True),
                         int(grid[r, c] != 0 and sizes[k] == big),
                         int(grid[r, c] != 0 and sizes[k] == small)])
            out[r, c] = values
    return out
