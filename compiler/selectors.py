"""Selectors pick the survivor among checked drafts, for any domain.

Signature: `select(domain, key, drafts, scores, survivors) -> (chosen_index | None, rule)`.
- `best`: highest demo score (fewest wrong demo units), then self-consistent, then the
  smallest (the domain's size), then first.
- `vote`: every survivor answers a query and the domain combines their answers (life: per
  cell majority; see `Compiled.voters`); the RuleSet reported is the domain's majority of
  the survivors.
- `random`: a uniformly random draft, ignoring the check (the "no check" ablation).
- `first`: the first surviving draft in the proposer's order.

`version_space` is not a selector: it picks no draft. `experiments.solve` alone accepts
`compiler.selector=version_space` and answers from the demos' exact version space (domains
with the `VersionSpace` capability: logic), reporting the vote's RuleSet; every other app
refuses it (experiments/core/config.py, `validate`).
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import numpy as np

from compiler.registry import registrar

SELECTORS: dict[str, Callable] = {}
register = registrar(SELECTORS)


def ranking(scores) -> np.ndarray:
    """Draft indices best first: fewest wrong units, self-consistent, smallest, first."""
    k = len(scores.mismatches)
    return np.lexsort((np.arange(k), scores.size, ~scores.self_consistent, scores.mismatches))


@register("best")
def select_best(domain, key, drafts, scores, survivors):
    index = int(ranking(scores)[0])
    return index, drafts[index]


@register("vote")
def select_vote(domain, key, drafts, scores, survivors):
    rule = domain.majority(drafts[survivors])
    matches = np.nonzero((drafts == rule).reshape(len(drafts), -1).all(axis=1))[0]
    return (int(matches[0]) if len(matches) else None), rule


@register("random")
def select_random(domain, key, drafts, scores, survivors):
    index = int(jax.random.randint(key, (), 0, len(drafts)))
    return index, drafts[index]


@register("first")
def select_first(domain, key, drafts, scores, survivors):
    index = int(np.argmax(survivors))  # first True (survivors is never all False)
    return index, drafts[index]
