"""The ARC executor: every rule on every cell in one synchronous step, features recomputed
from the current grid each step; a draft runs once or to its fixed point (T traced, a cap).

A draft with a program starts from its base (the input or one piece's result) with its
painted and covering pieces laid on it (`compose`); its rules read the pieces as the
features `p1..p6`. The pieces' results come in as `layers` `[MAX_PIECES, C, C]` (OUT where
the draft has no such piece), computed on the host (compiler/arc/programs.py: `bind`).

A cell takes the head of its first firing rule (rules are in canonical order); a head that
reads a feature whose value is not a colour (OUT) does not fire; cells outside the grid
never change. Two firing rules with different heads on one cell is a *clash*: the draft
contradicts itself on that grid. `run` reports the first clash it meets (step, cell, the
two rules), which is what the internal-consistency check reads.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from compiler.arc import programs as P
from compiler.arc.features import CANVAS, MAX_PIECES, OUT, features, features_reference, with_pieces
from compiler.arc.rules import BASE, BODY, COPY, FIXPOINT, HEAD_KIND, HEAD_VALUE, PIECES, RULES, UNUSED


def no_layers():
    return jnp.full((MAX_PIECES, CANVAS, CANVAS), OUT, jnp.int32)


def compose(rules, grid, layers):
    """The grid the rules start from: the base (the input, or piece `base`), then every
    painting piece's non-background cells and every covering piece's cells laid on it in
    piece order (inside the base's grid only)."""
    rules = jnp.asarray(rules, jnp.int32)
    layers = jnp.asarray(layers, jnp.int32)
    base = rules[0, BASE]
    g = jnp.where(base > 0, layers[jnp.maximum(base - 1, 0)], jnp.asarray(grid, jnp.int32))
    roles = rules[PIECES, P.ROLE]
    for i in range(MAX_PIECES):
        piece = layers[i]
        laid = jnp.where(roles[i] == P.PAINT, (piece != 0) & (piece != OUT),
                         (roles[i] == P.COVER) & (piece != OUT))
        g = jnp.where(laid & (g != OUT), piece, g)
    return g


class Fired(NamedTuple):
    new: jax.Array  # [CANVAS, CANVAS] the next grid
    rule: jax.Array  # [CANVAS, CANVAS] int32: the firing rule's row (0: none)
    clash: jax.Array  # [CANVAS, CANVAS] bool: two firing rules disagree here
    other: jax.Array  # [CANVAS, CANVAS] int32: the disagreeing rule's row (0: none)


def fire(rules, grid, layers=None) -> Fired:
    """One synchronous step of a RuleSet's rules on the canvas `grid` (the pieces' results
    `layers`: see the module docstring)."""
    rules = jnp.asarray(rules, jnp.int32)
    grid = jnp.asarray(grid, jnp.int32)
    feats = with_pieces(features(grid), no_layers() if layers is None else layers)  # [C, C, F]
    body = rules[RULES]
    used = body[:, HEAD_KIND] != UNUSED  # [R]
    holds = jnp.ones((body.shape[0], CANVAS, CANVAS), bool)
    for i in range(BODY):
        f, v, neg = body[:, 3 * i], body[:, 3 * i + 1], body[:, 3 * i + 2]
        value = jnp.take(feats, jnp.maximum(f, 0), axis=2).transpose(2, 0, 1)  # [R, C, C]
        ok = (value == v[:, None, None]) != (neg[:, None, None] == 1)
        holds &= jnp.where((f >= 0)[:, None, None], ok, True)
    copied = jnp.take(feats, jnp.maximum(body[:, HEAD_VALUE], 0), axis=2).transpose(2, 0, 1)
    head = jnp.where((body[:, HEAD_KIND] == COPY)[:, None, None], copied,
                     body[:, HEAD_VALUE][:, None, None])
    fires = holds & used[:, None, None] & (grid != OUT)[None] & (head < 10)
    first = jnp.argmax(fires, axis=0)
    any_fire = fires.any(axis=0)
    chosen = jnp.take_along_axis(head, first[None], axis=0)[0]
    disagree = fires & (head != chosen[None])
    clash = disagree.any(axis=0)
    other = jnp.where(clash, jnp.argmax(disagree, axis=0) + 1, 0)
    new = jnp.where(any_fire, chosen, grid)
    return Fired(new, jnp.where(any_fire, first + 1, 0), clash, other)


class Run(NamedTuple):
    grid: jax.Array  # the final grid
    rule: jax.Array  # per cell, the rule that last wrote it (0: none)
    clash: jax.Array  # bool: some step met a clash
    witness: jax.Array  # int32 [4]: step, cell index, rule, other rule of the first clash
    steps: jax.Array  # steps taken


def run(rules, grid, steps, layers=None) -> Run:
    """Run `rules` on `grid` (composed with the pieces' `layers` first): one step in mode
    once, else until nothing changes or `steps` (traced) steps."""
    rules = jnp.asarray(rules, jnp.int32)
    layers = no_layers() if layers is None else jnp.asarray(layers, jnp.int32)
    limit = jnp.where(rules[0, 0] == FIXPOINT, steps, jnp.minimum(steps, 1))

    def cond(carry):
        i, _, _, _, _, changed = carry
        return (i < limit) & changed

    def body(carry):
        i, g, last, clashed, witness, _ = carry
        out = fire(rules, g, layers)
        cell = jnp.argmax(out.clash.ravel())
        here = jnp.stack([i, cell, out.rule.ravel()[cell], out.other.ravel()[cell]]).astype(jnp.int32)
        first_clash = out.clash.any() & ~clashed
        witness = jnp.where(first_clash, here, witness)
        last = jnp.where(out.rule > 0, out.rule, last)
        return (i + 1, out.new, last, clashed | out.clash.any(), witness,
                (out.new != g).any())

    g = compose(rules, grid, layers)
    init = (jnp.int32(0), g, jnp.zeros_like(g), jnp.bool_(False), jnp.full(4, -1, jnp.int32),
            jnp.bool_(True))
    i, g, last, clashed, witness, _ = jax.lax.while_loop(cond, body, init)
    return Run(g.astype(jnp.uint8), last, clashed, witness, i)


@jax.jit
def run_batch_jit(rules, states, steps, layers=None):
    """`[B, R, W]` RuleSets on `[B, C, C]` canvases (their pieces' results `[B, P, C, C]`,
    None: no programs): the final grids."""
    if layers is None:
        return jax.vmap(lambda r, s: run(r, s, steps).grid)(rules, states)
    return jax.vmap(lambda r, s, lay: run(r, s, steps, lay).grid)(rules, states, layers)


@partial(jax.jit, static_argnames=())
def clashes(rules, states, steps, slots, table):
    """`[K, N]` clash flags and `[K, N, 4]` witnesses of K drafts on N canvases; `slots`
    `[K, P]` index the pieces' results `table` `[S, N, C, C]`."""
    def one(r, s, slot, n):
        return run(r, s, steps, table[slot, n])
    per = jax.vmap(one, in_axes=(None, 0, None, 0))
    out = jax.vmap(per, in_axes=(0, None, 0, None))(rules, states, slots, jnp.arange(states.shape[0]))
    return out.clash, out.witness


def fire_reference(rule, grid, layers=None):
    """One step by plain loops over the real grid `[H, W]` (features by the slow reference,
    the pieces' results `layers` `[MAX_PIECES, H, W]`): (next grid, clash anywhere)."""
    rule = np.asarray(rule)
    feats = features_reference(grid)
    if layers is None:
        layers = np.full((MAX_PIECES, *np.shape(grid)), OUT)
    feats = np.concatenate([feats, np.moveaxis(np.asarray(layers, np.int64), 0, -1)], axis=-1)
    out = np.array(grid, np.int64)
    clash = False
    h, w = out.shape
    for r in range(h):
        for c in range(w):
            heads = []
            for row in rule[RULES]:
                if row[HEAD_KIND] == UNUSED:
                    continue
                lits = [(row[3 * i], row[3 * i + 1], row[3 * i + 2]) for i in range(BODY) if row[3 * i] >= 0]
                if all((feats[r, c, f] == v) != bool(n) for f, v, n in lits):
                    head = feats[r, c, row[HEAD_VALUE]] if row[HEAD_KIND] == COPY else row[HEAD_VALUE]
                    if head < 10:
                        heads.append(int(head))
            if heads:
                out[r, c] = heads[0]
                clash |= len(set(heads)) > 1
    return out, clash


def compose_reference(rule, grid):
    """(the grid the rules start from, the pieces' results `[MAX_PIECES, H, W]` cut to its
    size) on a real grid, by running each piece's chain; None where a piece the draft
    starts from or lays is undefined."""
    rule = np.asarray(rule)
    results = [P.run_chain(P.chain_of(row), grid)[0] if row[0] > 0 else None
               for row in rule[PIECES]]
    base = int(rule[0, BASE])
    g = np.array(grid if base == 0 else results[base - 1], dtype=np.int64)
    h, w = g.shape
    layers = np.full((MAX_PIECES, h, w), OUT, np.int64)
    for i, (row, piece) in enumerate(zip(rule[PIECES], results, strict=True)):
        if piece is None:
            continue
        ph, pw = min(h, piece.shape[0]), min(w, piece.shape[1])
        layers[i, :ph, :pw] = piece[:ph, :pw]
        if row[P.ROLE] == P.PAINT:
            g = np.where((layers[i] != 0) & (layers[i] != OUT), layers[i], g)
        elif row[P.ROLE] == P.COVER:
            g = np.where(layers[i] != OUT, layers[i], g)
    return g, layers


def run_reference(rule, grid, steps: int) -> np.ndarray:
    """The slow executor on a real grid `[H, W]` (or a canvas: its OUT padding is cut off
    and restored); a draft whose base piece is undefined gives an all-OUT canvas."""
    grid = np.asarray(grid)
    from compiler.arc.grids import from_canvas, to_canvas
    canvas = grid.shape == (CANVAS, CANVAS) and (grid == OUT).any()
    g = from_canvas(grid) if canvas else grid.astype(np.int64)
    rule = np.asarray(rule)
    base = int(rule[0, BASE])
    if base and P.run_chain(P.chain_of(rule[PIECES][base - 1]), g)[0] is None:
        return np.full((CANVAS, CANVAS), OUT, np.uint8)
    g, layers = compose_reference(rule, g)
    limit = steps if int(rule[0, 0]) == FIXPOINT else min(steps, 1)
    for _ in range(limit):
        new, _ = fire_reference(rule, g, layers)
        if np.array_equal(new, g):
            break
        g = new
    return to_canvas(g) if canvas else g.astype(np.uint8)
