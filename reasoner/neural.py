"""A rule-conditioned recurrent reasoner (Flax NNX) for the `life` domain.

One iteration maps the discrete state to next-state logits per cell: a learned 3x3 circular
convolution reads the neighbourhood, the compiled RuleSet's 18 bits (as +-1) enter through
a bias-free linear layer added to the first hidden pre-activation at every cell, and a
per-cell ReLU MLP outputs two logits. The argmax is fed back, so the recurrence runs on a
discrete state; T iterations are a `fori_loop` with a traced bound (no retrace per T).
See shared/notes/neural-executor.md for the design measurements behind this choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
from flax import nnx

from compiler.life import NUM_ENTRIES

TRACE_COUNTS = {"rollout": 0}  # incremented at trace time only: tests read it for retraces


@dataclass(frozen=True)
class NeuralConfig:
    channels: int = 16  # neighbourhood-convolution channels
    width: int = 128  # hidden width of the per-cell MLP
    depth: int = 3  # ReLU layers


class RuleConditionedCell(nnx.Module):
    def __init__(self, config: NeuralConfig, *, rngs: nnx.Rngs):
        if min(config.channels, config.width, config.depth) < 1:
            raise ValueError(f"neural reasoner sizes must be positive, got {config}")
        self.config = config
        self.neighbourhood = nnx.Conv(1, config.channels, (3, 3), padding="CIRCULAR", rngs=rngs)
        self.read_cell = nnx.Linear(config.channels, config.width, rngs=rngs)
        self.read_rule = nnx.Linear(NUM_ENTRIES, config.width, use_bias=False, rngs=rngs)
        self.hidden = nnx.List([nnx.Linear(config.width, config.width, rngs=rngs)
                                for _ in range(config.depth - 1)])
        self.head = nnx.Linear(config.width, 2, rngs=rngs)

    def __call__(self, tables: jax.Array, states: jax.Array) -> jax.Array:
        """Next-state logits `[B, H, W, 2]` for tables `[B, 2, 9]` and states `[B, H, W]`."""
        x = (2.0 * states.astype(jnp.float32) - 1.0)[..., None]
        rule = 2.0 * tables.reshape(tables.shape[0], NUM_ENTRIES).astype(jnp.float32) - 1.0
        h = self.read_cell(self.neighbourhood(x)) + self.read_rule(rule)[:, None, None, :]
        h = jax.nn.relu(h)
        for layer in self.hidden:
            h = jax.nn.relu(layer(h))
        return self.head(h)

    def step(self, tables: jax.Array, states: jax.Array) -> jax.Array:
        return jnp.argmax(self(tables, states), axis=-1).astype(states.dtype)


def rollout_fn(graphdef):
    """A jitted `rollout(params, tables, states, steps)` for one model structure."""

    @jax.jit
    def rollout(params, tables, states, steps):
        TRACE_COUNTS["rollout"] += 1
        model = nnx.merge(graphdef, params)
        return jax.lax.fori_loop(0, steps, lambda _, s: model.step(tables, s), states)

    return rollout


class NeuralReasoner:
    """The learned reasoner behind the common `rollout(tables, states, T)` interface."""

    name = "neural"

    def __init__(self, model: RuleConditionedCell):
        self.graphdef, self.params = nnx.split(model)
        self._rollout = rollout_fn(self.graphdef)

    def rollout(self, tables, states, steps):
        return self._rollout(self.params, jnp.asarray(tables, jnp.uint8),
                             jnp.asarray(states, jnp.uint8), jnp.asarray(steps, jnp.int32))
