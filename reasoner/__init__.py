"""Reasoners: `symbolic` (exact executor), `neural` (compiled) and `end_to_end` (demos)."""

from reasoner.answer import answer
from reasoner.certify import Certificate, certifiable, certify, certify_tables
from reasoner.halting import CycleResult, run_until_cycle
from reasoner.neural import TRACE_COUNTS, NeuralConfig, NeuralReasoner, RecurrentCell, rollout_fn
from reasoner.symbolic import SymbolicReasoner

__all__ = ["TRACE_COUNTS", "Certificate", "CycleResult", "NeuralConfig", "NeuralReasoner",
           "RecurrentCell", "SymbolicReasoner", "answer", "certifiable", "certify",
           "certify_tables", "rollout_fn", "run_until_cycle"]
