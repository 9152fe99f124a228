"""Causal-induction tasks of the blicket kind for the `logic` domain (`task.theory=causal`).

Objects (the input atoms `o0..`) stand on a machine or not; effects (`e0..`) light or not.
Each effect has a hidden cause: *disjunctive* (any of 1-2 objects lights it: `o1 -> e0;
o3 -> e0`) or *conjunctive* (two objects together: `o1 & o3 -> e0`). A demo is a trial (the
objects present, given true; the absent ones given false; the effects as observed, closed
world); a query is a new combination of 1-3 objects.

The tasks state a rule class (`task.rule_class`; tasks/logic.py `stated_class`): causes
are sets of present objects, up to `max_literals` of them (by default `CAUSAL_CLASS`, up to
three). The *blicket class* (`max_literals: 1`: "each object turns the light on by itself
or not") draws only disjunctive hidden causes (1-2 blicket objects per effect); negation
and causes other than the objects are refused (LogicTasks.validate).

The right answer is three-valued, by the *causal reading* of the demos: an effect's causes
are sets of 1 to `max_literals` objects (3 by default), each of which lights it when all
its objects are present (any number of causes: disjunctive and conjunctive ones, and
none); over every such cause structure that reproduces every trial, an effect is `true` if
all of them light it, `false` if none does, else `undetermined`. (This version space is
small to state: a cause is *possible* when it lights no unlit trial; the effect is possible
at a query when a possible cause is present, and forced when some lit trial holds no
possible cause that the query lacks.) Undetermined queries arise by construction: some
objects are never put on the machine, and trials repeat the backward-blocking pattern (a
pair lights it, then one of the pair alone does).

Queries are drawn to balance the three answers of the first effect where the trials allow.
There is no training split: nothing is trained on these tasks; seeds separate the tasks a
setting is chosen on from those it is measured on.
"""

from __future__ import annotations

import itertools

import numpy as np

from compiler.logic import Demos
from compiler.logic.executor import (
    CLOSED,
    FALSE,
    NOT_ASKED,
    READ_FALSE,
    READ_TRUE,
    READ_UNDETERMINED,
    TRUE,
    closure_many_jit,
    read_np,
)
from compiler.logic.rule_class import RuleClass
from compiler.logic.rules import from_rules

MAX_CAUSES = 3  # objects in one cause (a rule body holds at most 3 literals)
# the rule class these tasks state by default: causes are sets of 1-3 present objects
CAUSAL_CLASS = RuleClass(max_literals=MAX_CAUSES, negation=False, causes="inputs")


def possible_causes(num_objects: int, max_size: int = MAX_CAUSES) -> np.ndarray:
    """`[C, O]` bool: every set of 1-`max_size` objects."""
    return np.array([np.isin(np.arange(num_objects), combo) for size in range(1, max_size + 1)
                     for combo in itertools.combinations(range(num_objects), size)])


def causal_answer(trials, outcomes, queries, max_size: int = MAX_CAUSES) -> np.ndarray:
    """`[Q]` read values (true / false / undetermined) of one effect at `queries` `[Q, O]`
    over every cause structure (causes of 1-`max_size` objects) reproducing `outcomes` `[N]`
    on `trials` `[N, O]` (see the module docstring; `causal_answer_brute` enumerates them
    instead)."""
    causes = possible_causes(trials.shape[1], max_size)
    inside = lambda sets: (causes[:, None, :] <= sets[None, :, :]).all(axis=2)  # noqa: E731
    in_trial, in_query = inside(trials), inside(queries)  # [C, N], [C, Q]
    possible = ~(in_trial & ~outcomes[None]).any(axis=1)  # lights no unlit trial
    if not (in_trial & possible[:, None]).any(axis=0)[outcomes].all():
        raise ValueError("the trials admit no cause structure")  # never for generated tasks
    can = (in_query & possible[:, None]).any(axis=0)
    # forced: a lit trial whose possible causes all lie inside the query
    escape = in_trial[:, :, None] & possible[:, None, None] & ~in_query[:, None, :]  # [C, N, Q]
    forced = (~escape.any(axis=0) & outcomes[:, None]).any(axis=0)
    return np.where(forced, READ_TRUE, np.where(can, READ_UNDETERMINED, READ_FALSE)).astype(np.uint8)


def causal_answer_brute(trials, outcomes, queries, max_size: int = MAX_CAUSES) -> np.ndarray:
    """`causal_answer` by enumerating every set of possible causes (tests; small tasks)."""
    causes = possible_causes(trials.shape[1], max_size)
    lit = lambda chosen, sets: (causes[chosen][:, None, :] <= sets[None]).all(axis=2).any(axis=0)  # noqa: E731
    answers = []
    for mask in range(1 << len(causes)):
        chosen = np.array([(mask >> i) & 1 for i in range(len(causes))], bool)
        if (lit(chosen, trials) == outcomes).all():
            answers.append(lit(chosen, queries))
    values = np.array(answers)
    return np.where(values.all(axis=0), READ_TRUE, np.where(~values.any(axis=0), READ_FALSE,
                                                              READ_UNDETERMINED)).astype(np.uint8)


