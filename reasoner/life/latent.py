"""The latent regime: a recurrent reasoner whose state between iterations is continuous.

As in the DeepThinking line (Schwarzschild et al. 2021; Bansal et al. 2022): an input
projection makes the first latent `z_0` from the query; every iteration re-injects the
query and the rule set (*recall*) and updates `z` per cell; a per-cell head decodes `z`
into next-state logits only when an answer is read. Nothing forces one iteration to be one
life step: training supervises only the decoded state after `h` iterations against the
life state after `h` steps (no per-step targets), with the progressive loss (a random
number of iterations without gradient, then a random number with). Whether the recurrence
keeps tracking the dynamics far past the training horizons is the open question (H4).

The latent is bounded (tanh), so iterating it cannot blow up; a halting head on the pooled
hidden features predicts "the decoded answer no longer changes" (a fixed point).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import nnx

from compiler.life import NUM_ENTRIES
from reasoner.halting import halting_loop
from reasoner.life.neural import circular_patches
from reasoner.neural_config import NeuralConfig, pm1


class LatentCell(nnx.Module):
    def __init__(self, config: NeuralConfig, *, reads: str = "rules", rngs: nnx.Rngs):
        if min(config.channels, config.width, config.depth) < 1:
            raise ValueError(f"latent reasoner sizes must be positive, got {config}")
        if reads != "rules":
            raise ValueError("the latent reasoner reads the compiled rule set (reads='rules')")
        self.config = config
        self.reads = reads
        c, w = config.channels, config.width  # channels: latent channels per cell
        self.encode = nnx.Linear(9, c, rngs=rngs)
        self.read_cell = nnx.Linear(9 * (c + 1), w, rngs=rngs)
        self.read_task = nnx.Linear(NUM_ENTRIES, w, use_bias=False, rngs=rngs)
        self.hidden = nnx.List([nnx.Linear(w, w, rngs=rngs) for _ in range(config.depth - 1)])
        self.write = nnx.Linear(w, c, rngs=rngs)
        self.decode = nnx.Linear(c, 2, rngs=rngs)
        self.halt = nnx.Linear(2 * w, 1, rngs=rngs,
                               bias_init=nnx.initializers.constant(config.halt_bias))

    def context(self, tables) -> jax.Array:
        return self.read_task(pm1(tables.reshape(tables.shape[0], NUM_ENTRIES)))

    def init_latent(self, states) -> jax.Array:
        return jnp.tanh(self.encode(circular_patches(pm1(states)[..., None])))

    def iterate(self, context, x, z):
        """One iteration with recall: (next latent `[B, H, W, C]`, halting logit `[B]`)."""
        h = self.read_cell(circular_patches(jnp.concatenate([z, x], axis=-1)))
        h = jax.nn.relu(h + context[:, None, None, :])
        for layer in self.hidden:
            h = jax.nn.relu(layer(h))
        pooled = jnp.concatenate([h.mean(axis=(1, 2)), h.max(axis=(1, 2))], axis=-1)
        return jnp.tanh(self.write(h)), self.halt(pooled)[:, 0]

    def run(self, context, x, z, steps, max_steps: int):
        """`steps` `[B]` iterations per example inside a static loop of `max_steps`
        (differentiable; examples past their count keep their latent)."""
        def body(z, i):
            # skip the work once every example has run its count (cond runs one branch;
            # so a batch of short horizons, e.g. early in a curriculum, is cheap)
            nz, q = jax.lax.cond(jnp.any(i < steps), lambda: self.iterate(context, x, z),
                                 lambda: (z, jnp.zeros(z.shape[:1], z.dtype)))
            live = (i < steps)[:, None, None, None]
            return jnp.where(live, nz, z), q

        z, qs = jax.lax.scan(body, z, jnp.arange(max_steps))
        return z, qs

    def __call__(self, tables, states, steps: int = 1):
        """Decoded logits after `steps` iterations (a static count; for tests and init)."""
        x = pm1(states)[..., None]
        z, _ = self.run(self.context(tables), x, self.init_latent(states),
                        jnp.full(states.shape[:1], steps), steps)
        return self.decode(z)


def latent_rollout_fn(graphdef):
    """Jitted `rollout(params, tables, states, T)` and `rollout_halting(..., max_T)`."""

    @jax.jit
    def rollout(params, tables, states, steps):
        model = nnx.merge(graphdef, params)
        context, x = model.context(tables), pm1(states)[..., None]
        z = jax.lax.fori_loop(0, steps, lambda _, z: model.iterate(context, x, z)[0],
                              model.init_latent(states))
        return jnp.argmax(model.decode(z), -1).astype(states.dtype)

    @jax.jit
    def rollout_halting(params, tables, states, max_steps):
        model = nnx.merge(graphdef, params)
        context, x = model.context(tables), pm1(states)[..., None]
        z, used = halting_loop(lambda z: model.iterate(context, x, z), model.init_latent(states),
                               max_steps, halt_before_update=False)
        return jnp.argmax(model.decode(z), -1).astype(states.dtype), used

    return rollout, rollout_halting


class LatentReasoner:
    """A trained LatentCell behind the common `rollout(tables, states, T)` interface.

    Its answer after T iterations cannot be continued from the decoded state (the latent
    is lost), so evaluation restarts from the query for every T (its spec: not
    resumable); a certificate does not apply (not discrete)."""

    name = "latent"
    reads = "rules"

    def __init__(self, model: LatentCell):
        from reasoner.registry import get_spec

        self.spec = get_spec("life", "latent")
        self.graphdef, self.params = nnx.split(model)
        self._rollout, self._rollout_halting = latent_rollout_fn(self.graphdef)

    def rollout(self, tables, states, steps):
        return self._rollout(self.params, jnp.asarray(tables, jnp.uint8),
                             jnp.asarray(states, jnp.uint8), jnp.asarray(steps, jnp.int32))

    def rollout_halting(self, tables, states, max_steps):
        return self._rollout_halting(self.params, jnp.asarray(tables, jnp.uint8),
                                     jnp.asarray(states, jnp.uint8),
                                     jnp.asarray(max_steps, jnp.int32))
