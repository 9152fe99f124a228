"""Answer queries from compiled rule sets with any reasoner, including `vote` selection, and
ranked answers: the distinct answers the surviving drafts give, best supported first (ARC's
two attempts are the first two)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from compiler import get_domain


def answer(reasoner, voters: list[np.ndarray], states: np.ndarray, steps: int) -> np.ndarray:
    """Run `reasoner` on a batch of queries and return `[B, ...]` answers.

    `voters[b]` holds the RuleSets `[V_b, *rule_shape]` that answer query `b` (one, or every
    survivor under the `vote` selector). Each is rolled out on the query and the domain
    combines the answers (life: per-cell majority, ties to 0). Voter lists are padded to one
    length so the rollout keeps a fixed shape.
    """
    domain = get_domain(reasoner.spec.domain)
    out, weight, commit = voter_outputs(reasoner, voters, states, steps)
    return domain.combine(out, weight, commit=commit)


def voter_outputs(reasoner, voters: list[np.ndarray], states: np.ndarray,
                  steps: int) -> tuple[np.ndarray, np.ndarray, float]:
    """What `answer` combines: every voter's own answer `[B, V, ...]` (lists padded to the
    longest), each voter's weight `[B, V]` (0: padding) and the commit share."""
    domain = get_domain(reasoner.spec.domain)
    states = np.asarray(states, np.uint8)
    batch = len(voters)
    most = max(len(v) for v in voters)
    rules = np.zeros((batch, most, *domain.rule_shape), domain.rule_dtype)
    weight = np.zeros((batch, most), np.float64)
    commit = {getattr(v, "commit", 1.0) for v in voters}
    if len(commit) > 1:
        raise ValueError(f"one answer batch mixes commit shares {sorted(commit)}")
    for b, v in enumerate(voters):
        rules[b, :len(v)] = v
        w = getattr(v, "weights", None)  # compiler.pipeline.Voters: the prior's weights
        weight[b, :len(v)] = 1.0 if w is None else w
    flat_states = np.repeat(states, most, axis=0)
    out = np.asarray(reasoner.rollout(rules.reshape(-1, *domain.rule_shape), flat_states, steps))
    return out.reshape(batch, most, *out.shape[1:]), weight, commit.pop()


class Candidate(NamedTuple):
    """One distinct answer to a query."""

    answer: np.ndarray
    support: int  # surviving drafts (of those run) whose own run gives exactly this answer
    drafts: list[int]  # their indices in `compiled.drafts`, best ranked first


def ranked_answers(reasoner, compiled, state, steps: int, top: int | None = 2,
                   pool: int = 64) -> list[Candidate]:
    """Up to `top` (None: all) distinct answers to one query `state`, in order: first the selector's own
    answer (`best`: the chosen draft's run; `vote`: the combined vote), then the other
    answers of the best `pool` surviving drafts by support (how many drafts give them), ties
    to the better-ranked draft. All drafts run in one batched rollout."""
    domain = get_domain(reasoner.spec.domain)
    state = np.asarray(state, np.uint8)
    first = answer(reasoner, [compiled.voters], state[None], steps)[0]
    ranked = compiled.ranked[:pool]
    outs = np.asarray(reasoner.rollout(compiled.drafts[ranked].astype(domain.rule_dtype),
                                       np.repeat(state[None], len(ranked), axis=0), steps))
    groups: dict[bytes, list[int]] = {}  # answer bytes -> drafts giving it, best first
    for i, out in zip(ranked, outs, strict=True):
        groups.setdefault(out.tobytes(), []).append(int(i))
    first_key = np.asarray(first, outs.dtype).tobytes()
    candidates = [Candidate(first, len(groups.get(first_key, [])), groups.get(first_key, []))]
    # by support; `sorted` is stable, so ties keep the better-ranked draft's answer first
    others = sorted((drafts for key, drafts in groups.items() if key != first_key),
                    key=lambda drafts: -len(drafts))
    position = {int(i): k for k, i in enumerate(ranked)}
    for drafts in others if top is None else others[:max(top - 1, 0)]:
        candidates.append(Candidate(outs[position[drafts[0]]], len(drafts), drafts))
    return candidates[:top]
