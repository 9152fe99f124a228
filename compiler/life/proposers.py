"""Life's proposers write drafts: K candidate RuleSets `[K, 2, 9]` for one task's demos.

Every proposer has the signature `propose(key, demos, num_drafts, config, truth=None)` and
returns `(drafts, info)`, where `info` is a dict of diagnostics. The registry `PROPOSERS`
maps a name to its function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from compiler.checker import check
from compiler.domain import as_groups, host_rng
from compiler.life.checker import Demos, evidence_counts
from compiler.life.language import LANGUAGE
from compiler.life.mean_field import mean_field_proposer
from compiler.life.rules import NUM_ENTRIES, NUM_RULES, table_from_index
from compiler.pipeline import CompilerConfig
from compiler.registry import registrar

PROPOSERS: dict[str, Callable] = {}
register = registrar(PROPOSERS)


@dataclass(frozen=True)
class SearchOptions:
    """Life's compiler options (`CompilerConfig.options`; set as `task.search_restarts`...)."""

    search_restarts: int = 32  # induce on horizon > 1: hill-climbing population
    search_steps: int = 64  # induce on horizon > 1: hill-climbing iterations


def search_options(config) -> SearchOptions:
    """The life options a compiler config carries (the defaults where it has none)."""
    options = None if config is None else config.options
    return options if isinstance(options, SearchOptions) else SearchOptions()


def _dedupe(drafts: np.ndarray) -> np.ndarray:
    """Drop repeated drafts, keeping first occurrences in order."""
    _, first = np.unique(drafts.reshape(len(drafts), -1), axis=0, return_index=True)
    return drafts[np.sort(first)]


@register("random")
def propose_random(key, demos, num_drafts, config=None, truth=None):
    drafts = host_rng(key).integers(0, 2, size=(num_drafts, 2, 9), dtype=np.uint8)
    return drafts, {}


@register("oracle")
def propose_oracle(key, demos, num_drafts, config=None, truth=None):
    if truth is None:
        raise ValueError("the oracle proposer needs the true rule (the task's hidden truth)")
    return np.asarray(truth, np.uint8)[None], {}


@register("exhaustive")
def propose_exhaustive(key, demos, num_drafts, config=None, truth=None, progress=None):
    """Check all 2^18 rules (vectorized, in chunks); keep the `num_drafts` best.

    The ceiling for any proposer: every consistent rule is found, and they come first
    (ties broken by rule index); `info["consistent_rules"]` counts them. To save work, all
    rules are first run on one demo only; the rules exact there (a superset of the
    consistent ones), or failing that the `num_drafts` best there, are then checked on
    every demo. So the ranking of *inconsistent* drafts is by that first screen.
    """
    groups = as_groups(demos)
    chunk = (config or CompilerConfig()).chunk
    tables = table_from_index(np.arange(NUM_RULES))
    first = groups[0]
    screen = Demos(first.inputs[:1], first.outputs[:1], first.horizon)
    wrong0 = check(LANGUAGE, tables, screen, chunk=chunk, with_blame=False, progress=progress).mismatches
    order0 = np.lexsort((np.arange(NUM_RULES), wrong0))
    passed = int((wrong0 == 0).sum())
    candidates = order0[:max(passed, num_drafts)]
    scores = check(LANGUAGE, tables[candidates], groups, chunk=chunk, with_blame=False)
    order = np.lexsort((np.arange(len(candidates)), scores.mismatches))[:num_drafts]
    return tables[candidates[order]], {"consistent_rules": int(scores.exact.sum()),
                                       "passed_first_demo": passed}


@register("induce")
def propose_induce(key, demos, num_drafts, config=None, truth=None):
    """Symbolic induction.

    Horizon-1 demos: count the evidence per table entry and take the majority (robust to
    output noise); draft 0 sets unobserved entries to 0, later drafts fill unobserved and
    contested entries at random. Longer horizons: vectorized hill climbing over single-entry
    flips from random restarts, keeping drafts that reproduce the demos.
    """
    groups = as_groups(demos)
    rng = host_rng(key)
    if all(g.horizon == 1 for g in groups):
        return _induce_by_counting(groups, num_drafts, rng)
    return _induce_by_search(groups, num_drafts, rng, config)


