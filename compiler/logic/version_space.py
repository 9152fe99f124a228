"""The exact version space of a closed-world logic task: what *every* rule set of a finite
class that reproduces the demos says at a query (the ceiling a vote of K drafts is
measured against, as `exhaustive` is in life).

The class (compiler/logic/rule_class.py, the one a task states; by default): rules with a
positive head on an observed non-input atom and a body of 1-3 literals over the inputs
(either sign; `negation=False`: present ones only, the causal reading) and observed
derived atoms (true), any number of them. A rule is *sound*
when no demo closure holds its body without its head. Every rule set that reproduces the
demos is made of sound rules (its least model on a demo's facts is that closure, which a
body outside it would exceed), and adding sound rules keeps a rule set reproducing them
(the closure stays a fixed point). Hence, at a query fact set:
- an atom *can* be true iff the set of all sound rules derives it (one forward chaining);
- it *must* be true iff every reproducing rule set derives it: the cautious consequences
  of an ASP program (clingo) that chooses among the sound rules that derive something on
  some demo, requires every demo's derived atoms to be derived, and chains at the queries.
An atom is `true` where it must be, `false` where it cannot be, `undetermined` otherwise.
"""

from __future__ import annotations

import time

import numpy as np

from compiler.logic.checker import Demos
from compiler.logic.executor import CLOSED, FALSE, READ_TRUE, TRUE, UNDETERMINED
from compiler.logic.literals import all_bodies, body_holds, given_slots, literal_holds
from compiler.logic.rule_class import RuleClass, rule_class_of
from compiler.logic.rules import BODY


