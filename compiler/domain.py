"""The seam between the generic compiler and a domain's rule language.

A domain (a subpackage `compiler/<name>/` exporting `DOMAIN`) supplies its RuleSet arrays
and their text form, the executor, the per-demo check the generic checker vmaps over K
drafts and N demos, its own internal-consistency check, its proposers, and how the answers
of several voting drafts combine. The generic `compile`, `check`, selectors and answering
know nothing else of it. Domains are found by name: adding `compiler/<name>/` registers one,
no generic file changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import numpy as np


class DemoCheck(NamedTuple):
    """What the generic checker vmaps for one demo group.

    `check_one(rule, demo, params) -> (wrong units, blame [E])` is jittable and hashable (a
    module-level function); `demos` is a pytree with a leading demo axis N; `params` holds
    values shared by the group (e.g. the demo horizon), traced, not static."""

    check_one: Callable
    demos: Any
    params: Any


def host_rng(key) -> np.random.Generator:
    """A NumPy generator seeded from a JAX key (proposers run on the host)."""
    seed = np.asarray(jax.random.key_data(key)).ravel().astype(np.uint32)
    return np.random.default_rng(seed)


def as_groups(demos) -> list:
    """Demos as a list of groups (one group, or a list or tuple of them)."""
    return list(demos) if isinstance(demos, (list, tuple)) else [demos]


class Domain:
    """The interface a rule language implements (see DESIGN.md, "Domains are plug-ins")."""

    name: str
    rule_shape: tuple[int, ...]  # one RuleSet as arrays, e.g. life's (2, 9) table
    rule_dtype = np.uint8
    blame_shape: tuple[int, ...]  # blame per rule entry (life: per table entry)
    text_format: str  # what rule text looks like, for error messages
    proposers: dict[str, Callable]  # this domain's proposer registry
    syntax_error: type[Exception] = ValueError

    # --- rule forms --------------------------------------------------------------------
    def to_text(self, rule) -> str:
        raise NotImplementedError

    def from_text(self, text: str) -> np.ndarray:
        raise NotImplementedError

    def well_formed(self, drafts: np.ndarray) -> np.ndarray:
        """`[K]` bool: the arrays are a RuleSet of this language at all."""
        raise NotImplementedError

    def internal_consistency(self, drafts: np.ndarray, demos=None) -> tuple[np.ndarray, list | None]:
        """(`[K]` bool: the draft cannot contradict itself, per-draft witness or None).

        `demos` (the task's demo groups) say which fact sets are admissible (logic: the
        assignments of the input atoms). The checker ANDs this with `well_formed`, so the
        default suits a language in which no well-formed RuleSet can contradict itself
        (life: a table is a function)."""
        return np.ones(len(drafts), bool), None

    def size(self, drafts: np.ndarray) -> np.ndarray:
        """`[K]` the description size the `best` selector prefers smaller of."""
        return np.zeros(len(drafts), np.int64)

    def size_label(self, size: int) -> str:
        """A query size as tables print it (life: `32x32`; logic: `32 atoms`)."""
        return str(size)

    def blamed(self, draft: np.ndarray, blame: np.ndarray) -> list[str]:
        """Names of the entries (life: table entries; logic: rules) of `draft` with
        non-zero blame in its `blame`."""
        raise NotImplementedError

    # --- executor and checking -----------------------------------------------------------
    def run_batch(self, rules, states, steps):
        """Jitted: `[B, *rule_shape]` rules on `[B, ...]` states for `steps` (traced)."""
        raise NotImplementedError

    def run_reference(self, rule, state, steps: int) -> np.ndarray:
        """The slow, obvious executor the JAX one is tested against (one rule, one state)."""
        raise NotImplementedError

    def reference_wrong(self, rule, group) -> np.ndarray:
        """`[N]` wrong units per demo of `group` by the slow reference (for tests)."""
        raise NotImplementedError

    def demo_check(self, group, with_blame: bool) -> DemoCheck:
        raise NotImplementedError

    def demo_units(self, group) -> int:
        """How many scored units (cells, atoms) the demo outputs of `group` hold."""
        raise NotImplementedError

    def demo_diagnostics(self, groups) -> dict:
        """What the demos alone say (e.g. conflicting or unobserved entries)."""
        return {}

    def equivalent(self, drafts: np.ndarray, truth: np.ndarray, demos=None) -> np.ndarray:
        """`[K]` bool: each draft computes what `truth` computes on every admissible input
        (life: the same table)."""
        drafts = np.asarray(drafts)
        return (drafts == np.asarray(truth)[None]).reshape(len(drafts), -1).all(axis=1)

    def completions(self, rule: np.ndarray, diagnostics: dict, limit: int = 256):
        """The RuleSets the demos cannot tell apart from `rule` (life: every setting of the
        entries no demo shows), at most `limit` of them; None where the domain has no such
        set (logic: its vote already says `undetermined`) or it is larger than `limit`."""
        return None

    def corrupt(self, rule: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
        """`rule` with `m` random edits (the inconsistency preset's injected errors)."""
        raise NotImplementedError

    # --- voting ---------------------------------------------------------------------------
    def majority(self, voters: np.ndarray) -> np.ndarray:
        """The RuleSet the `vote` selector reports for surviving drafts `[V, *rule_shape]`."""
        raise NotImplementedError

    def correct(self, pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
        """Per unit, whether an answer is right (logic: read values, unasked atoms count
        as right, `undetermined` never is)."""
        return np.asarray(pred) == np.asarray(truth)

    def committed(self, pred: np.ndarray) -> np.ndarray:
        """Per unit, whether an answer commits to a value (logic: not `undetermined`)."""
        return np.ones(np.shape(pred), bool)

    def scored(self, truth: np.ndarray) -> np.ndarray:
        """Per unit, whether a query scores it (logic: the asked atoms; life: every cell)."""
        return np.ones(np.shape(truth), bool)

    def combine(self, outputs: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Answers `[B, ...]` from the voters' outputs `[B, V, ...]` (weight `[B, V]` is 1
        for a real voter, 0 for padding)."""
        raise NotImplementedError


_DOMAINS: dict[str, Domain] = {}


def domain_names() -> list[str]:
    """Every domain under `compiler/` (a subpackage that exports `DOMAIN`)."""
    import compiler

    return sorted(m.name for m in pkgutil.iter_modules(compiler.__path__) if m.ispkg)


def get_domain(name: str) -> Domain:
    """The domain called `name`; raises ValueError naming the known ones."""
    if name not in _DOMAINS:
        if name not in domain_names():
            raise ValueError(f"unknown domain {name!r}; known: {domain_names()}")
        _DOMAINS[name] = importlib.import_module(f"compiler.{name}").DOMAIN
    return _DOMAINS[name]
