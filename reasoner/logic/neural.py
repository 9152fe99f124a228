"""The compiled neural reasoner for `logic` (Flax NNX): message passing on the rule graph.

One iteration mirrors a forward-chaining step, with both local maps learned:
- every rule row reads its (up to three) body slots: per slot (used, negated, the body
  atom's true bit, its false bit) as +-1; a deep-sets rule network (a slot embedding
  summed over the slots, then an MLP) gives one *fire* logit. The message is its sign (a
  bit), so what an atom receives is discrete;
- the message goes to the rule's head slot (atom, sign); a constraint head goes to a
  virtual atom `bottom` whose true bit is the whole state's "exploded" flag. Each atom
  receives the OR (max) of what fired into its positive and its negative slot;
- an atom network reads (true bit, false bit, fired positive, fired negative) and gives
  the two next bits as logits; a halting head reads the max- and mean-pooled hidden atom
  features ("no atom changes any more").

The state between iterations is the executor's own uint8 state (compiler/logic/executor.py:
true/false bits, the carried closed-world bit, the exploded bit), so the reasoner is a
drop-in for the executor, T is traced and nothing depends on the number of atoms or
rules. The rule network sees only 9^3 slot configurations and the atom network 16, so
checking all of them certifies the reasoner on every rule set, size and depth
(reasoner/logic/certify.py).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from compiler.logic.executor import CLOSED, EXPLODED, FALSE, TRUE, used_rows
from compiler.logic.rules import BODY, FALSE_HEAD
from reasoner.halting import halting_loop
from reasoner.neural_config import NeuralConfig, pm1
from reasoner.registry import READS

SLOT_FEATURES = 4  # used, negated, atom true, atom false
ATOM_FEATURES = 4  # true, false, fired positive, fired negative


def state_bits(states):
    """`[B, A]` uint8 states -> `[B, A + 1, 2]` bools (true, false) with the virtual atom
    `bottom` last (true: a constraint has fired)."""
    tf = jnp.stack([(states & TRUE) > 0, (states & FALSE) > 0], axis=-1)
    bottom = ((states & EXPLODED) > 0).any(axis=-1)
    bottom = jnp.stack([bottom, jnp.zeros_like(bottom)], axis=-1)[:, None, :]
    return jnp.concatenate([tf, bottom], axis=1)


def bits_state(bits, states):
    """Inverse of `state_bits`: the next bits `[B, A + 1, 2]` as uint8 states, carrying
    the closed-world bit of `states`."""
    tf = bits[:, :-1].astype(jnp.uint8)
    exploded = jnp.where(bits[:, -1, 0], EXPLODED, 0).astype(jnp.uint8)[:, None]
    return tf[..., 0] * TRUE | tf[..., 1] * FALSE | (states & CLOSED) | exploded


def slot_features(rules, bits):
    """`[B, R, 3, 4]` per body slot: (used, negated, atom true, atom false) as 0/1.
    A literal naming an atom past the state reads neither true nor false (never holds)."""
    body = rules[..., :BODY].astype(jnp.int32)
    used = body > 0
    atom = (body - 1) // 2
    num_atoms = bits.shape[1] - 1
    exists = used & (atom < num_atoms)
    idx = jnp.clip(atom, 0, num_atoms - 1).reshape(atom.shape[0], -1)
    tf = jnp.take_along_axis(bits[:, :-1, :], idx[..., None], axis=1).reshape(*atom.shape, 2)
    tf = tf & exists[..., None]
    neg = used & ((body - 1) % 2 == 1)
    return jnp.concatenate([used[..., None], neg[..., None], tf], axis=-1)


def head_slots(rules, num_atoms: int):
    """`[B, R]` index into the flat `[2 (A + 1) + 1]` message slots: 2a + negated for a
    literal head, the bottom atom's positive slot for a constraint, the last (discarded)
    slot for unused rows and out-of-range heads."""
    head = rules[..., BODY].astype(jnp.int32)
    n = 2 * num_atoms
    return jnp.where(head == FALSE_HEAD, n, jnp.where((head >= 1) & (head <= n), head - 1, n + 2))


def route(fired, slots, num_atoms: int):
    """OR (max) of the rule messages `[B, R]` into their head slots -> `[B, A + 1, 2]`."""
    b = fired.shape[0]
    out = jnp.zeros((b, 2 * num_atoms + 3), fired.dtype)
    out = out.at[jnp.arange(b)[:, None], slots].max(fired)
    return out[:, :-1].reshape(b, num_atoms + 1, 2)


def hard(logits):
    """The logit's sign as 0/1 in the forward pass, the sigmoid's gradient backwards
    (straight-through): training sees the discrete messages the rollout uses."""
    soft = jax.nn.sigmoid(logits)
    return (logits > 0).astype(soft.dtype) + soft - jax.lax.stop_gradient(soft)


class MLP(nnx.Module):
    def __init__(self, inputs: int, width: int, depth: int, outputs: int, *, rngs: nnx.Rngs):
        self.first = nnx.Linear(inputs, width, rngs=rngs)
        self.hidden = nnx.List([nnx.Linear(width, width, rngs=rngs) for _ in range(depth - 1)])
        self.out = nnx.Linear(width, outputs, rngs=rngs)

    def features(self, x):
        h = jax.nn.relu(self.first(x))
        for layer in self.hidden:
            h = jax.nn.relu(layer(h))
        return h


class RuleNet(nnx.Module):
    """Deep sets over a rule's body slots -> the fire logit (order of the slots is moot)."""

    def __init__(self, config: NeuralConfig, *, rngs: nnx.Rngs):
        self.slot = nnx.Linear(SLOT_FEATURES, config.channels, rngs=rngs)
        self.mlp = MLP(config.channels, config.width, config.depth, 1, rngs=rngs)

    def __call__(self, slots):
        """`[..., 3, 4]` 0/1 slot features -> `[...]` fire logits."""
        pooled = jax.nn.relu(self.slot(pm1(slots))).sum(axis=-2)
        shape = pooled.shape
        h = self.mlp.features(pooled.reshape(-1, shape[-1]))
        return self.mlp.out(h)[:, 0].reshape(shape[:-1])


