"""Logic's part of the checker: demo groups, the per-demo check the generic checker vmaps,
and what the demos alone say (demos that contradict each other, atoms never observed).

A demo is a fact set (states `[A]`: given literals, and the closed-world bit when the task
reads atoms never derived as false) and its closure as read values (`NOT_ASKED` where the
atom is hidden). A draft reproduces a demo when the read values of its fixed point agree on
every observed atom.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np

from compiler.domain import DemoCheck
from compiler.logic.executor import FALSE, NOT_ASKED, TRUE, fixed_point_bits, from_bits, read


@dataclass(frozen=True)
class Demos:
    """`facts` `[N, A]` uint8 states, `closure` `[N, A]` read values (NOT_ASKED: hidden),
    `inputs`: the input atoms (the admissible fact sets assign them); `names`: the atoms'
    names in diagnostics (default p0, p1, ...); `rule_class`: the rule class the task states
    (compiler/logic/rule_class.py; None: the default)."""

    facts: np.ndarray
    closure: np.ndarray
    inputs: tuple
    names: tuple = ()
    rule_class: object = None

    def __post_init__(self):
        facts, closure = np.asarray(self.facts), np.asarray(self.closure)
        if facts.ndim != 2 or facts.shape != closure.shape:
            raise ValueError(f"demo facts and closures must both be [N, A], got {facts.shape} "
                             f"and {closure.shape}")
        object.__setattr__(self, "facts", facts.astype(np.uint8))
        object.__setattr__(self, "closure", closure.astype(np.uint8))
        object.__setattr__(self, "inputs", tuple(int(i) for i in self.inputs))
        names = tuple(self.names) or tuple(f"p{i}" for i in range(facts.shape[1]))
        if len(names) != facts.shape[1]:
            raise ValueError(f"{len(names)} atom names for {facts.shape[1]} atoms")
        object.__setattr__(self, "names", names)

    @property
    def num_atoms(self) -> int:
        return int(self.facts.shape[1])

    @property
    def observed(self) -> np.ndarray:
        return self.closure != NOT_ASKED


def check_one(rules, demo, params):
    """Wrong observed atoms of one draft on one demo, and blame per rule: a rule is blamed
    for each wrong atom it derives at the fixed point (a constraint for firing at all)."""
    facts, closure = demo
    bits, _, (head_idx, fires) = fixed_point_bits(rules, facts)
    wrong = (read(from_bits(bits, facts)) != closure) & (closure != NOT_ASKED)
    # per head slot: a wrong atom's two slots, the constraint slot (a fired constraint is
    # wrong), and never the always/never/discard slots (unused rows write the last)
    wrong_slots = jnp.concatenate([jnp.repeat(wrong, 2), jnp.array([True, False, False, False])])
    blame = (fires & wrong_slots[head_idx]).astype(jnp.int32)
    return wrong.sum(dtype=jnp.int32), blame


def demo_check(group: Demos, with_blame: bool) -> DemoCheck:
    # blame costs one gather at the fixed point: computed either way
    return DemoCheck(check_one, (jnp.asarray(group.facts), jnp.asarray(group.closure)), None)


def conflicting_demos(groups, names) -> tuple[list, list]:
    """Pairs of demos that no rule set reproduces together, and the atoms they disagree on.

    Chaining is monotone: a demo whose facts include another's must derive everything the
    other derives. So two demos conflict when one's facts are a subset of the other's and
    an atom observed true (false) in the first is observed otherwise in the second (with
    equal facts: any difference); a closure reading `contradiction` conflicts with itself.
    """
    facts = np.concatenate([g.facts for g in groups])
    closure = np.concatenate([g.closure for g in groups])
    given = facts & (TRUE | FALSE)
    pairs, atoms = [], set()
    for i in range(len(facts)):
        bad = np.nonzero(closure[i] == 3)[0]
        if len(bad):
            pairs.append([i, i])
            atoms |= set(bad.tolist())
        for j in range(len(facts)):
            if i == j or not ((given[i] & given[j]) == given[i]).all():
                continue
            if i > j and (given[i] == given[j]).all():
                continue  # equal facts: reported once
            both = (closure[i] != NOT_ASKED) & (closure[j] != NOT_ASKED)
            derived_i = (closure[i] == 1) | (closure[i] == 2)
            differ = both & (closure[i] != closure[j]) & (derived_i | (given[i] == given[j]))
            if differ.any():
                pairs.append([i, j])
                atoms |= set(np.nonzero(differ)[0].tolist())
    return pairs, [names[a] for a in sorted(atoms)]

