"""The `logic` rule language: propositional rules with explicit negation.

A rule is a body of 1-3 literals (`p3`, `~p3`) and a head literal, or the head `false` (an
integrity constraint): `p1 & ~p2 -> p3; p4 -> ~p5; p1 & p6 -> false`.

A RuleSet is one padded int16 array `[MAX_RULES, 4]`, a row per rule: three body literal
codes and the head code. A literal code is `2 * atom + negated + 1`; 0 is an empty body
slot (and, as a head, an unused row); `FALSE_HEAD` is the constraint head. `unpack` gives
the design's view (body atoms/signs/mask, head atom/sign/kind, rule mask). The canonical
form sorts each body and the rules (unused rows last) and drops repeated rules, so two
RuleSets with the same rules have equal arrays and the same text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

MAX_ATOMS = 128  # atoms a RuleSet may name (literal codes fit int16 with room to spare)
MAX_RULES = 96  # rule rows of every RuleSet (depth-24 tasks need ~2 rules per layer)
BODY = 3  # body literals per rule at most
FALSE_HEAD = 2 * MAX_ATOMS + 1  # the head of an integrity constraint
RULE_DTYPE = np.int16
TEXT_FORMAT = ("rules separated by ';', each 'l1 & l2 & l3 -> head' with 1-3 body literals "
               "(an atom name or '~name') and a head literal or 'false', e.g. "
               "'p1 & ~p2 -> p3; p1 & p6 -> false'")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


class RuleSyntaxError(ValueError):
    """Rule text that is not in the logic rule language; names the text and the form."""


def literal(atom: int, negated: bool) -> int:
    return 2 * int(atom) + int(bool(negated)) + 1


def default_names(num_atoms: int) -> list[str]:
    return [f"p{i}" for i in range(num_atoms)]


class Unpacked(NamedTuple):
    """The design's arrays of a RuleSet (works on NumPy and JAX arrays, any leading axes)."""

    body_atom: object  # [..., R, 3]
    body_neg: object  # [..., R, 3] bool
    body_mask: object  # [..., R, 3] bool
    head_atom: object  # [..., R]
    head_neg: object  # [..., R] bool
    head_is_false: object  # [..., R] bool: an integrity constraint
    rule_mask: object  # [..., R] bool


def unpack(rules) -> Unpacked:
    body, head = rules[..., :BODY], rules[..., BODY]
    return Unpacked((body - 1) // 2, (body - 1) % 2 == 1, body > 0, (head - 1) // 2,
                    (head - 1) % 2 == 1, head == FALSE_HEAD, head > 0)


def canonical(rules) -> np.ndarray:
    """One RuleSet `[R, 4]` (or rows of rules) in canonical form `[MAX_RULES, 4]`."""
    rows = np.asarray(rules, np.int64).reshape(-1, BODY + 1)
    rows = rows[rows[:, BODY] > 0]
    body = np.sort(np.where(rows[:, :BODY] > 0, rows[:, :BODY], np.iinfo(np.int64).max), axis=1)
    body = np.where(body == np.iinfo(np.int64).max, 0, body)
    rows = np.concatenate([body, rows[:, BODY:]], axis=1)
    if len(rows):
        rows = np.unique(rows, axis=0)  # sorted lexicographically, repeats dropped
        order = np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0], rows[:, BODY]))
        rows = rows[order]
    if len(rows) > MAX_RULES:
        raise ValueError(f"{len(rows)} rules; a RuleSet holds at most {MAX_RULES}")
    out = np.zeros((MAX_RULES, BODY + 1), RULE_DTYPE)
    out[:len(rows)] = rows
    return out


def from_rules(rules: list[tuple[list[tuple[int, bool]], tuple[int, bool] | None]]) -> np.ndarray:
    """A canonical RuleSet from `[(body [(atom, negated)], head (atom, negated) | None)]`
    (None: the head `false`)."""
    rows = []
    for body, head in rules:
        codes = [literal(a, n) for a, n in body] + [0] * (BODY - len(body))
        rows.append(codes + [FALSE_HEAD if head is None else literal(*head)])
    return canonical(np.array(rows, np.int64).reshape(-1, BODY + 1))