class AtomNet(nnx.Module):
    """(true, false, fired +, fired -) -> next (true, false) logits, and hidden features."""

    def __init__(self, config: NeuralConfig, *, rngs: nnx.Rngs):
        self.mlp = MLP(ATOM_FEATURES, config.width, config.depth, 2, rngs=rngs)

    def __call__(self, feats):
        shape = feats.shape
        h = self.mlp.features(pm1(feats).reshape(-1, shape[-1]))
        return self.mlp.out(h).reshape(*shape[:-1], 2), h.reshape(*shape[:-1], -1)


CLOSURE_VALUES = (0, 1, 2, 3, 255)  # a demo closure's read values: unknown, true, false,
# contradiction, not shown


class DemoReader(nnx.Module):
    """The end-to-end baseline's stand-in for the rules (no compiler): attention over the
    raw demos. Per demo, a score summed over atoms of (current state bits, the demo's fact
    bits, its closure value) says how much the demo resembles the current state; per atom,
    the softmax-weighted values of the demos give two evidence logits (derive true, derive
    false), made discrete like the rule messages."""

    def __init__(self, config: NeuralConfig, *, rngs: nnx.Rngs):
        feats = 4 + len(CLOSURE_VALUES)
        self.score = MLP(feats, config.width, 1, 1, rngs=rngs)
        self.value = nnx.Linear(feats, config.width, rngs=rngs)
        self.evidence = MLP(config.width, config.width, config.depth, 2, rngs=rngs)

    def __call__(self, demos, bits):
        facts, closure = demos  # [B, N, A] each
        b, n, a = facts.shape
        fact_bits = jnp.stack([(facts & TRUE) > 0, (facts & FALSE) > 0], axis=-1)
        now = jnp.broadcast_to(bits[:, None, :a, :], (b, n, a, 2))
        onehot = closure[..., None] == jnp.asarray(CLOSURE_VALUES, closure.dtype)
        x = pm1(jnp.concatenate([now, fact_bits, onehot], axis=-1))  # [B, N, A, 9]
        score = self.score.out(self.score.features(x))[..., 0].sum(axis=-1)  # [B, N]
        weight = jax.nn.softmax(score, axis=1)
        pooled = jnp.einsum("bn,bnaw->baw", weight, jax.nn.relu(self.value(x)))
        logits = self.evidence.out(self.evidence.features(pooled))  # [B, A, 2]
        incoming = jnp.concatenate([hard(logits), jnp.zeros((b, 1, 2), logits.dtype)], axis=1)
        return incoming, logits


