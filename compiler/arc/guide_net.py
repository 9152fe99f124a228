"""The learned guide of ARC's program search: a net that reads a task's demo pairs and
scores every transform of the table (compiler/arc/transforms.py) by how likely it is to
be a step of the program that maps the inputs to the outputs.

Each demo pair is encoded alone, then the pairs are pooled (a set encoder: mean and max
over pairs, so the order of the demos does not matter and any number of them fits):
- a small convolutional net over the pair's canvases: the input and the output one-hot
  (11 channels each: colours 0-9 and outside the grid) and, where the sizes agree, the
  cells that change;
- hand features: both sizes and their ratios, the colour histograms of input and output,
  the colours that appear and disappear, and (same size) the colour-to-colour changes.
The head gives one logit per transform; its log-softmax is the transform's log-probability
(`transform_logp`), which the best-first search (compiler/arc/search.py `search_guided`)
sums along a chain: likely chains are tried first, so depth 3 fits the budget of depth 2.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from compiler.arc import transforms as T
from compiler.arc.features import CANVAS, COLOURS, OUT

MAX_PAIRS = 6  # demo pairs the net reads (the first ones; ARC tasks have 2-10)
NUM_TRANSFORMS = len(T.TRANSFORMS)
CHANNELS = 2 * (COLOURS + 1) + 1


def _hist(g: np.ndarray) -> np.ndarray:
    return np.bincount(g.ravel(), minlength=COLOURS)[:COLOURS] / g.size


def pair_features(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The hand features of one demo pair (real grids), `[NUM_HAND]` float32."""
    (hx, wx), (hy, wy) = x.shape, y.shape
    same = x.shape == y.shape
    size = [hx / CANVAS, wx / CANVAS, hy / CANVAS, wy / CANVAS,
            np.log2(hy / hx) / 4, np.log2(wy / wx) / 4, float(same),
            float((hy, wy) == (wx, hx)), float(hy % hx == 0 and wy % wx == 0),
            float(hx % hy == 0 and wx % wy == 0), float(hy < hx or wy < wx)]
    hin, hout = _hist(x), _hist(y)
    pin, pout = hin > 0, hout > 0
    colours = [hin, hout, pin, pout, pout & ~pin, pin & ~pout]
    moves = np.zeros((COLOURS, COLOURS), np.float32)
    changed = 0.0
    if same:
        diff = x != y
        changed = diff.mean()
        if diff.any():
            np.add.at(moves, (x[diff], y[diff]), 1.0)
            moves /= diff.sum()
    rest = [changed, (x != 0).mean(), (y != 0).mean(), pin.sum() / COLOURS, pout.sum() / COLOURS]
    return np.concatenate([np.asarray(size, np.float32), *[c.astype(np.float32) for c in colours],
                           moves.ravel(), np.asarray(rest, np.float32)]).astype(np.float32)


NUM_HAND = len(pair_features(np.zeros((2, 2), np.uint8), np.ones((2, 2), np.uint8)))


def pair_canvas(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`[C, C, CHANNELS]` uint8: input and output one-hot (OUT outside), changed cells."""
    out = np.zeros((CANVAS, CANVAS, CHANNELS), np.uint8)
    for offset, g in ((0, x), (COLOURS + 1, y)):
        canvas = np.full((CANVAS, CANVAS), OUT, np.uint8)
        canvas[:g.shape[0], :g.shape[1]] = g
        out[..., offset:offset + COLOURS + 1] = np.eye(COLOURS + 1, dtype=np.uint8)[canvas]
    if x.shape == y.shape:
        out[:x.shape[0], :x.shape[1], -1] = x != y
    return out


def task_encoding(pairs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(canvases `[P, C, C, CHANNELS]`, hand `[P, NUM_HAND]`, mask `[P]`) of up to
    `MAX_PAIRS` demo pairs `[(x, y), ...]`, padded to `MAX_PAIRS`."""
    pairs = list(pairs)[:MAX_PAIRS]
    canvases = np.zeros((MAX_PAIRS, CANVAS, CANVAS, CHANNELS), np.uint8)
    hand = np.zeros((MAX_PAIRS, NUM_HAND), np.float32)
    mask = np.zeros(MAX_PAIRS, np.float32)
    for i, (x, y) in enumerate(pairs):
        x, y = np.asarray(x, np.uint8), np.asarray(y, np.uint8)
        canvases[i], hand[i], mask[i] = pair_canvas(x, y), pair_features(x, y), 1.0
    return canvases, hand, mask


class GuideNet(nnx.Module):
    """Demo pairs -> one logit per transform. `width` is the pair embedding's width."""

    def __init__(self, width: int = 128, *, rngs: nnx.Rngs):
        c = max(width // 8, 8)
        self.conv1 = nnx.Conv(CHANNELS, c, (3, 3), rngs=rngs)
        self.conv2 = nnx.Conv(c, 2 * c, (3, 3), strides=(2, 2), rngs=rngs)
        self.conv3 = nnx.Conv(2 * c, 2 * c, (3, 3), strides=(2, 2), rngs=rngs)
        self.hand = nnx.Linear(NUM_HAND, width, rngs=rngs)
        self.pair = nnx.Linear(4 * c + width, width, rngs=rngs)
        self.task = nnx.Linear(2 * width, width, rngs=rngs)
        self.head = nnx.Linear(width, NUM_TRANSFORMS, rngs=rngs)

    def __call__(self, canvases, hand, mask):
        """canvases `[B, P, C, C, CHANNELS]`, hand `[B, P, NUM_HAND]`, mask `[B, P]` ->
        logits `[B, NUM_TRANSFORMS]`."""
        b, p = mask.shape
        h = canvases.reshape(b * p, *canvases.shape[2:]).astype(jnp.float32)
        h = jax.nn.relu(self.conv1(h))
        h = jax.nn.relu(self.conv2(h))
        h = jax.nn.relu(self.conv3(h))
        pooled = jnp.concatenate([h.mean(axis=(1, 2)), h.max(axis=(1, 2))], axis=-1)
        e = jax.nn.relu(self.hand(hand.reshape(b * p, -1)))
        e = jax.nn.relu(self.pair(jnp.concatenate([pooled, e], axis=-1))).reshape(b, p, -1)
        m = mask[..., None]
        mean = (e * m).sum(axis=1) / jnp.maximum(m.sum(axis=1), 1.0)
        top = jnp.where(m > 0, e, -1e9).max(axis=1)
        t = jax.nn.relu(self.task(jnp.concatenate([mean, top], axis=-1)))
        return self.head(t)


@nnx.jit
def _logits(net, canvases, hand, mask):
    return net(canvases, hand, mask)


def transform_logp(net: GuideNet, pairs) -> np.ndarray:
    """`[NUM_TRANSFORMS]` the net's log-probability of each transform for a task's demo
    pairs (real grids)."""
    canvases, hand, mask = task_encoding(pairs)
    logits = _logits(net, jnp.asarray(canvases[None]), jnp.asarray(hand[None]),
                     jnp.asarray(mask[None]))
    return np.asarray(jax.nn.log_softmax(logits[0]), np.float64)
