"""The symbolic reasoner: runs the compiled RuleSet with the exact executor (upper bound)."""

from __future__ import annotations

import jax.numpy as jnp

from compiler import run_batch_jit


class SymbolicReasoner:
    name = "symbolic"

    def rollout(self, tables, states, steps):
        return run_batch_jit(jnp.asarray(tables, jnp.uint8), jnp.asarray(states, jnp.uint8),
                             jnp.asarray(steps, jnp.int32))
