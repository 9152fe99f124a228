"""The `life` domain behind the generic interface (compiler/domain.py): life's rule language
(compiler/life/language.py) with its proposers and capabilities."""

from __future__ import annotations

import numpy as np

from compiler.domain import Completions, Corruption, LearnedProposer, RuleEquivalence
from compiler.life.language import LifeLanguage
from compiler.life.mean_field import mean_field_proposer
from compiler.life.proposer_net import ProposerNet, demo_logits, neural_proposer
from compiler.life.proposers import PROPOSERS, SearchOptions, search_from

# the learned proposers (docs/life.md): the shipped nets under pretrained/, trained by TRAINER
TRAINER = "experiments.training.life_proposer"
LEARNED = {
    # the supervised net's most likely tables, then samples
    "neural": LearnedProposer("life-proposer", ProposerNet, neural_proposer, TRAINER),
    # its drafts start induce's hill climbing (h > 1)
    "hybrid": LearnedProposer("life-proposer", ProposerNet,
                              lambda net: search_from(neural_proposer(net)), TRAINER),
    # its logits are the first start of the mean-field refinement (the others random)
    "neural_mean_field": LearnedProposer(
        "life-proposer", ProposerNet,
        lambda net: mean_field_proposer(lambda groups: demo_logits(net, groups)), TRAINER),
    # trained without true rules, on the checker's verdicts
    "neural_self_taught": LearnedProposer("life-proposer-self-taught", ProposerNet,
                                          neural_proposer, TRAINER),
}


class LifeDomain(LifeLanguage, RuleEquivalence, Corruption, Completions):
    proposers = PROPOSERS
    learned_proposers = LEARNED
    options = SearchOptions

    def completions(self, rule, diagnostics, limit=256):
        names = diagnostics.get("unobserved_entries")
        if names is None or (1 << len(names)) > limit:
            return None
        entries = [("BS".index(n[0]), int(n[1:])) for n in names]
        out = np.repeat(np.asarray(rule, np.uint8)[None], 1 << len(entries), axis=0)
        for i, (state, count) in enumerate(entries):
            out[:, state, count] = (np.arange(len(out)) >> i) & 1
        return out

    def corrupt(self, rule, m, rng):
        """`m` distinct table entries flipped."""
        flat = np.asarray(rule).reshape(-1).copy()
        flat[rng.choice(flat.size, size=m, replace=False)] ^= 1
        return flat.reshape(rule.shape)


DOMAIN = LifeDomain()
