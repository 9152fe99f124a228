"""ARC proposers write drafts: K candidate rule sets for one task's demos.

`induce` (compiler/arc/program_proposer.py): programs found by a search over grid
transforms, stacks of their results, and the cell-rule covers below reading them.

`cells` (symbolic, the rules-only baseline): sound covers of the demo cells that change.
Every cell of every demo input is a row of features (compiler/arc/features.py); a rule
`body -> head` is *sound* when every cell its body fires on gets the head's colour in the
output (unchanged cells included: firing there must keep the colour), and it *covers* the
changed cells it fires on.
Bodies of 1 and 2 literals are scored for every head at once by matrix products; a rule
that is nearly sound gets a third literal that removes its violations. A greedy set cover
picks rules until every changed cell is covered. For the fixed-point mode the rules must
also hold on the output (a fixed point), and coverage is read on the output's features
(what a propagating rule sees once its neighbours are filled). Variants (mode, constant or
copied heads first, general or specific bodies, the first rule of an earlier cover
banned) give distinct drafts, ordered by how much of the demos they cover.

`random`: random well-formed rule sets; `exhaustive`: every single-literal rule with a
constant head over the colours the demos use, one rule per draft (a small family, ranked
by the checker); `oracle` does not apply (ARC gives answers, not rules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from compiler.arc.features import (
    COLOUR_FEATURES,
    FEATURES,
    INDEX,
    MAX_PIECES,
    NUM_CELL_FEATURES,
    NUM_FEATURES,
    OUT,
    features,
)
from compiler.arc.grids import pad_batch
from compiler.arc.rules import BODY, CONST, COPY, FIXPOINT, MAX_RULES, ONCE, make
from compiler.domain import as_groups, host_rng
from compiler.registry import registrar

PROPOSERS: dict[str, Callable] = {}
register = registrar(PROPOSERS)

_features_batch = jax.jit(jax.vmap(features))


def cell_table(canvases, layers=None) -> np.ndarray:
    """`[cells, NUM_FEATURES]` features of every in-grid cell of `[N, C, C]` canvases, the
    piece features read from `layers` `[N, MAX_PIECES, C, C]` (None: no pieces, OUT)."""
    canvases = np.asarray(canvases)
    feats = np.asarray(_features_batch(jnp.asarray(pad_batch(canvases, OUT))))[:len(canvases)]
    if layers is None:
        layers = np.full((len(canvases), MAX_PIECES, *canvases.shape[1:]), OUT, np.uint8)
    feats = np.concatenate([feats, np.moveaxis(np.asarray(layers), 1, -1).astype(feats.dtype)], axis=-1)
    return feats[canvases != OUT]


class Pool:
    """What a cover is checked against: feature rows `X`, the colour each must end with `Y`,
    which rows are changed cells to cover, and (fixpoint) the rows coverage is read on.
    `layers` (one `[N, MAX_PIECES, C, C]` per group): the pieces the rules may read."""

    def __init__(self, groups, mode: int, layers=None):
        layers = layers if layers is not None else [None] * len(groups)
        xs, ys = [], []
        for g, lay in zip(groups, layers, strict=True):
            xs.append(cell_table(g.inputs, lay))
            ys.append(np.asarray(g.outputs)[np.asarray(g.outputs) != OUT])
        x_in, y = np.concatenate(xs), np.concatenate(ys)
        self.changed_in = x_in[:, INDEX["self"]] != y
        if mode == ONCE:
            self.x, self.y = x_in, y
            self.cover_x, self.cover_rows = x_in, np.nonzero(self.changed_in)[0]
        else:
            x_out = np.concatenate([cell_table(g.outputs, lay)
                                    for g, lay in zip(groups, layers, strict=True)])
            self.x, self.y = np.concatenate([x_in, x_out]), np.concatenate([y, y])
            # coverage: the changed cells as the output shows them (rows of the second half)
            self.cover_x, self.cover_rows = x_out, np.nonzero(self.changed_in)[0]
        self.cover_y = y


def literal_candidates(pool: Pool, limit: int = 160) -> list[tuple[int, int, int]]:
    """`(feature, value, negated)` literals true on some changed cell, most frequent first
    (plus `f != 0` for colour features). A piece feature the pool has no piece for (all
    OUT) gives none: `p1 != 0` would hold everywhere and name a piece the draft lacks."""
    rows = pool.cover_x[pool.cover_rows]
    counts: dict[tuple[int, int, int], int] = {}
    absent = [f for f in range(NUM_CELL_FEATURES, NUM_FEATURES) if (pool.x[:, f] == OUT).all()]
    for f in range(NUM_FEATURES):
        if f in absent:
            continue
        values, n = np.unique(rows[:, f], return_counts=True)
        for v, k in zip(values, n, strict=True):
            if v != OUT:
                counts[(f, int(v), 0)] = int(k)
        if f in COLOUR_FEATURES:
            k = int((rows[:, f] != 0).sum())
            if 0 < k:
                counts[(f, 0, 1)] = k
    ranked = sorted(counts, key=lambda lit: (-counts[lit], lit))
    return ranked[:limit]


def literal_masks(x, literals) -> np.ndarray:
    f = np.array([lit[0] for lit in literals])
    v = np.array([lit[1] for lit in literals])
    neg = np.array([lit[2] for lit in literals], bool)
    return ((x[:, f] == v) != neg).T  # [L, rows]


def head_candidates(pool: Pool) -> list[tuple[int, int]]:
    """Constant heads (colours changed cells take) and copy heads (colour features that
    equal the new colour on some changed cell)."""
    rows, y = pool.cover_x[pool.cover_rows], pool.cover_y[pool.cover_rows]
    heads = [(CONST, int(c)) for c in np.unique(y)]
    heads += [(COPY, f) for f in COLOUR_FEATURES if f != INDEX["self"] and (rows[:, f] == y).any()]
    return heads


def head_values(x, head) -> np.ndarray:
    kind, value = head
    return np.full(len(x), value) if kind == CONST else x[:, value]


@dataclass
class Candidates:
    """Every sound rule a cover may use (one pool, literals and heads): its literal indices,
    head, the changed cells it covers `[cands, cov]`, its size and whether it copies."""

    rules: list  # (literal indices, head) per candidate, in the order found
    covers: np.ndarray  # [cands, cov] float32
    sizes: np.ndarray  # literals per candidate
    copy: np.ndarray  # bool: the head copies a feature's colour


def cover_candidates(pool: Pool, literals, heads) -> Candidates:
    """Sound bodies of 1-2 literals for every head (violations and gains by matrix
    products), and a third literal where it removes a nearly sound pair's violations."""
    m = literal_masks(pool.x, literals).astype(np.float32)  # [L, rows]
    mc = literal_masks(pool.cover_x[pool.cover_rows], literals).astype(np.float32)  # [L, cov]
    rules, covers = [], []
    for head in heads:
        bad_rows = (head_values(pool.x, head) != pool.y).astype(np.float32)
        good = head_values(pool.cover_x[pool.cover_rows], head) == pool.cover_y[pool.cover_rows]
        bad1 = m @ bad_rows
        for i in np.nonzero((bad1 == 0) & ((mc @ good.astype(np.float32)) > 0))[0]:
            rules.append(((i,), head))
            covers.append((mc[i] > 0) & good)
        # pairs: violations of (i & k) = ((m * bad) @ m.T)[i, k]
        bad2 = (m * bad_rows) @ m.T
        gain2 = (mc * good) @ mc.T
        ii, kk = np.nonzero(np.triu((bad2 == 0) & (gain2 > 0), 1))
        for i, k in zip(ii, kk, strict=True):
            if bad1[i] > 0 and bad1[k] > 0:  # a sound single already covers these cells
                rules.append(((i, k), head))
                covers.append((mc[i] > 0) & (mc[k] > 0) & good)
        # triples: a nearly sound pair with the most gain, and a third literal killing its
        # violations
        near = np.argsort(-(gain2 * (bad2 > 0)).ravel(), kind="stable")[:8]
        for flat in near:
            i, k = divmod(int(flat), len(literals))
            if i >= k or gain2[i, k] == 0:
                continue
            viol = (m[i] * m[k] * bad_rows) @ m.T
            gain3 = ((mc[i] * mc[k] * good) @ mc.T)
            for j in np.nonzero((viol == 0) & (gain3 > 0))[0][:4]:
                if j not in (i, k):
                    rules.append(((i, k, j), head))
                    covers.append((mc[i] > 0) & (mc[k] > 0) & (mc[j] > 0) & good)
    n_cover = len(pool.cover_rows)
    stacked = np.stack(covers) if covers else np.zeros((0, n_cover), bool)
    return Candidates(rules, stacked.astype(np.float32),
                      np.array([len(r[0]) for r in rules], int),
                      np.array([r[1][0] == COPY for r in rules], bool))


