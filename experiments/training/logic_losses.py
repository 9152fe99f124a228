"""Training losses of the logic reasoners (tasks/logic_training.py makes their batches).

`chaining_loss`: teacher-forced one step, BCE on the next true/false bits of every atom
(and the bottom atom), on each rule's fire bit (the executor's, a per-step target like the
next state; compiled reasoner only) and the halting head's BCE ("already the fixed point").
"""

from __future__ import annotations

import jax.numpy as jnp
import optax
from flax import nnx
from omegaconf import DictConfig

from reasoner.logic.neural import state_bits


def _bce(logits, labels):
    return optax.sigmoid_binary_cross_entropy(logits, labels.astype(jnp.float32))


def chaining_loss(graphdef, t: DictConfig, reads_demos: bool):
    def loss_fn(p, batch, key, step):
        model = nnx.merge(graphdef, p)
        task = (batch["demo_facts"], batch["demo_closure"]) if reads_demos else batch["rules"]
        logits, q, fire_logits = model(task, batch["state"])
        target = state_bits(batch["next"])
        bit_loss = _bce(logits, target).mean()
        halt_loss = _bce(q, batch["stable"]).mean()
        correct = (logits > 0) == target
        metrics = {"step_loss": bit_loss, "cell_acc": correct.mean(),
                   "exact": correct.all(axis=(1, 2)).mean(),
                   "halt_acc": ((q > 0) == batch["stable"]).mean()}
        loss = bit_loss + t.halt_weight * halt_loss
        if not reads_demos:
            used = batch["rules"][..., -1] > 0
            fire = (_bce(fire_logits, batch["fires"]) * used).sum() / jnp.maximum(used.sum(), 1)
            metrics["fire_loss"] = fire
            loss = loss + fire
        return loss, metrics

    return {"num_demos": t.num_demos if reads_demos else 0}, loss_fn
