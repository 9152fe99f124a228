"""The `life` rule language: Life-like cellular automata in B/S notation.

A RuleSet is a `[2, 9]` table of next states indexed by (cell state, live neighbours).
Row 0 is the birth row (a dead cell with n live neighbours becomes table[0, n]); row 1 is
the survival row. There are 2^18 rules; `rule_index` numbers them with bit
`s * 9 + n` of the index holding table[s, n].
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np

NUM_STATES = 2
NUM_COUNTS = 9
NUM_ENTRIES = NUM_STATES * NUM_COUNTS  # 18 table entries
NUM_RULES = 1 << NUM_ENTRIES  # 262144 rules
TEXT_FORMAT = "B<digits 0-8>/S<digits 0-8>, e.g. B3/S23"

_RULE_RE = re.compile(r"^B([0-8]*)/S([0-8]*)$", re.IGNORECASE)


class RuleSyntaxError(ValueError):
    """Rule text that is not in B/S notation."""


def entry_name(state: int, count: int) -> str:
    """Human name of a table entry: `B3` (birth on 3) or `S2` (survival on 2)."""
    return f"{'BS'[state]}{count}"


@dataclass(frozen=True)
class RuleSet:
    """One life rule set: a `[2, 9]` uint8 table of next states."""

    table: np.ndarray

    def __post_init__(self):
        table = np.asarray(self.table)
        if table.shape != (NUM_STATES, NUM_COUNTS):
            raise ValueError(f"a life RuleSet table has shape (2, 9), got {table.shape}")
        if not np.isin(table, (0, 1)).all():
            raise ValueError("a life RuleSet table holds only 0 and 1")
        object.__setattr__(self, "table", table.astype(np.uint8))

    # --- text form -------------------------------------------------------------------
    @classmethod
    def from_text(cls, text: str) -> RuleSet:
        return cls(parse_rule(text))

    def to_text(self) -> str:
        return format_rule(self.table)

    # --- JSON form -------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({"domain": "life", "rule": self.to_text(), "table": self.table.tolist()})

    @classmethod
    def from_json(cls, text: str) -> RuleSet:
        obj = json.loads(text)
        if obj.get("domain", "life") != "life":
            raise ValueError(f"not a life RuleSet: domain {obj.get('domain')!r}")
        if "table" in obj:
            return cls(np.asarray(obj["table"]))
        return cls.from_text(obj["rule"])

    # --- index form ------------------------------------------------------------------
    @property
    def index(self) -> int:
        return int(rule_index(self.table))

    @classmethod
    def from_index(cls, index: int) -> RuleSet:
        return cls(table_from_index(index))

    def __eq__(self, other):
        return isinstance(other, RuleSet) and np.array_equal(self.table, other.table)

    def __hash__(self):
        return self.index

    def __repr__(self):
        return f"RuleSet({self.to_text()})"


def parse_rule(text: str) -> np.ndarray:
    """`"B3/S23"` -> `[2, 9]` uint8 table. Raises RuleSyntaxError naming the text."""
    if not isinstance(text, str):
        raise RuleSyntaxError(f"rule text must be a string, got {type(text).__name__}; "
                              f"expected {TEXT_FORMAT}")
    match = _RULE_RE.match(text.strip())
    if match is None:
        raise RuleSyntaxError(f"invalid rule text {text!r}: expected {TEXT_FORMAT}")
    table = np.zeros((NUM_STATES, NUM_COUNTS), np.uint8)
    for state, digits in enumerate(match.groups()):
        if len(set(digits)) != len(digits):
            raise RuleSyntaxError(f"invalid rule text {text!r}: repeated digit; "
                                  f"expected {TEXT_FORMAT}")
        for d in digits:
            table[state, int(d)] = 1
    return table


def format_rule(table) -> str:
    """`[2, 9]` table -> canonical `B<digits>/S<digits>`, digits ascending."""
    table = np.asarray(table)
    births = "".join(str(n) for n in range(NUM_COUNTS) if table[0, n])
    survivals = "".join(str(n) for n in range(NUM_COUNTS) if table[1, n])
    return f"B{births}/S{survivals}"


_BIT_WEIGHTS = (1 << np.arange(NUM_ENTRIES, dtype=np.int64)).reshape(NUM_STATES, NUM_COUNTS)


def rule_index(tables) -> np.ndarray:
    """`[..., 2, 9]` tables -> `[...]` integer rule indices in [0, 2^18)."""
    tables = np.asarray(tables, np.int64)
    return (tables * _BIT_WEIGHTS).sum(axis=(-2, -1))


def table_from_index(indices) -> np.ndarray:
    """`[...]` rule indices -> `[..., 2, 9]` uint8 tables (inverse of rule_index)."""
    indices = np.asarray(indices, np.int64)
    bits = (indices[..., None] >> np.arange(NUM_ENTRIES)) & 1
    return bits.reshape(*indices.shape, NUM_STATES, NUM_COUNTS).astype(np.uint8)


FAMOUS_RULES = {
    "life": "B3/S23",
    "highlife": "B36/S23",
    "seeds": "B2/S",
    "day_and_night": "B3678/S34678",
    "replicator": "B1357/S1357",
    "life_without_death": "B3/S012345678",
    "34_life": "B34/S34",
    "diamoeba": "B35678/S5678",
    "2x2": "B36/S125",
    "morley": "B368/S245",
}
