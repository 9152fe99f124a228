"""Logic's reasoners: symbolic (the forward-chaining executor). The learned ones (neural,
latent, end_to_end) are the logic-reasoner issue's work."""

from reasoner.registry import ReasonerSpec

REASONERS = [
    ReasonerSpec("symbolic", "logic", reads="rules", resumable=True, discrete=True,
                 certifiable=False, halts=False),
]

__all__ = ["REASONERS"]
