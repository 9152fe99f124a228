"""Answer queries from compiled rule sets with any reasoner, including `vote` selection."""

from __future__ import annotations

import numpy as np


def answer(reasoner, voters: list[np.ndarray], states: np.ndarray, steps: int) -> np.ndarray:
    """Run `reasoner` on a batch of queries and return `[B, H, W]` answers.

    `voters[b]` holds the tables `[V_b, 2, 9]` that answer query `b` (one table, or every
    survivor under the `vote` selector). Each table is rolled out on the query; the answer
    is the per-cell majority (ties go to 0). Voter lists are padded to one length so the
    rollout keeps a fixed shape.
    """
    states = np.asarray(states, np.uint8)
    batch = len(voters)
    most = max(len(v) for v in voters)
    tables = np.zeros((batch, most, 2, 9), np.uint8)
    weight = np.zeros((batch, most), np.int32)
    for b, v in enumerate(voters):
        tables[b, :len(v)] = v
        weight[b, :len(v)] = 1
    flat_states = np.repeat(states, most, axis=0)
    out = np.asarray(reasoner.rollout(tables.reshape(-1, 2, 9), flat_states, steps))
    out = out.reshape(batch, most, *states.shape[1:]).astype(np.int32)
    live = (out * weight[:, :, None, None]).sum(axis=1)
    return (2 * live > weight.sum(axis=1)[:, None, None]).astype(np.uint8)