def hidden_causes(rng, num_objects: int, num_effects: int,
                  max_size: int = MAX_CAUSES) -> list[tuple[int, list[int]]]:
    """Per effect (kind, objects): disjunctive over 1-2 objects or conjunctive over 2;
    `max_size` 1 (the blicket class): disjunctive only."""
    out = []
    for _ in range(num_effects):
        if max_size == 1:
            out.append((0, sorted(rng.choice(num_objects, int(rng.integers(1, 3)), replace=False))))
        elif rng.random() < 0.5:
            out.append((0, sorted(rng.choice(num_objects, int(rng.integers(1, 3)), replace=False))))
        else:
            out.append((1, sorted(rng.choice(num_objects, 2, replace=False))))
    return out


def trial_design(rng, num_objects: int, num_trials: int, causes) -> np.ndarray:
    """`[N, O]` bool trials over the objects that get tested (one or two never are): random
    sets of 1-3 of them, half the time followed by one of the set alone (backward
    blocking), a cause's own objects included in some trials so that effects light."""
    tested = rng.permutation(num_objects)[:max(2, num_objects - int(rng.integers(1, 3)))]
    trials = []
    while len(trials) < num_trials:
        if rng.random() < 0.4:  # put a cause's objects on (maybe with others)
            _, objs = causes[int(rng.integers(len(causes)))]
            extra = [o for o in rng.permutation(tested)[:int(rng.integers(0, 2))] if o not in objs]
            chosen = [o for o in objs if o in tested] + extra
        else:
            chosen = list(rng.choice(tested, int(rng.integers(1, min(3, len(tested)) + 1)), replace=False))
        if not chosen:
            continue
        row = np.zeros(num_objects, bool)
        row[chosen] = True
        trials.append(row)
        if len(chosen) > 1 and rng.random() < 0.5 and len(trials) < num_trials:
            alone = np.zeros(num_objects, bool)
            alone[int(rng.choice(chosen))] = True
            trials.append(alone)
    return np.array(trials[:num_trials])


def fact_rows(present: np.ndarray, num_atoms: int) -> np.ndarray:
    """States: objects present given true, absent given false; effects not given; closed."""
    states = np.zeros((len(present), num_atoms), np.uint8)
    states[:, :present.shape[1]] = np.where(present, TRUE, FALSE)
    return states | CLOSED


def make_causal_task(rng, task_id: int, num_objects: int, num_effects: int, num_trials: int,
                     horizons, task_cls, query_cls, max_size: int = MAX_CAUSES):
    """One causal task (`task_cls`/`query_cls`: tasks/logic.py's LogicTask and Query) whose
    causes have at most `max_size` objects (the stated class's max_literals): the hidden
    ones and those the answer key ranges over."""
    atoms = num_objects + num_effects
    causes = hidden_causes(rng, num_objects, num_effects, max_size)
    rows = []
    for e, (kind, objs) in enumerate(causes):
        head = (num_objects + e, False)
        rows += ([([(o, False) for o in objs], head)] if kind == 1
                 else [([(o, False)], head) for o in objs])
    rule = from_rules(rows)
    trials = trial_design(rng, num_objects, num_trials, causes)
    facts = fact_rows(trials, atoms)
    closure = read_np(np.asarray(closure_many_jit(rule, facts)[0]))
    demos = Demos(facts, closure, tuple(range(num_objects)))
    shown = {t.tobytes() for t in trials}
    pool = np.array([row for size in (1, 2, 3) for combo in
                     itertools.combinations(range(num_objects), size)
                     for row in [np.isin(np.arange(num_objects), combo)]
                     if row.tobytes() not in shown])
    truth = np.stack([causal_answer(trials, closure[:, num_objects + e] == READ_TRUE, pool, max_size)
                      for e in range(num_effects)], axis=1)  # [P, E]
    # balance the first effect's answers: cycle through the kinds the pool has
    by_kind = [rng.permutation(np.nonzero(truth[:, 0] == v)[0]).tolist()
               for v in (READ_TRUE, READ_FALSE, READ_UNDETERMINED)]
    picks, turn = [], int(rng.integers(3))
    while len(picks) < len(horizons) and any(by_kind):
        if by_kind[turn % 3]:
            picks.append(by_kind[turn % 3].pop())
        turn += 1
    queries = []
    for h, p in zip(horizons, picks, strict=False):
        answer = np.full(atoms, NOT_ASKED, np.uint8)
        answer[num_objects:] = truth[p]
        queries.append(query_cls(fact_rows(pool[p][None], atoms)[0], max(1, int(h)), answer, 1))
    names = [f"o{i}" for i in range(num_objects)] + [f"e{i}" for i in range(num_effects)]
    return task_cls(task_id, rule, demos, queries, names)