def greedy_cover(cands: Candidates, literals, prefer_copy: bool, specific: bool,
                 banned=frozenset(), max_rules: int = MAX_RULES) -> tuple[list, int]:
    """Sound rules picked greedily by new changed cells covered; returns (rules, uncovered)."""
    n_cover = cands.covers.shape[1]
    uncovered = np.ones(n_cover, bool)
    if not cands.rules:
        return [], n_cover
    # ties: the preferred head kind, then fewer (general) or more (specific) literals, then
    # the order found
    preferred = cands.copy == prefer_copy
    tiebreak = preferred * 16 + (cands.sizes if specific else BODY + 1 - cands.sizes)
    alive = np.ones(len(cands.rules), bool)
    if banned:
        for i, (lits, head) in enumerate(cands.rules):
            if (tuple(literals[j] for j in lits), head) in banned:
                alive[i] = False
    rules = []
    while uncovered.any() and len(rules) < max_rules:
        gain = cands.covers @ uncovered.astype(np.float32)
        score = np.where(alive & (gain > 0), gain * 64 + tiebreak, -1)
        best = int(np.argmax(score))
        if score[best] < 0:
            break
        lits, head = cands.rules[best]
        rules.append((tuple(literals[j] for j in lits), head))
        uncovered &= cands.covers[best] == 0
        alive[best] = False
    return rules, int(uncovered.sum())


