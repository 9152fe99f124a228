"""Internal consistency of logic drafts: does some admissible fact set derive a contradiction?

Admissible fact sets are the assignments of the task's input atoms. Chaining is monotone
(a larger fact set derives a superset), so checking the 2^I total assignments suffices.

- `consistent_vectorized`: every draft x every total assignment at once, bit-parallel: each
  derived literal's truth across all 2^I assignments is a bitset (uint32 words), a rule
  fires on the AND of its body literals' bitsets, and chaining runs to the fixed point.
  Used for up to `VECTOR_MAX_INPUTS` inputs.
- `consistent_sat`: one SAT call per draft (python-sat) on an exact encoding of chaining
  unrolled to the fixed point; used above that, and as the reference in tests and bench.
Both return per draft whether it is consistent and, when not, a witness assignment.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from compiler.logic.executor import slot_indices, used_rows
from compiler.logic.rules import BODY, FALSE_HEAD

VECTOR_MAX_INPUTS = 16
_WORD = 32


def assignment_words(num_inputs: int) -> np.ndarray:
    """`[I, W]` uint32: bit b of word w of row j is input j's value in assignment 32w + b
    (assignments past 2^I repeat the first ones, so W >= 1)."""
    n = max(1 << num_inputs, _WORD)
    index = np.arange(n) % (1 << num_inputs)
    values = (index[None, :] >> np.arange(num_inputs)[:, None]) & 1  # [I, n]
    weights = (1 << np.arange(_WORD, dtype=np.uint64))
    words = (values.reshape(num_inputs, -1, _WORD).astype(np.uint64) * weights).sum(-1)
    return words.astype(np.uint32)


def _initial_bits(num_atoms: int, inputs: np.ndarray, words: np.ndarray) -> np.ndarray:
    bits = np.zeros((2 * num_atoms + 4, words.shape[1]), np.uint32)
    bits[2 * inputs] = words
    bits[2 * inputs + 1] = ~words
    bits[2 * num_atoms + 1] = np.uint32(0xFFFFFFFF)
    return bits


def _word_step(bits, body_idx, head_idx):
    fires = jnp.bitwise_and.reduce(bits[body_idx], axis=-2)  # [R, W]

    def put(r, b):
        return b.at[head_idx[r]].set(b[head_idx[r]] | fires[r])

    return jax.lax.fori_loop(0, head_idx.shape[0], put, bits)


@jax.jit
def _contradictions(rules, init):
    """`[K, W]` words: set bits are assignments whose fixed point is contradictory."""
    num_atoms = (init.shape[0] - 4) // 2
    body_idx, head_idx = slot_indices(rules, num_atoms)  # [K, R, 3], [K, R]
    step = jax.vmap(_word_step, in_axes=(0, 0, 0))
    bits = jnp.broadcast_to(init, (rules.shape[0], *init.shape))

    def cond(carry):
        _, changed, t = carry
        return changed & (t < 2 * num_atoms + 2)

    def body(carry):
        b, _, t = carry
        new = step(b, body_idx, head_idx)
        return new, (new != b).any(), t + 1

    bits, _, _ = jax.lax.while_loop(cond, body, (bits, jnp.array(True), 0))
    tf = bits[:, :2 * num_atoms].reshape(rules.shape[0], num_atoms, 2, -1)
    both = jnp.bitwise_or.reduce(tf[:, :, 0] & tf[:, :, 1], axis=1)
    return both | bits[:, 2 * num_atoms]


def consistent_vectorized(drafts, num_atoms: int, inputs, chunk_bytes: int = 1 << 28):
    """(`[K]` consistent, `[K]` witness assignment index or -1) for drafts `[K, R, 4]`."""
    drafts = np.asarray(drafts)
    inputs = np.asarray(inputs, np.int64)
    if len(inputs) > VECTOR_MAX_INPUTS:
        raise ValueError(f"{len(inputs)} inputs: the vectorized check handles at most "
                         f"{VECTOR_MAX_INPUTS}; use consistent_sat")
    words = assignment_words(len(inputs))
    init = jnp.asarray(_initial_bits(num_atoms, inputs, words))
    rows = used_rows(drafts)
    per_draft = init.size * 4 * (1 + rows.shape[1] * BODY)
    chunk = int(max(1, min(len(drafts), chunk_bytes // per_draft)))
    consistent = np.ones(len(drafts), bool)
    witness = np.full(len(drafts), -1, np.int64)
    for start in range(0, len(drafts), chunk):
        part = rows[start:start + chunk]
        pad = chunk - len(part)
        if pad:
            part = np.concatenate([part, np.zeros((pad, *part.shape[1:]), part.dtype)])
        bad = np.asarray(_contradictions(jnp.asarray(part, jnp.int32), init))[:chunk - pad]
        any_bad = bad.any(axis=1)
        consistent[start:start + len(bad)] = ~any_bad
        for k in np.nonzero(any_bad)[0]:
            w = int(np.nonzero(bad[k])[0][0])
            bit = int(bad[k, w]) & -int(bad[k, w])
            index = w * _WORD + bit.bit_length() - 1
            witness[start + k] = index % (1 << len(inputs))
    return consistent, witness


def _sat_clauses(rule, num_atoms: int, inputs):
    """CNF (clauses, input variables) that is satisfiable iff some total assignment of the
    inputs derives a contradiction. Variables: inputs, then one per (level, slot) and one per
    (level, rule); levels unroll chaining up to the number of distinct heads (each step
    before the fixed point sets a new head slot)."""
    rows = [r for r in np.asarray(rule).reshape(-1, BODY + 1) if r[BODY] > 0]
    n_slots = 2 * num_atoms + 1  # atom true/false slots and the constraint slot
    counter = [0]

    def new():
        counter[0] += 1
        return counter[0]

    x = {int(a): new() for a in inputs}
    clauses = []

    def slot(code):
        return n_slots - 1 if code == FALSE_HEAD else int(code) - 1

    heads = {slot(r[BODY]) for r in rows if slot(r[BODY]) < n_slots}
    depth = len(heads)
    level = {}
    for s in range(n_slots):  # level 0: the facts
        atom, neg = divmod(s, 2)
        if atom in x and s < 2 * num_atoms:
            level[s] = -x[atom] if neg else x[atom]
        else:
            level[s] = None  # constant false
    for _ in range(depth):
        nxt = {}
        fired: dict[int, list[int]] = {}
        for r in rows:
            lits = [level.get(int(c) - 1) if int(c) - 1 < n_slots - 1 else None
                    for c in r[:BODY] if c > 0]
            if any(v is None for v in lits):
                continue  # a body literal that cannot hold
            b = new()
            for v in lits:
                clauses.append([-b, v])
            clauses.append([b] + [-v for v in lits])
            fired.setdefault(slot(r[BODY]), []).append(b)
        for s in range(n_slots):
            sources = ([level[s]] if level[s] is not None else []) + fired.get(s, [])
            if not sources:
                nxt[s] = None
                continue
            v = new()
            clauses.append([-v] + sources)
            for src in sources:
                clauses.append([v, -src])
            nxt[s] = v
        level = nxt
    goal = []
    for a in range(num_atoms):
        t, f = level[2 * a], level[2 * a + 1]
        if t is not None and f is not None:
            g = new()
            clauses += [[-g, t], [-g, f]]
            goal.append(g)
    if level[n_slots - 1] is not None:
        goal.append(level[n_slots - 1])
    clauses.append(goal)  # an empty goal clause: unsatisfiable (nothing can contradict)
    return clauses, x


def consistent_sat(drafts, num_atoms: int, inputs, solver: str = "minisat22"):
    """Per draft a SAT call (python-sat): (`[K]` consistent, `[K]` witness index or -1)."""
    from pysat.solvers import Solver

    inputs = [int(a) for a in inputs]
    drafts = np.asarray(drafts)
    consistent = np.ones(len(drafts), bool)
    witness = np.full(len(drafts), -1, np.int64)
    for k, rule in enumerate(drafts):
        clauses, x = _sat_clauses(rule, num_atoms, inputs)
        with Solver(name=solver, bootstrap_with=clauses) as s:
            if s.solve():
                model = set(v for v in s.get_model() if v > 0)
                consistent[k] = False
                witness[k] = sum(1 << j for j, a in enumerate(inputs) if x[a] in model)
    return consistent, witness


def internal_consistency(drafts, num_atoms: int, inputs):
    """Vectorized up to VECTOR_MAX_INPUTS inputs, SAT above."""
    if len(inputs) <= VECTOR_MAX_INPUTS:
        return consistent_vectorized(drafts, num_atoms, inputs)
    return consistent_sat(drafts, num_atoms, inputs)
