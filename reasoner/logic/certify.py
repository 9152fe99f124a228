"""Certify a logic reasoner on every local configuration.

The compiled logic reasoner (reasoner/logic/neural.py) updates the state through two local
maps with a discrete interface between them: a rule's fire bit from its body slots, and an
atom's next (true, false) bits from its own bits and the OR of what fired into its
positive and its negative slot. With the state fed back discrete, the reasoner equals
forward chaining on *every* rule set, size and depth iff
- the rule map is right on every slot configuration: 9 values per slot (unused, or used
  with negated x true bit x false bit), 9^3 - 1 = 728 with at least one literal: the rule
  fires iff every used literal holds (`a` holds when a's true bit is set, `~a` when its
  false bit is), and
- the atom map is right on all 16 atom configurations: next true = true or fired +, next
  false = false or fired -.
A rule set uses only the slot configurations of its rows' sign patterns (27 patterns of
unused / positive / negated per slot), so its certificate counts the failures among those
plus the atom map's; the whole table is computed once per reasoner.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np

from compiler.logic.rules import BODY, format_rules

SLOT_VALUES = 9  # unused; used with (negated, true, false) in 8 ways


def slot_table() -> np.ndarray:
    """`[9, 4]` 0/1 slot features: row 0 unused, row 1 + (neg * 4 + true * 2 + false)."""
    rows = [(0, 0, 0, 0)] + [(1, n, t, f) for n in (0, 1) for t in (0, 1) for f in (0, 1)]
    return np.array(rows, np.uint8)


def rule_configs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(`[C, 3, 4]` slot features, `[C]` expected fire bit, `[C]` sign pattern 0..26) of
    every slot configuration with at least one used slot (C = 728)."""
    table = slot_table()
    combos = np.array([c for c in itertools.product(range(SLOT_VALUES), repeat=BODY) if any(c)])
    feats = table[combos]  # [C, 3, 4]
    used, neg, t, f = (feats[..., k].astype(bool) for k in range(4))
    holds = ~used | np.where(neg, f, t)
    kind = np.where(~used, 0, np.where(neg, 2, 1))  # per slot: unused / positive / negated
    return feats, holds.all(axis=1).astype(np.uint8), kind @ (3 ** np.arange(BODY))


def atom_configs() -> tuple[np.ndarray, np.ndarray]:
    """(`[16, 4]` (true, false, fired +, fired -), `[16, 2]` expected next bits)."""
    feats = ((np.arange(16)[:, None] >> np.arange(4)[None, :]) & 1).astype(np.uint8)
    return feats, np.stack([feats[:, 0] | feats[:, 2], feats[:, 1] | feats[:, 3]], axis=1)


RULE_FEATS, RULE_EXPECTED, RULE_PATTERN = rule_configs()
ATOM_FEATS, ATOM_EXPECTED = atom_configs()


def row_patterns(rules) -> np.ndarray:
    """`[..., R]` sign pattern (0..26) of each rule row; -1 for unused rows."""
    rules = np.asarray(rules).astype(np.int64)
    body = rules[..., :BODY]
    kind = np.where(body <= 0, 0, np.where((body - 1) % 2 == 1, 2, 1))
    pattern = kind @ (3 ** np.arange(BODY))
    return np.where(rules[..., BODY] > 0, pattern, -1)


def local_logits_fn(graphdef):
    """Jitted `params -> ([728] fire logits, [16, 2] next-bit logits)` for a ChainingCell."""
    from flax import nnx

    rule_feats, atom_feats = jnp.asarray(RULE_FEATS), jnp.asarray(ATOM_FEATS)

    @jax.jit
    def logits(params):
        model = nnx.merge(graphdef, params)
        return model.rule_net(rule_feats), model.atom_net(atom_feats.astype(jnp.float32))[0]

    return logits


def local_verdicts(reasoner):
    """Per rule configuration and per atom configuration: produced outputs and signed
    margins (positive: the right side of 0) of a reasoner with `local_logits`."""
    if not hasattr(reasoner, "local_logits"):
        raise TypeError(f"{type(reasoner).__name__} has no local maps to certify "
                        "(certification applies to the compiled neural logic reasoner)")
    fire, atom = (np.asarray(x, np.float64) for x in reasoner.local_logits())
    rule_out, atom_out = (fire > 0).astype(np.uint8), (atom > 0).astype(np.uint8)
    rule_margin = np.where(RULE_EXPECTED == 1, fire, -fire)
    atom_margin = np.where(ATOM_EXPECTED == 1, atom, -atom).min(axis=1)
    return rule_out, rule_margin, atom_out, atom_margin


