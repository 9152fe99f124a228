"""The rule class a logic task states: which rule sets it means by "a rule set that
reproduces the demos".

A rule of the class has a positive head on an observed non-input atom and a body of 1 to
`max_literals` literals on distinct atoms, drawn from the task's `causes`: input atoms
(negated too where `negation` is true) and observed derived atoms (true only). A rule set
is any set of such rules. The default is the class every earlier logic answer used (three
literals, negated inputs, every input and derived atom a possible cause); a blicket
benchmark whose instructions say "each object turns the light on by itself or not" states
`{"max_literals": 1, "negation": false, "causes": "inputs"}`.

A task file states it as `"rule_class": {...}`, a generated task as `task.rule_class`
(`null`: the default). `causes` is `"all"`, `"inputs"` or a list of atom names.

The class also fixes each rule's *naming cost* (`naming_bits`): the bits that pick a rule
out of the class (its head among the heads, its body size, its body among the bodies of
that size). The posterior proposer's description-length prior charges every rule those
bits plus `task.rule_bits` (compiler/logic/posterior.py), so a rule of a small class
(one object of five) is cheap and one of a large class (three literals of 64) is dear.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

KEYS = ("max_literals", "negation", "causes")
CAUSE_WORDS = ("all", "inputs")


class RuleClassError(ValueError):
    """A `rule_class` value no task can use; the message is one line naming the field."""


@dataclass(frozen=True)
class RuleClass:
    max_literals: int = 3  # body literals per rule at most (1-3)
    negation: bool = True  # negated input atoms may stand in a body
    causes: str | tuple[str, ...] = "all"  # all | inputs | the atom names a body may hold

    def body_slots(self, group) -> np.ndarray:
        """`[2A]` bool: the literal slots (2a: `a`, 2a + 1: `~a`) a body of this class may
        hold on the demos `group` (compiler.logic.checker.Demos): never a hidden atom,
        derived atoms true only, negated inputs where `negation`, atoms among `causes`."""
        num_atoms = group.num_atoms
        is_input = np.zeros(num_atoms, bool)
        is_input[list(group.inputs)] = True
        observed = group.observed.all(axis=0)
        if self.causes == "all":
            cause = np.ones(num_atoms, bool)
        elif self.causes == "inputs":
            cause = is_input.copy()
        else:
            cause = np.isin(np.asarray(group.names, object), list(self.causes))
        positive = observed & cause
        negative = observed & cause & is_input & self.negation
        return np.stack([positive, negative], axis=1).reshape(-1)

    def naming_bits(self, sizes: np.ndarray, num_heads: int, num_slots: int) -> np.ndarray:
        """Bits that name a rule of this class with a body of `sizes` literals: its head
        among `num_heads`, its size among 1..max_literals, its body among the
        C(num_slots, size) sets of that many of the `num_slots` allowed literals."""
        sizes = np.asarray(sizes)
        body = np.array([math.log2(max(math.comb(num_slots, int(k)), 1)) for k in range(4)])
        return math.log2(max(num_heads, 1)) + math.log2(self.max_literals) + body[sizes]

    def to_json(self) -> dict:
        causes = self.causes if isinstance(self.causes, str) else list(self.causes)
        return {"max_literals": self.max_literals, "negation": self.negation, "causes": causes}


DEFAULT = RuleClass()


def rule_class_of(value, names: Sequence[str] | None = None, where: str = "rule_class") -> RuleClass:
    """The RuleClass a task file's `rule_class` (or `task.rule_class`) states; None: the
    default. `names` (the task's atoms): `causes` must name atoms of the task. Raises
    RuleClassError with one line naming the field."""
    if value is None:
        return DEFAULT
    if isinstance(value, RuleClass):
        return value
    if not isinstance(value, Mapping):
        raise RuleClassError(f"{where} must be an object with keys {list(KEYS)}, got "
                             f"{type(value).__name__}")
    unknown = sorted(set(value) - set(KEYS))
    if unknown:
        raise RuleClassError(f"{where}: unknown key(s) {unknown}; known: {list(KEYS)}")
    max_literals = value.get("max_literals", DEFAULT.max_literals)
    if isinstance(max_literals, bool) or max_literals not in (1, 2, 3):
        raise RuleClassError(f"{where}.max_literals must be 1, 2 or 3, got {max_literals!r}")
    negation = value.get("negation", DEFAULT.negation)
    if not isinstance(negation, bool):
        raise RuleClassError(f"{where}.negation must be true or false, got {negation!r}")
    causes = value.get("causes", DEFAULT.causes)
    if isinstance(causes, str):
        if causes not in CAUSE_WORDS:
            raise RuleClassError(f"{where}.causes must be one of {list(CAUSE_WORDS)} or a list "
                                 f"of atom names, got {causes!r}")
    elif isinstance(causes, Sequence) and causes and all(isinstance(c, str) for c in causes):
        if names is not None:
            missing = [c for c in causes if c not in names]
            if missing:
                raise RuleClassError(f"{where}.causes names atoms the task does not have: "
                                     f"{missing}")
        if len(set(causes)) != len(causes):
            raise RuleClassError(f"{where}.causes lists an atom twice: {list(causes)}")
        causes = tuple(causes)
    else:
        raise RuleClassError(f"{where}.causes must be one of {list(CAUSE_WORDS)} or a non-empty "
                             f"list of atom names, got {causes!r}")
    return RuleClass(int(max_literals), negation, causes)
