"""Logic's reasoners: symbolic (the forward-chaining executor), neural (message passing on
the compiled rule graph, discrete, certified on every local configuration), end_to_end
(the same cell reading the raw demos) and latent (continuous state, final-state loss)."""

from reasoner.logic.latent import LatentChainingCell, LatentChainingReasoner
from reasoner.logic.losses import chaining_final_state_loss, chaining_loss
from reasoner.logic.neural import ChainingCell, ChainingReasoner
from reasoner.registry import ReasonerSpec

REASONERS = [
    ReasonerSpec("symbolic", "logic", reads="rules", resumable=True, discrete=True,
                 certifiable=False, halts=False),
    ReasonerSpec("neural", "logic", reads="rules", resumable=True, discrete=True,
                 certifiable=True, halts=True, loss=chaining_loss, model=ChainingCell,
                 wrap=ChainingReasoner),
    # the no-compiler baseline: the same cell reading the raw demos; the demo reader is not
    # local, so no certificate applies
    ReasonerSpec("end_to_end", "logic", reads="demos", resumable=True, discrete=True,
                 certifiable=False, halts=True, loss=chaining_loss, model=ChainingCell,
                 wrap=ChainingReasoner),
    # its answer after T iterations cannot be continued from the decoded state
    ReasonerSpec("latent", "logic", reads="rules", resumable=False, discrete=False,
                 certifiable=False, halts=True, loss=chaining_final_state_loss,
                 model=LatentChainingCell, wrap=LatentChainingReasoner),
]

__all__ = ["REASONERS", "ChainingCell", "ChainingReasoner", "LatentChainingCell",
           "LatentChainingReasoner"]
