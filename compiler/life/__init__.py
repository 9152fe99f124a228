"""The `life` domain: Life-like cellular automata in B/S notation (`B3/S23`).

A RuleSet is a `[2, 9]` table of next states indexed by (cell state, live neighbours).
"""

from compiler.life.checker import Demos, conflicting_entries, evidence_counts, unobserved_entries
from compiler.life.domain import DOMAIN, LifeDomain
from compiler.life.executor import neighbour_counts, run, run_batch, run_batch_jit, run_jit, step, step_batch
from compiler.life.proposers import PROPOSERS
from compiler.life.reference import run_numpy, run_reference, step_reference
from compiler.life.rules import (
    FAMOUS_RULES,
    NUM_ENTRIES,
    NUM_RULES,
    TEXT_FORMAT,
    RuleSet,
    RuleSyntaxError,
    entry_name,
    format_rule,
    parse_rule,
    rule_index,
    table_from_index,
)

__all__ = [
    "DOMAIN", "FAMOUS_RULES", "NUM_ENTRIES", "NUM_RULES", "PROPOSERS", "TEXT_FORMAT", "Demos",
    "LifeDomain", "RuleSet", "RuleSyntaxError", "conflicting_entries", "entry_name",
    "evidence_counts", "format_rule", "neighbour_counts", "parse_rule", "rule_index", "run",
    "run_batch", "run_batch_jit", "run_jit", "run_numpy", "run_reference", "step", "step_batch",
    "step_reference", "table_from_index", "unobserved_entries",
]
