"""Recurrent reasoners for the `life` domain (Flax NNX): one shared core, two ways to read a task.

The core maps the discrete state to next-state logits per cell: a learned 3x3 circular
convolution reads the neighbourhood, a task *context* vector is added to the first hidden
pre-activation at every cell, and a per-cell ReLU MLP outputs two logits. The argmax is
fed back, so the recurrence runs on a discrete state; T iterations are a `fori_loop` with a
traced bound (no retrace per T). A halting head reads the mean- and max-pooled hidden
features and predicts "this state is already in its final cycle" (TRM-style BCE, negative
initial bias).

The context comes from
- `reads="rules"` (the compiled reasoner): the RuleSet's 18 bits as +-1 through a bias-free
  linear layer (docs/life.md, "The reasoners");
- `reads="demos"` (the end-to-end baseline, no compiler): a deep-sets encoder over the raw
  demo pairs: per demo cell, the input's 3x3 neighbourhood and the output bit go through an
  MLP, are averaged over cells and demos, and pass a second MLP.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import nnx

from compiler.life import NUM_ENTRIES
from reasoner.halting import halting_loop
from reasoner.life.neighbourhoods import GRIDS, NUM_NEIGHBOURHOODS
from reasoner.neural_config import NeuralConfig, pm1
from reasoner.registry import READS

TRACE_COUNTS = {"rollout": 0}  # incremented at trace time only: tests read it for retraces


def circular_patches(x: jax.Array) -> jax.Array:
    """`[B, H, W, 9 C]`: each cell's 3x3 torus neighbourhood of `x [B, H, W, C]`.

    A 3x3 circular convolution is this followed by a matmul with the kernel; written with
    rolls and a matmul because XLA's CPU convolution backward pass inside a scan was ~60x
    slower (4.1 s vs 0.07 s forward for 8 iterations at batch 64, measured)."""
    return jnp.concatenate([jnp.roll(x, (dy, dx), axis=(1, 2))
                            for dy in (1, 0, -1) for dx in (1, 0, -1)], axis=-1)


class DemoSetEncoder(nnx.Module):
    """Deep sets over demo cells: mean of phi(input neighbourhood, output bit), then rho."""

    def __init__(self, config: NeuralConfig, *, rngs: nnx.Rngs):
        c, w = config.channels, config.width
        self.neighbourhood = nnx.Conv(1, c, (3, 3), padding="CIRCULAR", rngs=rngs)
        self.phi_in = nnx.Linear(c + 1, w, rngs=rngs)
        self.phi_out = nnx.Linear(w, w, rngs=rngs)
        self.rho_hidden = nnx.Linear(w, w, rngs=rngs)
        self.rho_out = nnx.Linear(w, w, use_bias=False, rngs=rngs)

    def __call__(self, demos) -> jax.Array:
        inputs, outputs = demos  # [B, N, H, W] each
        b, n, h, w = inputs.shape
        feats = self.neighbourhood(pm1(inputs).reshape(b * n, h, w, 1))
        feats = jnp.concatenate([feats, pm1(outputs).reshape(b * n, h, w, 1)], axis=-1)
        cell = self.phi_out(jax.nn.relu(self.phi_in(feats)))
        pooled = cell.reshape(b, n * h * w, -1).mean(axis=1)
        return self.rho_out(jax.nn.relu(self.rho_hidden(pooled)))


class RecurrentCell(nnx.Module):
    def __init__(self, config: NeuralConfig, *, reads: str = "rules", rngs: nnx.Rngs):
        if min(config.channels, config.width, config.depth) < 1:
            raise ValueError(f"neural reasoner sizes must be positive, got {config}")
        if reads not in READS:
            raise ValueError(f"reads must be one of {READS}, got {reads!r}")
        self.config = config
        self.reads = reads
        self.neighbourhood = nnx.Conv(1, config.channels, (3, 3), padding="CIRCULAR", rngs=rngs)
        self.read_cell = nnx.Linear(config.channels, config.width, rngs=rngs)
        if reads == "rules":
            self.read_task = nnx.Linear(NUM_ENTRIES, config.width, use_bias=False, rngs=rngs)
        else:
            self.read_task = DemoSetEncoder(config, rngs=rngs)
        self.hidden = nnx.List([nnx.Linear(config.width, config.width, rngs=rngs)
                                for _ in range(config.depth - 1)])
        self.head = nnx.Linear(config.width, 2, rngs=rngs)
        self.halt = nnx.Linear(2 * config.width, 1, rngs=rngs,
                               bias_init=nnx.initializers.constant(config.halt_bias))

    def context(self, task) -> jax.Array:
        """`[B, width]` from tables `[B, 2, 9]` or demos `(inputs, outputs)` `[B, N, H, W]`."""
        if self.reads == "rules":
            return self.read_task(pm1(task.reshape(task.shape[0], NUM_ENTRIES)))
        return self.read_task(task)

    def cell_features(self, states: jax.Array) -> jax.Array:
        """`[B, H, W, width]`: what each cell reads of its 3x3 neighbourhood (no task yet).

        The circular 3x3 convolution (the `neighbourhood` Conv's own kernel and bias) runs
        as rolls and one `[cells, 9] @ [9, C]` matmul: the same function, and on CPU the
        whole train step is ~1.4x faster than with XLA's convolution (27.8 vs 38.8 ms for
        the gradient at batch 64 on 16 x 16, measured side by side)."""
        b, h, w = states.shape
        patches = circular_patches(pm1(states)[..., None]).reshape(b * h * w, 9)
        conv = self.neighbourhood
        feats = patches @ conv.kernel[...].reshape(9, -1) + conv.bias[...]
        return self.read_cell(feats).reshape(b, h, w, -1)

    def cell_hidden(self, features: jax.Array, context: jax.Array) -> jax.Array:
        """The per-cell MLP on `features [..., width]` plus a broadcastable `context`.

        The layers run on 2-D `[cells, width]` arrays: XLA's CPU matmuls and their
        gradients are faster on them than on `[B, H, W, width]` (measured above)."""
        h = jax.nn.relu(features + context)
        shape = h.shape
        h = h.reshape(-1, shape[-1])
        for layer in self.hidden:
            h = jax.nn.relu(layer(h))
        return h.reshape(shape)

    def core(self, context: jax.Array, states: jax.Array):
        """(next-state logits `[B, H, W, 2]`, halting logit `[B]`) of states `[B, H, W]`."""
        b, hh, ww = states.shape
        feats = self.cell_features(states).reshape(b, hh * ww, -1)
        h = self.cell_hidden(feats, context[:, None, :])  # [B, cells, width]
        pooled = jnp.concatenate([h.mean(axis=1), h.max(axis=1)], axis=-1)
        logits = self.head(h.reshape(b * hh * ww, -1)).reshape(b, hh, ww, 2)
        return logits, self.halt(pooled)[:, 0]

    def neighbourhood_logits(self, context: jax.Array, features: jax.Array) -> jax.Array:
        """Next-state logits `[B, N, 2]` of the centre for contexts `[B, width]` and the
        centre features `[N, width]` of N neighbourhoods: the same per-cell map as `core`,
        laid out so the neighbourhood read is shared by all B tasks (the certifier's path)."""
        return self.head(self.cell_hidden(features[None, :, :], context[:, None, :]))

    def __call__(self, task, states):
        return self.core(self.context(task), states)

    def step(self, context, states):
        return jnp.argmax(self.core(context, states)[0], axis=-1).astype(states.dtype)


def rollout_fn(graphdef):
    """Jitted rollouts for one model structure (T, the iteration budget, is traced).

    `rollout(params, task, states, steps)` runs exactly `steps` iterations;
    `rollout_halting(params, task, states, max_steps)` stops each example once its halting
    head says "stable" (p > 0.5), and returns the states and the iterations used.
    """

    @jax.jit
    def rollout(params, task, states, steps):
        TRACE_COUNTS["rollout"] += 1
        model = nnx.merge(graphdef, params)
        context = model.context(task)
        return jax.lax.fori_loop(0, steps, lambda _, s: model.step(context, s), states)

    @jax.jit
    def rollout_halting(params, task, states, max_steps):
        model = nnx.merge(graphdef, params)
        context = model.context(task)

        def step(s):
            logits, q = model.core(context, s)
            return jnp.argmax(logits, -1).astype(s.dtype), q

        return halting_loop(step, states, max_steps)

    return rollout, rollout_halting


def neighbourhood_logits_fn(graphdef, chunk: int = 32):
    """Jitted `(params, task) -> [B, 512, 2]` for an NNX per-cell model (NeuralReasoner).

    Tasks go through in chunks of `chunk` under `lax.map`, so the `[chunk * 512, width]`
    activations stay in cache: about 2x faster on CPU than one large batch."""
    grids = jnp.asarray(GRIDS)

    @jax.jit
    def logits(params, task):
        model = nnx.merge(graphdef, params)
        features = model.cell_features(grids)[:, 1, 1, :]  # [512, width], the centres
        context = model.context(task)
        b = context.shape[0]
        size = min(chunk, b)  # (a single rule is not padded to a whole chunk)
        pad = -b % size
        context = jnp.pad(context, ((0, pad), (0, 0))).reshape(-1, size, context.shape[1])
        out = jax.lax.map(lambda c: model.neighbourhood_logits(c, features), context)
        return out.reshape(-1, NUM_NEIGHBOURHOODS, 2)[:b]

    return logits


class NeuralReasoner:
    """A trained cell behind the common `rollout(task, states, T)` interface.

    `task` is what the cell reads: `[B, 2, 9]` tables (compiled) or `(inputs, outputs)`
    demo arrays `[B, N, H, W]` (end-to-end). Its capabilities are its registry `spec`
    (argmax state fed back, per-cell update: discrete and certifiable).
    """

    def __init__(self, model: RecurrentCell):
        from reasoner.registry import get_spec

        self.graphdef, self.params = nnx.split(model)
        self.reads = model.reads
        self.spec = get_spec("life", "neural" if self.reads == "rules" else "end_to_end")
        self.name = self.spec.name
        self._rollout, self._rollout_halting = rollout_fn(self.graphdef)
        self._neighbourhood_logits = None

    def _task(self, task):
        if self.reads == "rules":
            return jnp.asarray(task, jnp.uint8)
        return tuple(jnp.asarray(t, jnp.uint8) for t in task)

    def rollout(self, task, states, steps):
        return self._rollout(self.params, self._task(task), jnp.asarray(states, jnp.uint8),
                             jnp.asarray(steps, jnp.int32))

    def rollout_halting(self, task, states, max_steps):
        return self._rollout_halting(self.params, self._task(task),
                                     jnp.asarray(states, jnp.uint8),
                                     jnp.asarray(max_steps, jnp.int32))

    def neighbourhood_logits(self, task):
        """`[B, 512, 2]` next-state logits of the centre of every 3x3 neighbourhood."""
        if self._neighbourhood_logits is None:
            self._neighbourhood_logits = neighbourhood_logits_fn(self.graphdef)
        return self._neighbourhood_logits(self.params, self._task(task))

    def step_fn(self, task):
        """A jittable `state -> next state` for the cycle detector."""
        model = nnx.merge(self.graphdef, self.params)
        context = model.context(self._task(task))
        return lambda s: model.step(context, s)
