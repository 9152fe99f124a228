"""The toy domain has one reasoner: the symbolic executor."""

from reasoner.registry import ReasonerSpec

REASONERS = [ReasonerSpec("symbolic", "toy", reads="rules", resumable=True, discrete=True)]
