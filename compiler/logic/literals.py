"""Literal slots of logic rule sets, shared by the proposers and the version space: which
literals hold in demo closures or are given in states, and every rule body over a set of
literals. A slot is `literal code - 1`: 2a for `a`, 2a + 1 for `~a`; -1 is an empty body
slot."""

from __future__ import annotations

import itertools

import numpy as np

from compiler.logic.checker import Demos
from compiler.logic.executor import CLOSED, FALSE, TRUE


def given_slots(states) -> np.ndarray:
    """`[2A, M]` bool: the literal slots given true in states `[M, A]`."""
    states = np.asarray(states)
    return np.stack([((states & TRUE) > 0).T, ((states & FALSE) > 0).T], axis=1).reshape(-1, len(states))


def literal_holds(group: Demos) -> tuple[np.ndarray, np.ndarray]:
    """`[2A, N]` bool: literal code-1 holds in each demo's closure, as chaining would see
    it (a closed-world `false` reading holds for `~a` only where given as a fact)."""
    c, f = group.closure, group.facts
    closed = (f & CLOSED) > 0
    true = c == 1
    false = np.where(closed, (f & FALSE) > 0, c == 2)
    holds = np.stack([true.T, false.T], axis=1).reshape(-1, len(c))
    usable = np.repeat(group.observed.all(axis=0), 2)  # never a body on a hidden atom
    return holds, usable


def all_bodies(usable_literals: np.ndarray, max_literals: int = 3) -> np.ndarray:
    """`[B, 3]` literal slots (slot = code - 1, -1 empty) of every body of 1-`max_literals`
    literals on distinct atoms."""
    lits = np.nonzero(usable_literals)[0]
    out = [np.array([[s, -1, -1] for s in lits]).reshape(-1, 3)]
    for size in range(2, max_literals + 1):
        combos = np.array(list(itertools.combinations(lits, size)), np.int64).reshape(-1, size)
        atoms = combos // 2
        distinct = np.all([atoms[:, i] != atoms[:, j] for i in range(size)
                           for j in range(i + 1, size)], axis=0)
        combos = combos[distinct]
        pad = -np.ones((len(combos), 3 - size), np.int64)
        out.append(np.concatenate([combos, pad], axis=1))
    return np.concatenate(out)


def body_holds(bodies, holds) -> np.ndarray:
    """`[B, M]` bool: each body `[B, 3]` holds where its literals do in `holds` `[2A, M]`."""
    full = np.concatenate([holds, np.ones((1, holds.shape[1]), bool)])  # -1: the empty slot
    return full[bodies[:, 0]] & full[bodies[:, 1]] & full[bodies[:, 2]]