def well_formed(drafts) -> np.ndarray:
    """`[K]` bool: every used row has 1-3 body literals naming atoms < MAX_ATOMS, no repeated
    atom in a body, a head literal or `false` whose atom is not in the body; unused rows are
    all zero."""
    d = np.asarray(drafts, np.int64)
    body, head = d[..., :BODY], d[..., BODY]
    used = head > 0
    lit_ok = (body >= 0) & (body <= 2 * MAX_ATOMS)
    head_ok = ((head >= 1) & (head <= 2 * MAX_ATOMS)) | (head == FALSE_HEAD) | (head == 0)
    nonempty = (body > 0).any(axis=-1)
    atoms = np.where(body > 0, (body - 1) // 2, -1 - np.arange(BODY))
    distinct = ((atoms[..., 0] != atoms[..., 1]) & (atoms[..., 0] != atoms[..., 2])
                & (atoms[..., 1] != atoms[..., 2]))
    head_atom = np.where((head > 0) & (head != FALSE_HEAD), (head - 1) // 2, -10)
    head_free = ~(atoms == head_atom[..., None]).any(axis=-1)
    row_ok = np.where(used, lit_ok.all(axis=-1) & nonempty & distinct & head_free & head_ok,
                      (body == 0).all(axis=-1) & (head == 0))
    return row_ok.all(axis=-1)


def num_rules(rules) -> np.ndarray:
    return (np.asarray(rules)[..., BODY] > 0).sum(axis=-1)


def size(drafts) -> np.ndarray:
    """`[K]` description size: rules + body literals."""
    d = np.asarray(drafts)
    used = d[..., BODY] > 0
    return used.sum(axis=-1) + ((d[..., :BODY] > 0) & used[..., None]).sum(axis=(-2, -1))


def _literal_text(code: int, names) -> str:
    atom, neg = (code - 1) // 2, (code - 1) % 2
    name = names[atom] if atom < len(names) else f"p{atom}"
    return ("~" if neg else "") + name


def rule_texts(rules, names=None) -> list[str]:
    """One text per used rule, in the RuleSet's (canonical) order."""
    names = names or default_names(MAX_ATOMS)
    out = []
    for row in np.asarray(rules).reshape(-1, BODY + 1):
        if row[BODY] <= 0:
            continue
        body = " & ".join(_literal_text(int(c), names) for c in row[:BODY] if c > 0)
        head = "false" if row[BODY] == FALSE_HEAD else _literal_text(int(row[BODY]), names)
        out.append(f"{body} -> {head}")
    return out


def format_rules(rules, names=None) -> str:
    """Canonical text: rules in canonical order joined by '; ' ('' for no rules)."""
    return "; ".join(rule_texts(canonical(rules), names))


def parse_rules(text: str, names=None) -> np.ndarray:
    """Rule text -> canonical RuleSet. With `names`, atoms are those names (by position);
    without, atoms are `p0..p{MAX_ATOMS-1}`. Raises RuleSyntaxError naming the text."""
    if not isinstance(text, str):
        raise RuleSyntaxError(f"rule text must be a string, got {type(text).__name__}")
    index = ({n: i for i, n in enumerate(names)} if names is not None
             else {n: i for i, n in enumerate(default_names(MAX_ATOMS))})

    def fail(problem):
        raise RuleSyntaxError(f"bad rule text {text!r}: {problem}; expected {TEXT_FORMAT}")

    def lit(token: str) -> tuple[int, bool]:
        token = token.strip()
        neg = token.startswith("~")
        name = token[1:].strip() if neg else token
        if not _NAME.match(name or "-"):
            fail(f"{token!r} is not a literal")
        if name not in index:
            fail(f"unknown atom {name!r}")
        return index[name], neg

    rules = []
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        if part.count("->") != 1:
            fail(f"rule {part.strip()!r} needs exactly one '->'")
        body_text, head_text = part.split("->")
        tokens = body_text.split("&")
        if not 1 <= len(tokens) <= BODY:
            fail(f"rule {part.strip()!r} has {len(tokens)} body literals; 1-{BODY} allowed")
        body = [lit(t) for t in tokens]
        if len({a for a, _ in body}) != len(body):
            fail(f"rule {part.strip()!r} names an atom twice in its body")
        head = None if head_text.strip() == "false" else lit(head_text)
        if head is not None and head[0] in {a for a, _ in body}:
            fail(f"rule {part.strip()!r} has its head atom in its body")
        rules.append((body, head))
    try:
        return from_rules(rules)
    except ValueError as err:
        fail(str(err))


def symbols(drafts, negation_symbols: float = 1.0) -> np.ndarray:
    """`[K]` symbols of each draft's rule text: per rule its body literals, its head and its
    arrow, each `~` counted as `negation_symbols` (`p1 & ~p2 -> p3`: 4 + negation_symbols)."""
    d = np.asarray(drafts)
    body, used = d[..., :BODY], d[..., BODY] > 0
    negated = (body > 0) & ((body - 1) % 2 == 1)
    per_rule = (body > 0).sum(axis=-1) + negation_symbols * negated.sum(axis=-1) + 2
    return np.where(used, per_rule, 0).sum(axis=-1).astype(np.float64)