def covers(groups, layers=None, modes=(ONCE, FIXPOINT),
           literals: int = 160) -> list[tuple[int, int, list, int]]:
    """Sound covers of the demos' changed cells, `(uncovered, order, rules, mode)` best
    first, the rules reading the cell features and the pieces in `layers` (see Pool), in
    each of `modes`, over the `literals` most frequent literals (the matrix products that
    score them grow with their square: what a cover costs)."""
    scored = []
    if not any((g.inputs != g.outputs).any() for g in groups):
        return [(0, 0, [], ONCE)]
    if any(((g.inputs == OUT) != (g.outputs == OUT)).any() for g in groups):
        # a demo pair changes size: cell rules keep the input's size, so no cover fits it
        # (the empty draft says so; programs answer these tasks)
        return [(int(sum((g.outputs != OUT).sum() for g in groups)), 0, [], ONCE)]
    order = 0
    for mode in modes:
        pool = Pool(groups, mode, layers)
        chosen = literal_candidates(pool, literals)
        cands = cover_candidates(pool, chosen, head_candidates(pool))  # shared by the covers
        firsts = []
        for prefer_copy in (False, True):
            for specific in (False, True):
                rules, left = greedy_cover(cands, chosen, prefer_copy, specific)
                scored.append((left, order, rules, mode))
                order += 1
                if rules:
                    firsts.append(rules[0])
        for banned in dict.fromkeys(firsts):  # covers without an earlier cover's first rule
            rules, left = greedy_cover(cands, chosen, False, False, banned={banned})
            scored.append((left, order, rules, mode))
            order += 1
    return sorted(scored, key=lambda s: (s[0], s[1]))