def sound_rules(group: Demos, rule_class: RuleClass | None = None):
    """(bodies `[B, 3]` literal slots (-1 empty) of the class (None: the one the demos
    state), heads `[H]` atoms, sound `[B, H]`, fires `[B, N]`: the body holds in demo n's
    closure)."""
    rule_class = rule_class_of(group.rule_class) if rule_class is None else rule_class
    if not ((group.facts & CLOSED) > 0).all():
        raise ValueError("the version space is computed for closed-world tasks (task.world=closed)")
    holds, usable = literal_holds(group)
    inputs = np.zeros(group.num_atoms, bool)
    inputs[list(group.inputs)] = True
    bodies = all_bodies(usable & rule_class.body_slots(group), rule_class.max_literals)
    fires = body_holds(bodies, holds)  # [B, N]
    heads = np.nonzero(~inputs & group.observed.all(axis=0))[0]
    head_true = group.closure[:, heads].T == READ_TRUE  # [H, N]
    atoms_of = np.where(bodies >= 0, bodies // 2, -1)
    sound = ~(fires[:, None, :] & ~head_true[None]).any(axis=2)  # [B, H]
    sound &= ~(atoms_of[:, :, None] == heads[None, None, :]).any(axis=1)  # no head in its body
    return bodies, heads, sound, fires


def _chain(bodies, heads, sound, truth) -> np.ndarray:
    """Forward chaining of every sound rule from `truth` `[2A, M]`; the derived `[2A, M]`."""
    truth = truth.copy()
    for _ in range(len(heads) + 1):
        holds = body_holds(bodies, truth)  # [B, M]
        derived = (sound.T.astype(np.int32) @ holds.astype(np.int32)) > 0  # [H, M]
        new = truth[2 * heads] | derived
        if (new == truth[2 * heads]).all():
            break
        truth[2 * heads] = new
    return truth


def _derived_shown(group: Demos, heads) -> np.ndarray:
    """`[H, N]` bool: demo n shows head atom h derived (true, not given)."""
    closure, facts = group.closure[:, heads], group.facts[:, heads]
    return ((closure == READ_TRUE) & ((facts & TRUE) == 0)).T


def _program(group, bodies, heads, useful, shown, queries) -> str:
    """The ASP program: choose useful sound rules, derive on every demo and query."""
    lines = ["{ use(R) : rule(R) }.",
             "holds(S, L) :- fact(S, L).",
             "holds(S, 2 * A) :- use(R), head(R, A), set(S), holds(S, L) : body(R, L).",
             ":- demo(S), shows(S, A), not holds(S, 2 * A).",
             "must(S, A) :- query(S), asked(A), holds(S, 2 * A).",
             "#show must/2."]
    for r, (b, h) in enumerate(useful):
        lines.append(f"rule({r}). head({r},{heads[h]}).")
        lines.extend(f"body({r},{int(s)})." for s in bodies[b] if s >= 0)
    given = given_slots(group.facts)
    for n in range(len(group.facts)):
        lines.append(f"set({n}). demo({n}).")
        lines.extend(f"fact({n},{int(s)})." for s in np.nonzero(given[:, n])[0])
        lines.extend(f"shows({n},{int(heads[h])})." for h in np.nonzero(shown[:, n])[0])
    q_given = given_slots(queries)
    for q in range(len(queries)):
        s = len(group.facts) + q
        lines.append(f"set({s}). query({s}).")
        lines.extend(f"fact({s},{int(x)})." for x in np.nonzero(q_given[:, q])[0])
    lines.extend(f"asked({int(a)})." for a in heads)
    return "\n".join(lines)


def version_space_answers(group: Demos, queries, rule_class: RuleClass | None = None,
                          timeout_s: float | None = None) -> tuple[np.ndarray, dict]:
    """(`[Q, A]` states: a query's facts with each observed derived atom true, false or
    marked UNDETERMINED as the version space says; info: sizes, seconds, whether any rule
    set reproduces the demos). Raises TimeoutError past `timeout_s`."""
    import clingo

    started = time.perf_counter()
    queries = np.asarray(queries, np.uint8)
    bodies, heads, sound, fires = sound_rules(group, rule_class)
    # can: derived by all sound rules together
    can = _chain(bodies, heads, sound, given_slots(queries))[2 * heads].T  # [Q, H]
    shown = _derived_shown(group, heads)
    # useful: sound rules that derive a head on some demo that shows it derived
    useful = list(zip(*np.nonzero(sound & (fires.astype(np.int32) @ shown.T.astype(np.int32) > 0)),
                      strict=True))
    ctl = clingo.Control(["--enum-mode=cautious", "--warn=none"])
    ctl.add("base", [], _program(group, bodies, heads, useful, shown, queries))
    ctl.ground([("base", [])])
    last = None  # the models refine to the cautious consequences; the last one is them
    with ctl.solve(yield_=True, async_=True) as handle:
        while True:
            handle.resume()
            left = None if timeout_s is None else max(0.0, timeout_s - (time.perf_counter() - started))
            if not handle.wait(left):
                handle.cancel()
                raise TimeoutError(f"version space: over {timeout_s} s")
            model = handle.model()
            if model is None:
                break
            last = model.symbols(shown=True)
    must = np.zeros((len(queries), group.num_atoms), bool)
    for sym in last or []:
        must[sym.arguments[0].number - len(group.facts), sym.arguments[1].number] = True
    out = queries.copy()
    for j, a in enumerate(heads):
        value = np.where(must[:, a], TRUE, np.where(can[:, j], UNDETERMINED, FALSE))
        out[:, a] = (out[:, a] & ~np.uint8(TRUE | FALSE)) | value.astype(np.uint8)
    if last is None:  # no rule set of the class reproduces the demos
        out[:, heads] = UNDETERMINED | (out[:, heads] & CLOSED)
    info = {"sound_rules": int(sound.sum()), "useful_rules": len(useful),
            "reproducible": last is not None, "seconds": time.perf_counter() - started}
    return out, info


def minimal_sound_rules(group: Demos, rule_class: RuleClass | None = None) -> list[list[int]]:
    """Rule rows `[4]` of every sound rule of the class with no sound rule of a smaller
    body for the same head: shortest first."""
    bodies, heads, sound, _ = sound_rules(group, rule_class)
    base = 2 * group.num_atoms + 1  # slot + 1 as a digit (0: empty)
    digits = np.sort(np.where(bodies >= 0, bodies + 1, 0), axis=1)  # empty slots first

    def key(cols):  # a body (sorted digits) as one integer
        out = np.zeros(len(bodies), np.int64)
        for c in cols:
            out = out * base + c
        return out

    whole = key(digits.T)
    # the keys of each body's proper sub-bodies (one or two literals dropped)
    subs = [key(np.sort(np.where(np.arange(3) == drop, 0, digits), axis=1).T) for drop in range(3)]
    subs += [key(np.sort(np.where(np.isin(np.arange(3), pair), 0, digits), axis=1).T)
             for pair in ((0, 1), (0, 2), (1, 2))]
    rows = []
    for h, atom in enumerate(heads):
        sound_keys = whole[sound[:, h]]
        redundant = np.zeros(len(bodies), bool)
        for sub in subs:
            redundant |= (sub != whole) & (sub > 0) & np.isin(sub, sound_keys)
        for b in np.nonzero(sound[:, h] & ~redundant)[0]:
            lits = sorted(int(s) for s in bodies[b] if s >= 0)
            rows.append([s + 1 for s in lits] + [0] * (BODY - len(lits)) + [2 * int(atom) + 1])
    return sorted(rows, key=lambda r: (sum(c > 0 for c in r[:BODY]), r))
