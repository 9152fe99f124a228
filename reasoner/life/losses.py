"""Life's training losses: per-step (the discrete reasoners) and final-state-only (latent)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax
from flax import nnx

from reasoner.losses import ce, final_state_setup
from reasoner.neural_config import pm1


def per_step_loss(graphdef, t, reads_demos: bool):
    """Teacher-forced one-step loss + the halting head's BCE (neural, end_to_end)."""
    def loss_fn(p, batch, key, step):
        task = ((batch["demo_inputs"], batch["demo_outputs"]) if reads_demos
                else batch["tables"])
        x, y, in_cycle = batch["state"], batch["next"], batch["in_cycle"]
        logits, q = nnx.merge(graphdef, p)(task, x)
        step_loss = ce(logits, y).mean()
        halt_loss = optax.sigmoid_binary_cross_entropy(q, in_cycle.astype(jnp.float32)).mean()
        correct = jnp.argmax(logits, -1) == y
        metrics = {"step_loss": step_loss, "cell_acc": correct.mean(),
                   "exact": correct.all(axis=(1, 2)).mean(),
                   "halt_acc": ((q > 0) == in_cycle).mean()}
        return step_loss + t.halt_weight * halt_loss, metrics

    batch_kwargs = {"num_demos": t.num_demos if reads_demos else 0,
                    "halt_window": t.halt_window}
    return batch_kwargs, loss_fn


def final_state_loss(graphdef, t, reads_demos: bool = False):
    """The latent reasoner's loss: only the decoded state after h iterations is supervised,
    against the life state h steps on (h ~ U{1..horizon} per example), mixed with the
    progressive loss of DeepThinking (Bansal et al. 2022): n ~ U{0..horizon-1} iterations
    without gradient, then k ~ U{1..horizon-n} with gradient, target the state n+k steps on.
    """
    horizon, alpha, counts = final_state_setup(t, reads_demos)

    def loss_fn(p, batch, key, step):
        model = nnx.merge(graphdef, p)
        tables, x0, traj = batch["tables"], batch["state"], batch["trajectory"]
        b = x0.shape[0]
        h, n, k = counts(key, b, step)
        context, x, z0 = model.context(tables), pm1(x0)[..., None], model.init_latent(x0)
        rows = jnp.arange(b)

        z, qs = model.run(context, x, z0, h, horizon)
        logits = model.decode(z)
        target = traj[rows, h - 1]
        full = ce(logits, target).mean()
        zn = jax.lax.stop_gradient(model.run(context, x, z0, n, max(horizon - 1, 1))[0])
        zp, _ = model.run(context, x, zn, k, horizon)
        progressive = ce(model.decode(zp), traj[rows, n + k - 1]).mean()
        # halting target: the answer after h steps is a fixed point of the rule
        fixed = (traj[rows, h - 1] == traj[rows, h]).all(axis=(1, 2))
        q = qs[h - 1, rows]
        halt = optax.sigmoid_binary_cross_entropy(q, fixed.astype(jnp.float32)).mean()
        correct = jnp.argmax(logits, -1) == target
        metrics = {"step_loss": full, "progressive_loss": progressive,
                   "cell_acc": correct.mean(), "exact": correct.all(axis=(1, 2)).mean(),
                   "halt_acc": ((q > 0) == fixed).mean()}
        return (1 - alpha) * full + alpha * progressive + t.halt_weight * halt, metrics

    return {"trajectory": horizon + 1}, loss_fn
