"""Reasoners, generic over domains: the registry of what each reasoner is and can do,
answering (incl. votes), the symbolic reasoner, certification and the cycle detector.
A domain's learned reasoners live in `reasoner/<domain>/`."""

from reasoner.answer import answer
from reasoner.certify import certifiable, certify, certify_tables
from reasoner.halting import CycleResult, run_until_cycle
from reasoner.registry import ReasonerSpec, get_spec, reasoner_names
from reasoner.symbolic import SymbolicReasoner

__all__ = ["CycleResult", "ReasonerSpec", "SymbolicReasoner", "answer", "certifiable", "certify",
           "certify_tables", "get_spec", "reasoner_names", "run_until_cycle"]
