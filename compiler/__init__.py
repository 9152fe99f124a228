"""The compiler: rule languages (RuleSet + executor), proposers, checker, selectors."""

from compiler.checker import Demos, Scores, check, conflicting_entries, evidence_counts, unobserved_entries
from compiler.compile import Compiled, CompilerConfig, compile, compile_task
from compiler.executor import neighbour_counts, run, run_batch, run_batch_jit, run_jit, step, step_batch
from compiler.life import (
                              FAMOUS_RULES,
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
from compiler.proposers import PROPOSERS
from compiler.reference import run_numpy, run_reference, step_reference
from compiler.selectors import SELECTORS

__all__ = [
    "FAMOUS_RULES", "NUM_RULES", "PROPOSERS", "SELECTORS", "TEXT_FORMAT", "Compiled",
    "CompilerConfig", "Demos", "RuleSet", "RuleSyntaxError", "Scores", "check", "compile",
    "compile_task", "conflicting_entries", "entry_name", "evidence_counts", "format_rule",
    "neighbour_counts", "parse_rule", "rule_index", "run", "run_batch", "run_batch_jit",
    "run_jit", "run_numpy", "run_reference", "step", "step_batch", "step_reference", "table_from_index",
    "unobserved_entries",
]
