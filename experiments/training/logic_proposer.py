"""Train the learned logic proposer (compiler/logic/proposer_net.py) with teacher forcing on
training-split rule sets, and measure pass@K on held-out ones.

Tasks are the logic generator's (tasks/logic.py, `task.*` defaults: 32 atoms, depth 3, 16
rules), 8 or 32 demos, generated once into a pool (host NumPy, ~50 ms a task); each step
draws a batch from one demo count. Deterministic from the seed.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from compiler import get_domain
from compiler.logic.proposer_net import (
    LogicProposerNet,
    literal_features,
    rule_tokens,
    sample_rule_sets,
    teacher_forced_loss,
)
from tasks.logic import LogicTaskConfig, make_task

MAX_RULES = 20  # training sequences: depth-3 rule sets have at most 16 rules


def task_pool(seed: int, size: int, num_demos: int, split: str = "train"):
    """(tasks, `[P, N, 2A, 5]`, `[P, 2A, 2A, 3]`, `[P, T]` targets)."""
    cfg = LogicTaskConfig(num_demos=num_demos)
    rng = np.random.default_rng([seed, 0x1060, num_demos, split == "train"])
    tasks = [make_task(rng, i, cfg, [1], split) for i in range(size)]
    feats = [literal_features(t.demos.facts, t.demos.closure) for t in tasks]
    atoms = tasks[0].demos.facts.shape[1]
    targets = np.stack([rule_tokens(t.rule, atoms, MAX_RULES) for t in tasks])
    return tasks, np.stack([f[0] for f in feats]), np.stack([f[1] for f in feats]), targets


def train(seed: int = 0, steps: int = 1500, batch: int = 32, lr: float = 3e-3, width: int = 64,
          pool_size: int = 1024, demo_counts=(8, 32), log_every: int = 100, progress=print):
    pools = [task_pool(seed, pool_size // len(demo_counts), n) for n in demo_counts]
    model = LogicProposerNet(width, rngs=nnx.Rngs(seed))
    schedule = optax.warmup_cosine_decay_schedule(0.0, lr, min(100, steps // 10), steps, lr * 0.05)
    optimizer = nnx.Optimizer(model, optax.chain(optax.clip_by_global_norm(1.0), optax.adam(schedule)),
                              wrt=nnx.Param)

    @nnx.jit
    def step(model, optimizer, per, pair, targets):
        loss, grads = nnx.value_and_grad(lambda m: teacher_forced_loss(m, per, pair, targets))(model)
        optimizer.update(model, grads)
        return loss

    rng = np.random.default_rng([seed, 0x57E9])
    started = time.perf_counter()
    for s in range(steps):
        _, per, pair, targets = pools[s % len(pools)]
        pick = rng.choice(len(per), size=batch)
        loss = step(model, optimizer, jnp.asarray(per[pick]), jnp.asarray(pair[pick]),
                    jnp.asarray(targets[pick]))
        if progress and (s + 1) % log_every == 0:
            progress(f"step {s + 1}/{steps} loss {float(loss):.4f} "
                     f"({time.perf_counter() - started:.0f} s)")
    return model


def pass_at_k(model, seed: int, num_tasks: int, num_demos: int, ks=(1, 4, 16, 64)) -> dict:
    """Share of held-out tasks with a rule set equivalent to the truth among the first k
    drafts (and among those that reproduce the demos)."""
    domain = get_domain("logic")
    tasks = task_pool(seed + 1000, num_tasks, num_demos, split="heldout")[0]
    top = max(ks)
    rank = []
    for i, t in enumerate(tasks):
        drafts, _ = sample_rule_sets(model, t.demos, top, jax.random.key(i))
        same = np.asarray(domain.equivalent(drafts, t.rule, t.demos)) if len(drafts) else np.zeros(0, bool)
        hit = np.nonzero(same)[0]
        rank.append(int(hit[0]) if len(hit) else top)
    rank = np.array(rank)
    return {f"pass@{k}": float((rank < k).mean()) for k in ks}
