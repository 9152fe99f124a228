"""ARC rule sets: a program's pieces, up to `MAX_RULES` cell rules `lit & lit & lit -> head`
and a mode.

A RuleSet is an int16 array `[1 + MAX_RULES + MAX_PIECES, WIDTH]`. Row 0 is the header:
`[mode, base, 0, ...]` with mode 0 = apply the rules once, 1 = iterate them to a fixed
point, and base 0 = the output starts from the input, i = from piece i. Rows
`1..MAX_RULES` are rules; the last `MAX_PIECES` rows are the program's pieces
(compiler/arc/programs.py; all zero in a draft without a program). Rules:
`[f1, v1, n1, f2, v2, n2, f3, v3, n3, head_kind, head_value]`: literal i reads feature `fi`
(compiler/arc/features.py; -1: unused) and holds when it equals `vi` (`ni` = 1: when it
differs); the head is a constant colour (`head_kind` 1, `head_value` the colour) or the
colour of a feature (`head_kind` 2, `head_value` the feature), and `head_kind` 0 is an
unused row. Cells no rule fires on keep their colour.

Text: `self=0 & ray_n=3 -> 3; self=2 & n!=0 -> ray_n` once, prefixed `fixpoint: ` when
iterated; `(no rules)` is the empty rule set. A draft with a program puts its sections
first, each ending in ` | `: the pieces (`p1 = keep_3(x); p2 = smear_e(p1)`), then `base p1`
where the output starts from a piece, `paint p2, p3` and `cover p4` for the pieces laid on
it (in piece order), e.g. `p1 = crop_content(x) | base p1 | (no rules)`. `canonical` sorts
literals and rules, drops repeats and clears the pieces' check-time slots, so equal rule
sets have equal arrays.
"""

from __future__ import annotations

import re

import numpy as np

from compiler.arc import programs as P
from compiler.arc.features import (
    COLOUR_FEATURES,
    FEATURES,
    INDEX,
    MAX_PIECES,
    MAX_VALUE,
    NUM_CELL_FEATURES,
    NUM_FEATURES,
)

MAX_RULES = 16
BODY = 3
WIDTH = 3 * BODY + 2
HEAD_KIND, HEAD_VALUE = 3 * BODY, 3 * BODY + 1
UNUSED, CONST, COPY = 0, 1, 2
ONCE, FIXPOINT = 0, 1
RULE_DTYPE = np.int16
EMPTY_TEXT = "(no rules)"
RULES = slice(1, 1 + MAX_RULES)  # the rule rows
PIECES = slice(1 + MAX_RULES, 1 + MAX_RULES + MAX_PIECES)  # the program's piece rows
BASE = 1  # header column: which grid the output starts from


class RuleSyntaxError(ValueError):
    """Rule text that does not parse; the message says where."""


def empty() -> np.ndarray:
    out = np.zeros((1 + MAX_RULES + MAX_PIECES, WIDTH), RULE_DTYPE)
    out[RULES, 0:3 * BODY:3] = -1
    return out


def make(rules, mode: int = ONCE, pieces=(), base: int = 0) -> np.ndarray:
    """A RuleSet from `[(literals, head)]`: literals `[(feature, value, negated)]`, head
    `(CONST, colour)` or `(COPY, feature)`; features by name or index; `pieces`
    `[(chain of transform indices, role)]` and `base` (0: the input, i: piece i)."""
    out = empty()
    out[0, 0] = mode
    out[0, BASE] = base
    out[PIECES, :P.CHAIN + 2] = P.piece_rows(pieces)
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
    for row in rule[RULES]:
        if row[HEAD_KIND] == UNUSED:
            continue
        lits = tuple(sorted({(int(row[3 * i]), int(row[3 * i + 1]), int(row[3 * i + 2]))
                             for i in range(BODY) if row[3 * i] >= 0}))
        out.append((lits, (int(row[HEAD_KIND]), int(row[HEAD_VALUE]))))
    return out


