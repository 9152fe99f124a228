"""Breadth-first search over programs, and the stacker that layers its states.

A *state* is a chain of transforms (compiler/arc/transforms.py) and its results on every
demo input *and* every test input of a task at once. The search starts from the inputs
and applies every transform to every state of the previous depth; a new state is dropped
when a transform is undefined on any input, when it equals its parent, when every grid
is blank (all background), or when an earlier state gave the same grids (states are
deduplicated by their bytes), so each distinct tuple of grids is kept once, by its
shortest, earliest chain. The budget is the depth, a number of states and seconds.

Every state whose demo grids have the demo outputs' sizes is a candidate *piece*. From the
pieces come drafts of three kinds (`propose_programs`, compiler/arc/proposers.py):
(a) `solutions`: a piece equal to every demo output;
(b) `stacks`: a base (the input, or a piece) with whole pieces laid on it greedily, each
painting its non-background cells, where every one of those cells agrees with every demo
output, until the demo outputs are reproduced;
(c) channels for cell rules: the pieces that explain the most changed cells (`channels`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np

from compiler.arc import programs as P
from compiler.arc import transforms as T
from compiler.arc.features import MAX_PIECES


@dataclass(frozen=True)
class SearchConfig:
    depth: int = 2  # the longest chain explored (breadth first, while the budget lasts)
    max_states: int = 20_000  # distinct states kept per task
    seconds: float = 8.0  # wall-clock budget of the search per task
    # numpy: the NumPy table, one grid at a time (memoized); jax: each transform of the
    # batched JAX table (compiler/arc/transforms_jax.py) on every state of a depth at once,
    # the NumPy table for the transforms it lacks. The same states, in the same order.
    backend: str = "numpy"


@dataclass
class State:
    chain: tuple[int, ...]
    grids: tuple[np.ndarray, ...]  # per input: the demo inputs, then the test inputs
    cost: int  # summed transform costs: simpler chains first


def key_of(grids) -> bytes:
    return b"".join(np.array(g.shape, np.uint8).tobytes() + g.tobytes() for g in grids)


def kept(grids, parent: State, seen: set) -> bool:
    """Whether a child's grids (defined on every input) make a new state: not its parent's,
    not all blank, not an earlier state's (then recorded in `seen`)."""
    if all(a.shape == b.shape and np.array_equal(a, b)
           for a, b in zip(grids, parent.grids, strict=True)):
        return False
    if not any(g.any() for g in grids):
        return False
    key = key_of(grids)
    if key in seen:
        return False
    seen.add(key)
    return True


def child_grids(t: int, parent: State) -> list | None:
    """Transform `t` on every grid of `parent`, or None where it is undefined on one."""
    grids = []
    for g in parent.grids:
        out = P.step(t, g)
        if out is None:
            return None
        grids.append(out)
    return grids


@dataclass
class SearchResult:
    states: list[State]
    expanded: int  # transform applications tried (states x transforms)
    seconds: float
    depth_reached: int
    complete: bool  # every state to `depth` was expanded within the budget
    found_s: list[float] | None = None  # per state, the seconds into the search it was kept

    def prefix(self, count: int) -> SearchResult:
        """What the same search with `max_states=count` keeps (the states are kept in
        order, so a smaller budget keeps a prefix), its seconds read from `found_s`."""
        if count >= len(self.states):
            return self
        states = self.states[:count]
        seconds = self.found_s[count - 1] if self.found_s and count else 0.0
        return SearchResult(states, self.expanded, seconds,
                            max((len(s.chain) for s in states), default=0), False,
                            self.found_s[:count] if self.found_s else None)


