"""Selectors pick the survivor among checked drafts.

Signature: `select(key, drafts, scores, survivors) -> (chosen_index | None, table [2, 9])`.
- `best`: highest demo score (exact first, then fewest wrong cells), first on ties.
- `vote`: the answer is the per-cell majority of all survivors' runs on the query (see
  `Compiled.voters`); the RuleSet reported is the per-entry majority of the survivors.
- `random`: a uniformly random draft, ignoring the check (the "no check" ablation).
- `first`: the first surviving draft in the proposer's order.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import numpy as np

from compiler.registry import registrar

SELECTORS: dict[str, Callable] = {}
register = registrar(SELECTORS)


@register("best")
def select_best(key, drafts, scores, survivors):
    order = np.lexsort((np.arange(len(drafts)), scores.mismatches))
    index = int(order[0])
    return index, drafts[index]


@register("vote")
def select_vote(key, drafts, scores, survivors):
    voters = drafts[survivors]
    table = (2 * voters.sum(axis=0) > len(voters)).astype(np.uint8)
    matches = np.nonzero((drafts == table).all(axis=(1, 2)))[0]
    return (int(matches[0]) if len(matches) else None), table


@register("random")
def select_random(key, drafts, scores, survivors):
    index = int(jax.random.randint(key, (), 0, len(drafts)))
    return index, drafts[index]


@register("first")
def select_first(key, drafts, scores, survivors):
    index = int(np.argmax(survivors))  # first True (survivors is never all False)
    return index, drafts[index]
