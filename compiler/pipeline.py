"""`compile(domain, demos, key, config) -> Compiled`: propose K drafts, check, select one.

Generic over domains: the domain supplies the proposers, the per-demo check, internal
consistency and voting (compiler/domain.py); this module runs the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import jax
import numpy as np

from compiler.checker import Scores, check
from compiler.domain import Domain, as_groups
from compiler.selectors import SELECTORS, ranking


@dataclass(frozen=True)
class CompilerConfig:
    proposer: str = "induce"  # the domain's: induce | random | exhaustive | oracle | learned ones
    num_drafts: int = 16
    selector: str = "best"  # best | vote | random | first
    chunk: int = 4096  # drafts per vectorized check call
    check_consistency: bool = True  # false: select by demo fit alone (the ablation)
    # vote: how survivors are weighted (uniform | length: 2^-(the domain's description
    # length), a simplicity prior) and the weighted share a value needs to be committed
    # (1.0: every survivor agrees; below it a domain that can abstain commits to the
    # heaviest value when its share reaches `commit`, else answers undetermined)
    prior: str = "uniform"
    prior_bits: float = 0.33  # `length`: a survivor's weight is 2^-(prior_bits x its length)
    commit: float = 1.0
    # the domain's own compiler options (an instance of `Domain.options`; None: its defaults)
    options: Any = None


PRIORS = ("uniform", "length")


def prior_weights(domain: Domain, drafts, config: CompilerConfig) -> np.ndarray | None:
    """`[K]` draft weights relative to the lightest-coded draft: None for the uniform
    prior, else 2^-(prior_bits x the domain's description length) (`length`: logic counts
    the symbols of the rule text)."""
    if config.prior == "uniform":
        return None
    if config.prior == "length":
        length = np.asarray(domain.description_length(drafts, config.options), np.float64)
        return np.exp2(-config.prior_bits * (length - length.min()))
    raise ValueError(f"unknown compiler.prior {config.prior!r}; known: {PRIORS}")


class Voters(np.ndarray):
    """RuleSets `[V, *rule_shape]` (an array) that also carry each voter's `weights` `[V]`
    and the `commit` share, which `reasoner.answer` hands to the domain's `combine`."""

    @classmethod
    def of(cls, rules, weights=None, commit: float = 1.0) -> Voters:
        out = np.asarray(rules).view(cls)
        out.weights = np.ones(len(out)) if weights is None else np.asarray(weights, np.float64)
        out.commit = float(commit)
        return out

    def __array_finalize__(self, obj):
        # copies keep the weights; a slice or reshape that changes the shape drops them
        # (uniform) rather than pair them with the wrong voters
        weights = getattr(obj, "weights", None)
        self.weights = weights if weights is not None and self.shape == obj.shape else None
        self.commit = getattr(obj, "commit", 1.0)


@dataclass
class Compiled:
    """What the compiler hands the reasoner."""

    domain: Domain
    drafts: np.ndarray  # [K, *rule_shape]
    scores: Scores
    survivors: np.ndarray  # [K] bool: drafts consistent with the demos (or best-scoring)
    chosen: np.ndarray  # the survivor's RuleSet arrays (for `vote`, the majority of survivors)
    chosen_index: int | None  # index into drafts, None when `chosen` is not itself a draft
    selector: str
    diagnostics: dict = field(default_factory=dict)
    weights: np.ndarray | None = None  # [K] the drafts' prior weights (None: uniform)
    commit: float = 1.0  # vote: the weighted share a value needs (CompilerConfig.commit)

    @property
    def rule_text(self) -> str:
        return self.domain.to_text(self.chosen)

    @property
    def consistent_drafts(self) -> int:
        """Drafts that reproduce every demo and do not contradict themselves."""
        return int((self.scores.exact & self.scores.self_consistent).sum())

    @property
    def voters(self) -> Voters:
        """RuleSets whose runs answer a query: all survivors for `vote` (with their prior
        weights and the commit share), else the chosen."""
        if self.selector == "vote":
            weights = None if self.weights is None else self.weights[self.survivors]
            return Voters.of(self.drafts[self.survivors], weights, self.commit)
        return Voters.of(self.chosen[None])

    @property
    def ranked(self) -> np.ndarray:
        """The surviving drafts' indices best first (the checker's ranking: fewest wrong demo
        units, self-consistent, smallest, first): where ranked answers come from."""
        order = ranking(self.scores)
        return order[self.survivors[order]]

    @property
    def chosen_demo_score(self) -> float:
        """Accuracy of the chosen RuleSet on the demos."""
        return float(self.diagnostics["chosen_demo_score"])


