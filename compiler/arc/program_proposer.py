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

import dataclasses
from dataclasses import dataclass

import jax
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
    search_guided,
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
    # the order `induce` tries transforms in, breadth first: the table's (simple ones
    # first) or a random one (a baseline of the budget curves)
    search_order: str = "table"
    # the `guided` proposer's best-first search goes this deep (its budget is the same)
    search_guided_depth: int = 3
    # the share of the guide's distribution in the one the search sums (the rest uniform
    # over the task's transforms)
    search_guide_mix: float = 0.8


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


def mixed(logp, allowed, share: float) -> np.ndarray:
    """`log(share * p_net + (1 - share) / len(allowed))` on the allowed transforms: the
    guide's distribution mixed with the uniform one, so no transform's chains are pushed
    past the budget by a net that is confidently wrong (share 1: the net alone)."""
    p = np.exp(np.asarray(logp, np.float64))
    out = np.full_like(p, -np.inf)
    p_allowed = p[allowed] / max(p[allowed].sum(), 1e-300)
    out[allowed] = np.log(share * p_allowed + (1.0 - share) / len(allowed))
    return out


def run_search(inputs, outputs, tests, options: ArcOptions, guide=None, seed: int = 0):
    """The program search of one task: breadth first in the table's (or a random) order,
    or best first by `guide(pairs) -> logp` (a learned guide) to `search_guided_depth`."""
    allowed = task_transforms(inputs, outputs)
    if guide is not None:
        config = SearchConfig(options.search_guided_depth, options.search_states,
                              options.search_seconds)
        logp = mixed(guide(list(zip(inputs, outputs, strict=True))), allowed, options.search_guide_mix)
        return search_guided(inputs + tests, config, logp, allowed)
    if options.search_order == "random":
        allowed = list(np.random.default_rng(seed).permutation(allowed))
    elif options.search_order != "table":
        raise ValueError(f"task.search_order={options.search_order!r}; known: table, random")
    config = SearchConfig(options.search_depth, options.search_states, options.search_seconds,
                          options.search_backend)
    return search(inputs + tests, config, order=allowed)


def program_drafts(group, num_drafts: int, options: ArcOptions, guide=None,
                   seed: int = 0, result=None) -> tuple[list, list, dict]:
    """(drafts, their kinds, diagnostics) for one group of demos; `guide`: see `run_search`;
    `result`: a search already run on this group (e.g. a prefix of a larger one)."""
    inputs = [from_canvas(x) for x in group.inputs]
    outputs = [from_canvas(y) for y in group.outputs]
    tests = [from_canvas(t) for t in group.tests]
    if result is None:
        result = run_search(inputs, outputs, tests, options, guide, seed)
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


def key_seed(key) -> int:
    """A NumPy seed from a JAX key (typed or raw), for the random search order."""
    if key is None:
        return 0
    if jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        key = jax.random.key_data(key)
    return int(np.asarray(key).ravel()[-1])


def propose_programs(key, demos, num_drafts, config=None, truth=None, guide=None):
    groups = as_groups(demos)
    options = getattr(config, "options", None) or ArcOptions()
    seed = key_seed(key)
    drafts, labels, info = [], [], {}
    for group in groups:
        d, k, info = program_drafts(group, num_drafts, options, guide, seed)
        drafts += d
        labels += k
    info["kinds"] = labels[:num_drafts]
    return np.stack(drafts[:num_drafts]), info


register("induce")(propose_programs)


def guided_proposer(net):
    """`guided`: `induce` with the search ordered by the learned guide `net`
    (compiler/arc/guide_net.py), best first, to `search_guided_depth`."""
    from compiler.arc.guide_net import transform_logp

    def guided(key, demos, num_drafts, config=None, truth=None):
        return propose_programs(key, demos, num_drafts, config, truth,
                                guide=lambda pairs: transform_logp(net, pairs))

    return guided


ORDERS = ("table", "random", "guided")


def budget_drafts(group, num_drafts: int, options: ArcOptions, budgets, order: str, net=None,
                  seed: int = 0) -> list[dict]:
    """The search in `order` (table, random: breadth first; guided: best first by `net`) run
    once at the largest budget (states kept), then per budget the drafts of its first B
    states (`SearchResult.prefix`: what `max_states=B` keeps), with the seconds the search
    took to keep them plus the guide's forward pass."""
    import time

    if order not in ORDERS:
        raise ValueError(f"search order {order!r}; known: {list(ORDERS)}")
    budgets = sorted(budgets)
    options = dataclasses.replace(options, search_states=budgets[-1],
                                  search_order="random" if order == "random" else "table")
    guide = None
    if order == "guided":
        from compiler.arc.guide_net import transform_logp

        guide = lambda pairs: transform_logp(net, pairs)  # noqa: E731
    inputs = [from_canvas(x) for x in group.inputs]
    outputs = [from_canvas(y) for y in group.outputs]
    tests = [from_canvas(t) for t in group.tests]
    started = time.perf_counter()
    full = run_search(inputs, outputs, tests, options, guide, seed)
    guide_s = time.perf_counter() - started - full.seconds
    out = []
    for b in budgets:
        result = full.prefix(b)
        started = time.perf_counter()
        drafts, _, info = program_drafts(group, num_drafts, options, result=result)
        info["draft_s"] = time.perf_counter() - started
        out.append({"drafts": np.stack(drafts), "info": info, "search_s": guide_s + result.seconds,
                    "depth": result.depth_reached, "states": len(result.states)})
    return out
