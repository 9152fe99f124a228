"""Life's reasoners: symbolic (the executor), neural (compiled, discrete, certifiable),
latent (continuous state, final-state supervision) and end_to_end (reads the raw demos)."""

from reasoner.life.latent import LatentCell, LatentReasoner
from reasoner.life.neural import NeuralConfig, NeuralReasoner, RecurrentCell
from reasoner.registry import ReasonerSpec

REASONERS = [
    ReasonerSpec("symbolic", "life", reads="rules", resumable=True, discrete=True,
                 certifiable=True, halts=False),
    ReasonerSpec("neural", "life", reads="rules", resumable=True, discrete=True, certifiable=True,
                 halts=True, loss="per_step", model=RecurrentCell, wrap=NeuralReasoner),
    ReasonerSpec("end_to_end", "life", reads="demos", resumable=True, discrete=True,
                 certifiable=True, halts=True, loss="per_step", model=RecurrentCell,
                 wrap=NeuralReasoner),
    # its answer after T iterations cannot be continued from the decoded state
    ReasonerSpec("latent", "life", reads="rules", resumable=False, discrete=False,
                 certifiable=False, halts=True, loss="final_state", model=LatentCell,
                 wrap=LatentReasoner),
]

__all__ = ["REASONERS", "LatentCell", "LatentReasoner", "NeuralConfig", "NeuralReasoner",
           "RecurrentCell"]
