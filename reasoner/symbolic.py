"""The symbolic reasoner: runs the compiled RuleSet with the exact executor (upper bound)."""

from __future__ import annotations

import jax.numpy as jnp

from compiler import run_batch_jit


class SymbolicReasoner:
    name = "symbolic"
    reads = "rules"
    discrete_per_cell = True  # certifiable (reasoner/certify.py)

    def step_fn(self, tables):
        """A jittable `state -> next state` for the cycle detector."""
        from compiler import step_batch
        tables = jnp.asarray(tables, jnp.uint8)
        return lambda s: step_batch(tables, s)

    def rollout(self, tables, states, steps):
        return run_batch_jit(jnp.asarray(tables, jnp.uint8), jnp.asarray(states, jnp.uint8),
                             jnp.asarray(steps, jnp.int32))
