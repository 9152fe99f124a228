"""Run until stable: cycle detection on a reasoner's own discrete state (Brent's method).

`run_until_cycle(step, states, max_steps)` iterates `step` on a batch of discrete states
and, per example, finds the first state that recurs (index mu, the stabilization time) and
the cycle length lambda (1 for a fixed point). Only equality of whole states is used, so
it works for any reasoner whose state is discrete. All examples advance together; finished
ones are frozen by masks, so the loop has fixed shapes and a traced iteration budget.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp


class CycleResult(NamedTuple):
    states: jax.Array  # [B, H, W] the first recurring state (x_mu)
    mu: jax.Array  # [B] stabilization time (-1 if no cycle within the budget)
    period: jax.Array  # [B] cycle length lambda (-1 if none)
    iterations: jax.Array  # [B] step evaluations spent on the example


def _same(a, b):
    return (a == b).reshape(a.shape[0], -1).all(axis=1)


def _where(mask, a, b):
    return jnp.where(mask.reshape(-1, *([1] * (a.ndim - 1))), a, b)


def run_until_cycle(step, states, max_steps) -> CycleResult:
    """Brent's cycle detection, vectorized over the batch; `max_steps` bounds phase one."""
    b = states.shape[0]
    ones = jnp.ones(b, jnp.int32)

    # phase 1: find the period lambda
    def cond1(c):
        t, _, _, _, _, found, _ = c
        return (t < max_steps) & ~found.all()

    def body1(c):
        t, tortoise, hare, power, lam, found, used = c
        found = found | _same(tortoise, hare)
        live = ~found
        move = live & (power == lam)
        tortoise = _where(move, hare, tortoise)
        power = jnp.where(move, power * 2, power)
        lam = jnp.where(move, 0, lam)
        hare = _where(live, step(hare), hare)
        lam = jnp.where(live, lam + 1, lam)
        return t + 1, tortoise, hare, power, lam, found, used + live.astype(jnp.int32)

    init = (jnp.int32(0), states, step(states), ones, ones, jnp.zeros(b, bool), ones)
    _, _, _, _, lam, found, used1 = jax.lax.while_loop(cond1, body1, init)
    lam = jnp.where(found, lam, 0)

    # phase 2: hare = x_lambda, then walk both until they meet at x_mu
    def advance(i, h):
        return _where(i < lam, step(h), h)

    hare = jax.lax.fori_loop(0, jnp.max(lam), advance, states)

    def cond2(c):
        k, _, _, done, _ = c
        return (k < max_steps) & ~done.all()

    def body2(c):
        k, tortoise, hare, done, mu = c
        done = done | _same(tortoise, hare)
        tortoise = _where(done, tortoise, step(tortoise))
        hare = _where(done, hare, step(hare))
        return k + 1, tortoise, hare, done, mu + (~done).astype(jnp.int32)

    init2 = (jnp.int32(0), states, hare, ~found, jnp.zeros(b, jnp.int32))
    _, x_mu, _, _, mu = jax.lax.while_loop(cond2, body2, init2)
    iterations = used1 + lam + 2 * mu
    return CycleResult(states=x_mu, mu=jnp.where(found, mu, -1),
                       period=jnp.where(found, lam, -1), iterations=iterations)


def halting_loop(step, state, max_steps, halt_before_update: bool = True):
    """Iterate `step(state) -> (next state, halting logit [B])` until every example has
    halted or `max_steps` iterations; returns (states, iterations used `[B]`). `state` is a
    pytree of `[B, ...]` arrays. `halt_before_update`: a positive logit keeps the state it
    was computed on (the discrete reasoners: "this state is final"); otherwise that
    iteration's new state is kept and the example halts after it (the latent reasoners)."""
    b = jax.tree.leaves(state)[0].shape[0]

    def keep(done, old, new):
        return jax.tree.map(lambda o, n: jnp.where(done.reshape((-1,) + (1,) * (o.ndim - 1)), o, n),
                            old, new)

    def cond(carry):
        t, _, done, _ = carry
        return (t < max_steps) & ~done.all()

    def body(carry):
        t, s, done, used = carry
        nxt, q = step(s)
        if halt_before_update:
            done = done | (q > 0.0)
            s = keep(done, s, nxt)
            used = used + (~done).astype(jnp.int32)
        else:
            s = keep(done, s, nxt)
            used = used + (~done).astype(jnp.int32)
            done = done | (q > 0.0)
        return t + 1, s, done, used

    init = (jnp.int32(0), state, jnp.zeros(b, bool), jnp.zeros(b, jnp.int32))
    _, state, _, used = jax.lax.while_loop(cond, body, init)
    return state, used
