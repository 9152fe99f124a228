"""Training losses of the logic reasoners (tasks/logic_training.py makes their batches).

`chaining_loss`: teacher-forced one step, BCE on the next true/false bits of every atom
(and the bottom atom), on each rule's fire bit (the executor's, a per-step target like the
next state; compiled reasoner only) and the halting head's BCE ("already the fixed point").
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import nnx

from reasoner.logic.neural import state_bits
from reasoner.losses import bce, final_state_setup
from reasoner.neural_config import pm1


def chaining_loss(graphdef, t, reads_demos: bool):
    def loss_fn(p, batch, key, step):
        model = nnx.merge(graphdef, p)
        task = (batch["demo_facts"], batch["demo_closure"]) if reads_demos else batch["rules"]
        logits, q, fire_logits = model(task, batch["state"])
        target = state_bits(batch["next"])
        bit_loss = bce(logits, target).mean()
        halt_loss = bce(q, batch["stable"]).mean()
        correct = (logits > 0) == target
        metrics = {"step_loss": bit_loss, "cell_acc": correct.mean(),
                   "exact": correct.all(axis=(1, 2)).mean(),
                   "halt_acc": ((q > 0) == batch["stable"]).mean()}
        loss = bit_loss + t.halt_weight * halt_loss
        if not reads_demos:
            used = batch["rules"][..., -1] > 0
            fire = (bce(fire_logits, batch["fires"]) * used).sum() / jnp.maximum(used.sum(), 1)
            metrics["fire_loss"] = fire
            loss = loss + fire
        return loss, metrics

    return {"num_demos": t.num_demos if reads_demos else 0}, loss_fn


def chaining_final_state_loss(graphdef, t, reads_demos: bool = False):
    """The logic latent reasoner's loss (as life's `final_state_loss`): only the decoded
    bits after h iterations are supervised, against the chaining state h steps on, mixed
    with the progressive loss; the halting head learns "the answer after h steps is the
    fixed point"."""
    horizon, alpha, counts = final_state_setup(t, reads_demos)

    def loss_fn(p, batch, key, step):
        model = nnx.merge(graphdef, p)
        rules, x0, traj = batch["rules"], batch["state"], batch["trajectory"]
        b = x0.shape[0]
        h, n, k = counts(key, b, step)
        x, z0, rows = pm1(state_bits(x0)), model.init_latent(x0), jnp.arange(b)
        z, qs = model.run(rules, x, z0, h, horizon)
        logits = model.decode(z)
        target = state_bits(traj[rows, h - 1])
        full = bce(logits, target).mean()
        zn = jax.lax.stop_gradient(model.run(rules, x, z0, n, max(horizon - 1, 1))[0])
        zp, _ = model.run(rules, x, zn, k, horizon)
        progressive = bce(model.decode(zp), state_bits(traj[rows, n + k - 1])).mean()
        fixed = (traj[rows, h - 1] == traj[rows, h]).all(axis=1)
        q = qs[h - 1, rows]
        halt = bce(q, fixed).mean()
        correct = (logits > 0) == target
        metrics = {"step_loss": full, "progressive_loss": progressive,
                   "cell_acc": correct.mean(), "exact": correct.all(axis=(1, 2)).mean(),
                   "halt_acc": ((q > 0) == fixed).mean()}
        return (1 - alpha) * full + alpha * progressive + t.halt_weight * halt, metrics

    return {"trajectory": horizon + 1}, loss_fn
