"""Certification, generic over domains: each domain's `reasoner/<domain>/certify.py` checks
a reasoner against a RuleSet on every local configuration (life: the 512 neighbourhoods).

A reasoner whose state between iterations is discrete and whose update is local is exact
at every horizon and size iff it is exact on every local configuration; whether that holds
for a reasoner is declared in its registry spec (`certifiable`).
"""

from __future__ import annotations

import importlib


def certifier(domain: str):
    """The domain's certification module (`certify`, `certify_tables`, `Certificate`)."""
    return importlib.import_module(f"reasoner.{domain}.certify")


def certifiable(reasoner) -> bool:
    return reasoner.spec.certifiable


def certify(reasoner, rule, task=None):
    """A Certificate for `reasoner` on one RuleSet (its task input, or `task` for a
    reasoner that reads demos)."""
    return certifier(reasoner.spec.domain).certify(reasoner, rule, task)


def certify_tables(reasoner, rules, task=None):
    """Vectorized over rules: (`[R]` failing local configurations per rule, 0 = certified;
    `[R]` smallest margin or None)."""
    return certifier(reasoner.spec.domain).certify_tables(reasoner, rules, task)
