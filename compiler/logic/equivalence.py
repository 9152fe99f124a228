"""Semantic equivalence of logic rule sets: the same answers from every admissible fact set."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from compiler.logic.executor import CLOSED, FALSE, TRUE, closure_and_depth, read

PARTIAL_LIMIT = 8  # inputs up to which every partial assignment (3^I) is compared
TOTAL_LIMIT = 16  # above this many inputs, 2^16 random total assignments stand for all


def admissible_fact_sets(group) -> np.ndarray:
    """`[M, A]` fact states: every partial assignment of the inputs (I <= 8), else every
    total one (above 16 inputs: 2^16 of them at random, a fixed sample); closed-world when
    the demos are."""
    inputs = np.asarray(group.inputs)
    n = len(inputs)
    if n <= PARTIAL_LIMIT:
        index = np.arange(3 ** n)
        values = (index[:, None] // 3 ** np.arange(n)) % 3
    elif n <= TOTAL_LIMIT:
        index = np.arange(1 << n)
        values = 1 + ((index[:, None] >> np.arange(n)) & 1)
    else:
        values = 1 + np.random.default_rng(0).integers(0, 2, size=(1 << TOTAL_LIMIT, n))
    states = np.zeros((len(values), group.num_atoms), np.uint8)
    states[:, inputs] = np.where(values == 1, TRUE, np.where(values == 2, FALSE, 0))
    if ((group.facts & CLOSED) > 0).any():
        states |= CLOSED
    return states


@jax.jit
def _answers(rules, states):
    finals = jax.vmap(jax.vmap(closure_and_depth, in_axes=(None, 0)), in_axes=(0, None))(rules, states)[0]
    return read(finals)


def equivalent_on_fact_sets(drafts, truth, group, chunk: int = 32, screen: int = 256) -> np.ndarray:
    """`[K]` bool: each draft's read values equal the truth's on every atom the demos observe,
    from every admissible fact set. Drafts are first screened on `screen` of the fact sets;
    only those that pass are run on all."""
    drafts = np.asarray(drafts)
    states = admissible_fact_sets(group)
    if len(states) > screen and len(drafts):
        subset = np.random.default_rng(0).choice(len(states), screen, replace=False)
        keep = _equal_on(drafts, truth, group, states[subset], chunk)
        out = np.zeros(len(drafts), bool)
        out[keep] = _equal_on(drafts[keep], truth, group, states, chunk)
        return out
    return _equal_on(drafts, truth, group, states, chunk)


def _equal_on(drafts, truth, group, states, chunk) -> np.ndarray:
    states = jnp.asarray(states)
    observed = group.observed.any(axis=0)
    want = np.asarray(_answers(jnp.asarray(truth)[None], states))[0][:, observed]
    out = np.zeros(len(drafts), bool)
    for start in range(0, len(drafts), chunk):
        part = drafts[start:start + chunk]
        pad = chunk - len(part) if len(drafts) > chunk else 0
        if pad:
            part = np.concatenate([part, np.zeros((pad, *part.shape[1:]), part.dtype)])
        got = np.asarray(_answers(jnp.asarray(part), states))[:len(part) - pad][:, :, observed]
        out[start:start + len(got)] = (got == want[None]).all(axis=(1, 2))
    return out