def canonical(rule) -> np.ndarray:
    """Literals sorted within rules, rules sorted, repeats dropped, slots cleared."""
    rule = np.asarray(rule)
    rows = sorted(set(rule_rows(rule)))
    out = empty()
    out[0, :2] = rule[0, :2]
    out[PIECES, :P.SLOT] = rule[PIECES, :P.SLOT]
    for r, (lits, (kind, value)) in enumerate(rows[:MAX_RULES], start=1):
        for i, lit in enumerate(lits):
            out[r, 3 * i:3 * i + 3] = lit
        out[r, HEAD_KIND], out[r, HEAD_VALUE] = kind, value
    return out


def well_formed(drafts) -> np.ndarray:
    """`[K]` bool: features, values, heads and mode in range; the program well typed
    (`programs.rows_well_formed`), its base a used piece, and no rule reading a piece the
    draft does not have."""
    d = np.asarray(drafts).astype(np.int64)
    if d.shape[1:] != empty().shape:
        return np.zeros(len(d), bool)
    r = d[:, RULES]
    f, v, n = r[..., 0:3 * BODY:3], r[..., 1:3 * BODY:3], r[..., 2:3 * BODY:3]
    kind, value = r[..., HEAD_KIND], r[..., HEAD_VALUE]
    used = P.used_pieces(d[:, PIECES])  # [K, MAX_PIECES]
    # a piece feature p<i> exists only where the draft has piece i
    has = np.concatenate([np.ones((len(d), NUM_CELL_FEATURES), bool), used], axis=1)
    reads = np.take_along_axis(has, np.clip(f, 0, NUM_FEATURES - 1).reshape(len(d), -1),
                               axis=1).reshape(f.shape)
    lits = (((f == -1) | ((f >= 0) & (f < NUM_FEATURES) & (v >= 0) & (v < MAX_VALUE) & reads))
            & np.isin(n, (0, 1)))
    copies = np.take_along_axis(has, np.clip(value, 0, NUM_FEATURES - 1), axis=1)
    heads = ((kind == UNUSED) | ((kind == CONST) & (value >= 0) & (value < 10))
             | ((kind == COPY) & np.isin(value, COLOUR_FEATURES) & copies))
    base = d[:, 0, BASE]
    base_ok = (base == 0) | ((base >= 1) & (base <= MAX_PIECES)
                             & np.take_along_axis(used, np.clip(base - 1, 0, MAX_PIECES - 1)[:, None],
                                                  axis=1)[:, 0])
    return (lits.all(axis=(1, 2)) & heads.all(axis=1) & np.isin(d[:, 0, 0], (ONCE, FIXPOINT))
            & P.rows_well_formed(d[:, PIECES]) & base_ok)


def size(drafts) -> np.ndarray:
    """`[K]` literals + rules + program steps + pieces laid on the base: what `best`
    prefers fewer of."""
    d = np.asarray(drafts)
    used = d[:, RULES, HEAD_KIND] != UNUSED
    lits = (d[:, RULES, 0:3 * BODY:3] >= 0) & used[..., None]
    pieces = d[:, PIECES]
    steps = (pieces[..., :P.CHAIN] > 0).sum(axis=(1, 2))
    laid = np.isin(pieces[..., P.ROLE], (P.PAINT, P.COVER)).sum(axis=1)
    return lits.sum(axis=(1, 2)) + used.sum(axis=1) + steps + laid


def literal_text(f: int, v: int, neg: int) -> str:
    return f"{FEATURES[f]}{'!=' if neg else '='}{v}"


def rule_texts(rule) -> list[str]:
    out = []
    for lits, (kind, value) in rule_rows(rule):
        head = str(value) if kind == CONST else FEATURES[value]
        out.append(f"{' & '.join(literal_text(*lit) for lit in lits) or 'true'} -> {head}")
    return out


