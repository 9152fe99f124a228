"""A fair sample of the rule sets of a task's class that reproduce its demos
(`compiler.proposer=posterior`), so that K drafts estimate P(atom | demos).

The posterior: P(R | demos) is proportional to 2^-L(R) over the rule sets R of the class
(compiler/logic/rule_class.py) that reproduce every demo (a hard constraint), where the
description length L(R) charges each rule the bits that name it within the class plus
`task.rule_bits`, plus `task.literal_bits` per body literal past the first (the prior
declared in config; see `rule_weights`). As the closed-world
version space (compiler/logic/version_space.py) shows, a reproducing rule set holds only
*sound* rules, and adding sound rules keeps it reproducing. So the posterior splits:
- the *useful* sound rules (each derives a head on some demo that shows it derived): a
  Gibbs sampler over their inclusion bits keeps the constraint (the least model of the
  chosen rules on every demo's facts is its closure; chaining through derived atoms is
  checked, so circular support does not count). Per sweep: every excluded rule joins with
  probability w/(1+w) (always allowed: adding keeps the constraint), every included one
  leaves with probability 1/(1+w) where the rest still reproduces the demos, and a swap
  for a rule of the same head is accepted with probability min(1, w'/w) where the result
  reproduces them (so equally costly alternatives mix however unlikely extra rules are);
- the other sound rules fire on no demo, so the constraint does not see them: each joins
  independently with probability w/(1+w).
Chains start from a random cover built greedily (cheap rules first), run `BURN_IN` sweeps,
then give a draft every `THIN` sweeps. `posterior_by_enumeration` is the exact reference
on tasks with few sound rules (tests).

Renaming atoms permutes nothing the sampler reads: the rules are put in an order fixed by
what they do on the demos (their cost, where they fire, what their literals hold), so a
renamed task gets the same draws up to ties between rules the demos cannot tell apart.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from compiler.logic.checker import Demos
from compiler.logic.literals import given_slots, literal_holds
from compiler.logic.rule_class import RuleClass, rule_class_of
from compiler.logic.rules import BODY, MAX_RULES, canonical
from compiler.logic.version_space import _chain, _derived_shown, sound_rules

BURN_IN = 16  # sweeps before a chain's first draft
THIN = 2  # sweeps between a chain's drafts
CHAINS = 4  # independent chains (each from its own random cover)


class Unreproducible(ValueError):
    """No rule set of the class reproduces the demos."""


def rule_weights(bodies, num_heads: int, rule_class: RuleClass, group: Demos, rule_bits: float,
                 literal_bits: float = 0.0):
    """`[B]` prior odds 2^-(naming bits + rule_bits + literal_bits x body literals past the
    first) of each body's rule (the same for every head)."""
    sizes = (np.asarray(bodies) >= 0).sum(axis=1)
    slots = int(rule_class.body_slots(group).sum())
    return np.exp2(-(rule_class.naming_bits(sizes, num_heads, slots) + rule_bits
                     + literal_bits * (sizes - 1)))


@dataclass
class RulePool:
    """The sound rules of the class on a task's demos, split for the sampler."""

    rows: np.ndarray  # [U, 4] useful rules as rule rows (literal codes)
    head: np.ndarray  # [U] head index (into `heads`)
    odds: np.ndarray  # [U] prior odds w
    inp: list  # [U] int bitmask over demos: the body's input literals hold
    derived: list  # [U] tuple of head indices the body needs true
    need: list  # [H] int bitmask: demos that show head h derived
    spare_rows: np.ndarray  # [V, 4] sound rules that fire on no demo
    spare_odds: np.ndarray  # [V]

    def model(self, chosen) -> list:
        """Per head, the demos (a bitmask) where the least model of rules `chosen` (indices)
        derives it: forward chaining on every demo at once."""
        model = [0] * len(self.need)
        changed = True
        while changed:
            changed = False
            for u in chosen:
                m = self.inp[u]
                for d in self.derived[u]:
                    m &= model[d]
                h = self.head[u]
                if m & ~model[h]:
                    model[h] |= m
                    changed = True
        return model

    def reproduces(self, chosen) -> bool:
        """The least model of rules `chosen` on every demo derives every head the demo shows
        derived (it never derives more: the rules are sound)."""
        model = self.model(chosen)
        return all(model[h] & n == n for h, n in enumerate(self.need))


