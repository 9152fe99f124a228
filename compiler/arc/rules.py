"""ARC rule sets: up to `MAX_RULES` cell rules `lit & lit & lit -> head` and a mode.

A RuleSet is an int16 array `[MAX_RULES + 1, WIDTH]`. Row 0 is the header: `[mode, 0, ...]`
with mode 0 = apply the rules once, 1 = iterate them to a fixed point. Rows 1.. are rules:
`[f1, v1, n1, f2, v2, n2, f3, v3, n3, head_kind, head_value]`: literal i reads feature `fi`
(compiler/arc/features.py; -1: unused) and holds when it equals `vi` (`ni` = 1: when it
differs); the head is a constant colour (`head_kind` 1, `head_value` the colour) or the
colour of a feature (`head_kind` 2, `head_value` the feature), and `head_kind` 0 is an
unused row. Cells no rule fires on keep their colour.

Text: `self=0 & ray_n=3 -> 3; self=2 & n!=0 -> ray_n` once, prefixed `fixpoint: ` when
iterated; `(no rules)` is the empty rule set. `canonical` sorts literals and rules and drops
repeats, so equal rule sets have equal arrays.
"""

from __future__ import annotations

import re

import numpy as np

from compiler.arc.features import COLOUR_FEATURES, FEATURES, INDEX, MAX_VALUE, NUM_FEATURES

MAX_RULES = 16
BODY = 3
WIDTH = 3 * BODY + 2
HEAD_KIND, HEAD_VALUE = 3 * BODY, 3 * BODY + 1
UNUSED, CONST, COPY = 0, 1, 2
ONCE, FIXPOINT = 0, 1
RULE_DTYPE = np.int16
EMPTY_TEXT = "(no rules)"


class RuleSyntaxError(ValueError):
    """Rule text that does not parse; the message says where."""


def empty() -> np.ndarray:
    out = np.zeros((MAX_RULES + 1, WIDTH), RULE_DTYPE)
    out[1:, 0:3 * BODY:3] = -1
    return out


def make(rules, mode: int = ONCE) -> np.ndarray:
    """A RuleSet from `[(literals, head)]`: literals `[(feature, value, negated)]`, head
    `(CONST, colour)` or `(COPY, feature)`; features by name or index."""
    out = empty()
    out[0, 0] = mode
    if len(rules) > MAX_RULES:
        raise ValueError(f"{len(rules)} rules; a RuleSet holds at most {MAX_RULES}")
    for r, (literals, (kind, value)) in enumerate(rules, start=1):
        if len(literals) > BODY:
            raise ValueError(f"a rule has at most {BODY} literals, got {len(literals)}")
        for i, (f, v, neg) in enumerate(literals):
            out[r, 3 * i:3 * i + 3] = (INDEX[f] if isinstance(f, str) else f, v, int(neg))
        out[r, HEAD_KIND] = kind
        out[r, HEAD_VALUE] = INDEX[value] if isinstance(value, str) else value
    return canonical(out)


def rule_rows(rule) -> list[tuple[tuple, tuple]]:
    """The used rules as `(literals, (kind, value))`, literals `(f, v, negated)` sorted."""
    rule = np.asarray(rule)
    out = []
    for row in rule[1:]:
        if row[HEAD_KIND] == UNUSED:
            continue
        lits = tuple(sorted({(int(row[3 * i]), int(row[3 * i + 1]), int(row[3 * i + 2]))
                             for i in range(BODY) if row[3 * i] >= 0}))
        out.append((lits, (int(row[HEAD_KIND]), int(row[HEAD_VALUE]))))
    return out


def canonical(rule) -> np.ndarray:
    """Literals sorted within rules, rules sorted, repeats dropped."""
    rule = np.asarray(rule)
    rows = sorted(set(rule_rows(rule)))
    out = empty()
    out[0, 0] = rule[0, 0]
    for r, (lits, (kind, value)) in enumerate(rows[:MAX_RULES], start=1):
        for i, lit in enumerate(lits):
            out[r, 3 * i:3 * i + 3] = lit
        out[r, HEAD_KIND], out[r, HEAD_VALUE] = kind, value
    return out