def program_sections(rule) -> list[str]:
    """The text of a draft's program, base and laid pieces (none without a program)."""
    rule = np.asarray(rule)
    rows = rule[PIECES]
    chains = [P.chain_of(row) for row in rows]
    if not chains[0]:
        return []
    steps, names = [], {}
    for i, chain in enumerate(chains):
        if not chain:
            continue
        # continue an earlier piece's chain where this one extends it: `p2 = smear_e(p1)`
        source, rest = "x", chain
        for earlier, name in sorted(names.items(), key=lambda e: -len(e[0])):
            if len(earlier) < len(chain) and chain[:len(earlier)] == earlier:
                source, rest = name, chain[len(earlier):]
                break
        steps.append(f"p{i + 1} = {P.chain_text(rest, source)}")
        names.setdefault(chain, f"p{i + 1}")
    out = ["; ".join(steps)]
    base = int(rule[0, BASE])
    if base:
        out.append(f"base p{base}")
    for role, word in ((P.PAINT, "paint"), (P.COVER, "cover")):
        laid = [f"p{i + 1}" for i, row in enumerate(rows) if row[0] > 0 and row[P.ROLE] == role]
        if laid:
            out.append(f"{word} {', '.join(laid)}")
    return out


def format_rules(rule) -> str:
    texts = rule_texts(rule)
    body = "; ".join(texts) if texts else EMPTY_TEXT
    body = ("fixpoint: " if int(np.asarray(rule)[0, 0]) == FIXPOINT else "") + body
    return " | ".join(program_sections(rule) + [body])


def parse_program(sections: list[str]) -> tuple[list, int]:
    """(pieces `[(chain, role)]`, base) from the text sections before the rules."""
    pieces, names, base, roles = [], {}, 0, {}
    for section in sections:
        words = section.split(None, 1)
        if words and words[0] in ("base", "paint", "cover") and len(words) == 2:
            refs = [w.strip() for w in words[1].split(",")]
            for ref in refs:
                if ref not in names:
                    raise RuleSyntaxError(f"{words[0]} {ref!r}: no piece {ref} in the program")
            if words[0] == "base":
                if len(refs) != 1:
                    raise RuleSyntaxError(f"{section!r}: the output starts from one piece")
                base = names[refs[0]]
            else:
                for ref in refs:
                    roles[names[ref]] = P.ROLES[words[0]]
            continue
        for assign in filter(None, (a.strip() for a in section.split(";"))):
            name, _, expr = assign.partition("=")
            name = name.strip()
            if not re.fullmatch(r"p\d+", name) or int(name[1:]) != len(pieces) + 1:
                raise RuleSyntaxError(f"program step {assign!r}: expected p{len(pieces) + 1} = "
                                      "transform(x or an earlier piece)")
            try:
                chain = P.parse_chain(expr, {f"p{i + 1}": c for i, (c, _) in enumerate(pieces)})
            except ValueError as err:
                raise RuleSyntaxError(f"program step {assign!r}: {err}") from None
            pieces.append((chain, P.READ))
            names[name] = len(pieces)
    if len(pieces) > MAX_PIECES:
        raise RuleSyntaxError(f"{len(pieces)} pieces; at most {MAX_PIECES}")
    return [(c, roles.get(i + 1, role)) for i, (c, role) in enumerate(pieces)], base


_LITERAL = re.compile(r"^([a-z_0-9]+)\s*(!=|=)\s*(\d+)$")


def parse_rules(text: str) -> np.ndarray:
    """The inverse of `format_rules`."""
    *sections, text = [s.strip() for s in text.strip().split("|")]
    pieces, base = parse_program(sections) if sections else ([], 0)
    mode = ONCE
    if text.startswith("fixpoint:"):
        mode, text = FIXPOINT, text[len("fixpoint:"):].strip()
    if text == EMPTY_TEXT:
        return make([], mode, pieces, base)
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
    draft = make(rules, mode, pieces, base)
    if not well_formed(draft[None])[0]:
        raise RuleSyntaxError(f"{text!r} reads a piece feature the program does not define")
    return draft
