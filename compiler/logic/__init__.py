"""The `logic` domain: propositional rule sets with explicit negation and integrity
constraints, which must not contradict themselves (`p1 & ~p2 -> p3; p1 & p6 -> false`).

A RuleSet is a padded `[MAX_RULES, 4]` int16 array (compiler/logic/rules.py); states hold
one uint8 per atom (compiler/logic/executor.py).
"""

from compiler.logic.checker import Demos
from compiler.logic.domain import DOMAIN, LogicDomain
from compiler.logic.rules import (
    FALSE_HEAD,
    MAX_ATOMS,
    MAX_RULES,
    TEXT_FORMAT,
    RuleSyntaxError,
    canonical,
    format_rules,
    from_rules,
    parse_rules,
)

__all__ = ["DOMAIN", "FALSE_HEAD", "MAX_ATOMS", "MAX_RULES", "TEXT_FORMAT", "Demos",
           "LogicDomain", "RuleSyntaxError", "canonical", "format_rules", "from_rules",
           "parse_rules"]
