"""`induce` for ARC: drafts with programs, from a search over grid transforms.

One breadth-first search per task (compiler/arc/search.py) over the demo and test inputs
together gives the states; the drafts come in four kinds, each ranked simplest first:
- `solution`: one piece equal to every demo output, the output's base (`p1 = f(g(x)) | base
  p1 | (no rules)`); distinct solutions differ on a test input;
- `stack`: a base with pieces painted on it greedily (`... | paint p2, p3 | (no rules)`);
- `channels`: sound covers of cell rules that read the pieces explaining the most changed
  cells (`p1 = smear_e(x) | self=0 & p1!=0 -> p1`);
- `based`: cell-rule covers that finish the pieces closest to the outputs (a colour map on
  a crop: `p1 = crop_content(x) | base p1 | self=1 -> 2`);
- `cells`: the cell-rule covers with no program (the `cells` proposer).
K is shared out: up to half solutions, a quarter stacks, the rest covers, then whatever kind
has more. The diagnostics say how many states the search kept, in how many seconds, and
which kind each draft is (`kinds`), so the kinds can be measured apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compiler.arc import programs as P
from compiler.arc.checker import Demos
from compiler.arc.features import CANVAS, MAX_PIECES, OUT
from compiler.arc.grids import from_canvas, to_canvas
from compiler.arc.proposers import cover_drafts, covers, register
from compiler.arc.rules import BASE, HEAD_KIND, ONCE, PIECES, RULES, UNUSED, make
from compiler.arc.search import (
    SearchConfig,
    channels,
    closest,
    pieces_of,
    search,
    solutions,
    stacks,
    task_transforms,
)
from compiler.domain import as_groups


@dataclass(frozen=True)
class ArcOptions:
    """ARC's compiler options (`task.*` keys): the program search's budget per task."""

    search_depth: int = 2
    search_states: int = 20_000
    search_seconds: float = 6.0
    search_backend: str = "numpy"  # numpy | jax (batched over states: for a GPU)


def channel_layers(group, chosen) -> np.ndarray:
    """`[N, MAX_PIECES, C, C]` the chosen pieces' results on the demo inputs (canvases)."""
    n = len(group.inputs)
    out = np.full((n, MAX_PIECES, CANVAS, CANVAS), OUT, np.uint8)
    for i, state in enumerate(chosen):
        for j in range(n):
            out[j, i] = to_canvas(state.grids[j])
    return out


def stack_draft(stack) -> np.ndarray:
    """A stack as a draft: its base piece (if any) first, then the painted pieces."""
    laid = [(s.chain, P.PAINT) for s in stack.laid]
    if stack.base is None:
        return make([], pieces=laid)
    return make([], pieces=[(stack.base.chain, P.READ)] + laid, base=1)


def program_drafts(group, num_drafts: int, options: ArcOptions) -> tuple[list, list, dict]:
    """(drafts, their kinds, diagnostics) for one group of demos."""
    inputs = [from_canvas(x) for x in group.inputs]
    outputs = [from_canvas(y) for y in group.outputs]
    tests = [from_canvas(t) for t in group.tests]
    result = search(inputs + tests, SearchConfig(options.search_depth, options.search_states,
                                                 options.search_seconds, options.search_backend),
                    order=task_transforms(inputs, outputs))
    pieces = pieces_of(result.states, outputs)
    kinds: dict[str, list] = {"solution": [], "stack": [], "channels": [], "cells": [], "based": []}
    for s in solutions(pieces, outputs):
        kinds["solution"].append(make([], pieces=[(s.chain, P.READ)], base=1))
    kinds["stack"] = [stack_draft(st) for st in stacks(pieces, inputs, outputs)]
    chosen = channels(pieces, inputs, outputs)
    if chosen:
        scored = covers([group], [channel_layers(group, chosen)], modes=(ONCE,), literals=96)
        pieces_read = [(s.chain, P.READ) for s in chosen]
        kinds["channels"] = [d for d in cover_drafts(scored, num_drafts, pieces_read)
                             if (d[PIECES, 0] > 0).any()]
    if all(x.shape == y.shape for x, y in zip(inputs, outputs, strict=True)):
        kinds["cells"] = cover_drafts(covers([group]), num_drafts)
    # cell rules on a base: the pieces closest to the outputs, finished by a cover
    for state in closest(pieces, outputs, 2):
        based = Demos(np.stack([to_canvas(g) for g in state.grids[:len(inputs)]]), group.outputs,
                      np.stack([to_canvas(g) for g in state.grids[len(inputs):]]))
        for rules_draft in cover_drafts(covers([based], modes=(ONCE,), literals=96),
                                        max(num_drafts // 4, 1)):
            if (rules_draft[RULES, HEAD_KIND] != UNUSED).any():
                draft = rules_draft.copy()
                draft[PIECES, :P.CHAIN + 2] = P.piece_rows([(state.chain, P.READ)])
                draft[0, BASE] = 1
                kinds["based"].append(draft)
    shares = {"solution": num_drafts // 2, "stack": num_drafts // 4}
    drafts, labels, seen = [], [], set()

    def take(kind, limit):
        for d in kinds[kind]:
            if len(drafts) >= num_drafts or limit <= 0:
                return
            if d.tobytes() not in seen:
                seen.add(d.tobytes())
                drafts.append(d)
                labels.append(kind)
                limit -= 1

    for kind in ("solution", "stack"):
        take(kind, max(shares[kind], 1))
    for kind in ("channels", "based", "cells", "solution", "stack"):
        take(kind, num_drafts)
    if not drafts:  # no piece fits the outputs' sizes: the input itself, stated as such
        drafts, labels = [make([])], ["identity"]
    numbers = {"search_states": len(result.states), "search_s": round(result.seconds, 3),
               "search_depth": result.depth_reached, "search_complete": result.complete,
               "search_expanded": result.expanded, "pieces": len(pieces),
               **{f"{k}_found": len(v) for k, v in kinds.items()}}
    info = {**numbers, "kinds": labels, "row_extras": numbers}
    return drafts, labels, info


@register("induce")
def propose_programs(key, demos, num_drafts, config=None, truth=None):
    groups = as_groups(demos)
    options = getattr(config, "options", None) or ArcOptions()
    drafts, labels, info = [], [], {}
    for group in groups:
        d, k, info = program_drafts(group, num_drafts, options)
        drafts += d
        labels += k
    info["kinds"] = labels[:num_drafts]
    return np.stack(drafts[:num_drafts]), info
