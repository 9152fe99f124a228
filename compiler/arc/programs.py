"""Programs: the pieces of an ARC draft, short chains of grid transforms.

A draft (compiler/arc/rules.py) may carry up to `MAX_PIECES` pieces. Piece i is a chain of
up to `CHAIN` transforms (compiler/arc/transforms.py) applied to the input grid x, e.g.
`p2 = smear_e(keep_3(x))`, and a *role*:
- `read`: only its colour is read, as the cell feature `p<i>` (`self=0 & p1!=0 -> p1`);
- `paint`: laid over the grid so far where it is not background;
- `cover`: laid over the grid so far everywhere it is inside the grid.
The header says which grid the output starts from: x, or one piece (`base p1`), whose size
is the output's size (size-changing tasks come in this way). Then the painted and covering
pieces are laid on it in piece order, then the cell rules run, reading the piece features.

A piece row is `[t1, t2, t3, role, slot, 0, ...]`: `t` is a transform's index + 1 (0: no
step), applied t1 first. `slot` is not part of the draft's meaning: the checker binds each
distinct chain to a row of a table of its results on the group's grids (`bind`) and writes
the row there, so K drafts x N demos stay one vectorized call. A chain that is undefined on
a grid (a tie for "largest", an empty selection, no axis found, a size outside 1..30) has
no result there: on a test input that makes the draft contradict itself
(`undefined_steps`).
"""

from __future__ import annotations

import re

import numpy as np

from compiler.arc import transforms as T
from compiler.arc.features import CANVAS, MAX_PIECES, OUT

CHAIN = 3
ROLE, SLOT = CHAIN, CHAIN + 1
UNUSED, READ, PAINT, COVER = 0, 1, 2, 3
ROLES = {"read": READ, "paint": PAINT, "cover": COVER}
NUM_TRANSFORMS = len(T.TRANSFORMS)

# results of one transform on one grid, shared by the search and the checker's binding
_MEMO: dict = {}
MEMO_LIMIT = 400_000


def step(t: int, grid: np.ndarray) -> np.ndarray | None:
    """Transform index `t` on a real grid `[H, W]`, memoized by the grid's bytes."""
    key = (t, grid.shape, grid.tobytes())
    if key in _MEMO:
        return _MEMO[key]
    if len(_MEMO) > MEMO_LIMIT:
        _MEMO.clear()
    out = T.apply(t, grid)
    _MEMO[key] = out
    return out


def run_chain(chain, grid: np.ndarray) -> tuple[np.ndarray | None, int]:
    """(result, -1) of a chain of transform indices on a real grid, or (None, i): step i
    is undefined there."""
    g = np.asarray(grid, np.uint8)
    for i, t in enumerate(chain):
        g = step(int(t), g)
        if g is None:
            return None, i
    return g, -1


def chain_of(row) -> tuple[int, ...]:
    """The transform indices of a piece row (0-based, in order)."""
    return tuple(int(t) - 1 for t in row[:CHAIN] if t > 0)


def chain_text(chain, source: str = "x") -> str:
    text = source
    for t in chain:
        text = f"{T.TRANSFORMS[t].name}({text})"
    return text


_CALL = re.compile(r"^([a-z_0-9]+)\((.*)\)$")


def parse_chain(text: str, earlier: dict[str, tuple]) -> tuple[int, ...]:
    """`f(g(x))` or `f(p1)` (an earlier piece's chain continued) as transform indices."""
    text = text.strip()
    names = []
    while (m := _CALL.match(text)):
        if m.group(1) not in T.INDEX:
            raise ValueError(f"unknown transform {m.group(1)!r} (see compiler/arc/transforms.py)")
        names.append(T.INDEX[m.group(1)])
        text = m.group(2).strip()
    if text == "x":
        base = ()
    elif text in earlier:
        base = earlier[text]
    else:
        raise ValueError(f"a program step reads {text!r}: expected x or an earlier piece")
    chain = base + tuple(reversed(names))
    if not 1 <= len(chain) <= CHAIN:
        raise ValueError(f"a piece is a chain of 1-{CHAIN} transforms, got {len(chain)}")
    return chain


def piece_rows(pieces) -> np.ndarray:
    """`[MAX_PIECES, CHAIN + 2]` rows of `[(chain, role)]`."""
    if len(pieces) > MAX_PIECES:
        raise ValueError(f"{len(pieces)} pieces; a draft holds at most {MAX_PIECES}")
    out = np.zeros((MAX_PIECES, CHAIN + 2), np.int64)
    for i, (chain, role) in enumerate(pieces):
        if not 1 <= len(chain) <= CHAIN:
            raise ValueError(f"a piece is a chain of 1-{CHAIN} transforms, got {len(chain)}")
        out[i, :len(chain)] = np.asarray(chain) + 1
        out[i, ROLE] = role
    return out


def rows_well_formed(rows) -> np.ndarray:
    """`[K]` bool for piece rows `[K, MAX_PIECES, >= CHAIN + 2]` (the type table: every step
    a known transform from grid to grid, chains contiguous, a role for every used piece,
    used pieces first)."""
    rows = np.asarray(rows).astype(np.int64)
    t, role = rows[..., :CHAIN], rows[..., ROLE]
    known = ((t >= 0) & (t <= NUM_TRANSFORMS)).all(-1)
    contiguous = ((t[..., 1:] == 0) | (t[..., :-1] > 0)).all(-1)
    used = t[..., 0] > 0
    roles = np.where(used, (role >= READ) & (role <= COVER), role == UNUSED)
    packed = (used[..., 1:] <= used[..., :-1]).all(-1)
    return (known & contiguous & roles).all(-1) & packed


def used_pieces(rows) -> np.ndarray:
    return np.asarray(rows)[..., 0] > 0


def bind(rows, canvases) -> tuple[np.ndarray, np.ndarray, list]:
    """Every distinct chain among piece rows `[K, MAX_PIECES, W]` run on `[n, C, C]`
    canvases: (slots `[K, MAX_PIECES]` int32 into the table (0: the all-OUT row, for unused
    pieces), table `[S, n, C, C]` uint8 canvases (OUT where undefined), the chains)."""
    from compiler.arc.grids import from_canvas, to_canvas

    rows = np.asarray(rows)
    grids = [from_canvas(c) for c in np.asarray(canvases)]
    chains: dict[tuple, int] = {}
    slots = np.zeros(rows.shape[:2], np.int32)
    for k in range(rows.shape[0]):
        for i in range(rows.shape[1]):
            chain = chain_of(rows[k, i])
            if chain:
                slots[k, i] = chains.setdefault(chain, len(chains) + 1)
    table = np.full((len(chains) + 1, len(grids), CANVAS, CANVAS), OUT, np.uint8)
    for chain, s in chains.items():
        for j, g in enumerate(grids):
            out, _ = run_chain(chain, g)
            if out is not None:
                table[s, j] = to_canvas(out)
    return slots, table, list(chains)


def undefined_steps(rows, canvases) -> list[list[tuple[int, int, int]]]:
    """Per draft, `(grid, piece, step)` where a used piece's chain is undefined on one of
    the canvases (its first such step)."""
    from compiler.arc.grids import from_canvas

    grids = [from_canvas(c) for c in np.asarray(canvases)]
    out = []
    for draft in np.asarray(rows):
        bad = []
        for i, row in enumerate(draft):
            chain = chain_of(row)
            if not chain:
                continue
            for j, g in enumerate(grids):
                result, at = run_chain(chain, g)
                if result is None:
                    bad.append((j, i, at))
        out.append(bad)
    return out


def clear_memo() -> None:
    _MEMO.clear()
