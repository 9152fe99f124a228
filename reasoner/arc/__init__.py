"""ARC's reasoners: symbolic (the executor: rules once or to their fixed point)."""

from reasoner.registry import ReasonerSpec

REASONERS = [ReasonerSpec("symbolic", "arc", reads="rules", resumable=False, discrete=True)]
