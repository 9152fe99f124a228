"""Training data for learned logic reasoners: a bank of training-split rule sets and a
jittable, fixed-shape batch drawn from it by a key alone (step s's data depends on (seed, s)).

The bank is generated on the host once per run (tasks/logic.py `training_pool`, numpy):
`pool_size` rule sets from the training split (never a held-out hash), at depths
1..task.depth, as one `[P, R, 4]` array with each one's used rows first. A batch draws rule
sets from the bank and builds states on the device with the exact executor:
- half of the examples start from a query-like state (each input atom unknown, true or
  false; derived atoms unknown), the other half from random bits on every atom at a
  random density (both bits on ~10% of the set atoms: the contradictory states a wrong
  draft or a noisy demo produces); 5% start exploded;
- the state is advanced t ~ U{0..depth} chaining steps (the training depth: nothing
  deeper is ever shown), and the target is one step on (`next`), with each rule's fire
  bit (`fires`) and whether the state is already the fixed point (`stable`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from compiler.logic.executor import CLOSED, EXPLODED, FALSE, TRUE, read, run, slot_indices, to_bits
from compiler.logic.rules import BODY

DEMO_STEPS = 16  # demo closures in training batches: enough for the fixed point at depth <= 3


def rule_fires(rules, state):
    """`[R]` whether each rule's body holds in `state` (the executor's semantics)."""
    body_idx, _ = slot_indices(rules, state.shape[-1])
    return to_bits(state)[body_idx].all(axis=-1)


def initial_states(key, batch: int, atoms: int, inputs: int):
    k_kind, k_in, k_dens, k_bits, k_both, k_exp, k_world = jax.random.split(key, 7)
    query_like = jax.random.uniform(k_kind, (batch, 1)) < 0.5
    given = jax.random.randint(k_in, (batch, atoms), 0, 3)  # 0 unknown, 1 true, 2 false
    given = jnp.where(jnp.arange(atoms) < inputs, given, 0)
    query = jnp.where(given == 1, TRUE, jnp.where(given == 2, FALSE, 0))
    density = jax.random.uniform(k_dens, (batch, 1))
    u = jax.random.uniform(k_bits, (batch, atoms))
    value = jnp.where(u < density / 2, TRUE, jnp.where(u < density, FALSE, 0))
    both = (jax.random.uniform(k_both, (batch, atoms)) < 0.1) & (value > 0)
    noisy = jnp.where(both, TRUE | FALSE, value)
    state = jnp.where(query_like, query, noisy)
    exploded = jax.random.uniform(k_exp, (batch, 1)) < 0.05
    closed = jax.random.uniform(k_world, (batch, 1)) < 0.5
    return (state | jnp.where(exploded, EXPLODED, 0) | jnp.where(closed, CLOSED, 0)).astype(jnp.uint8)


def training_batch(key, pool, batch: int, atoms: int, depth: int, inputs: int, num_demos: int = 0,
                   halt_window: int = 0, trajectory: int = 0) -> dict:
    """A fixed-shape batch: `rules [B, R, 4]`, `state`, `next [B, A]`, `fires [B, R]`,
    `stable [B]`; with `num_demos`, `demo_facts` (total input assignments) and
    `demo_closure` (their read closures) `[B, N, A]` for the end-to-end reasoner; with
    `trajectory`, `trajectory [B, K, A]`: the states 1..K steps on (the latent's targets).
    `halt_window` is accepted for the common interface (the fixed point is its own test)."""
    del halt_window
    k_rule, k_state, k_time, k_demo = jax.random.split(key, 4)
    rules = pool[jax.random.randint(k_rule, (batch,), 0, pool.shape[0])]
    state = initial_states(k_state, batch, atoms, inputs)
    t = jax.random.randint(k_time, (batch,), 0, depth + 1)
    step = jax.vmap(run, in_axes=(0, 0, None))

    def advance(i, s):
        return jnp.where((i < t)[:, None], step(rules, s, 1), s)

    state = jax.lax.fori_loop(0, depth, advance, state)
    nxt = step(rules, state, 1)
    out = {"rules": rules, "state": state, "next": nxt,
           "fires": jax.vmap(rule_fires)(rules, state) & (rules[..., BODY] > 0),
           "stable": (nxt == state).all(axis=1)}
    if num_demos:
        values = jax.random.bernoulli(k_demo, 0.5, (batch, num_demos, atoms))
        facts = jnp.where(jnp.arange(atoms) < inputs, jnp.where(values, TRUE, FALSE), 0)
        facts = (facts | (state[:, None, :1] & CLOSED)).astype(jnp.uint8)  # the state's world
        flat = jax.vmap(step, in_axes=(None, 1, None), out_axes=1)(rules, facts, DEMO_STEPS)
        out["demo_facts"], out["demo_closure"] = facts, read(flat)
    if trajectory:
        def unroll(s, _):
            s = step(rules, s, 1)
            return s, s

        out["trajectory"] = jnp.moveaxis(jax.lax.scan(unroll, state, None, length=trajectory)[1], 0, 1)
    return out
