"""What the domains' training losses share: cross-entropies and the iteration counts of the
final-state (progressive) loss. A reasoner spec carries its own loss (`ReasonerSpec.loss`):
`loss(graphdef, t, reads_demos) -> (batch_kwargs, loss_fn)`, where `t` holds the `train.*`
values, `batch_kwargs` are the extra training-batch arguments the loss needs and
`loss_fn(params, batch, key, step) -> (loss, metrics)`."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax


def ce(logits, labels):
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels.astype(jnp.int32))


def bce(logits, labels):
    return optax.sigmoid_binary_cross_entropy(logits, labels.astype(jnp.float32))


def iteration_counts(t):
    """`counts(key, batch, step) -> (h, n, k)` `[B]` each: the final-state loss's
    iterations h ~ U{1..top}, and the progressive loss's n ~ U{0..top-1} iterations without
    gradient then k ~ U{1..top-n} with. `top` follows the curriculum: the first half of
    `curriculum_fraction` of the steps trains h = 1 only (learning one step takes ~500
    steps of batch 32 in life, measured), the second half raises it linearly to
    `train.horizon`; `curriculum_fraction=0` disables it."""
    horizon = t.horizon
    hold = int(t.curriculum_fraction * t.steps) // 2
    ramp = max(1, hold)

    def counts(key, b, step):
        kh, kn, kk = jax.random.split(key, 3)
        top = (jnp.clip(1 + (horizon * (step - hold)) // ramp, 1, horizon)
               if t.curriculum_fraction > 0 else horizon)
        h = 1 + jnp.floor(jax.random.uniform(kh, (b,)) * top).astype(jnp.int32)
        n = jnp.floor(jax.random.uniform(kn, (b,)) * top).astype(jnp.int32)
        k = 1 + jnp.floor(jax.random.uniform(kk, (b,)) * (top - n)).astype(jnp.int32)
        return h, n, k

    return counts


def final_state_setup(t, reads_demos: bool):
    """(horizon, progressive weight, `iteration_counts`) of a final-state loss, which trains
    reasoners that read compiled rules only."""
    if reads_demos:
        raise ValueError("the final-state loss trains reasoners that read compiled rules")
    return t.horizon, t.progressive_alpha, iteration_counts(t)
