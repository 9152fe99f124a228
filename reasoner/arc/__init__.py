"""ARC's reasoners: symbolic (the executor: rules once or to their fixed point) and
end_to_end (a fresh neural CA per task trained on its demos: the ARC-NCA baseline)."""

from reasoner.registry import ReasonerSpec

REASONERS = [
    ReasonerSpec("symbolic", "arc", reads="rules", resumable=False, discrete=True),
    # trains per task while it answers: nothing to train beforehand, no certificate
    ReasonerSpec("end_to_end", "arc", reads="demos", ranked=True, per_task=True,
                 wrap=lambda settings: _nca_reasoner(settings)),
]


def _nca_reasoner(settings: dict):
    """The NCA with the run's sizes: reasoner.channels, reasoner.width (hidden units),
    train.steps, train.batch_size, train.lr, train.horizon (CA steps)."""
    from reasoner.arc.nca import NCAConfig, NCAReasoner

    config = NCAConfig(channels=max(settings["channels"], 11), hidden=settings["width"],
                       ca_steps=settings["horizon"], train_steps=settings["steps"],
                       batch=settings["batch_size"], lr=settings["lr"])
    return NCAReasoner(config, settings["seed"])