def compile(domain: Domain, demos, key, config: CompilerConfig = CompilerConfig(),  # noqa: A001
            truth=None) -> Compiled:
    """Compile demos (one group or a list) into drafts, check them, select the survivor.

    Never raises on contradictory demos: it returns zero consistent drafts, the domain's
    diagnostics (e.g. naming conflicting entries), and falls back to the best-scoring drafts.
    """
    propose = domain.proposer(config.proposer)  # raises naming the known ones (or the weights)
    if config.selector not in SELECTORS:
        raise ValueError(f"unknown selector {config.selector!r}; known: {sorted(SELECTORS)}")
    if config.num_drafts < 1:
        raise ValueError(f"num_drafts must be >= 1, got {config.num_drafts}")
    if config.prior not in PRIORS:
        raise ValueError(f"unknown prior {config.prior!r}; known: {PRIORS}")
    if config.prior_bits < 0:
        raise ValueError(f"prior_bits must be >= 0, got {config.prior_bits}")
    if not 0.5 < config.commit <= 1.0:
        raise ValueError(f"commit must be in (0.5, 1], got {config.commit}")
    groups = as_groups(demos)
    key_propose, key_select = jax.random.split(key)
    drafts, info = propose(key_propose, groups, config.num_drafts, config, truth=truth)
    return check_and_select(domain, drafts, groups, key_select, config, info)


def propose_key(key):
    """The part of a compile key the proposer gets (the rest goes to the selector)."""
    return jax.random.split(key)[0]


def check_and_select(domain: Domain, drafts, demos, key, config: CompilerConfig,
                     info: dict | None = None) -> Compiled:
    """Check given drafts (e.g. a prefix of a larger draft set) and select the survivor;
    `key` is the selector's."""
    groups = as_groups(demos)
    scores = check(domain, drafts, groups, chunk=config.chunk)

    diagnostics = dict(info or {})
    if not config.check_consistency:
        # the ablation: the internal check's verdicts are kept aside, selection ignores them
        diagnostics["self_consistent"] = scores.self_consistent
        scores = scores._replace(self_consistent=np.ones_like(scores.self_consistent))
    survivors = scores.exact & scores.self_consistent
    if not survivors.any():
        # Nothing reproduces the demos: keep the best-scoring drafts and say so.
        survivors = scores.well_formed & (scores.mismatches == scores.mismatches.min())
        diagnostics["fallback"] = "no draft reproduces the demos; using the best-scoring drafts"
    diagnostics.update(domain.demo_diagnostics(groups))
    best = int(ranking(scores)[0])
    diagnostics["blamed_entries"] = domain.blamed(drafts[best], scores.blame[best])

    compiled = Compiled(domain, drafts, scores, survivors, drafts[0], None, config.selector,
                        diagnostics, prior_weights(domain, drafts, config), config.commit)
    return reselect(compiled, config.selector, groups, key)


def reselect(compiled: Compiled, selector: str, demos, key=None) -> Compiled:
    """The same drafts and scores under another selector (no new proposing or checking)."""
    domain = compiled.domain
    index, rule = SELECTORS[selector](domain, key, compiled.drafts, compiled.scores,
                                      compiled.survivors)
    if index is not None:
        score = float(compiled.scores.cell_acc[index])
    else:  # the chosen RuleSet is not a draft: check it on its own
        score = float(check(domain, np.asarray(rule)[None], as_groups(demos),
                            with_blame=False).cell_acc[0])
    diagnostics = dict(compiled.diagnostics, chosen_demo_score=score)
    return replace(compiled, chosen=np.asarray(rule), chosen_index=index, selector=selector,
                   diagnostics=diagnostics)