def well_formed(drafts) -> np.ndarray:
    """`[K]` bool: features, values, heads and mode in range."""
    d = np.asarray(drafts).astype(np.int64)
    f, v, n = d[:, 1:, 0:3 * BODY:3], d[:, 1:, 1:3 * BODY:3], d[:, 1:, 2:3 * BODY:3]
    kind, value = d[:, 1:, HEAD_KIND], d[:, 1:, HEAD_VALUE]
    lits = ((f == -1) | ((f >= 0) & (f < NUM_FEATURES) & (v >= 0) & (v < MAX_VALUE))) & np.isin(n, (0, 1))
    heads = ((kind == UNUSED) | ((kind == CONST) & (value >= 0) & (value < 10))
             | ((kind == COPY) & np.isin(value, COLOUR_FEATURES)))
    return lits.all(axis=(1, 2)) & heads.all(axis=1) & np.isin(d[:, 0, 0], (ONCE, FIXPOINT))


def size(drafts) -> np.ndarray:
    """`[K]` literals + rules: what `best` prefers fewer of."""
    d = np.asarray(drafts)
    used = d[:, 1:, HEAD_KIND] != UNUSED
    lits = (d[:, 1:, 0:3 * BODY:3] >= 0) & used[..., None]
    return lits.sum(axis=(1, 2)) + used.sum(axis=1)


def literal_text(f: int, v: int, neg: int) -> str:
    return f"{FEATURES[f]}{'!=' if neg else '='}{v}"


def rule_texts(rule) -> list[str]:
    out = []
    for lits, (kind, value) in rule_rows(rule):
        head = str(value) if kind == CONST else FEATURES[value]
        out.append(f"{' & '.join(literal_text(*lit) for lit in lits) or 'true'} -> {head}")
    return out


def format_rules(rule) -> str:
    texts = rule_texts(rule)
    body = "; ".join(texts) if texts else EMPTY_TEXT
    return ("fixpoint: " if int(np.asarray(rule)[0, 0]) == FIXPOINT else "") + body


_LITERAL = re.compile(r"^([a-z_0-9]+)\s*(!=|=)\s*(\d+)$")


def parse_rules(text: str) -> np.ndarray:
    """The inverse of `format_rules`."""
    text = text.strip()
    mode = ONCE
    if text.startswith("fixpoint:"):
        mode, text = FIXPOINT, text[len("fixpoint:"):].strip()
    if text == EMPTY_TEXT:
        return make([], mode)
    rules = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if "->" not in part:
            raise RuleSyntaxError(f"rule {part!r}: expected 'lit & lit -> head'")
        body, head = (s.strip() for s in part.split("->", 1))
        literals = []
        for lit in ([] if body == "true" else [s.strip() for s in body.split("&")]):
            m = _LITERAL.match(lit)
            if not m or m.group(1) not in INDEX:
                raise RuleSyntaxError(f"literal {lit!r} in rule {part!r}: expected FEATURE=VALUE "
                                      f"or FEATURE!=VALUE with FEATURE one of {', '.join(FEATURES)}")
            literals.append((m.group(1), int(m.group(3)), m.group(2) == "!="))
        if head.isdigit() and int(head) < 10:
            rules.append((literals, (CONST, int(head))))
        elif head in INDEX and INDEX[head] in COLOUR_FEATURES:
            rules.append((literals, (COPY, head)))
        else:
            raise RuleSyntaxError(f"head {head!r} in rule {part!r}: expected a colour 0-9 or a "
                                  "colour feature")
        if len(literals) > BODY:
            raise RuleSyntaxError(f"rule {part!r}: at most {BODY} literals")
    if len(rules) > MAX_RULES:
        raise RuleSyntaxError(f"{len(rules)} rules; at most {MAX_RULES}")
    return make(rules, mode)
