"""Logic's reasoners: symbolic (the forward-chaining executor) and neural (message passing
on the compiled rule graph, discrete, certified on every local configuration)."""

from reasoner.logic.neural import ChainingCell, ChainingReasoner
from reasoner.registry import ReasonerSpec

REASONERS = [
    ReasonerSpec("symbolic", "logic", reads="rules", resumable=True, discrete=True,
                 certifiable=False, halts=False),
    ReasonerSpec("neural", "logic", reads="rules", resumable=True, discrete=True,
                 certifiable=True, halts=True, loss="chaining", model=ChainingCell,
                 wrap=ChainingReasoner),
]

__all__ = ["REASONERS", "ChainingCell", "ChainingReasoner"]