def certify_tables(reasoner, rules, task=None):
    """Vectorized over rule sets `[N, R, 4]`: (`[N]` failing local configurations, 0 =
    certified; `[N]` smallest margin among the configurations each one uses)."""
    rule_out, rule_margin, atom_out, atom_margin = local_verdicts(reasoner)
    rule_bad = rule_out != RULE_EXPECTED
    fails = np.bincount(RULE_PATTERN, weights=rule_bad, minlength=27)
    worst = np.full(27, np.inf)
    np.minimum.at(worst, RULE_PATTERN, rule_margin)
    atom_fails = int((atom_out != ATOM_EXPECTED).any(axis=1).sum())
    patterns = row_patterns(rules)  # [N, R]
    present = np.zeros((patterns.shape[0], 28), bool)  # column 27: unused rows
    present[np.arange(patterns.shape[0])[:, None], np.where(patterns < 0, 27, patterns)] = True
    present = present[:, :27]
    failing = (present * fails).sum(axis=1).astype(np.int64) + atom_fails
    margin = np.where(present, worst, np.inf).min(axis=1)
    return failing, np.minimum(margin, atom_margin.min()).astype(np.float32)


def describe_rule_config(c: int) -> str:
    parts = []
    for used, neg, t, f in RULE_FEATS[c]:
        if used:
            parts.append(f"{'~' if neg else ''}x(true={t}, false={f})")
    return " & ".join(parts)


@dataclass(frozen=True)
class Certificate:
    """Whether a reasoner chains `rule` exactly; if not, which local configurations fail."""

    rule: str
    certified: bool
    # one entry per failing configuration: kind (rule | atom), what it reads, expected, produced
    failing: list[dict] = field(default_factory=list)
    checked: int = 0

    @property
    def num_failing(self) -> int:
        return len(self.failing)

    def summary(self) -> str:
        if self.certified:
            return f"{self.rule}: certified on all {self.checked} local configurations"
        first = self.failing[0]
        return (f"{self.rule}: NOT certified, {self.num_failing} of {self.checked} local "
                f"configurations wrong (first: {first['kind']} {first['reads']}: expected "
                f"{first['expected']}, produced {first['produced']})")


def certify(reasoner, rules, task=None) -> Certificate:
    """Certify `reasoner` on one RuleSet `[R, 4]`: every rule configuration of its rows'
    sign patterns and every atom configuration, the failing ones named."""
    rule_out, _, atom_out, _ = local_verdicts(reasoner)
    patterns = set(row_patterns(rules)[row_patterns(rules) >= 0].tolist())
    failing = []
    checked = 0
    for c in np.flatnonzero(np.isin(RULE_PATTERN, list(patterns))):
        checked += 1
        if rule_out[c] != RULE_EXPECTED[c]:
            failing.append({"kind": "rule", "config": int(c), "reads": describe_rule_config(c),
                            "expected": int(RULE_EXPECTED[c]), "produced": int(rule_out[c])})
    for c in range(len(ATOM_FEATS)):
        checked += 1
        if (atom_out[c] != ATOM_EXPECTED[c]).any():
            t, f, fp, fn = (int(v) for v in ATOM_FEATS[c])
            failing.append({"kind": "atom", "config": c,
                            "reads": f"true={t} false={f} fired+={fp} fired-={fn}",
                            "expected": ATOM_EXPECTED[c].astype(int).tolist(),
                            "produced": atom_out[c].astype(int).tolist()})
    return Certificate(format_rules(rules), not failing, failing, checked)


def certify_rule_space(reasoner, targets=None, block: int = 0, max_listed: int = 0,
                       progress=None) -> tuple[dict, list[str]]:
    """One check of every local configuration (728 rule-slot configurations, 16 atom
    configurations) certifies the reasoner on every rule set, size and depth at once
    (`targets` is not needed): (the result `certify.json` holds, the lines to print)."""
    started = time.perf_counter()
    rule_out, rule_margin, atom_out, atom_margin = local_verdicts(reasoner)
    seconds = time.perf_counter() - started
    # a rule set with every sign pattern: its certificate lists every failing configuration
    every = np.array([[1 + (k // 3 ** s % 3 == 2) if k // 3 ** s % 3 else 0 for s in range(3)]
                      + [3] for k in range(1, 27)], np.int16)
    cert = certify(reasoner, every)
    result = {"rule_configurations": len(RULE_FEATS), "atom_configurations": len(ATOM_FEATS),
              "certified": cert.certified, "failing": cert.failing, "seconds": round(seconds, 3),
              "min_margin": float(min(rule_margin.min(), atom_margin.min()))}
    lines = [f"{reasoner.name}: " + ("certified" if cert.certified else
                                     f"NOT certified ({cert.num_failing} failing)")
             + f" on all {len(RULE_FEATS)} rule and {len(ATOM_FEATS)} atom configurations, i.e. "
             f"on every rule set, size and depth ({seconds:.2f} s; smallest margin "
             f"{result['min_margin']:.3g})"]
    for entry in cert.failing[:10]:
        lines.append(f"  {entry['kind']} {entry['reads']}: expected {entry['expected']}, "
                     f"produced {entry['produced']}")
    return result, lines
