"""The logic executor in JAX: forward chaining with explicit negation.

State: one uint8 per atom. Bit 0: derived (or given) true; bit 1: derived false; both: a
contradiction on that atom. Bit 2 marks the closed-world reading (an atom never derived
reads false); it is carried, never derived, so a state can be continued. Bit 3 is set on
every atom once an integrity constraint has fired (the state as a whole is contradictory).

One step fires every rule whose body literals all hold in the current state (`~a` holds
when `a` is false, given or derived: no negation as failure) and sets its head literal.
Chaining is monotone, so the fixed point is reached within 2 x atoms steps; a query's
proof depth is the number of steps to it. T is traced: changing it never recompiles.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from compiler.logic.rules import BODY, FALSE_HEAD

TRUE, FALSE, CLOSED, EXPLODED = 1, 2, 4, 8
UNDETERMINED = 16  # an answer mark (voters disagree), never an executor state
# read values: what an atom means to a reader of the answer
UNKNOWN, READ_TRUE, READ_FALSE, CONTRADICTION, READ_UNDETERMINED = 0, 1, 2, 3, 4
NOT_ASKED = 255  # in a truth array: this atom is not scored


def slot_indices(rules, num_atoms: int):
    """Slots of a flat bit vector `[2A + 4]` (2a: a true, 2a+1: a false, 2A: constraint
    fired, 2A+1: always set, 2A+2: never set, 2A+3: discarded writes) for body literals
    `[..., R, 3]` and heads `[..., R]`."""
    rules = jnp.asarray(rules, jnp.int32)
    body, head = rules[..., :BODY], rules[..., BODY]
    n = 2 * num_atoms
    body_idx = jnp.where(body == 0, n + 1, jnp.where(body <= n, body - 1, n + 2))
    head_idx = jnp.where(head == FALSE_HEAD, n, jnp.where((head >= 1) & (head <= n), head - 1, n + 3))
    return body_idx, head_idx


def to_bits(state):
    """`[A]` state -> `[2A + 4]` bools."""
    a = state.shape[-1]
    tf = jnp.stack([(state & TRUE) > 0, (state & FALSE) > 0], axis=-1).reshape(2 * a)
    extra = jnp.array([False, True, False, False]).at[0].set((state & EXPLODED).any())
    return jnp.concatenate([tf, extra])


def from_bits(bits, state):
    a = state.shape[-1]
    tf = bits[:2 * a].reshape(a, 2).astype(jnp.uint8)
    exploded = jnp.where(bits[2 * a], EXPLODED, 0).astype(jnp.uint8)
    return tf[:, 0] * TRUE | tf[:, 1] * FALSE | (state & CLOSED) | exploded


def bits_step(bits, body_idx, head_idx):
    fires = bits[body_idx].all(axis=-1)
    return bits.at[head_idx].max(fires)


def run(rules, state, steps):
    """One RuleSet `[R, 4]` on one state `[A]` for `steps` (traced) steps."""
    body_idx, head_idx = slot_indices(rules, state.shape[-1])
    bits = jax.lax.fori_loop(0, steps, lambda _, b: bits_step(b, body_idx, head_idx),
                             to_bits(state))
    return from_bits(bits, state)


def closure_and_depth(rules, state):
    """The fixed point of one state and the steps it took (its proof depth)."""
    bits, depth, _ = fixed_point_bits(rules, state)
    return from_bits(bits, state), depth


def fixed_point_bits(rules, state):
    """The fixed point as bits `[2A + 4]`, the steps it took, and the rules' head slots
    and whether each rule fires there (`[R]` each: for blame)."""
    body_idx, head_idx = slot_indices(rules, state.shape[-1])
    limit = 2 * state.shape[-1] + 2

    def cond(carry):
        _, changed, t = carry
        return changed & (t < limit)

    def body(carry):
        bits, _, t = carry
        new = bits_step(bits, body_idx, head_idx)
        changed = (new != bits).any()
        return new, changed, t + changed.astype(jnp.int32)

    bits, _, depth = jax.lax.while_loop(cond, body, (to_bits(state), jnp.array(True), jnp.int32(0)))
    return bits, depth, (head_idx, bits[body_idx].all(axis=-1))


def contradictory(state):
    """True where the state holds a contradiction (an atom both ways, or a constraint)."""
    return ((state & EXPLODED) > 0).any(axis=-1) | ((state & 3) == 3).any(axis=-1)


def read(state):
    """Read values per atom: unknown 0, true 1, false 2, contradiction 3, undetermined 4;
    closed-world atoms never derived read false."""
    state = jnp.asarray(state)
    v = state & 3
    v = jnp.where((v == 0) & ((state & CLOSED) > 0), READ_FALSE, v)
    v = jnp.where((state & EXPLODED) > 0, CONTRADICTION, v)
    return jnp.where((state & UNDETERMINED) > 0, READ_UNDETERMINED, v).astype(jnp.uint8)


run_batch = jax.vmap(run, in_axes=(0, 0, None))
closure_batch = jax.vmap(closure_and_depth, in_axes=(0, 0))


@jax.jit
def run_batch_jit(rules, states, steps):
    return run_batch(rules, states, steps)


@jax.jit
def closure_batch_jit(rules, states):
    return closure_batch(rules, states)


@jax.jit
def closure_many_jit(rules, states):
    """One RuleSet on many states: fixed points `[B, A]` and depths `[B]`."""
    return jax.vmap(closure_and_depth, in_axes=(None, 0))(rules, states)


def used_rows(rules) -> np.ndarray:
    """A batch of RuleSets `[..., R, 4]` with each one's used rows first (rule order does
    not matter to synchronous chaining) and only as many rows as the fullest one uses,
    rounded up to a power of two (>= 8) so that few shapes are compiled."""
    rules = np.asarray(rules)
    unused = rules[..., BODY] <= 0
    if (unused[..., 1:] < unused[..., :-1]).any():  # some used row after an unused one
        order = np.argsort(unused, axis=-1, kind="stable")
        rules = np.take_along_axis(rules, order[..., None], axis=-2)
    used = int((~unused).sum(axis=-1).max(initial=0))
    rows = 8
    while rows < used:
        rows *= 2
    return rules[..., :min(rows, rules.shape[-2]), :]


def read_np(state) -> np.ndarray:
    return np.array(read(jnp.asarray(state)))
