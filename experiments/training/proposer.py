"""Train the learned life proposer (compiler/life/proposer_net.py) on training-split rules.

Each example is a task drawn from the regimes where one guess fails (issue 13): demo
horizon 1-3, output noise 0-0.05, 2-8 demos of 12-32 cells square; the target is the true
table (binary cross-entropy per entry). Data come from NumPy/JAX generation on the host,
one regime per batch (fixed shapes inside a batch). Deterministic from the seed.
"""

from __future__ import annotations

import time

import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from compiler.life import Demos, run_batch_jit, table_from_index
from compiler.life.proposer_net import ProposerNet, demo_features, most_likely_tables
from tasks.life import heldout_rule_pool, random_grids, train_rule_pool

REGIMES = dict(horizons=(1, 2, 3), noises=(0.0, 0.02, 0.05), demos=(2, 4, 8), grids=(12, 16, 32))


def sample_batch(rng: np.random.Generator, pool, batch: int, horizon=None, noise=None,
                 num_demos=None, grid=None):
    """(features `[B, F]`, tables `[B, 18]`, demos per example) for one random regime."""
    h = horizon or int(rng.choice(REGIMES["horizons"]))
    p = float(rng.choice(REGIMES["noises"])) if noise is None else noise
    n = num_demos or int(rng.choice(REGIMES["demos"]))
    g = grid or int(rng.choice(REGIMES["grids"]))
    rules = rng.choice(pool, size=batch)
    tables = table_from_index(rules)
    xs = random_grids(rng, batch * n, g, g)
    ys = np.asarray(run_batch_jit(np.repeat(tables, n, axis=0), xs, h))
    if p > 0:
        ys = ys ^ (rng.random(ys.shape) < p).astype(np.uint8)
    demos = [Demos(xs[i * n:(i + 1) * n], ys[i * n:(i + 1) * n], h) for i in range(batch)]
    features = np.stack([demo_features(d) for d in demos])
    return features, tables.reshape(batch, -1).astype(np.float32), demos


def train(seed: int = 0, steps: int = 2000, batch: int = 128, lr: float = 3e-3, width: int = 128,
          heldout_fraction: float = 0.1, log_every: int = 200, progress=print):
    rng = np.random.default_rng([seed, 0x9E0])
    pool = train_rule_pool(heldout_fraction)
    model = ProposerNet(width, rngs=nnx.Rngs(seed))
    schedule = optax.cosine_decay_schedule(lr, steps, alpha=0.05)
    optimizer = nnx.Optimizer(model, optax.adam(schedule), wrt=nnx.Param)

    @nnx.jit
    def step(model, optimizer, x, y):
        def loss_fn(m):
            return optax.sigmoid_binary_cross_entropy(m(x), y).mean()

        loss, grads = nnx.value_and_grad(loss_fn)(model)
        optimizer.update(model, grads)
        return loss

    started = time.perf_counter()
    for s in range(steps):
        x, y, _ = sample_batch(rng, pool, batch)
        loss = step(model, optimizer, jnp.asarray(x), jnp.asarray(y))
        if progress and (s + 1) % log_every == 0:
            progress(f"step {s + 1}/{steps} loss {float(loss):.4f} "
                     f"({time.perf_counter() - started:.0f} s)")
    return model


def pass_at_k(model, seed: int, num_tasks: int, ks=(1, 4, 16, 64), heldout_fraction: float = 0.1,
              **regime) -> dict:
    """Share of held-out tasks whose true table is among the model's k most likely."""
    rng = np.random.default_rng([seed, 0xE7A1])
    x, y, _ = sample_batch(rng, heldout_rule_pool(heldout_fraction), num_tasks, **regime)
    logits = np.asarray(model(jnp.asarray(x)))
    top = max(ks)
    hit_rank = []
    for row, truth in zip(logits, y, strict=True):
        tables = most_likely_tables(row, top).reshape(top, -1)
        match = np.nonzero((tables == truth).all(axis=1))[0]
        hit_rank.append(int(match[0]) if len(match) else top)
    hit_rank = np.array(hit_rank)
    return {f"pass@{k}": float((hit_rank < k).mean()) for k in ks}

