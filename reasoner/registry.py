"""One registry of reasoners, by (domain, name), with their capabilities declared.

Generic code asks a reasoner's `spec` what it can do instead of probing it: what it reads
(the compiled rule set or the raw demos), whether an answer can be continued to a longer
horizon from the previous answer, whether its state is discrete (the cycle detector works on
it), whether a certificate applies, whether it has a learned halting head, and how it is
trained. Each domain lists its reasoners in `reasoner/<domain>/__init__.py` as `REASONERS`;
the registry finds them by the domain's name, so adding a domain edits nothing here.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

READS = ("rules", "demos")


@dataclass(frozen=True)
class ReasonerSpec:
    name: str  # symbolic | neural | latent | end_to_end
    domain: str
    reads: str  # "rules" (compiled RuleSet) or "demos" (the raw demos: no compiler)
    # the capabilities, declared (generic code reads these, never probes the reasoner)
    resumable: bool = False  # an answer after T iterations continues to T' > T from that answer
    discrete: bool = False  # discrete state between iterations (the cycle detector applies)
    certifiable: bool = False  # a local-configuration certificate proves it exact
    halts: bool = False  # a learned halting head: `rollout_halting(task, states, budget)`
    ranked: bool = False  # `rollout_ranked(task, states, steps, top) -> [B, top, ...]` answers
    # learns per task as it answers (nothing trained beforehand): `wrap(settings)` gets the
    # run's sizes and budget, a dict with `channels, width, depth, steps, batch_size, lr,
    # horizon, seed`
    per_task: bool = False
    # how it trains: `loss(graphdef, t, reads_demos) -> (batch_kwargs, loss_fn)` (see
    # reasoner/losses.py); None: nothing to train
    loss: Callable | None = None
    model: Callable | None = None  # (NeuralConfig, reads, rngs) -> nnx.Module
    # a trained model (None where nothing is trained beforehand: symbolic, or a reasoner that
    # trains per task as it answers) -> the reasoner
    wrap: Callable | None = None

    def __post_init__(self):
        if self.reads not in READS:
            raise ValueError(f"reasoner {self.name}: reads must be one of {READS}, got {self.reads!r}")

    @property
    def trainable(self) -> bool:
        return self.loss is not None


@functools.cache
def _domain_specs(domain: str) -> dict[str, ReasonerSpec]:
    import reasoner

    known = sorted({m.name for m in pkgutil.iter_modules(reasoner.__path__) if m.ispkg})
    if domain not in known:
        raise ValueError(f"no reasoners for domain {domain!r}; known domains: {known}")
    specs = importlib.import_module(f"reasoner.{domain}").REASONERS
    return {s.name: s for s in specs}


def reasoner_names(domain: str) -> list[str]:
    return sorted(_domain_specs(domain))


def get_spec(domain: str, name: str) -> ReasonerSpec:
    specs = _domain_specs(domain)
    if name not in specs:
        raise ValueError(f"reasoner={name!r} is not known for task={domain}; known: {sorted(specs)}")
    return specs[name]
