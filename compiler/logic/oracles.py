"""Independent oracles for tests and benchmarks: clingo (ASP) computes the least model of
a RuleSet with facts. Imported lazily: clingo is only needed where it is called."""

from __future__ import annotations

import numpy as np

from compiler.logic.executor import EXPLODED, FALSE, TRUE
from compiler.logic.rules import BODY, FALSE_HEAD


def asp_program(rule, state) -> str:
    """The RuleSet and the facts of `state` as an ASP program: `t(a)`/`f(a)` are the
    derived-true/-false literals, `bot` a fired constraint. A positive program: its one
    answer set is the least model, i.e. forward chaining's fixed point."""
    lines = []
    for a, s in enumerate(np.asarray(state)):
        if s & TRUE:
            lines.append(f"t({a}).")
        if s & FALSE:
            lines.append(f"f({a}).")
    for row in np.asarray(rule).reshape(-1, BODY + 1):
        if row[BODY] <= 0:
            continue
        body = ", ".join(f"{'f' if (c - 1) % 2 else 't'}({(c - 1) // 2})" for c in row[:BODY] if c > 0)
        h = int(row[BODY])
        head = "bot" if h == FALSE_HEAD else f"{'f' if (h - 1) % 2 else 't'}({(h - 1) // 2})"
        lines.append(f"{head} :- {body}.")
    return "\n".join(lines)


def clingo_closure(rule, state) -> np.ndarray:
    """The fixed point of `state` under `rule`, computed by clingo (state codes, no
    closed-world bit)."""
    import clingo

    ctl = clingo.Control(["--models=1", "--warn=none"])
    ctl.add("base", [], asp_program(rule, state))
    ctl.ground([("base", [])])
    out = np.zeros(len(state), np.uint8)
    models = []
    ctl.solve(on_model=lambda m: models.append(m.symbols(atoms=True)))
    for sym in models[0]:
        if sym.name == "bot":
            out |= EXPLODED
        elif sym.name in ("t", "f") and sym.arguments[0].number < len(state):
            out[sym.arguments[0].number] |= TRUE if sym.name == "t" else FALSE
    return out