def _induce_by_counting(groups, num_drafts, rng):
    evidence = evidence_counts(groups)  # [2, 9, 2]
    ones, total = evidence[..., 1], evidence.sum(-1)
    majority = (2 * ones > total).astype(np.uint8)  # ties and unobserved -> 0
    # probability that an entry is 1 in the later drafts: unobserved 1/2, contested by share
    p_one = np.where(total > 0, ones / np.maximum(total, 1), 0.5)
    uncertain = (total == 0) | ((ones > 0) & (ones < total))
    drafts = [majority]
    for _ in range(num_drafts - 1):
        sample = (rng.random((2, 9)) < p_one).astype(np.uint8)
        drafts.append(np.where(uncertain, sample, majority))
    info = {"num_unobserved": int((total == 0).sum())}
    return _dedupe(np.stack(drafts)), info


def search_from(start_proposer):
    """A proposer (the registry signature) that hill-climbs like `induce` on horizon > 1,
    starting from the drafts of `start_proposer` (the hybrid: learned starts, checked
    search); on horizon-1 demos it returns `start_proposer`'s drafts."""

    def propose(key, demos, num_drafts, config=None, truth=None):
        groups = as_groups(demos)
        config = config or CompilerConfig()
        starts, info = start_proposer(key, groups,
                                      max(num_drafts, search_options(config).search_restarts),
                                      config, truth)
        if all(g.horizon == 1 for g in groups):
            return starts[:num_drafts], info
        drafts, more = _induce_by_search(groups, num_drafts, host_rng(key), config, starts)
        return drafts, {**info, **more}

    return propose


def _induce_by_search(groups, num_drafts, rng, config, starts=None):
    """Hill climbing from `starts` `[S, 2, 9]` (the first `search_restarts` of them; random
    tables fill the rest), else from random tables."""
    options = search_options(config)
    restarts, steps = options.search_restarts, options.search_steps
    flips = np.eye(NUM_ENTRIES, dtype=np.uint8).reshape(NUM_ENTRIES, 2, 9)
    population = rng.integers(0, 2, size=(restarts, 2, 9), dtype=np.uint8)
    if starts is not None:
        starts = np.asarray(starts, np.uint8)[:restarts]
        population[:len(starts)] = starts
    seen: dict[bytes, tuple[int, int]] = {}  # draft bytes -> (mismatches, discovery order)
    iterations = 0
    for _ in range(steps):
        iterations += 1
        candidates = np.concatenate([population[:, None], population[:, None] ^ flips], axis=1)
        flat = candidates.reshape(-1, 2, 9)
        mismatches = check(LANGUAGE, flat, groups, with_blame=False).mismatches.reshape(restarts, -1)
        for draft, wrong in zip(flat, mismatches.ravel(), strict=True):
            seen.setdefault(draft.tobytes(), (int(wrong), len(seen)))
        if (mismatches == 0).any():
            break
        best = mismatches.argmin(axis=1)
        stuck = best == 0  # no flip improves: restart from a random rule
        population = candidates[np.arange(restarts), best]
        population[stuck] = rng.integers(0, 2, size=(int(stuck.sum()), 2, 9), dtype=np.uint8)
    if starts is not None:  # the starts themselves are drafts too (before any step)
        for draft in np.asarray(starts, np.uint8):
            seen.setdefault(draft.tobytes(), (int(check(LANGUAGE, draft[None], groups,
                                                          with_blame=False).mismatches[0]), len(seen)))
    ranked = sorted(seen.items(), key=lambda item: item[1])[:num_drafts]
    drafts = np.stack([np.frombuffer(b, np.uint8).reshape(2, 9) for b, _ in ranked])
    return drafts, {"search_iterations": iterations, "search_evaluated": len(seen)}


# random starts only: the unlearned baseline of the learned `neural_mean_field`
PROPOSERS["mean_field"] = mean_field_proposer()
