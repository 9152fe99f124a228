"""The latent regime for `logic`: message passing on the rule graph with a continuous
state per atom, trained on the final state only (reasoner/life/latent.py is life's).

Every atom (and the bottom atom, "a constraint fired") carries a latent `z` of `channels`
numbers (tanh-bounded). One iteration, with *recall* of the query's bits and the rule set:
each rule embeds its body slots ((used, negated) and the slot atom's latent, summed over
slots) into a message vector; messages are summed into their head's positive or negative
slot; each atom's MLP reads its latent, its query bits and both incoming sums and writes
the next latent. A linear head decodes a latent into (true, false) logits only when an
answer is read, and a halting head on the pooled hidden features predicts "the decoded
answer is the fixed point". Nothing makes one iteration one chaining step: that has to be
learned from final states (the progressive loss helps), which is the open question.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import nnx

from compiler.logic.rules import BODY
from reasoner.halting import halting_loop
from reasoner.logic.neural import MLP, bits_state, head_slots, reasoner_input, state_bits
from reasoner.neural_config import NeuralConfig, pm1


class LatentChainingCell(nnx.Module):
    def __init__(self, config: NeuralConfig, *, reads: str = "rules", rngs: nnx.Rngs):
        if min(config.channels, config.width, config.depth) < 1:
            raise ValueError(f"latent reasoner sizes must be positive, got {config}")
        if reads != "rules":
            raise ValueError("the latent reasoner reads the compiled rule set (reads='rules')")
        self.config = config
        self.reads = reads
        c, w = config.channels, config.width
        self.encode = nnx.Linear(2, c, rngs=rngs)
        self.slot = nnx.Linear(2 + c, w, rngs=rngs)
        self.message = nnx.Linear(w, c, rngs=rngs)
        self.atom = MLP(3 * c + 2, w, config.depth, c, rngs=rngs)
        self.decode = nnx.Linear(c, 2, rngs=rngs)
        self.halt = nnx.Linear(2 * w, 1, rngs=rngs,
                               bias_init=nnx.initializers.constant(config.halt_bias))

    def init_latent(self, states):
        """`[B, A + 1, C]` from the query's bits (bottom atom last)."""
        return jnp.tanh(self.encode(pm1(state_bits(states))))

    def iterate(self, rules, x, z):
        """One iteration: (next latent, halting logit `[B]`); `x` the query's bits."""
        b, atoms_1, c = z.shape
        body = rules[..., :BODY].astype(jnp.int32)
        used = body > 0
        atom = jnp.clip((body - 1) // 2, 0, atoms_1 - 2)
        neg = used & ((body - 1) % 2 == 1)
        zs = jnp.take_along_axis(z, atom.reshape(b, -1)[..., None], axis=1).reshape(*body.shape, c)
        zs = zs * used[..., None]
        slot = jnp.concatenate([pm1(used)[..., None], pm1(neg)[..., None], zs], axis=-1)
        msg = jnp.tanh(self.message(jax.nn.relu(self.slot(slot)).sum(axis=2)))  # [B, R, C]
        slots = head_slots(rules, atoms_1 - 1)
        incoming = jnp.zeros((b, 2 * atoms_1 + 1, c), z.dtype)
        incoming = incoming.at[jnp.arange(b)[:, None], slots].add(msg)
        incoming = incoming[:, :-1].reshape(b, atoms_1, 2 * c)
        h = self.atom.features(jnp.concatenate([z, x, incoming], axis=-1).reshape(b * atoms_1, -1))
        nz = jnp.tanh(self.atom.out(h)).reshape(b, atoms_1, c)
        h = h.reshape(b, atoms_1, -1)
        pooled = jnp.concatenate([h.mean(axis=1), h.max(axis=1)], axis=-1)
        return nz, self.halt(pooled)[:, 0]

    def run(self, rules, x, z, steps, max_steps: int):
        """`steps` `[B]` iterations per example inside a static loop of `max_steps`."""
        def body(z, i):
            nz, q = jax.lax.cond(jnp.any(i < steps), lambda: self.iterate(rules, x, z),
                                 lambda: (z, jnp.zeros(z.shape[:1], z.dtype)))
            return jnp.where((i < steps)[:, None, None], nz, z), q

        return jax.lax.scan(body, z, jnp.arange(max_steps))

    def __call__(self, rules, states, steps: int = 1):
        """Decoded (true, false) logits `[B, A + 1, 2]` after `steps` iterations."""
        x = pm1(state_bits(states))
        z, _ = self.run(rules, x, self.init_latent(states), jnp.full(states.shape[:1], steps), steps)
        return self.decode(z)


def latent_rollout_fn(graphdef):
    """Jitted `rollout(params, rules, states, T)` and `rollout_halting(..., max_T)`."""

    @jax.jit
    def rollout(params, rules, states, steps):
        model = nnx.merge(graphdef, params)
        x = pm1(state_bits(states))
        z = jax.lax.fori_loop(0, steps, lambda _, z: model.iterate(rules, x, z)[0],
                              model.init_latent(states))
        return bits_state(model.decode(z) > 0, states)

    @jax.jit
    def rollout_halting(params, rules, states, max_steps):
        model = nnx.merge(graphdef, params)
        x = pm1(state_bits(states))
        z, used = halting_loop(lambda z: model.iterate(rules, x, z), model.init_latent(states),
                               max_steps, halt_before_update=False)
        return bits_state(model.decode(z) > 0, states), used

    return rollout, rollout_halting


class LatentChainingReasoner:
    """A trained LatentChainingCell behind `rollout(rules, states, T)`; not resumable (the
    latent is lost in the decoded answer), not certifiable (not discrete)."""

    name = "latent"
    reads = "rules"

    def __init__(self, model: LatentChainingCell):
        from reasoner.registry import get_spec

        self.spec = get_spec("logic", "latent")
        self.graphdef, self.params = nnx.split(model)
        self._rollout, self._rollout_halting = latent_rollout_fn(self.graphdef)

    def _rules(self, rules):
        return reasoner_input(rules, "rules")

    def rollout(self, rules, states, steps):
        return self._rollout(self.params, self._rules(rules), jnp.asarray(states, jnp.uint8),
                             jnp.asarray(steps, jnp.int32))

    def rollout_halting(self, rules, states, max_steps):
        return self._rollout_halting(self.params, self._rules(rules),
                                     jnp.asarray(states, jnp.uint8),
                                     jnp.asarray(max_steps, jnp.int32))
