"""The seam between the generic compiler and a domain's rule language.

A domain (a subpackage `compiler/<name>/` exporting `DOMAIN`) supplies its RuleSet arrays
and their text form, the executor, the per-demo check the generic checker vmaps over K
drafts and N demos, its own internal-consistency check, its proposers, and how the answers
of several voting drafts combine. The generic `compile`, `check`, selectors and answering
know nothing else of it. Domains are found by name: adding `compiler/<name>/` registers one,
no generic file changes (`compiler` is a package that other `compiler/` folders on the
search path extend, so a plug-in outside this tree is found the same way).

`Domain` is the small core every domain implements. What only some domains can do is an
optional capability, declared by inheriting its class (`RuleEquivalence`, `Corruption`,
`Completions`) and checked with `isinstance`, never by probing names. Demos are a list of
*groups*; every demo of a group has one shape, so a task whose demos differ in size gives
one group per shape (the checker compiles once per group shape).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypedDict

import jax
import numpy as np


class DemoCheck(NamedTuple):
    """What the generic checker vmaps for one demo group.

    `check_one(rule, demo, params) -> (wrong units, blame [E])` is jittable and hashable (a
    module-level function); `demos` is a pytree with a leading demo axis N; `params` holds
    values shared by the group (e.g. the demo horizon), traced, not static. A domain may pad
    the demo axis (so the check compiles once per bucket of N): `count` is then the number
    of real demos, which come first."""

    check_one: Callable
    demos: Any
    params: Any
    count: int | None = None


def bucket(n: int, least: int = 8) -> int:
    """The power of two >= n (at least `least`) that batches are padded to, so a jitted
    call compiles once per bucket, not once per batch size (the checker's K, arc's batches
    of drafts and demos)."""
    return max(least, 1 << max(n - 1, 0).bit_length())


def host_rng(key) -> np.random.Generator:
    """A NumPy generator seeded from a JAX key (proposers run on the host)."""
    seed = np.asarray(jax.random.key_data(key)).ravel().astype(np.uint32)
    return np.random.default_rng(seed)


def as_groups(demos) -> list:
    """Demos as a list of groups (one group, or a list or tuple of them)."""
    return list(demos) if isinstance(demos, (list, tuple)) else [demos]


class DemoDiagnostics(TypedDict, total=False):
    """What the demos alone say (`Domain.demo_diagnostics`); `solve` and the evaluation rows
    read these keys where present, and a domain may add its own."""

    conflicting_entries: list[str]  # rule entries the demos give contradictory evidence for
    conflicting_demos: list[tuple[int, int]]  # pairs of demos that cannot both hold
    unobserved_entries: list[str]  # rule entries no demo shows (any value fits the demos)
    num_entries: int  # how many rule entries a RuleSet has for these demos


@dataclass(frozen=True)
class LearnedProposer:
    """A proposer that needs trained weights, declared by its domain.

    `weights` names the shipped folder (`pretrained/<weights>/`), `net` the module class the
    weights fit and `build(net) -> proposer` makes the registry function from a loaded net.
    `compiler/` reads no files: whoever loads the weights (experiments/core/learned_proposers.py,
    on demand when a config asks for the proposer) passes the net to `Domain.bind`. `trainer`
    names the module that trains the weights (an import path, never imported here; its
    `train_and_measure(args, log) -> (net, meta)` is what `experiments.train_proposer` runs);
    None: the convention `experiments.training.<domain>_proposer`."""

    weights: str
    net: type
    build: Callable
    trainer: str | None = None


class LearnedProposerNotLoaded(ValueError):
    """`compile` was asked for a learned proposer whose weights nobody loaded."""


class Domain:
    """The core every rule language implements (docs/design.md, "The contracts a domain signs")."""

    name: str
    rule_shape: tuple[int, ...]  # one RuleSet as arrays, e.g. life's (2, 9) table
    rule_dtype = np.uint8
    blame_shape: tuple[int, ...]  # blame per rule entry (life: per table entry)
    proposers: dict[str, Callable]  # this domain's proposer registry (no weights needed)
    learned_proposers: dict[str, LearnedProposer] = {}  # proposers that need trained weights
    options: type | None = None  # the dataclass of this domain's compiler options, if any
    syntax_error: type[Exception] = ValueError

    # --- proposers -----------------------------------------------------------------------
    def proposer_names(self) -> list[str]:
        """Every proposer name `compile` accepts, learned ones included."""
        return sorted({*self.proposers, *self.learned_proposers})

    def proposer(self, name: str) -> Callable:
        """The registry function of proposer `name`; a learned one once its net is bound."""
        if name in self.proposers:
            return self.proposers[name]
        if name in self.learned_proposers:
            bound = _BOUND.get((self.name, name))
            if bound is None:
                spec = self.learned_proposers[name]
                raise LearnedProposerNotLoaded(
                    f"compiler.proposer={name} of domain {self.name} is learned: load its net "
                    f"(pretrained/{spec.weights}, a {spec.net.__name__}) and pass it to "
                    f"get_domain({self.name!r}).bind({name!r}, net), or call "
                    f"experiments.core.learned_proposers.load({self.name!r}, {name!r}), which "
                    "the apps do when a config asks for it")
            return bound
        raise ValueError(f"unknown proposer {name!r} for domain {self.name}; "
                         f"known: {self.proposer_names()}")

    def bind(self, name: str, net) -> Callable:
        """Make learned proposer `name` usable with the loaded `net` (idempotent per name)."""
        if name not in self.learned_proposers:
            raise ValueError(f"{name!r} is not a learned proposer of {self.name}; "
                             f"learned: {sorted(self.learned_proposers)}")
        _BOUND[(self.name, name)] = self.learned_proposers[name].build(net)
        return _BOUND[(self.name, name)]

    def is_bound(self, name: str) -> bool:
        return (self.name, name) in _BOUND

    # --- rule forms --------------------------------------------------------------------
    def to_text(self, rule, names=None) -> str:
        """The RuleSet as text; `names` (a task file's own entry names) where it has them."""
        raise NotImplementedError

    def from_text(self, text: str, names=None) -> np.ndarray:
        raise NotImplementedError

    def well_formed(self, drafts: np.ndarray) -> np.ndarray:
        """`[K]` bool: the arrays are a RuleSet of this language at all."""
        raise NotImplementedError

    def internal_consistency(self, drafts: np.ndarray, demos=None) -> tuple[np.ndarray, list | None]:
        """(`[K]` bool: the draft cannot contradict itself, per-draft witness or None).

        `demos` (the task's demo groups, all of them) say which inputs are admissible (logic:
        the assignments of the input atoms). The checker ANDs this with `well_formed`, so the
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

    def bind_rules(self, rules: np.ndarray, group) -> tuple[np.ndarray, Any]:
        """(rules, group) as the check reads them: a domain whose drafts carry parts that run
        on the host first (arc's programs) binds them to this group here; default: as given."""
        return rules, group

    def demo_check(self, group, with_blame: bool) -> DemoCheck:
        raise NotImplementedError

    def demo_units(self, group) -> int:
        """How many scored units (cells, atoms) the demo outputs of `group` hold."""
        raise NotImplementedError

    def demo_diagnostics(self, groups: list) -> DemoDiagnostics:
        """What the demos alone say (e.g. conflicting or unobserved entries)."""
        return {}

    # --- voting and scoring ---------------------------------------------------------------
    def majority(self, voters: np.ndarray) -> np.ndarray:
        """The RuleSet the `vote` selector reports for surviving drafts `[V, *rule_shape]`:
        by default the most common one (ties: the first)."""
        voters = np.asarray(voters)
        _, first, counts = np.unique(voters.reshape(len(voters), -1), axis=0,
                                     return_index=True, return_counts=True)
        return voters[first[np.lexsort((first, -counts))[0]]]

    def combine(self, outputs: np.ndarray, weight: np.ndarray, commit: float = 1.0) -> np.ndarray:
        """Answers `[B, ...]` from the voters' outputs `[B, V, ...]` (weight `[B, V]`: a real
        voter's prior weight, 0 for padding). `commit`: the weighted share a value needs
        where the domain can abstain (logic); others take the weighted majority."""
        raise NotImplementedError

    def description_length(self, drafts: np.ndarray, options=None) -> np.ndarray:
        """`[K]` description lengths of drafts (in symbols) for the `length` prior
        (`options`: the domain's compiler options): by default their `size`."""
        return np.asarray(self.size(drafts), np.float64)

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


# --- optional capabilities: a domain declares one by inheriting it ----------------------------
class RuleEquivalence:
    """Tasks of this domain may carry a hidden true RuleSet, and two RuleSets can be compared
    on every admissible input (rule_recovered, P(chosen = true), pass@K over rules)."""

    def equivalent(self, drafts: np.ndarray, truth: np.ndarray, demos=None) -> np.ndarray:
        """`[K]` bool: each draft computes what `truth` computes on every admissible input
        (life: the same table)."""
        drafts = np.asarray(drafts)
        return (drafts == np.asarray(truth)[None]).reshape(len(drafts), -1).all(axis=1)


class Corruption:
    """RuleSets can be edited at random (the inconsistency preset's injected errors)."""

    def corrupt(self, rule: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
        """`rule` with `m` random edits."""
        raise NotImplementedError


class Completions:
    """The RuleSets the demos cannot tell apart from a chosen one can be listed (solve marks
    the cells where they disagree `undetermined`)."""

    def completions(self, rule: np.ndarray, diagnostics: DemoDiagnostics, limit: int = 256):
        """At most `limit` RuleSets the demos cannot tell apart from `rule` (life: every
        setting of the entries no demo shows); None where there are more."""
        raise NotImplementedError


class VersionSpace:
    """The demos' exact version space answers a query: over every RuleSet of a finite class
    that reproduces the demos, a value where they all agree, else undetermined (the ceiling a
    vote is measured against; `compiler.selector=version_space` answers with it in solve)."""

    def version_space_answers(self, demos, states: np.ndarray) -> np.ndarray:
        """`[B, ...]` answers at the fixed point for query states `[B, ...]`."""
        raise NotImplementedError

    def version_space_readings(self, task_cfg) -> tuple[str, ...]:
        """The readings of the version space the undetermined preset reports for tasks of
        `task_cfg`: `all` (every RuleSet of the class) and any narrower class the domain
        defines for them (logic, causal tasks: `positive`, bodies of present objects only)."""
        return ("all",)

    def version_space_ceiling(self, demos, states: np.ndarray, reading: str = "all",
                              timeout_s: float | None = None) -> tuple[np.ndarray, bool]:
        """(the answers under `reading`, False), or past `timeout_s` seconds (every answer
        undetermined, True): the ceiling the undetermined preset reports."""
        raise NotImplementedError

    def with_exact(self, answers: np.ndarray, exact: np.ndarray) -> np.ndarray:
        """`answers` with the version space's value wherever `exact` (its answers to the same
        queries) decides: every RuleSet of the class that reproduces the demos agrees there."""
        return np.where(self.committed(exact), exact, answers).astype(np.asarray(answers).dtype)

    def true_probability(self, outputs: np.ndarray, ceiling: np.ndarray | None = None) -> np.ndarray:
        """`[...]` P(unit true) from K voters' outputs `[K, ...]` (a fair posterior sample:
        the share that reads true), 1 or 0 wherever `ceiling` (version-space answers)
        decides (the calibration preset)."""
        raise NotImplementedError

    def reads_true(self, outputs: np.ndarray) -> np.ndarray:
        """bool `[...]`: each unit of answers `[...]` reads true."""
        raise NotImplementedError


class SearchBudget:
    """Drafts come from a search whose budget can be cut: one search at the largest budget
    gives, for every smaller one, what that search would have kept (the budget preset,
    experiments/presets/budget.py, measures pass@2 against it)."""

    search_orders: tuple[str, ...] = ()  # the orders `budget_drafts` knows, a learned one included
    guide: str | None = None  # the learned proposer whose net orders the search ("guided")
    # the compiler option that mixes the guide's order with the uniform one (its share)
    guide_share_option: str | None = None

    def budget_drafts(self, group, num_drafts: int, options, budgets, order: str, net=None,
                      seed: int = 0) -> list[dict]:
        """Per budget (ascending): `{"drafts", "info", "search_s", "depth", "states"}`."""
        raise NotImplementedError


CAPABILITIES = (RuleEquivalence, Corruption, Completions, VersionSpace, SearchBudget)

_BOUND: dict[tuple[str, str], Callable] = {}  # (domain, learned proposer) -> bound proposer


_DOMAINS: dict[str, Domain] = {}


def domain_names() -> list[str]:
    """Every domain under `compiler/` (a subpackage that exports `DOMAIN`), including those in
    other `compiler/` folders on the search path."""
    import compiler

    return sorted({m.name for m in pkgutil.iter_modules(compiler.__path__) if m.ispkg})


def get_domain(name: str) -> Domain:
    """The domain called `name`; raises ValueError naming the known ones."""
    if name not in _DOMAINS:
        if name not in domain_names():
            raise ValueError(f"unknown domain {name!r}; known: {domain_names()}")
        _DOMAINS[name] = importlib.import_module(f"compiler.{name}").DOMAIN
    return _DOMAINS[name]
