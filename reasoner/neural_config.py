"""What every domain's neural reasoners share: their size config and input encoding."""

from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp


@dataclass(frozen=True)
class NeuralConfig:
    channels: int = 16  # neighbourhood-convolution channels (life); input features (logic)
    width: int = 128  # hidden width of the per-cell (per-atom) MLP
    depth: int = 3  # ReLU layers of the MLP
    halt_bias: float = -5.0  # initial bias of the halting logit


def pm1(x):
    """0/1 -> -1/+1 floats (what every layer reads)."""
    return 2.0 * x.astype(jnp.float32) - 1.0
