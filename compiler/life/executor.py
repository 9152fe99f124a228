"""Exact semantics of life RuleSets, in JAX: `step` and `run` on toroidal grids.

States are integer grids `[..., H, W]` of 0/1; tables are `[2, 9]`. `run` takes the number
of steps T as a traced value (a `fori_loop` with a dynamic bound), so one compiled rollout
serves every T.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from compiler.life.rules import NUM_COUNTS


def neighbour_counts(state: jax.Array) -> jax.Array:
    """Live neighbours of every cell on a torus (Moore neighbourhood), `[..., H, W]`."""
    s = state.astype(jnp.int32)
    # Sum rows first, then columns: 4 rolls instead of 8.
    rows = s + jnp.roll(s, 1, axis=-2) + jnp.roll(s, -1, axis=-2)
    block = rows + jnp.roll(rows, 1, axis=-1) + jnp.roll(rows, -1, axis=-1)
    return block - s


def entry_index(state: jax.Array) -> jax.Array:
    """Table entry (flattened `state * 9 + count`) each cell reads in its next step."""
    return state.astype(jnp.int32) * NUM_COUNTS + neighbour_counts(state)


def step(table: jax.Array, state: jax.Array) -> jax.Array:
    """One synchronous update of `state` `[..., H, W]` under one `[2, 9]` table."""
    flat = jnp.asarray(table).reshape(-1).astype(state.dtype)
    return flat[entry_index(state)]


def run(table: jax.Array, state: jax.Array, steps) -> jax.Array:
    """`steps` updates of `state`; `steps` may be a traced integer (no retrace per T)."""
    return jax.lax.fori_loop(0, steps, lambda _, s: step(table, s), state)


# Batched forms: one table per leading-axis element.
step_batch = jax.vmap(step)
run_batch = jax.vmap(run, in_axes=(0, 0, None))


@jax.jit
def run_jit(table: jax.Array, state: jax.Array, steps) -> jax.Array:
    """Jitted `run` for one table and a batch (or single) state; T is traced."""
    return run(table, state, steps)


@jax.jit
def run_batch_jit(tables: jax.Array, states: jax.Array, steps) -> jax.Array:
    """Jitted `run` for `[B, 2, 9]` tables on `[B, H, W]` states; T is traced."""
    return run_batch(tables, states, steps)
