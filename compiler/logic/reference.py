"""The slow, obvious logic executor (Python sets), which the JAX one is tested against."""

from __future__ import annotations

import numpy as np

from compiler.logic.executor import CLOSED, EXPLODED, FALSE, TRUE
from compiler.logic.rules import BODY, FALSE_HEAD


def run_reference(rule, state, steps: int) -> np.ndarray:
    """`steps` synchronous steps of forward chaining on one state `[A]` (uint8 codes)."""
    state = np.asarray(state, np.uint8)
    facts = {(a, False) for a in range(len(state)) if state[a] & TRUE}
    facts |= {(a, True) for a in range(len(state)) if state[a] & FALSE}
    exploded = bool((state & EXPLODED).any())
    rows = [[int(c) for c in r] for r in np.asarray(rule).reshape(-1, BODY + 1) if r[BODY] > 0]
    for _ in range(steps):
        new, fired_false = set(), False
        for row in rows:
            body = [((c - 1) // 2, (c - 1) % 2 == 1) for c in row[:BODY] if c > 0]
            if all(lit in facts for lit in body):
                if row[BODY] == FALSE_HEAD:
                    fired_false = True
                else:
                    new.add(((row[BODY] - 1) // 2, (row[BODY] - 1) % 2 == 1))
        facts |= {lit for lit in new if lit[0] < len(state)}
        exploded |= fired_false
    out = np.zeros(len(state), np.uint8)
    for a, neg in facts:
        out[a] |= FALSE if neg else TRUE
    out |= state & CLOSED
    if exploded:
        out |= EXPLODED
    return out
