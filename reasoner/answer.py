"""Answer queries from compiled rule sets with any reasoner, including `vote` selection."""

from __future__ import annotations

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
    states = np.asarray(states, np.uint8)
    batch = len(voters)
    most = max(len(v) for v in voters)
    rules = np.zeros((batch, most, *domain.rule_shape), domain.rule_dtype)
    weight = np.zeros((batch, most), np.int32)
    for b, v in enumerate(voters):
        rules[b, :len(v)] = v
        weight[b, :len(v)] = 1
    flat_states = np.repeat(states, most, axis=0)
    out = np.asarray(reasoner.rollout(rules.reshape(-1, *domain.rule_shape), flat_states, steps))
    return domain.combine(out.reshape(batch, most, *out.shape[1:]), weight)
