"""Life's reasoners: symbolic (the executor), neural (compiled, discrete, certifiable),
latent (continuous state, final-state supervision) and end_to_end (reads the raw demos)."""

from reasoner.life.latent import LatentCell, LatentReasoner
from reasoner.life.losses import final_state_loss, per_step_loss
from reasoner.life.neural import NeuralReasoner, RecurrentCell
from reasoner.neural_config import NeuralConfig
from reasoner.registry import ReasonerSpec

REASONERS = [
    ReasonerSpec("symbolic", "life", reads="rules", resumable=True, discrete=True,
                 certifiable=True, halts=False),
    ReasonerSpec("neural", "life", reads="rules", resumable=True, discrete=True, certifiable=True,
                 halts=True, loss=per_step_loss, model=RecurrentCell, wrap=NeuralReasoner),
    ReasonerSpec("end_to_end", "life", reads="demos", resumable=True, discrete=True,
                 certifiable=True, halts=True, loss=per_step_loss, model=RecurrentCell,
                 wrap=NeuralReasoner),
    # its answer after T iterations cannot be continued from the decoded state
    ReasonerSpec("latent", "life", reads="rules", resumable=False, discrete=False,
                 certifiable=False, halts=True, loss=final_state_loss, model=LatentCell,
                 wrap=LatentReasoner),
]

__all__ = ["REASONERS", "LatentCell", "LatentReasoner", "NeuralConfig", "NeuralReasoner",
           "RecurrentCell"]