class ChainingCell(nnx.Module):
    """The logic reasoners' recurrent cell: reads="rules" (compiled: the rule graph) or
    reads="demos" (end-to-end: a DemoReader in place of the rule network; the same atom
    network, discrete state and halting head)."""

    def __init__(self, config: NeuralConfig, *, reads: str = "rules", rngs: nnx.Rngs):
        if min(config.channels, config.width, config.depth) < 1:
            raise ValueError(f"neural reasoner sizes must be positive, got {config}")
        if reads not in READS:
            raise ValueError(f"reads must be one of {READS}, got {reads!r}")
        self.config = config
        self.reads = reads
        if reads == "rules":
            self.rule_net = RuleNet(config, rngs=rngs)
        else:
            self.demo_reader = DemoReader(config, rngs=rngs)
        self.atom_net = AtomNet(config, rngs=rngs)
        self.halt = nnx.Linear(2 * config.width, 1, rngs=rngs,
                               bias_init=nnx.initializers.constant(config.halt_bias))

    def messages(self, task, bits):
        """`[B, A + 1, 2]` messages into each atom's positive/negative slot, and the logits
        they came from (the rules' fire logits `[B, R]`; straight-through in training)."""
        if self.reads == "demos":
            return self.demo_reader(task, bits)
        rules = task
        logits = self.rule_net(slot_features(rules, bits))
        return route(hard(logits), head_slots(rules, bits.shape[1] - 1), bits.shape[1] - 1), logits

    def update(self, bits, incoming):
        """Next-bit logits `[B, A + 1, 2]` and the halting logit `[B]`."""
        logits, h = self.atom_net(jnp.concatenate([bits.astype(jnp.float32), incoming], axis=-1))
        pooled = jnp.concatenate([h.mean(axis=1), h.max(axis=1)], axis=-1)
        return logits, self.halt(pooled)[:, 0]

    def core(self, rules, states):
        """(next-bit logits, halting logit, rule fire logits) of uint8 states `[B, A]`."""
        bits = state_bits(states)
        incoming, fire_logits = self.messages(rules, bits)
        logits, q = self.update(bits, incoming)
        return logits, q, fire_logits

    def __call__(self, rules, states):
        return self.core(rules, states)

    def step(self, rules, states):
        return bits_state(self.core(rules, states)[0] > 0, states)


def rollout_fn(graphdef):
    """Jitted `rollout(params, rules, states, steps)` (T traced) and
    `rollout_halting(params, rules, states, max_steps)` -> (states, iterations used)."""

    @jax.jit
    def rollout(params, rules, states, steps):
        model = nnx.merge(graphdef, params)
        return jax.lax.fori_loop(0, steps, lambda _, s: model.step(rules, s), states)

    @jax.jit
    def rollout_halting(params, rules, states, max_steps):
        model = nnx.merge(graphdef, params)

        def step(s):
            logits, q, _ = model.core(rules, s)
            return bits_state(logits > 0, s), q

        return halting_loop(step, states, max_steps)

    return rollout, rollout_halting


def reasoner_input(task, reads: str):
    """What a rollout gets: the demos as uint8 arrays, or rule sets with their used rows
    first and no more rows than the fullest one uses (fewer rows, less work)."""
    if reads == "demos":
        return tuple(jnp.asarray(t, jnp.uint8) for t in task)
    if isinstance(task, jax.core.Tracer):  # inside a caller's jit (the cycle detector)
        return task
    return jnp.asarray(used_rows(np.asarray(task)), jnp.int16)


class ChainingReasoner:
    """A trained ChainingCell behind the common `rollout(task, states, T)` interface: `task`
    is rules `[B, R, 4]` (any R; compiled) or the raw demos `(facts, closure)` `[B, N, A]`
    (end-to-end); states `[B, A]` uint8 (any A), like the executor."""

    def __init__(self, model: ChainingCell):
        from reasoner.registry import get_spec

        self.graphdef, self.params = nnx.split(model)
        self.reads = model.reads
        self.spec = get_spec("logic", "neural" if self.reads == "rules" else "end_to_end")
        self.name = self.spec.name
        self._rollout, self._rollout_halting = rollout_fn(self.graphdef)
        self._local = None

    def _rules(self, task):
        return reasoner_input(task, self.reads)

    def rollout(self, rules, states, steps):
        return self._rollout(self.params, self._rules(rules), jnp.asarray(states, jnp.uint8),
                             jnp.asarray(steps, jnp.int32))

    def rollout_halting(self, rules, states, max_steps):
        return self._rollout_halting(self.params, self._rules(rules),
                                     jnp.asarray(states, jnp.uint8),
                                     jnp.asarray(max_steps, jnp.int32))

    def local_logits(self):
        """(`[729]` fire logits of every rule-slot configuration, `[16, 2]` next-bit
        logits of every atom configuration): what certification checks."""
        if self._local is None:
            from reasoner.logic.certify import local_logits_fn
            self._local = local_logits_fn(self.graphdef)
        return self._local(self.params)

    def step_fn(self, rules):
        """A jittable `state -> next state` for the cycle detector."""
        model = nnx.merge(self.graphdef, self.params)
        rules = self._rules(rules)
        return lambda s: model.step(rules, s)
