"""The end-to-end baseline for ARC: a fresh neural cellular automaton per task, trained on
that task's demos only (the ARC-NCA recipe: Guichard et al. 2025; Xu & Miikkulainen 2025),
then run on the test input. It reads the demos, never a rule set.

State: `channels` per cell, the first 10 a colour's one-hot (the input), the rest hidden,
zero outside the grid (the canvas's OUT cells never update). One step: a learned 3x3
perception of every channel, a ReLU layer of `hidden` units, a residual update of the
state. Training: AdamW on the cross-entropy of the colour channels after `ca_steps` steps
against the demo output, `batch` demos a step (sampled with replacement), `train_steps`
steps. Tasks are trained side by side (vmapped): each has its own parameters and its own
key. The two attempts are the colours after `ca_steps` and after `2 * ca_steps` steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import optax

COLOURS, OUT = 10, 10


@dataclass(frozen=True)
class NCAConfig:
    channels: int = 50
    hidden: int = 128
    ca_steps: int = 48  # the recipe: 32-64
    train_steps: int = 3000
    batch: int = 8
    lr: float = 2e-3
    weight_decay: float = 1e-4


def init_params(key, config: NCAConfig) -> dict:
    k1, k2 = jax.random.split(key)
    c, h = config.channels, config.hidden
    return {"perceive": jax.random.normal(k1, (9 * c, h)) * (2.0 / (9 * c)) ** 0.5,
            "bias": jnp.zeros(h),
            "update": jax.random.normal(k2, (h, c)) * 1e-3}


def encode(grid, channels: int):
    """`[C, C]` canvas -> `[C, C, channels]` state and the in-grid mask."""
    inside = grid != OUT
    onehot = jax.nn.one_hot(jnp.where(inside, grid, 0), COLOURS) * inside[..., None]
    return jnp.pad(onehot, ((0, 0), (0, 0), (0, channels - COLOURS))), inside


def step(params, state, inside):
    patches = jnp.concatenate([jnp.roll(state, (dy, dx), axis=(0, 1))
                               for dy in (1, 0, -1) for dx in (1, 0, -1)], axis=-1)
    hidden = jax.nn.relu(patches @ params["perceive"] + params["bias"])
    return (state + hidden @ params["update"]) * inside[..., None]


def rollout(params, grid, steps: int, channels: int):
    state, inside = encode(grid, channels)
    return jax.lax.fori_loop(0, steps, lambda _, s: step(params, s, inside), state)


def loss_fn(params, inputs, outputs, config: NCAConfig):
    def one(x, y):
        logits = rollout(params, x, config.ca_steps, config.channels)[..., :COLOURS]
        inside = y != OUT
        ce = optax.softmax_cross_entropy_with_integer_labels(logits, jnp.where(inside, y, 0))
        return (ce * inside).sum() / jnp.maximum(inside.sum(), 1)
    return jax.vmap(one)(inputs, outputs).mean()


@partial(jax.jit, static_argnames=("config",))
def train_tasks(keys, demo_inputs, demo_outputs, demo_counts, config: NCAConfig):
    """Parameters for each task `[B]`, trained on its own demos `[B, N, C, C]` (the first
    `demo_counts[b]` real)."""
    tx = optax.adamw(config.lr, weight_decay=config.weight_decay)

    def train_one(key, xs, ys, n):
        k_init, k_data = jax.random.split(key)
        params = init_params(k_init, config)
        opt = tx.init(params)

        def body(carry, i):
            params, opt = carry
            pick = jax.random.randint(jax.random.fold_in(k_data, i), (config.batch,), 0, n)
            loss, grads = jax.value_and_grad(loss_fn)(params, xs[pick], ys[pick], config)
            updates, opt = tx.update(grads, opt, params)
            return (optax.apply_updates(params, updates), opt), loss

        (params, _), losses = jax.lax.scan(body, (params, opt), jnp.arange(config.train_steps))
        return params, losses[-1]

    return jax.vmap(train_one)(keys, demo_inputs, demo_outputs, demo_counts)


@partial(jax.jit, static_argnames=("config",))
def answer_tasks(params, grids, config: NCAConfig):
    """The two attempts `[B, 2, C, C]` of each task's trained NCA on its canvas `grids`."""
    def one(p, g):
        inside = g != OUT
        first = rollout(p, g, config.ca_steps, config.channels)
        second = rollout(p, g, 2 * config.ca_steps, config.channels)
        colour = lambda s: jnp.where(inside, jnp.argmax(s[..., :COLOURS], -1), OUT)
        return jnp.stack([colour(first), colour(second)]).astype(jnp.uint8)
    return jax.vmap(one)(params, grids)


class NCAReasoner:
    """`reasoner=end_to_end` for arc: trains a fresh NCA per task on its demos (the batch's
    tasks side by side), then answers. `rollout` gives the first attempt; `rollout_ranked`
    both (the spec declares `ranked`). The last batch's parameters are kept, so the two
    calls on one batch train once."""

    name = "end_to_end"
    reads = "demos"

    def __init__(self, config: NCAConfig = NCAConfig(), seed: int = 0):
        from reasoner.registry import get_spec

        self.config, self.seed = config, seed
        self.spec = get_spec("arc", "end_to_end")
        self._trained = (None, None)

    def train(self, demos):
        inputs, outputs, counts = demos
        key = (id(inputs), inputs.shape)
        if self._trained[0] != key:
            keys = jax.random.split(jax.random.key(self.seed), len(inputs))
            params, _ = train_tasks(keys, jnp.asarray(inputs), jnp.asarray(outputs),
                                    jnp.asarray(counts), self.config)
            self._trained = (key, params)
        return self._trained[1]

    def rollout_ranked(self, demos, states, steps, top: int = 2):
        """`[B, 2, C, C]`: the colours after `ca_steps` and `2 * ca_steps` steps (`steps`
        is not used: the NCA was trained for its own number of steps)."""
        return answer_tasks(self.train(demos), jnp.asarray(states), self.config)[:, :top]

    def rollout(self, demos, states, steps):
        return self.rollout_ranked(demos, states, steps)[:, 0]
