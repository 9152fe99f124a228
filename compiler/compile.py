"""`compile(demos, key, config) -> Compiled`: propose K drafts, check them, select one."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import jax
import numpy as np

from compiler.checker import Demos, Scores, check, conflicting_entries, evidence_counts, unobserved_entries
from compiler.life import RuleSet, entry_name
from compiler.proposers import PROPOSERS
from compiler.selectors import SELECTORS


@dataclass(frozen=True)
class CompilerConfig:
    proposer: str = "induce"
    num_drafts: int = 16
    selector: str = "best"
    search_restarts: int = 32  # induce on horizon > 1: hill-climbing population
    search_steps: int = 64  # induce on horizon > 1: hill-climbing iterations
    chunk: int = 4096  # drafts per vectorized check call


@dataclass
class Compiled:
    """What the compiler hands the reasoner."""

    drafts: np.ndarray  # [K, 2, 9]
    scores: Scores
    survivors: np.ndarray  # [K] bool: drafts consistent with the demos (or best-scoring)
    chosen: RuleSet  # the survivor (for `vote`, the per-entry majority of survivors)
    chosen_index: int | None  # index into drafts, None when `chosen` is not itself a draft
    selector: str
    diagnostics: dict = field(default_factory=dict)

    @property
    def consistent_drafts(self) -> int:
        return int(self.scores.exact.sum())

    @property
    def voters(self) -> np.ndarray:
        """Tables whose runs answer a query: all survivors for `vote`, else the chosen one."""
        if self.selector == "vote":
            return self.drafts[self.survivors]
        return self.chosen.table[None]

    @property
    def chosen_demo_score(self) -> float:
        """Cell accuracy of the chosen RuleSet on the demos."""
        return float(self.diagnostics["chosen_demo_score"])


def compile_task(demos: Demos | list[Demos], key, config: CompilerConfig = CompilerConfig(),
                 truth=None) -> Compiled:
    """Compile demos into drafts, check them, and select the survivor.

    Never raises on contradictory demos: it returns zero consistent drafts, a diagnostic
    naming the conflicting table entries, and falls back to the best-scoring drafts.
    """
    if config.proposer not in PROPOSERS:
        raise ValueError(f"unknown proposer {config.proposer!r}; known: {sorted(PROPOSERS)}")
    if config.selector not in SELECTORS:
        raise ValueError(f"unknown selector {config.selector!r}; known: {sorted(SELECTORS)}")
    if config.num_drafts < 1:
        raise ValueError(f"num_drafts must be >= 1, got {config.num_drafts}")
    groups = [demos] if isinstance(demos, Demos) else list(demos)
    propose_key, select_key = jax.random.split(key)

    drafts, info = PROPOSERS[config.proposer](propose_key, groups, config.num_drafts, config,
                                              truth=truth)
    scores = check(drafts, groups, chunk=config.chunk)

    diagnostics = dict(info)
    survivors = scores.exact.copy()
    if not survivors.any():
        # Nothing reproduces the demos: keep the best-scoring drafts and say so.
        survivors = scores.well_formed & (scores.mismatches == scores.mismatches.min())
        diagnostics["fallback"] = "no draft reproduces the demos; using the best-scoring drafts"
    evidence = evidence_counts(groups)
    if any(g.horizon == 1 for g in groups):
        diagnostics["conflicting_entries"] = conflicting_entries(evidence)
        diagnostics["unobserved_entries_list"] = unobserved_entries(evidence)
    best = int(np.lexsort((np.arange(len(drafts)), scores.mismatches))[0])
    diagnostics["blamed_entries"] = [
        entry_name(s, n) for s, n in zip(*np.nonzero(scores.blame[best]), strict=True)]

    chosen_index, chosen_table = SELECTORS[config.selector](select_key, drafts, scores, survivors)
    diagnostics["chosen_demo_score"] = demo_score(chosen_index, chosen_table, scores, groups)
    return Compiled(drafts=drafts, scores=scores, survivors=survivors,
                    chosen=RuleSet(chosen_table), chosen_index=chosen_index,
                    selector=config.selector, diagnostics=diagnostics)


def demo_score(index, table, scores: Scores, groups) -> float:
    """Cell accuracy of the chosen table on the demos (checked only if it is not a draft)."""
    if index is not None:
        return float(scores.cell_acc[index])
    return float(check(table[None], groups, with_blame=False).cell_acc[0])


def reselect(compiled: Compiled, selector: str, groups, key=None) -> Compiled:
    """The same drafts and scores under another selector (no new proposing or checking)."""
    index, table = SELECTORS[selector](key, compiled.drafts, compiled.scores, compiled.survivors)
    diagnostics = dict(compiled.diagnostics,
                       chosen_demo_score=demo_score(index, table, compiled.scores, groups))
    return replace(compiled, chosen=RuleSet(table), chosen_index=index, selector=selector,
                   diagnostics=diagnostics)


compile = compile_task  # the name DESIGN.md uses; `compile_task` avoids shadowing the builtin
