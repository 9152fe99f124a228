"""Train the learned life proposer (compiler/life/proposer_net.py) on training-split rules:
supervised (`train`: the true table is the target) or self-taught (`train_self_taught`: no
true table, only the checker's verdicts on the net's own drafts, plus hindsight pairs).

Each example is a task drawn from the regimes where one guess fails (issue 13): demo
horizon 1-3, output noise 0-0.05, 2-8 demos of 12-32 cells square; the target is the true
table (binary cross-entropy per entry). Data come from NumPy/JAX generation on the host,
one regime per batch (fixed shapes inside a batch). Deterministic from the seed.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from compiler import get_domain
from compiler.checker import check_tasks
from compiler.life import Demos, run_batch_jit, table_from_index
from compiler.life.proposer_net import ProposerNet, demo_features, most_likely_tables
from experiments.training.proposer_loop import ProposerRun, fit, gradient_step, measured, new_run, pass_rates
from tasks.life import heldout_rule_pool, random_grids, train_rule_pool

LIFE = get_domain("life")

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


def new_net(seed: int, width: int, lr: float, steps: int, rng_seed) -> ProposerRun:
    """A run of a fresh ProposerNet with Adam (cosine decay to 5% over `steps`)."""
    return new_run(ProposerNet(width, rngs=nnx.Rngs(seed)),
                   optax.adam(optax.cosine_decay_schedule(lr, steps, alpha=0.05)), rng_seed)


def train(seed: int = 0, steps: int = 2000, batch: int = 128, lr: float = 3e-3, width: int = 128,
          heldout_fraction: float = 0.1, log_every: int = 200, progress=print, log=None,
          run_dir=None, checkpoint_every: int = 0):
    pool = train_rule_pool(heldout_fraction)
    run = new_net(seed, width, lr, steps, [seed, 0x9E0])
    update = gradient_step(lambda m, x, y: optax.sigmoid_binary_cross_entropy(m(x), y).mean())

    def step(run, s):
        x, y, _ = sample_batch(run.rng, pool, batch)
        return {"loss": update(run.model, run.optimizer, jnp.asarray(x), jnp.asarray(y))}

    return fit(run, step, steps, log_every, progress, log, run_dir, checkpoint_every)


def hindsight_pairs(drafts, demos):
    """(features, tables): each draft run on its task's own demo inputs makes demos it
    reproduces exactly, so (those demos, the draft) is a correct training pair without any
    true rule (hindsight relabelling)."""
    b = len(drafts)
    xs = np.concatenate([d.inputs for d in demos])
    n, h = len(demos[0].inputs), demos[0].horizon
    ys = np.asarray(run_batch_jit(np.repeat(drafts, n, axis=0), xs, h))
    relabelled = [Demos(xs[i * n:(i + 1) * n], ys[i * n:(i + 1) * n], h) for i in range(b)]
    features = np.stack([demo_features(d) for d in relabelled])
    return features, drafts.reshape(b, -1).astype(np.float32)


def train_self_taught(seed: int = 0, steps: int = 2000, batch: int = 128, lr: float = 3e-3,
                      width: int = 128, drafts: int = 16, hindsight: bool = True,
                      explore: float = 0.25, heldout_fraction: float = 0.1, log_every: int = 200,
                      progress=print, log=None, run_dir=None, checkpoint_every: int = 0):
    """The same network trained with *no true rules*: per task, the net's `drafts` most
    likely tables are checked against the demos; a draft that reproduces them (the
    checker's verdict: zero wrong cells) is the target on those demos (expert iteration).
    With `hindsight`, a table *sampled* from the net's distribution for each task (each
    entry re-drawn uniformly with probability `explore`) becomes a correct pair on demos it
    makes itself from the task's inputs. (Its own most likely table would not do: the net
    learns to predict one table everywhere, which then explains its own demos, loss 0 after
    20 steps, measured.) Tasks come from training-split rules, whose tables the loss never
    sees."""
    pool = train_rule_pool(heldout_fraction)
    run = new_net(seed, width, lr, steps, [seed, 0x5E1F])

    def weighted_loss(m, x, y, w):
        per = optax.sigmoid_binary_cross_entropy(m(x), y).mean(axis=1)
        return (per * w).sum() / jnp.maximum(w.sum(), 1.0)

    update = gradient_step(weighted_loss)

    def step(run, s):
        rng = run.rng
        x, _, demos = sample_batch(rng, pool, batch)  # the true tables are dropped here
        logits = np.asarray(run.model(jnp.asarray(x)))
        cands = np.stack([most_likely_tables(row, drafts) for row in logits])  # [B, K, 2, 9]
        wrong = check_tasks(LIFE, cands, demos)  # the generic checker, all tasks in one call
        best = wrong.argmin(axis=1)
        ok = wrong[np.arange(batch), best] == 0
        xs, ys, ws = [x], [cands[np.arange(batch), best].reshape(batch, -1).astype(np.float32)], [ok]
        if hindsight:
            p = 1 / (1 + np.exp(-logits))
            p = (1 - explore) * p + explore * 0.5
            sampled = (rng.random(p.shape) < p).astype(np.uint8).reshape(batch, 2, 9)
            hx, hy = hindsight_pairs(sampled, demos)
            xs.append(hx)
            ys.append(hy)
            ws.append(np.ones(batch, bool))
        loss = update(run.model, run.optimizer, jnp.asarray(np.concatenate(xs)),
                      jnp.asarray(np.concatenate(ys)), jnp.asarray(np.concatenate(ws), jnp.float32))
        return {"loss": loss, "consistent_found": ok.mean()}

    return fit(run, step, steps, log_every, progress, log, run_dir, checkpoint_every)


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
    return pass_rates(hit_rank, ks)



# the regimes `train_proposer` reports pass@K on (held-out rules)
REPORTED = [dict(horizon=1, noise=0.0, num_demos=4, grid=16),
            dict(horizon=1, noise=0.0, num_demos=2, grid=12),
            dict(horizon=2, noise=0.02, num_demos=4, grid=16),
            dict(horizon=3, noise=0.0, num_demos=4, grid=16)]


def train_and_measure(args, log=None):
    """`experiments.train_proposer --domain life`: (the trained net, its meta.json); `log`
    gets each logged step's metrics row."""
    def measure(model):
        return [{**regime, **pass_at_k(model, args.seed, args.eval_tasks, **regime)}
                for regime in REPORTED], args.eval_tasks

    extra = {"explore": args.explore} if args.self_taught else {}
    model, meta = measured(args, train_self_taught if args.self_taught else train, measure,
                           args.width or 128, args.batch, log, **extra)
    return model, {**meta, "explore": extra.get("explore")}
