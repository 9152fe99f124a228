"""A bit-parallel life executor: 32 cells per uint32 word, boolean adders, a mux tree.

Rows are packed along the last axis: bit j of word k holds cell x = 32k + j, so a grid of
width W (a multiple of 32) becomes W / 32 words per row. One step counts the eight
neighbours with bitwise full adders into four bit-planes (count 0..8), then applies the
`[2, 9]` table as a multiplexer tree on those bit-planes. The table is a traced value:
one compiled step serves every rule. Same semantics as `compiler.executor` (toroidal).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

WORD = 32
_ONES = jnp.uint32(0xFFFFFFFF)


def packable(width: int) -> bool:
    return width % WORD == 0


def pack(state: jax.Array) -> jax.Array:
    """`[..., H, W]` 0/1 -> `[..., H, W // 32]` uint32 (W a multiple of 32)."""
    *lead, h, w = state.shape
    bits = state.reshape(*lead, h, w // WORD, WORD).astype(jnp.uint32)
    return (bits << jnp.arange(WORD, dtype=jnp.uint32)).sum(axis=-1, dtype=jnp.uint32)


def unpack(words: jax.Array, dtype=jnp.uint8) -> jax.Array:
    *lead, h, k = words.shape
    bits = (words[..., None] >> jnp.arange(WORD, dtype=jnp.uint32)) & 1
    return bits.reshape(*lead, h, k * WORD).astype(dtype)


def _west(w):  # cell x-1 seen at x
    return (w << 1) | (jnp.roll(w, 1, axis=-1) >> (WORD - 1))


def _east(w):  # cell x+1 seen at x
    return (w >> 1) | (jnp.roll(w, -1, axis=-1) << (WORD - 1))


def _full_add(a, b, c):
    s = a ^ b
    return s ^ c, (a & b) | (s & c)


def count_planes(w):
    """Bit-planes (c0, c1, c2, c3) of the live-neighbour count of every cell."""
    up, down = jnp.roll(w, 1, axis=-2), jnp.roll(w, -1, axis=-2)
    # column sums of three rows (2 bits) for the three columns, then add them up
    s_mid, c_mid = up ^ down, up & down  # centre column: up + down (the cell itself excluded)
    s_side, c_side = _full_add(up, w, down)  # the column as seen by the west/east neighbours
    sw, cw = _west(s_side), _west(c_side)
    se, ce = _east(s_side), _east(c_side)
    # ones: sw + se + s_mid ; twos: cw + ce + c_mid + carries
    b0, k1 = _full_add(sw, se, s_mid)
    t0, k2 = _full_add(cw, ce, c_mid)
    b1 = t0 ^ k1
    k3 = t0 & k1
    b2 = k2 ^ k3
    b3 = k2 & k3
    return b0, b1, b2, b3


def _mux(sel, if0, if1):
    return (if1 & sel) | (if0 & ~sel)


def step_packed(table: jax.Array, w: jax.Array) -> jax.Array:
    """One step of packed grids `[..., H, K]` under one `[2, 9]` table."""
    b0, b1, b2, b3 = count_planes(w)
    masks = jnp.where(jnp.asarray(table).reshape(2, 9) > 0, _ONES, jnp.uint32(0))
    # per count n: the next state, chosen by the cell's own state
    entry = [_mux(w, masks[0, n], masks[1, n]) for n in range(9)]
    level1 = [_mux(b0, entry[2 * i], entry[2 * i + 1]) for i in range(4)]  # counts 0..7
    level2 = [_mux(b1, level1[2 * i], level1[2 * i + 1]) for i in range(2)]
    low = _mux(b2, level2[0], level2[1])
    return _mux(b3, low, entry[8])  # count 8 is the only one with b3 set


def run_packed(table, w, steps):
    return jax.lax.fori_loop(0, steps, lambda _, s: step_packed(table, s), w)
