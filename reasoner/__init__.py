"""Reasoners: `symbolic` (exact executor) and `neural` (rule-conditioned recurrent network)."""

from reasoner.answer import answer
from reasoner.neural import TRACE_COUNTS, NeuralConfig, NeuralReasoner, RuleConditionedCell, rollout_fn
from reasoner.symbolic import SymbolicReasoner

__all__ = ["TRACE_COUNTS", "NeuralConfig", "NeuralReasoner", "RuleConditionedCell",
           "SymbolicReasoner", "answer", "rollout_fn"]
