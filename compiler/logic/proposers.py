"""Logic's proposers write drafts `[K, MAX_RULES, 4]` for one task's demos.

Signature as in every domain: `propose(key, demos, num_drafts, config, truth=None) ->
(drafts, info)`.

`induce` learns, for every derived literal the demos show (an atom observed true, or
false, without being given), a set of rule bodies (1-3 literals) that are *sound* (wherever
the body holds in a demo's closure, the literal holds) and together cover every demo that
shows the literal. Bodies may only use literals already learned (inputs first, then
literals whose demos are fully covered), so a draft chains from the facts and never
justifies a literal by itself. The demos often admit several covers per literal: these are
the choices drafts differ in. Draft 0 takes each literal's greedy cover (most demos per
rule, then fewest literals); later drafts combine other covers at random. `exhaustive`
enumerates the combinations best-first (every one when there are at most `num_drafts`:
the ceiling of this family). `random` writes random rule sets over the task's atoms;
`oracle` returns the truth.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from compiler.domain import as_groups, host_rng
from compiler.logic.checker import Demos
from compiler.logic.consistency import internal_consistency
from compiler.logic.executor import CLOSED
from compiler.logic.literals import all_bodies, body_holds, given_slots, literal_holds
from compiler.logic.posterior import Unreproducible, as_drafts, rule_pool, sample_rule_sets
from compiler.logic.rules import BODY, FALSE_HEAD, MAX_RULES, canonical, literal, symbols
from compiler.logic.version_space import minimal_sound_rules
from compiler.pipeline import CompilerConfig
from compiler.registry import registrar

RULE_BITS = -1.0  # chosen on the development seed 1 (docs/logic.md, "The stated rule class")


@dataclass(frozen=True)
class LogicOptions:
    """Logic's compiler options (`CompilerConfig.options`; set as `task.negation_symbols`)."""

    # the `length` prior's cost of a `~` in symbols: above 1, a rule about an absent atom is
    # a priori less likely than one about a present atom (the causal reading: absence does
    # not cause); 1 is the plain text length. 16 (with compiler.prior_bits=0.33) was the
    # best of {1, 4, 8, 16} x {0.33, 0.5, 1} on the causal tasks of seed 1 (docs/logic.md)
    negation_symbols: float = 16.0
    # the posterior proposer's description-length prior (compiler/logic/posterior.py): bits
    # each rule costs beyond naming it within the task's rule class (negative: a credit)
    rule_bits: float = RULE_BITS
    literal_bits: float = 0.0  # and per body literal past the first (negative: specific bodies)


PROPOSERS: dict[str, Callable] = {}
register = registrar(PROPOSERS)
ALTERNATIVES = 8  # covers kept per literal
GREEDY_TRIES = 24  # randomized greedy covers tried per literal
OVERSAMPLE = 4  # induce writes this many times K drafts and keeps the self-consistent first


def merged(demos) -> Demos:
    groups = as_groups(demos)
    if len(groups) == 1:
        return groups[0]
    return Demos(np.concatenate([g.facts for g in groups]),
                 np.concatenate([g.closure for g in groups]), groups[0].inputs, groups[0].names,
                 groups[0].rule_class)


def _greedy_cover(cover_rows, need, rng, randomize: bool, sizes=None):
    """Indices of rows (bool `[B, N]`) that together cover `need`; greedy by new demos
    covered, randomly perturbed if `randomize`; with `sizes` (literals per body), weighted
    by 2^size: a body of k literals holds on 2^-k of the fact sets, so this prefers the
    most specific sound bodies."""
    left, chosen = need.copy(), []
    while left.any():
        gain = (cover_rows & left).sum(axis=1).astype(float)
        if gain.max() <= 0:
            break
        if sizes is not None:
            gain = gain * 2.0 ** sizes
        if randomize:
            gain = gain * rng.uniform(0.5, 1.0, size=len(gain)) * (gain > 0)
        i = int(np.argmax(gain))
        chosen.append(i)
        left &= ~cover_rows[i]
    return chosen


