"""The exact version space of a closed-world logic task: what *every* rule set of a finite
class that reproduces the demos says at a query (the ceiling a vote of K drafts is
measured against, as `exhaustive` is in life).

The class: rules with a positive head on an observed non-input atom and a body of 1-3
literals over the inputs (either sign; `positive_bodies=True`: present ones only, the
causal reading) and observed derived atoms (true), any number of them. A rule is *sound*
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
from compiler.logic.executor import CLOSED, FALSE, TRUE, UNDETERMINED

READ_TRUE, READ_FALSE, READ_UNDETERMINED = 1, 2, 4


def _slot_truth(group: Demos, states) -> np.ndarray:
    """`[2A, M]` literal slots given true at `states` (slot 2a: a true, 2a + 1: a false)."""
    states = np.asarray(states)
    return np.stack([((states & TRUE) > 0).T, ((states & FALSE) > 0).T], axis=1).reshape(-1, len(states))


def sound_rules(group: Demos, positive_bodies: bool = False):
    """(bodies `[B, 3]` literal slots (-1 empty), heads `[H]` atoms, sound `[B, H]`, fires
    `[B, N]`: the body holds in demo n's closure)."""
    from compiler.logic.proposers import _bodies, _body_holds, _literal_holds

    if not ((group.facts & CLOSED) > 0).all():
        raise ValueError("the version space is computed for closed-world tasks (task.world=closed)")
    holds, usable = _literal_holds(group)
    inputs = np.zeros(group.num_atoms, bool)
    inputs[list(group.inputs)] = True
    allowed = usable.copy()
    derived = np.repeat(~inputs, 2)
    allowed &= ~derived | (np.arange(2 * group.num_atoms) % 2 == 0)  # derived atoms: true only
    if positive_bodies:
        allowed &= np.arange(2 * group.num_atoms) % 2 == 0
    bodies = _bodies(allowed)
    fires = _body_holds(bodies, holds)  # [B, N]
    heads = np.nonzero(~inputs & group.observed.all(axis=0))[0]
    head_true = group.closure[:, heads].T == READ_TRUE  # [H, N]
    atoms_of = np.where(bodies >= 0, bodies // 2, -1)
    sound = ~(fires[:, None, :] & ~head_true[None]).any(axis=2)  # [B, H]
    sound &= ~(atoms_of[:, :, None] == heads[None, None, :]).any(axis=1)  # no head in its body
    return bodies, heads, sound, fires


def _chain(bodies, heads, sound, truth) -> np.ndarray:
    """Forward chaining of every sound rule from `truth` `[2A, M]`; the derived `[2A, M]`."""
    truth = truth.copy()
    pad = np.ones((1, truth.shape[1]), bool)
    for _ in range(len(heads) + 1):
        full = np.concatenate([truth, pad])
        holds = full[bodies[:, 0]] & full[bodies[:, 1]] & full[bodies[:, 2]]  # [B, M]
        derived = (sound.T.astype(np.int32) @ holds.astype(np.int32)) > 0  # [H, M]
        new = truth[2 * heads] | derived
        if (new == truth[2 * heads]).all():
            break
        truth[2 * heads] = new
    return truth


def _program(group, bodies, heads, useful, queries) -> str:
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
    given = _slot_truth(group, group.facts)
    inputs = set(group.inputs)
    for n in range(len(group.facts)):
        lines.append(f"set({n}). demo({n}).")
        lines.extend(f"fact({n},{int(s)})." for s in np.nonzero(given[:, n])[0])
        lines.extend(f"shows({n},{int(a)})." for a in heads
                     if group.closure[n, a] == READ_TRUE and a not in inputs
                     and not group.facts[n, a] & TRUE)
    q_given = _slot_truth(group, queries)
    for q in range(len(queries)):
        s = len(group.facts) + q
        lines.append(f"set({s}). query({s}).")
        lines.extend(f"fact({s},{int(x)})." for x in np.nonzero(q_given[:, q])[0])
    lines.extend(f"asked({int(a)})." for a in heads)
    return "\n".join(lines)


def version_space_answers(group: Demos, queries, positive_bodies: bool = False,
                          timeout_s: float | None = None) -> tuple[np.ndarray, dict]:
    """(`[Q, A]` states: a query's facts with each observed derived atom true, false or
    marked UNDETERMINED as the version space says; info: sizes, seconds, whether any rule
    set reproduces the demos). Raises TimeoutError past `timeout_s`."""
    import clingo

    started = time.perf_counter()
    queries = np.asarray(queries, np.uint8)
    bodies, heads, sound, fires = sound_rules(group, positive_bodies)
    # can: derived by all sound rules together
    can = _chain(bodies, heads, sound, _slot_truth(group, queries))[2 * heads].T  # [Q, H]
    head_shown = np.array([[group.closure[n, a] == READ_TRUE and not group.facts[n, a] & TRUE
                            for n in range(len(group.facts))] for a in heads]).reshape(len(heads), -1)
    useful = [(b, h) for b, h in zip(*np.nonzero(sound & (fires.astype(np.int32)
                                                        @ head_shown.T.astype(np.int32) > 0)),
                                     strict=True)]
    ctl = clingo.Control(["--enum-mode=cautious", "--warn=none"])
    ctl.add("base", [], _program(group, bodies, heads, useful, queries))
    ctl.ground([("base", [])])
    last = None
    with ctl.solve(yield_=True, async_=timeout_s is not None) as handle:
        if timeout_s is not None:
            while True:
                handle.resume()
                if not handle.wait(max(0.0, timeout_s - (time.perf_counter() - started))):
                    handle.cancel()
                    raise TimeoutError(f"version space: over {timeout_s} s")
                model = handle.model()
                if model is None:
                    break
                last = model.symbols(shown=True)
        else:
            for model in handle:
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
