"""The pieces of a learned life proposer (the meta-module, issue 13): what it reads of the
demos, the network, and how K distinct drafts come out of its distribution.

- `demo_features(groups)`: a fixed-size summary of any number of demos of any grid size
  and horizon: per table entry, how often a demo-input cell reading it ends live or dead in
  the demo output (as a share and a log count), and the demo horizon (one-hot, 1-3+).
  For horizon 1 the share is the entry's value wherever it is observed; for longer
  horizons it is the evidence a network has to learn to correct. Plus, per input entry,
  the distribution of the entry the same cell reads in the demo output (18 x 18): for
  longer horizons it carries what the second-order statistics say (pass@64 at horizon 2
  rose from 7.5% to 15% with it, 200 held-out tasks, 2000 steps).
- `ProposerNet`: an MLP from those features to 18 logits, one per table entry (a
  factorized Bernoulli distribution over the 2^18 tables).
- `most_likely_tables(logits, k)`: the k most likely distinct tables under that
  distribution, best first (exact best-first enumeration, no sampling duplicates).

Training is `experiments/training/life_proposer.py`; the experiments layer loads the shipped
weights and hands the net to `neural_proposer` (or, as the first start of the mean-field
refinement, to `compiler.life.mean_field.mean_field_proposer`).
"""

from __future__ import annotations

import heapq

import jax.numpy as jnp
import numpy as np
from flax import nnx

from compiler.domain import as_groups
from compiler.life.executor import entry_index
from compiler.life.rules import NUM_ENTRIES

MAX_HORIZON_FEATURE = 3
NUM_FEATURES = 3 * NUM_ENTRIES + MAX_HORIZON_FEATURE + NUM_ENTRIES * NUM_ENTRIES


def demo_features(demos) -> np.ndarray:
    """`[NUM_FEATURES]` float32 summary of the demo groups (see the module docstring)."""
    counts = np.zeros((NUM_ENTRIES, 2), np.float64)
    joint = np.zeros((NUM_ENTRIES, NUM_ENTRIES), np.float64)
    horizon = np.zeros(MAX_HORIZON_FEATURE, np.float32)
    for group in as_groups(demos):
        idx = np.asarray(entry_index(jnp.asarray(group.inputs))).ravel()
        out = np.asarray(group.outputs).ravel()
        counts += np.bincount(idx * 2 + out, minlength=NUM_ENTRIES * 2).reshape(NUM_ENTRIES, 2)
        after = np.asarray(entry_index(jnp.asarray(group.outputs))).ravel()
        joint += np.bincount(idx * NUM_ENTRIES + after,
                             minlength=NUM_ENTRIES ** 2).reshape(NUM_ENTRIES, NUM_ENTRIES)
        horizon[min(group.horizon, MAX_HORIZON_FEATURE) - 1] = 1.0
    total = counts.sum(axis=1)
    share = np.where(total > 0, counts[:, 1] / np.maximum(total, 1), 0.5)
    seen = (total > 0).astype(np.float64)
    joint = joint / np.maximum(joint.sum(axis=1, keepdims=True), 1)
    return np.concatenate([share, np.log1p(total) / 10.0, seen, horizon,
                           joint.ravel()]).astype(np.float32)


class ProposerNet(nnx.Module):
    """Features `[B, NUM_FEATURES]` -> logits `[B, 18]` (entry order of `table.reshape(-1)`)."""

    def __init__(self, width: int = 128, *, rngs: nnx.Rngs):
        self.hidden1 = nnx.Linear(NUM_FEATURES, width, rngs=rngs)
        self.hidden2 = nnx.Linear(width, width, rngs=rngs)
        self.out = nnx.Linear(width, NUM_ENTRIES, rngs=rngs)

    def __call__(self, features):
        h = nnx.relu(self.hidden1(features))
        h = nnx.relu(self.hidden2(h))
        return self.out(h)


def most_likely_tables(logits, k: int) -> np.ndarray:
    """`[min(k, 2^18), 2, 9]` uint8: the k most likely tables under independent
    Bernoulli(sigmoid(logits)) entries, best first, all distinct.

    The most likely table takes each entry's likelier value; any other table costs the sum
    of |logit| over the entries it flips. Tables come out in increasing cost by the standard
    best-first walk over flip sets (entries sorted by |logit|; from a set ending at entry i,
    either add entry i+1 or move the last flip from i to i+1), which visits each set once.
    """
    logits = np.asarray(logits, np.float64).reshape(-1)
    best = (logits > 0).astype(np.uint8)
    order = np.argsort(np.abs(logits), kind="stable")
    cost = np.abs(logits)[order]
    n = len(logits)
    tables = [best.copy()]
    heap = [(cost[0], (0,))] if n else []
    while heap and len(tables) < k:
        c, flips = heapq.heappop(heap)
        table = best.copy()
        table[order[list(flips)]] ^= 1
        tables.append(table)
        last = flips[-1]
        if last + 1 < n:
            heapq.heappush(heap, (c + cost[last + 1], flips + (last + 1,)))  # add the next
            heapq.heappush(heap, (c - cost[last] + cost[last + 1], flips[:-1] + (last + 1,)))  # move
    return np.stack(tables).reshape(-1, 2, 9)


def demo_logits(model: ProposerNet, demos) -> np.ndarray:
    """`[18]` the trained `model`'s logits for one task's demos."""
    return np.asarray(model(jnp.asarray(demo_features(demos))[None]))[0]


def neural_proposer(model: ProposerNet):
    """A proposer (the registry signature) that drafts the k most likely tables the trained
    `model` assigns to the demos."""

    def propose(key, demos, num_drafts, config=None, truth=None):
        logits = demo_logits(model, demos)
        return most_likely_tables(logits, num_drafts), {"neural_confidence": float(
            np.mean(np.abs(logits)))}

    return propose
