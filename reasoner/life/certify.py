"""Certify a reasoner against a RuleSet on all 512 neighbourhoods.

A life rule maps each 3 x 3 neighbourhood to the centre's next state. A reasoner whose
state between iterations is discrete and whose update is per cell (the compiled neural
reasoner, the symbolic executor) is therefore exact at *every* horizon and grid size iff
its one-step map agrees with the rule on all 512 neighbourhoods
(docs/life.md, "Certification"). On a 3 x 3 torus the centre's eight neighbours are the
eight other cells, so neighbourhood `n` is the 3 x 3 grid whose row-major cell k is bit k
of n, and the centre (cell 4) is the one whose next state is compared.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from compiler.life import RuleSet, format_rule, table_from_index
from reasoner.life.neighbourhoods import CENTRE, GRIDS, NUM_NEIGHBOURHOODS
from reasoner.life.neural import NeuralReasoner

_CENTRE_STATE = GRIDS.reshape(NUM_NEIGHBOURHOODS, 9)[:, CENTRE].astype(np.int64)
_LIVE_NEIGHBOURS = GRIDS.reshape(NUM_NEIGHBOURHOODS, 9).astype(np.int64).sum(axis=1) - _CENTRE_STATE


def expected_next(tables) -> np.ndarray:
    """`[R, 512]` next centre state the rules `tables [R, 2, 9]` prescribe."""
    tables = np.asarray(tables, np.uint8)
    return tables[:, _CENTRE_STATE, _LIVE_NEIGHBOURS]


def neighbourhood_outputs(reasoner, task) -> tuple[np.ndarray, np.ndarray | None]:
    """(`[R, 512]` next centre state, `[R, 512]` logit margin or None) per task of `task`.

    A NeuralReasoner goes through its vectorized `neighbourhood_logits` (then the margin
    is `logit[1] - logit[0]`); any other per-cell reasoner (e.g. the symbolic executor)
    through one rollout step on the 512 grids per task (no margin).
    """
    if isinstance(reasoner, NeuralReasoner):
        logits = np.asarray(reasoner.neighbourhood_logits(task))
        # argmax semantics of the rollout: a tie goes to state 0
        return (logits[..., 1] > logits[..., 0]).astype(np.uint8), logits[..., 1] - logits[..., 0]
    tables = np.asarray(task, np.uint8)
    r = tables.shape[0]
    states = np.tile(GRIDS, (r, 1, 1))
    out = np.asarray(reasoner.rollout(np.repeat(tables, NUM_NEIGHBOURHOODS, axis=0), states, 1))
    return out[:, 1, 1].reshape(r, NUM_NEIGHBOURHOODS), None


def certify_tables(reasoner, tables, task=None) -> tuple[np.ndarray, np.ndarray | None]:
    """Vectorized over rules: (`[R]` failing neighbourhoods per rule, 0 = certified;
    `[R]` smallest margin in the right direction, or None when the reasoner has no logits).

    `task` is what the reasoner reads when it is not the tables themselves (the raw demos
    of an end-to-end reasoner)."""
    tables = np.asarray(tables, np.uint8)
    expected = expected_next(tables)
    produced, margin = neighbourhood_outputs(reasoner, tables if task is None else task)
    failing = (produced != expected).sum(axis=1)
    if margin is None:
        return failing, None
    return failing, np.where(expected == 1, margin, -margin).min(axis=1)


@dataclass(frozen=True)
class Certificate:
    """Whether a reasoner computes `rule` exactly; if not, where it does not."""

    rule: str
    certified: bool
    # one entry per failing neighbourhood: index, the 3x3 grid, expected and produced state
    failing: list[dict] = field(default_factory=list)

    @property
    def num_failing(self) -> int:
        return len(self.failing)

    def summary(self) -> str:
        if self.certified:
            return f"{self.rule}: certified on all {NUM_NEIGHBOURHOODS} neighbourhoods"
        return (f"{self.rule}: NOT certified, {self.num_failing} of {NUM_NEIGHBOURHOODS} "
                f"neighbourhoods wrong (first: #{self.failing[0]['neighbourhood']})")


def failing_neighbourhoods(expected: np.ndarray, produced: np.ndarray) -> list[dict]:
    return [{"neighbourhood": int(n), "grid": GRIDS[n].astype(int).tolist(),
             "expected": int(expected[n]), "produced": int(produced[n])}
            for n in np.flatnonzero(expected != produced)]


def certify(reasoner, ruleset: RuleSet, task=None) -> Certificate:
    """Certify `reasoner` on `ruleset` (its task input, or `task` for a demo reader)."""
    table = np.asarray(ruleset.table if isinstance(ruleset, RuleSet) else ruleset, np.uint8)
    expected = expected_next(table[None])[0]
    produced = neighbourhood_outputs(reasoner, table[None] if task is None else task)[0][0]
    failing = failing_neighbourhoods(expected, produced)
    return Certificate(format_rule(table), not failing, failing)


def certify_many(reasoner, indices: np.ndarray, block: int, progress=None):
    """(`[R]` failing neighbourhoods per rule, `[R]` smallest margin or None, seconds) for the
    rules with indices `indices`, `block` rules per call; `progress(n)` after each block."""
    failing = np.zeros(len(indices), np.int64)
    margins = np.zeros(len(indices), np.float32)
    has_margin = True
    certify_tables(reasoner, table_from_index(indices[:block]))  # compile outside the timing
    started = time.perf_counter()
    for start in range(0, len(indices), block):
        sl = slice(start, start + block)
        f, m = certify_tables(reasoner, table_from_index(indices[sl]))
        failing[sl] = f
        if m is None:
            has_margin = False
        else:
            margins[sl] = m
        if progress is not None:
            progress(len(indices[sl]))
    return failing, (margins if has_margin else None), time.perf_counter() - started


def certify_rule_space(reasoner, indices, block: int = 8192, max_listed: int = 1000,
                       progress=None) -> tuple[dict, list[str]]:
    """Certify `reasoner` on every rule of `indices` (rule indices; experiments.certify's
    `task.certify_rules`): (the result `certify.json` holds, the lines to print)."""
    indices = np.asarray(indices)
    failing, margins, seconds = certify_many(reasoner, indices, block, progress)
    bad = np.flatnonzero(failing)
    listed = []
    for i in bad[:max_listed]:
        cert = certify(reasoner, table_from_index(indices[i]))
        listed.append({"rule": cert.rule, "index": int(indices[i]), "failing": cert.failing})
    result = {
        "num_rules": int(len(indices)),
        "neighbourhood_checks": int(len(indices)) * 512,
        "certified": int(len(indices) - len(bad)),
        "fraction_certified": float(1 - len(bad) / len(indices)),
        "seconds": round(seconds, 2),
        "min_margin": None if margins is None else float(margins.min()),
        "failing_rules": listed, "failing_rules_total": int(len(bad)),
    }
    lines = [f"{reasoner.name}: {result['certified']} / {result['num_rules']} rules certified "
             f"({result['fraction_certified']:.4%}), {result['neighbourhood_checks']:,} "
             f"neighbourhood checks in {seconds:.1f} s"
             + ("" if margins is None else f"; smallest margin {result['min_margin']:.3g}")]
    for entry in listed[:10]:
        lines.append(f"  fails {entry['rule']}: {len(entry['failing'])} neighbourhoods, e.g. "
                     f"#{entry['failing'][0]['neighbourhood']}")
    return result, lines