def literal_covers(group: Demos, rng) -> tuple[list, dict]:
    """Per derived literal (head code), alternative covers: lists of rule rows `[4]`,
    best first. Literals are learned one at a time, those shown in fewest demos first (an
    implication's conclusion holds wherever its premise does, so premises tend to come
    first), in sweeps until no literal gains; a body may use inputs and literals whose
    every demo is already covered."""
    holds, usable = literal_holds(group)
    num_atoms = group.num_atoms
    inputs = set(group.inputs)
    given = given_slots(group.facts)
    observed = np.repeat(group.observed.T, 2, axis=0)  # [2A, N]
    shows = holds & ~given & observed  # demos where the literal is derived (not given)
    value_of = np.stack([group.closure.T == 1, group.closure.T == 2], axis=1).reshape(2 * num_atoms, -1)
    targets = [s for s in range(2 * num_atoms) if s // 2 not in inputs and shows[s].any()]
    closed = bool(((group.facts & CLOSED) > 0).any())
    if closed:  # a closed-world `false` reading needs no rule
        targets = [s for s in targets if s % 2 == 0]
    available = np.zeros(2 * num_atoms, bool)
    available[[2 * a + v for a in inputs for v in (0, 1)]] = True
    available &= usable
    covers: dict[int, list] = {}
    partial = {}
    pending = sorted(targets, key=lambda s: (shows[s].sum(), s))
    every_body = all_bodies(usable)
    every_holds = body_holds(every_body, holds)
    padded = np.concatenate([available, [True]])  # slot -1: the empty body slot
    while pending:
        progressed = []
        for s in pending:
            padded[:-1] = available
            ready = padded[every_body].all(axis=1)
            bodies, holds_here = every_body[ready], every_holds[ready]
            atom = s // 2
            on_atom = (bodies >= 0) & (bodies // 2 == atom)
            wrong = observed[s] & ~value_of[s]  # the atom observed otherwise (or unknown)
            sound = ~(holds_here & wrong).any(axis=1) & ~on_atom.any(axis=1)
            rows = holds_here[sound] & shows[s]
            useful = rows.any(axis=1)
            cand, rows = bodies[sound][useful], rows[useful]
            if not len(cand):
                continue
            coverable = rows.any(axis=0)
            sizes = (cand >= 0).sum(axis=1)
            need = coverable & shows[s]
            general = _greedy_cover(rows, need, rng, randomize=False)
            specific = _greedy_cover(rows, need, rng, randomize=False, sizes=sizes)
            found = {}
            for _ in range(GREEDY_TRIES):
                pick = _greedy_cover(rows, need, rng, randomize=True)
                found.setdefault(tuple(sorted(pick)), pick)
            alts = sorted(found.values(), key=lambda p: (len(p), sum(int(sizes[i]) for i in p),
                                                         sorted(p)))
            # first the most general cover, then the most specific one: the two ends of
            # what the demos allow (off the demos they disagree, which a vote should see)
            alts = list({tuple(sorted(p)): p for p in [general, specific] + alts}.values())
            covers[s] = [[_row(cand[i], s) for i in p] for p in alts[:ALTERNATIVES]]
            if (coverable >= shows[s]).all():
                progressed.append(s)
                available[s] = True
                partial.pop(s, None)
            else:
                partial[s] = covers[s]
        if not progressed:
            break
        pending = [s for s in pending if s not in progressed]
    info = {"literals": len(targets), "uncovered_literals": len(partial),
            "choices": int(np.prod([len(c) for c in covers.values()], dtype=float))}
    return [covers[s] for s in sorted(covers)], info


def _row(body, head_slot):
    codes = [int(b) + 1 for b in body if b >= 0]
    return codes + [0] * (BODY - len(codes)) + [head_slot + 1]


def _draft(covers, choice) -> np.ndarray:
    rows = [row for alts, c in zip(covers, choice, strict=True) for row in alts[c]]
    # past MAX_RULES rules the draft keeps the first ones (it then fails some demos, and
    # the checker says so)
    return canonical(np.array(rows[:MAX_RULES], np.int64).reshape(-1, BODY + 1))


def _dedupe(drafts: list) -> np.ndarray:
    seen, out = set(), []
    for d in drafts:
        if d.tobytes() not in seen:
            seen.add(d.tobytes())
            out.append(d)
    return np.stack(out)


@register("induce")
def propose_induce(key, demos, num_drafts, config=None, truth=None):
    """Draft 0 takes every literal's most general cover, draft 1 every literal's most
    specific one, later drafts random combinations; `OVERSAMPLE` x K distinct combinations
    are written and the self-consistent ones come first (the internal check inside the
    proposer; `config.check_consistency=False` keeps the first K as written)."""
    reorder = OVERSAMPLE > 1 and (config or CompilerConfig()).check_consistency
    drafts, consistent, info = induce_candidates(key, demos, OVERSAMPLE * num_drafts, reorder)
    if reorder:
        drafts = drafts[np.argsort(~consistent, kind="stable")]
        info["consistent_proposed"] = int(consistent.sum())
    return drafts[:num_drafts], info


def induce_candidates(key, demos, want: int, with_consistency: bool = True):
    """(up to `want` distinct drafts `[M, R, 4]` combining the literals' covers, as written:
    most general, most specific, then random combinations; their internal consistency `[M]`
    (None without `with_consistency`); info)."""
    rng = host_rng(key)
    group = merged(demos)
    covers, info = literal_covers(group, rng)
    drafts = [_draft(covers, [0] * len(covers)),
              _draft(covers, [min(1, len(a) - 1) for a in covers])]
    drafts = list({d.tobytes(): d for d in drafts}.values())
    seen = {d.tobytes() for d in drafts}
    for _ in range(20 * want):
        if len(drafts) >= want or info["choices"] <= len(drafts):
            break
        # later covers are less likely: each literal keeps its first cover half the time
        choice = [min(len(a) - 1, int(rng.geometric(0.5)) - 1) for a in covers]
        d = _draft(covers, choice)
        if d.tobytes() not in seen:
            seen.add(d.tobytes())
            drafts.append(d)
    drafts = np.stack(drafts)
    consistent = (internal_consistency(drafts, group.num_atoms, list(group.inputs))[0]
                  if with_consistency else None)
    return drafts, consistent, info


def ranked_induce(score):
    """A proposer (the registry signature): induce's `OVERSAMPLE` x K combinations,
    self-consistent first (unless `config.check_consistency=False`), each part ordered by
    `score(demos, drafts) -> [M]` (higher first; e.g. a learned proposer's log-probability:
    the logic hybrid of the learned and the checked search)."""

    def propose(key, demos, num_drafts, config=None, truth=None):
        check = (config or CompilerConfig()).check_consistency
        drafts, consistent, info = induce_candidates(key, demos, OVERSAMPLE * num_drafts, check)
        scores = np.asarray(score(demos, drafts), np.float64)
        order = np.lexsort((-scores, ~consistent)) if check else np.argsort(-scores, kind="stable")
        return drafts[order[:num_drafts]], {**info, "best_score": float(scores.max())}

    return propose


@register("exhaustive")
def propose_exhaustive(key, demos, num_drafts, config=None, truth=None):
    """Every combination of the literals' covers, best-first by the sum of cover ranks."""
    covers, info = literal_covers(merged(demos), host_rng(key))
    sizes = [len(a) for a in covers]
    start = tuple([0] * len(covers))
    heap, seen, drafts = [(0, start)], {start}, []
    while heap and len(drafts) < num_drafts:
        _, choice = heapq.heappop(heap)
        drafts.append(_draft(covers, list(choice)))
        for i in range(len(choice)):
            if choice[i] + 1 < sizes[i]:
                nxt = choice[:i] + (choice[i] + 1,) + choice[i + 1:]
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(heap, (sum(nxt), nxt))
    info["exhaustive_complete"] = not heap
    return _dedupe(drafts), info


@register("random")
def propose_random(key, demos, num_drafts, config=None, truth=None):
    """Random rule sets over the demos' observed atoms: heads on non-input atoms (a tenth
    of them constraints), 1-3 body literals, as many rules as derived atoms."""
    group = merged(demos)
    rng = host_rng(key)
    atoms = np.nonzero(group.observed.all(axis=0))[0]
    heads = np.array([a for a in atoms if a not in set(group.inputs)] or atoms)
    drafts = []
    for _ in range(num_drafts):
        rows = []
        for _ in range(int(rng.integers(1, max(2, len(heads) + 1)))):
            head = int(rng.choice(heads))
            pool = atoms[atoms != head]
            body = rng.choice(pool, size=min(len(pool), int(rng.integers(1, BODY + 1))), replace=False)
            codes = [literal(a, rng.random() < 0.5) for a in body]
            h = FALSE_HEAD if rng.random() < 0.1 else literal(head, rng.random() < 0.5)
            rows.append(codes + [0] * (BODY - len(codes)) + [h])
        drafts.append(canonical(np.array(rows[:MAX_RULES], np.int64)))
    return np.stack(drafts), {}


@register("oracle")
def propose_oracle(key, demos, num_drafts, config=None, truth=None):
    if truth is None:
        raise ValueError("the oracle proposer needs the true rule set (the task's hidden truth)")
    return canonical(truth)[None], {}



SPAN_SHARE = 0.5  # of the K drafts, the share that spans the version space (the rest: induce's)


@register("induce_span")
def propose_induce_span(key, demos, num_drafts, config=None, truth=None):
    """Drafts that span the version space (closed-world tasks): induce's first draft, then
    the simplest self-consistent induce draft (fewest symbols, `~` weighed as the length
    prior weighs it) plus one rule the demos allow but do not force (a sound rule no cover
    needs; shortest rules first) and that draft plus every such rule (the general boundary,
    in drafts of at most MAX_RULES rules), then induce's other drafts (its minimal covers:
    the specific side). An atom on which rule sets that reproduce the demos disagree then
    gets disagreeing drafts, so a vote can say `undetermined` there."""
    base, info = propose_induce(key, demos, num_drafts, config)
    group = merged(demos)
    negation = ((config or CompilerConfig()).options or LogicOptions()).negation_symbols
    consistent = internal_consistency(base, group.num_atoms, list(group.inputs))[0]
    simplest = base[int(np.lexsort((symbols(base, negation), ~consistent))[0])]
    core = [list(r) for r in simplest if r[BODY] > 0]
    extra = [r for r in minimal_sound_rules(group) if r not in core]
    room = MAX_RULES - len(core)
    general = [canonical(np.array(core + extra[i:i + room], np.int64))
               for i in range(0, len(extra), max(room, 1))] if room > 0 else []
    plus_one = [canonical(np.array(core + [r], np.int64)) for r in extra] if room > 0 else []
    span = general + plus_one
    n_span = min(len(span), int(SPAN_SHARE * num_drafts)) if num_drafts > 1 else 0
    drafts = [base[0]] + span[:n_span] + list(base[1:])
    info = {**info, "allowed_rules": len(extra), "span_drafts": n_span}
    return _dedupe(drafts)[:num_drafts], info


@register("posterior")
def propose_posterior(key, demos, num_drafts, config=None, truth=None):
    """K rule sets drawn from the posterior over the rule class the demos state, with the
    description-length prior of `task.rule_bits` (compiler/logic/posterior.py): a fair
    sample, so the share of drafts deriving an atom estimates P(atom | demos); vote over
    them with the uniform prior. Open-world demos, or demos no rule set of the class
    reproduces, get induce's drafts (`info["posterior"]` says why)."""
    group = merged(demos)
    options = (config or CompilerConfig()).options or LogicOptions()
    try:
        pool = rule_pool(group, rule_bits=options.rule_bits, literal_bits=options.literal_bits)
        rules, info = sample_rule_sets(pool, num_drafts, host_rng(key))
    except (Unreproducible, ValueError) as err:  # ValueError: open world
        drafts, info = propose_induce(key, demos, num_drafts, config)
        return drafts, {**info, "posterior": f"induce's drafts: {err}"}
    return as_drafts(rules), {**info, "posterior": "sampled"}