def search(inputs, config: SearchConfig = SearchConfig(), order=None) -> SearchResult:
    """Every distinct state reachable from `inputs` (real grids: the demo inputs, then the
    test inputs) within the budget, breadth first; `order` (transform indices) is the
    order transforms are tried in (default: the table's)."""
    if config.backend == "jax":
        return search_batched(inputs, config, order)
    if config.backend != "numpy":
        raise ValueError(f"search backend {config.backend!r}; known: numpy, jax")
    started = time.perf_counter()
    transforms = list(range(len(T.TRANSFORMS))) if order is None else list(order)
    costs = [T.TRANSFORMS[t].cost for t in range(len(T.TRANSFORMS))]
    root = State((), tuple(np.asarray(g, np.uint8) for g in inputs), 0)
    seen = {key_of(root.grids)}
    states, frontier, expanded, depth_reached, found_s = [], [root], 0, 0, []
    complete = True
    for depth in range(1, config.depth + 1):
        new = []
        for parent in frontier:
            for t in transforms:
                if len(states) + len(new) >= config.max_states or \
                        time.perf_counter() - started > config.seconds:
                    complete = False
                    break
                expanded += 1
                grids = child_grids(t, parent)
                if grids is not None and kept(grids, parent, seen):
                    new.append(State(parent.chain + (t,), tuple(grids), parent.cost + costs[t]))
                    found_s.append(time.perf_counter() - started)
            if not complete:
                break
        if new:
            depth_reached = depth
        states += new
        frontier = new
        if not complete or not new:
            break
    return SearchResult(states, expanded, time.perf_counter() - started, depth_reached, complete,
                        found_s)


def search_guided(inputs, config: SearchConfig, logp, allowed=None) -> SearchResult:
    """Best-first `search`: chains in order of their summed log-probability `logp[t]` per
    step (a learned guide's, compiler/arc/guide_net.py), most likely first, to
    `config.depth`, until the budget (states kept, seconds) is spent. `allowed`: the
    transform indices to try (default: all). Children of a state are generated lazily in
    the order of their transforms' scores, so the budget goes to the likely chains of every
    depth rather than to every chain of the shallow ones. With equal scores the order is
    breadth first."""
    import heapq

    started = time.perf_counter()
    allowed = list(range(len(T.TRANSFORMS))) if allowed is None else list(allowed)
    logp = np.asarray(logp, np.float64)
    ranked = sorted(allowed, key=lambda t: (-logp[t], t))
    step_cost = [float(-logp[t]) for t in ranked]
    costs = [T.TRANSFORMS[t].cost for t in range(len(T.TRANSFORMS))]
    root = State((), tuple(np.asarray(g, np.uint8) for g in inputs), 0)
    seen = {key_of(root.grids)}
    nodes, priority, found_s = [root], [0.0], []  # states kept, their summed -logp
    heap, seq = [], 0
    if ranked and config.depth > 0:
        heap.append((step_cost[0], 0, 0, 0))
    expanded, depth_reached = 0, 0
    while heap:
        if len(nodes) - 1 >= config.max_states or time.perf_counter() - started > config.seconds:
            break
        _, _, parent_at, j = heapq.heappop(heap)
        parent = nodes[parent_at]
        if j + 1 < len(ranked):
            seq += 1
            heapq.heappush(heap, (priority[parent_at] + step_cost[j + 1], seq, parent_at, j + 1))
        t = ranked[j]
        expanded += 1
        grids = child_grids(t, parent)
        if grids is not None and kept(grids, parent, seen):
            child = State(parent.chain + (t,), tuple(grids), parent.cost + costs[t])
            nodes.append(child)
            priority.append(priority[parent_at] + step_cost[j])
            found_s.append(time.perf_counter() - started)
            depth_reached = max(depth_reached, len(child.chain))
            if len(child.chain) < config.depth:
                seq += 1
                heapq.heappush(heap, (priority[-1] + step_cost[0], seq, len(nodes) - 1, 0))
    return SearchResult(nodes[1:], expanded, time.perf_counter() - started, depth_reached,
                        not heap, found_s)


# transforms with a colour argument: those that paint it (useful only when a demo output
# has that colour) and those that select it (useful only when a demo input has it)
PAINTS = ("recolour_", "fill_enclosed_", "outline_", "outline4_", "interior_", "bbox_fill_",
          "grid_border_")
SELECTS = ("keep_", "erase_", "complete_period_", "fill_mask_", "patch_mask_")


