"""Test-time refinement of a distribution over life tables through a differentiable
(mean-field) relaxation of the executor (issue 13: regimes where one guess fails).

A table is relaxed to 18 independent Bernoulli entries `p = sigmoid(theta)`. From a demo
input, the first step is exact under that relaxation: a cell is live with probability
`p[entry it reads]`. Later steps treat the cells as independent (the mean-field
approximation): a cell's live-neighbour count is Poisson-binomial over its 8 neighbours'
probabilities (an exact 9-bin convolution), and its next probability is the table's
expectation under that count. The demo outputs then score `theta` by binary cross-entropy,
and Adam descends it from several starts at once (vmapped). The rounded minima, and the
best-first tables around them, are the drafts.

Why: a learned net reading demo statistics could not invert two steps (pass@64 10-16% at
demo horizon 2, noise 0.02); descending the relaxed likelihood from its guess or from
random starts finds the rule (`python -m experiments.benchmarks.mean_field_ablation`
measures each part; README "proposers" has the table).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax

from compiler.domain import as_groups, host_rng
from compiler.life.executor import entry_index
from compiler.life.proposer_net import most_likely_tables
from compiler.life.rules import NUM_COUNTS, NUM_ENTRIES

_EPS = 1e-4


def _neighbours(q):
    """The 8 Moore neighbours of every cell on the torus (shifted copies of `q`)."""
    return [jnp.roll(jnp.roll(q, dy, -2), dx, -1)
            for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]


def count_distribution(q):
    """`[..., H, W, 9]`: the distribution of each cell's live-neighbour count when every
    cell is live independently with probability `q` `[..., H, W]` (Poisson-binomial)."""
    count = jnp.zeros(q.shape + (NUM_COUNTS,)).at[..., 0].set(1.0)
    for r in _neighbours(q):  # add one Bernoulli(r) neighbour to the count distribution
        shifted = jnp.concatenate([jnp.zeros(q.shape + (1,)), count[..., :-1]], axis=-1)
        count = count * (1 - r)[..., None] + shifted * r[..., None]
    return count


def relaxed_run(theta, inputs, steps: int):
    """P(live) of every cell after `steps` updates `[..., H, W]` of the relaxed table
    `sigmoid(theta)` `[18]` from 0/1 `inputs` `[..., H, W]` (mean field after step 1)."""
    p = jax.nn.sigmoid(theta)
    q = p[entry_index(inputs)]
    for _ in range(steps - 1):
        count = count_distribution(q)
        live = (count * p[NUM_COUNTS:]).sum(-1)
        dead = (count * p[:NUM_COUNTS]).sum(-1)
        q = q * live + (1 - q) * dead
    return q


def relaxed_loss(theta, groups_arrays, horizons):
    """Mean binary cross-entropy of the demo outputs under the relaxed table, over all
    cells of all demo groups."""
    total, cells = 0.0, 0
    for (inputs, outputs), h in zip(groups_arrays, horizons, strict=True):
        q = jnp.clip(relaxed_run(theta, inputs, h), _EPS, 1 - _EPS)
        total = total - (outputs * jnp.log(q) + (1 - outputs) * jnp.log(1 - q)).sum()
        cells += outputs.size
    return total / cells


@functools.partial(jax.jit, static_argnames=("horizons", "steps"))
def refine_logits(starts, groups_arrays, horizons: tuple, steps: int = 300, lr: float = 0.1):
    """Adam descent of `relaxed_loss` from each row of `starts` `[R, 18]` -> (final logits
    `[R, 18]`, final losses `[R]`)."""
    opt = optax.adam(lr)

    def descend(theta):
        def body(carry, _):
            t, state = carry
            loss, grad = jax.value_and_grad(relaxed_loss)(t, groups_arrays, horizons)
            update, state = opt.update(grad, state)
            return (t + update, state), loss

        (t, _), losses = jax.lax.scan(body, (theta, opt.init(theta)), None, length=steps)
        return t, relaxed_loss(t, groups_arrays, horizons)

    return jax.vmap(descend)(starts)


def drafts_from_minima(logits, losses, num_drafts: int, per_start: int = 8) -> np.ndarray:
    """`[<=K, 2, 9]` distinct drafts: the `per_start` most likely tables of every refined
    start, starts in order of their final loss, then the best start's best-first tables."""
    order = np.argsort(np.asarray(losses), kind="stable")
    logits = np.asarray(logits)
    seen, out = set(), []
    runs = [most_likely_tables(logits[r], min(per_start, num_drafts)) for r in order]
    runs.append(most_likely_tables(logits[order[0]], num_drafts))
    for tables in runs:
        for table in tables:
            if len(out) == num_drafts:
                break
            if (b := table.tobytes()) not in seen:
                seen.add(b)
                out.append(table)
    return np.stack(out)


def mean_field_proposer(start_logits=None, restarts: int = 8, steps: int = 300,
                        lr: float = 0.1, scale: float = 2.0):
    """A proposer (the registry signature): refine `restarts` starts and draft around the
    minima. `start_logits(demos) -> [18]` (e.g. a learned proposer's logits) gives the first
    start; the others are N(0, scale^2) logits from the key."""

    def propose(key, demos, num_drafts, config=None, truth=None):
        groups = as_groups(demos)
        rng = host_rng(key)
        starts = rng.normal(0.0, scale, size=(restarts, NUM_ENTRIES)).astype(np.float32)
        if start_logits is not None:
            starts[0] = np.asarray(start_logits(groups), np.float32)
        arrays = tuple((jnp.asarray(g.inputs, jnp.int32), jnp.asarray(g.outputs, jnp.float32))
                       for g in groups)
        horizons = tuple(int(g.horizon) for g in groups)
        logits, losses = refine_logits(jnp.asarray(starts), arrays, horizons, steps, lr)
        losses = np.asarray(losses)
        return drafts_from_minima(logits, losses, num_drafts), {
            "mean_field_loss": float(losses.min()), "mean_field_starts": restarts}

    return propose