def cover_drafts(scored, num_drafts: int, pieces=()) -> list[np.ndarray]:
    """Distinct drafts of the covers, then of their prefixes (fewer rules), so K larger than
    the covers still differs; `pieces` `[(chain, role)]` the rules may read."""
    drafts, seen = [], set()
    for prefixes in (False, True):
        for _left, _, rules, mode in scored:
            for n in (range(len(rules) - 1, 0, -1) if prefixes else [len(rules)]):
                d = draft_of(rules[:n], mode, pieces)
                if d.tobytes() not in seen:
                    seen.add(d.tobytes())
                    drafts.append(d)
    return drafts[:num_drafts]


def draft_of(rules, mode, pieces=()) -> np.ndarray:
    """A draft of cover rules; of `pieces` only those the rules read are kept (renumbered)."""
    pieces = list(pieces)
    read = sorted({f - NUM_CELL_FEATURES for lits, head in rules
                   for f in [lit[0] for lit in lits] + ([head[1]] if head[0] == COPY else [])
                   if f >= NUM_CELL_FEATURES})
    remap = {NUM_CELL_FEATURES + old: NUM_CELL_FEATURES + new for new, old in enumerate(read)}
    renumbered = [([(remap.get(f, f), v, n) for f, v, n in lits],
                   (kind, remap.get(value, value) if kind == COPY else value))
                  for lits, (kind, value) in rules]
    return make(renumbered, mode, [pieces[i] for i in read])


@register("cells")
def propose_cells(key, demos, num_drafts, config=None, truth=None):
    """Cell rules alone (no program): sound covers over the cell features."""
    scored = covers(as_groups(demos))
    drafts = cover_drafts(scored, num_drafts)
    return np.stack(drafts), {"covers": len(scored), "uncovered_best": int(scored[0][0])}


@register("random")
def propose_random(key, demos, num_drafts, config=None, truth=None):
    """Random rule sets: 1-4 rules of 1-3 literals over values the demos show, constant or
    copied heads, random mode."""
    rng = host_rng(key)
    groups = as_groups(demos)
    x = np.concatenate([cell_table(g.inputs) for g in groups])
    out = []
    for _ in range(num_drafts):
        rules = []
        for _ in range(int(rng.integers(1, 5))):
            lits = []
            for f in rng.choice(NUM_CELL_FEATURES, size=int(rng.integers(1, BODY + 1)), replace=False):
                lits.append((int(f), int(x[rng.integers(len(x)), f]), 0))
            head = ((CONST, int(rng.integers(0, 10))) if rng.random() < 0.7
                    else (COPY, int(rng.choice([f for f in COLOUR_FEATURES if f < NUM_CELL_FEATURES]))))
            rules.append((lits, head))
        out.append(make(rules, FIXPOINT if rng.random() < 0.25 else ONCE))
    return np.stack(out), {}


@register("exhaustive")
def propose_exhaustive(key, demos, num_drafts, config=None, truth=None):
    """Every one-rule draft `feature=value -> colour` over the values and colours the demos
    show (once), in a fixed order: the ceiling of that small family."""
    groups = as_groups(demos)
    x = np.concatenate([cell_table(g.inputs) for g in groups])
    colours = np.unique(np.concatenate([g.outputs[g.outputs != OUT] for g in groups]))
    out = []
    for f in range(NUM_CELL_FEATURES):
        for v in np.unique(x[:, f]):
            for c in colours:
                out.append(make([([(f, int(v), 0)], (CONST, int(c)))]))
                if len(out) == num_drafts:
                    return np.stack(out), {}
    return np.stack(out), {"family": len(out)}


@register("oracle")
def propose_oracle(key, demos, num_drafts, config=None, truth=None):
    raise ValueError("compiler.proposer=oracle does not apply to arc: ARC tasks give answers, "
                     "not a hidden rule set (use induce, random or exhaustive)")


__all__ = ["FEATURES", "PROPOSERS"]