def colour_arg(name: str) -> tuple[str, int] | None:
    """("paints" | "selects", colour) of a transform with a colour argument, else None."""
    m = re.fullmatch(r"([a-z_0-9]+_)([1-9])", name)
    if not m:
        return None
    if m.group(1) in PAINTS:
        return "paints", int(m.group(2))
    if m.group(1) in SELECTS:
        return "selects", int(m.group(2))
    return None


def task_transforms(inputs, outputs) -> list[int]:
    """The transforms worth trying on a task, in table order: a colour argument must be a
    colour the demo outputs show (painting) or the demo inputs show (selecting). Reads the
    demos only."""
    shown_in = set(np.unique(np.concatenate([np.ravel(x) for x in inputs])).tolist())
    shown_out = set(np.unique(np.concatenate([np.ravel(y) for y in outputs])).tolist())
    keep = []
    for t, transform in enumerate(T.TRANSFORMS):
        arg = colour_arg(transform.name)
        if arg is None or arg[1] in (shown_out if arg[0] == "paints" else shown_in):
            keep.append(t)
    return keep


def search_batched(inputs, config: SearchConfig, order=None) -> SearchResult:
    """`search` with every transform applied to all states of a depth in one batched call
    (the JAX table where it has the transform): what a GPU runs. The budget is checked
    between transforms, so a depth cut short keeps the transforms it finished."""
    from compiler.arc import transforms_jax as TJ
    from compiler.arc.grids import from_canvas, to_canvas
    from compiler.domain import bucket

    started = time.perf_counter()
    transforms = list(range(len(T.TRANSFORMS))) if order is None else list(order)
    costs = [T.TRANSFORMS[t].cost for t in range(len(T.TRANSFORMS))]
    n = len(inputs)
    root = State((), tuple(np.asarray(g, np.uint8) for g in inputs), 0)
    seen = {key_of(root.grids)}
    states, frontier, expanded, depth_reached, complete = [], [root], 0, 0, True
    for depth in range(1, config.depth + 1):
        canvases = np.stack([to_canvas(g) for s in frontier for g in s.grids])  # [F * n, C, C]
        padded = np.concatenate([canvases, np.full((bucket(len(canvases), 256) - len(canvases),
                                                    *canvases.shape[1:]), 10, np.uint8)])
        results: dict[int, tuple] = {}
        for t in transforms:
            if len(states) + sum(len(v) for v in results.values()) >= config.max_states or \
                    time.perf_counter() - started > config.seconds:
                complete = False
                break
            name = T.TRANSFORMS[t].name
            if name in TJ.JAX_TRANSFORMS:
                out, ok = TJ.apply_batch(name, padded)
                out, ok = np.asarray(out)[:len(canvases)], np.asarray(ok)[:len(canvases)]
                grids = [from_canvas(c) if d else None for c, d in zip(out, ok, strict=True)]
            else:
                grids = [P.step(t, g) for s in frontier for g in s.grids]
            results[t] = grids
            expanded += len(frontier)
        new = []
        # states in the order the NumPy search finds them: parent first, then transform
        for f, parent in enumerate(frontier):
            for t in transforms:
                if t not in results:
                    continue
                grids = results[t][f * n:(f + 1) * n]
                if all(g is not None for g in grids) and kept(grids, parent, seen):
                    new.append(State(parent.chain + (t,), tuple(grids), parent.cost + costs[t]))
        new = new[:max(config.max_states - len(states), 0)]
        if new:
            depth_reached = depth
        states += new
        frontier = new
        if not complete or not new:
            break
    return SearchResult(states, expanded, time.perf_counter() - started, depth_reached, complete)


def pieces_of(states, outputs) -> list[State]:
    """The states whose demo grids have the demo outputs' sizes."""
    shapes = [y.shape for y in outputs]
    return [s for s in states
            if all(g.shape == shape for g, shape in zip(s.grids, shapes, strict=False))]


def solutions(pieces, outputs) -> list[State]:
    """(a) pieces equal to every demo output, simplest first."""
    out = [s for s in pieces
           if all(np.array_equal(g, y) for g, y in zip(s.grids, outputs, strict=False))]
    return sorted(out, key=lambda s: (len(s.chain), s.cost))