def _bits(mask_row) -> int:
    return int(sum(1 << int(i) for i in np.nonzero(mask_row)[0]))


def rule_pool(group: Demos, rule_class: RuleClass | None = None, rule_bits: float = 0.0,
              literal_bits: float = 0.0) -> RulePool:
    """The RulePool of `group` (closed world), rules in an order fixed by what they do on
    the demos (renaming atoms does not change it, up to rules the demos cannot tell apart)."""
    rule_class = rule_class_of(group.rule_class) if rule_class is None else rule_class
    bodies, heads, sound, fires = sound_rules(group, rule_class)
    shown = _derived_shown(group, heads)  # [H, N]
    holds, _ = literal_holds(group)
    odds = rule_weights(bodies, len(heads), rule_class, group, rule_bits, literal_bits)
    useful = sound & ((fires.astype(np.int32) @ shown.T.astype(np.int32)) > 0)
    is_input = np.zeros(group.num_atoms, bool)
    is_input[list(group.inputs)] = True
    head_of = {int(a): j for j, a in enumerate(heads)}
    used = _ordered(np.nonzero(useful), bodies, heads, odds, holds, is_input, group)
    spare = _ordered(np.nonzero(sound & ~useful), bodies, heads, odds, holds, is_input, group)

    def rows(pairs):
        b, h = pairs
        lits = np.sort(np.where(bodies[b] >= 0, bodies[b] + 1, 1 << 30), axis=1)
        out = np.zeros((len(b), BODY + 1), np.int64)
        out[:, :BODY] = np.where(lits == 1 << 30, 0, lits)
        out[:, BODY] = 2 * heads[h] + 1
        return out

    inp, derived = [], []
    for b in used[0].tolist():
        mask = np.ones(len(group.facts), bool)
        need_true = []
        for s in bodies[b]:
            if s < 0:
                continue
            if is_input[s // 2]:
                mask &= holds[s]
            else:
                need_true.append(head_of[int(s // 2)])
        inp.append(_bits(mask))
        derived.append(tuple(need_true))
    return RulePool(rows(used), used[1], odds[used[0]], inp, derived,
                    [_bits(shown[h]) for h in range(len(heads))], rows(spare), odds[spare[0]])


def _hashes(rows: np.ndarray) -> np.ndarray:
    """`[R]` int64: a hash of each bool row's bytes (the same row, the same hash, in every
    process: not Python's salted `hash`)."""
    packed = np.packbits(np.asarray(rows, bool), axis=1)
    return np.array([int.from_bytes(hashlib.blake2b(r.tobytes(), digest_size=7).digest(), "little")
                     for r in packed], np.int64)


def _ordered(pairs, bodies, heads, odds, holds, is_input, group):
    """(body indices, head indices) of rules `pairs` in an order fixed by what they do on
    the demos: cost, the head's closure over the demos, the body literals' truth over the
    demos (and whether each is an input, negated) - not by atom numbers, so renaming the
    atoms keeps it (ties: rules the demos cannot tell apart)."""
    b, h = (np.asarray(x, np.int64) for x in pairs)
    if not len(b):
        return b, h
    slot_hash = _hashes(holds) ^ (np.repeat(is_input, 2).astype(np.int64) << 40) \
        ^ (np.arange(len(holds)) % 2).astype(np.int64) << 41
    slot_hash = np.concatenate([slot_hash, [np.int64(-1)]])  # the empty slot
    body_key = np.sort(slot_hash[bodies[b]], axis=1)
    head_hash = _hashes(group.closure[:, heads].T == 1)[h]
    order = np.lexsort((body_key[:, 2], body_key[:, 1], body_key[:, 0], head_hash, -odds[b]))
    return b[order], h[order]


def _start(pool: RulePool, rng) -> set:
    """A random cover: repeatedly a rule that derives something still missing, chosen with
    probability proportional to its odds times what it adds."""
    chosen: set = set()
    while not pool.reproduces(chosen):
        model = pool.model(chosen)
        gain = np.zeros(len(pool.rows))
        for u in range(len(pool.rows)):
            if u in chosen:
                continue
            m = pool.inp[u]
            for d in pool.derived[u]:
                m &= model[d]
            h = pool.head[u]
            gain[u] = (m & pool.need[h] & ~model[h]).bit_count()
        if not gain.any():
            raise Unreproducible("no rule set of the class reproduces the demos")
        score = np.where(gain > 0, np.log(np.maximum(gain, 1e-300)) + np.log(pool.odds), -np.inf)
        chosen.add(int(np.argmax(score + rng.gumbel(size=len(score)))))
    return chosen


class HeadGroups(NamedTuple):
    """The useful rules grouped by head: `members` sorted by head (each group ascending),
    a group's `start` in it and its `size` (per head)."""

    members: np.ndarray
    start: np.ndarray
    size: np.ndarray

    @classmethod
    def of(cls, pool: RulePool) -> HeadGroups:
        size = np.bincount(pool.head, minlength=len(pool.need))
        return cls(np.argsort(pool.head, kind="stable"),
                   np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64), size)


def _sweep(pool: RulePool, chosen: set, rng, heads: HeadGroups) -> set:
    """One sweep (see the module docstring): a Gibbs update of every rule's bit, then a
    swap proposal for every rule with a random rule of its head; both visit the rules in
    an order drawn without looking at the state, so each step leaves the posterior as it
    is. Returns the new set."""
    p = pool.odds / (1.0 + pool.odds)
    order = rng.permutation(len(p))
    draws = rng.random(len(p))
    # a rule's bit changes only at its own visit, so which visits can act is known now: an
    # excluded rule that joins (draw < p), an included one that may leave (draw >= p)
    inside = np.zeros(len(p), bool)
    inside[list(chosen)] = True
    acting = order[inside[order] != (draws[order] < p[order])]
    for u in acting.tolist():
        if u not in chosen:
            chosen.add(u)  # adding a sound rule keeps the demos reproduced
        else:
            chosen.discard(u)
            if not pool.reproduces(chosen):
                chosen.add(u)  # it must stay
    order = rng.permutation(len(p))
    partner = rng.random(len(p))
    accept = rng.random(len(p))
    # each visit's pair: u and a rule of its head drawn uniformly without u (none: alone)
    size = heads.size[pool.head]
    v_of = heads.members[heads.start[pool.head] + (partner * (size - 1)).astype(np.int64)]
    last = heads.members[heads.start[pool.head] + size - 1]
    v_of = np.where(v_of == np.arange(len(p)), last, v_of)
    us, vs = order, v_of[order]
    live = size[order] >= 2
    # only a visit whose pair holds an included rule can act, and a rule is included only
    # if it was at the start or a swap brought it in: visit those positions, in order
    members = np.fromiter(chosen, np.int64, len(chosen))
    pending = np.nonzero(live & (np.isin(us, members) | np.isin(vs, members)))[0].tolist()
    heapq.heapify(pending)
    seen = set()
    while pending:
        i = heapq.heappop(pending)
        if i in seen:
            continue
        seen.add(i)
        u, v = int(us[i]), int(vs[i])
        if (u in chosen) == (v in chosen):
            continue
        a, b = (u, v) if u in chosen else (v, u)  # swap a out, b in
        if accept[u] >= min(1.0, pool.odds[b] / pool.odds[a]):
            continue
        chosen.discard(a)
        chosen.add(b)
        if not pool.reproduces(chosen):
            chosen.discard(b)
            chosen.add(a)
            continue
        later = np.nonzero(live[i + 1:] & ((us[i + 1:] == b) | (vs[i + 1:] == b)))[0] + i + 1
        for j in later.tolist():
            heapq.heappush(pending, j)
    return chosen


def sample_rule_sets(pool: RulePool, num: int, rng, chains: int = CHAINS) -> tuple[list, dict]:
    """`num` draws from the posterior: lists of rule rows `[4]` (useful rules from the
    chains, spare ones drawn independently); info counts drafts cut to MAX_RULES rows."""
    if not pool.reproduces(range(len(pool.rows))):
        raise Unreproducible("no rule set of the class reproduces the demos")
    heads = HeadGroups.of(pool)
    chains = max(1, min(chains, num))
    per_chain = [num // chains + (c < num % chains) for c in range(chains)]
    by_chain = []
    for count in per_chain:
        chosen = set(_start(pool, rng))
        for _ in range(BURN_IN):
            chosen = _sweep(pool, chosen, rng, heads)
        by_chain.append([])
        for i in range(count):
            if i:
                for _ in range(THIN):
                    chosen = _sweep(pool, chosen, rng, heads)
            by_chain[-1].append(sorted(chosen))
    # the chains' draws in turn, so that the first k drafts are a sample of k from every chain
    draws = [d for turn in itertools.zip_longest(*by_chain) for d in turn if d is not None]
    spare_p = pool.spare_odds / (1.0 + pool.spare_odds)
    out, cut = [], 0
    for chosen in draws:
        extra = np.nonzero(rng.random(len(spare_p)) < spare_p)[0] if len(spare_p) else []
        rows = [pool.rows[u] for u in chosen] + [pool.spare_rows[v] for v in extra]
        if len(rows) > MAX_RULES:
            cut += 1
            rows = rows[:MAX_RULES]
        out.append(rows)
    return out, {"useful_rules": len(pool.rows), "spare_rules": len(pool.spare_rows),
                 "cut_drafts": cut,
                 "mean_rules": float(np.mean([len(r) for r in out])) if out else 0.0}


def as_drafts(rule_lists) -> np.ndarray:
    """`[K, MAX_RULES, 4]` canonical RuleSets of lists of rule rows."""
    return np.stack([canonical(np.array(r, np.int64).reshape(-1, BODY + 1)) for r in rule_lists])


def posterior_by_enumeration(group: Demos, queries, rule_class: RuleClass | None = None,
                             rule_bits: float = 0.0, limit: int = 18,
                             literal_bits: float = 0.0) -> np.ndarray:
    """`[Q, A]` exact P(atom derived at query | demos) under the posterior, by enumerating
    every subset of the class's sound rules (at most `limit` of them: a test reference)."""
    rule_class = rule_class_of(group.rule_class) if rule_class is None else rule_class
    bodies, heads, sound, _ = sound_rules(group, rule_class)
    odds = rule_weights(bodies, len(heads), rule_class, group, rule_bits, literal_bits)
    pairs = list(zip(*np.nonzero(sound), strict=True))
    if len(pairs) > limit:
        raise ValueError(f"{len(pairs)} sound rules: over the enumeration limit {limit}")
    demo_truth = given_slots(group.facts)
    query_truth = given_slots(np.asarray(queries, np.uint8))
    shown = _derived_shown(group, heads)
    total, mass = 0.0, np.zeros((len(queries), group.num_atoms))
    for picks in itertools.product((False, True), repeat=len(pairs)):
        on = np.zeros_like(sound)
        for (b, h), pick in zip(pairs, picks, strict=True):
            on[b, h] = pick
        derived = _chain(bodies, heads, on, demo_truth)[2 * heads]  # [H, N]
        if not (derived >= shown).all():
            continue
        weight = math.prod(float(odds[b]) for (b, _), pick in zip(pairs, picks, strict=True) if pick)
        total += weight
        mass[:, heads] += weight * _chain(bodies, heads, on, query_truth)[2 * heads].T
    if total == 0:
        raise Unreproducible("no rule set of the class reproduces the demos")
    return mass / total