@dataclass
class Stack:
    base: State | None  # None: the input
    laid: list[State]  # pieces painted on the base in order

    @property
    def size(self) -> int:
        return len(self.laid) + sum(len(s.chain) for s in [*self.laid, *([self.base] if self.base else [])])


def stacks(pieces, inputs, outputs, limit: int = 8, bases: int = 3) -> list[Stack]:
    """(b) greedy stacks that reproduce every demo output: from a base (the input where the
    sizes allow, or one of the `bases` pieces that agree with the outputs most), lay the
    paintable piece that fixes the most wrong cells, until nothing is wrong; then the
    same with each stack's first piece banned, for variety. At most `limit` stacks."""
    n = len(outputs)
    if not pieces:
        return []
    y = np.concatenate([o.ravel() for o in outputs])
    vals = np.stack([np.concatenate([s.grids[i].ravel() for i in range(n)]) for s in pieces])
    nonbg = vals != 0
    agree = vals == y
    paintable = ~(nonbg & ~agree).any(axis=1)
    idx = np.nonzero(paintable)[0]
    if not len(idx):
        return []
    gain_matrix = (nonbg & agree)[idx].astype(np.float32)
    cost = np.array([len(pieces[i].chain) for i in idx], np.float32)
    starts: list[tuple[State | None, np.ndarray]] = []
    if all(x.shape == o.shape for x, o in zip(inputs, outputs, strict=False)):
        starts.append((None, np.concatenate([np.asarray(x).ravel() for x in inputs[:n]])))
    for i in np.argsort(-agree.sum(axis=1), kind="stable")[:bases]:
        starts.append((pieces[i], vals[i]))
    out, seen = [], set()

    def greedy(base_vals, banned):
        cur = base_vals.copy()
        laid = []
        for _ in range(MAX_PIECES - 1):
            wrong = cur != y
            if not wrong.any():
                break
            gain = gain_matrix @ wrong.astype(np.float32)
            gain[list(banned)] = 0
            best = int(np.argmax(gain - cost * 1e-3))
            if gain[best] <= 0:
                break
            laid.append(best)
            j = idx[best]
            cur = np.where(nonbg[j], vals[j], cur)
        return laid, bool((cur == y).all())

    for base, base_vals in starts:
        firsts = []
        for banned in [set()] + [None] * 2:
            if banned is None:
                if not firsts:
                    break
                banned = {firsts.pop(0)}
            laid, ok = greedy(base_vals, banned)
            if laid and not banned:
                firsts.append(laid[0])
            if ok and laid:
                k = (id(base), tuple(laid))
                if k not in seen:
                    seen.add(k)
                    out.append(Stack(base, [pieces[idx[i]] for i in laid]))
        if len(out) >= limit:
            break
    return sorted(out, key=lambda s: s.size)[:limit]


def channels(pieces, inputs, outputs, count: int = 4) -> list[State]:
    """(c) the pieces that equal the demo outputs on the most cells the input changes
    (ties: simpler), as features for cell rules; same-size tasks only."""
    n = len(outputs)
    if not pieces or not all(x.shape == o.shape for x, o in zip(inputs, outputs, strict=False)):
        return []
    y = np.concatenate([o.ravel() for o in outputs])
    x = np.concatenate([np.asarray(g).ravel() for g in inputs[:n]])
    changed = x != y
    if not changed.any():
        return []
    vals = np.stack([np.concatenate([s.grids[i].ravel() for i in range(n)]) for s in pieces])
    explained = ((vals == y) & changed).sum(axis=1)
    order = np.lexsort(([s.cost for s in pieces], -explained))
    return [pieces[i] for i in order[:count] if explained[i] > 0]


def closest(pieces, outputs, count: int = 2) -> list[State]:
    """The pieces equal to the demo outputs on the most cells (not all: not solutions)."""
    if not pieces:
        return []
    n = len(outputs)
    y = np.concatenate([o.ravel() for o in outputs])
    vals = np.stack([np.concatenate([s.grids[i].ravel() for i in range(n)]) for s in pieces])
    agree = (vals == y).sum(axis=1)
    order = np.lexsort(([s.cost for s in pieces], -agree))
    return [pieces[i] for i in order if agree[i] < len(y)][:count]
