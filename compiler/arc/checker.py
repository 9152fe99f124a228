"""ARC demos and the per-demo check the generic checker vmaps over K drafts and N demos.

All grids sit on the fixed canvas, so every task's demos form one group of one shape
whatever their sizes (padding, with OUT as the mask): the check compiles once for every
task. A group also carries the task's test inputs: they are admissible inputs, on which a
draft must not contradict itself either. Drafts with programs are checked against a group
whose `table` holds their pieces' results on its demo inputs (compiler/arc/programs.py:
`bind`, done by `ArcDomain.bind_rules` before the vectorized check).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jax.numpy as jnp
import numpy as np

from compiler.arc import programs as P
from compiler.arc.executor import run
from compiler.arc.features import CANVAS, OUT
from compiler.arc.grids import pad_batch
from compiler.arc.rules import MAX_RULES, PIECES
from compiler.domain import DemoCheck

MAX_STEPS = 30  # the fixed-point cap of a draft's run on a demo


@dataclass
class Demos:
    """`inputs`, `outputs` `[N, CANVAS, CANVAS]` uint8 canvases (OUT outside the grids);
    `tests` `[M, CANVAS, CANVAS]`: the task's test inputs (M may be 0); `table`
    `[S, N, CANVAS, CANVAS]`: bound pieces' results on the demo inputs (None: unbound)."""

    inputs: np.ndarray
    outputs: np.ndarray
    tests: np.ndarray = field(default_factory=lambda: np.zeros((0, CANVAS, CANVAS), np.uint8))
    table: np.ndarray | None = None

    def __post_init__(self):
        self.inputs = np.asarray(self.inputs, np.uint8)
        self.outputs = np.asarray(self.outputs, np.uint8)
        self.tests = np.asarray(self.tests, np.uint8).reshape(-1, CANVAS, CANVAS)
        if self.inputs.shape != self.outputs.shape or self.inputs.shape[1:] != (CANVAS, CANVAS):
            raise ValueError(f"demo inputs {self.inputs.shape} and outputs {self.outputs.shape} "
                             f"must both be [N, {CANVAS}, {CANVAS}] canvases")

    @property
    def num_cells(self) -> int:
        return int((self.outputs != OUT).sum())


def check_one(rule, demo, steps):
    """(wrong cells, blame `[MAX_RULES + 1]`: the wrong cells each rule last wrote). A cell
    inside one of the output and the prediction but not the other is wrong: a prediction
    of the wrong size never reproduces a demo."""
    x, y, table = demo
    layers = table[jnp.asarray(rule, jnp.int32)[PIECES, P.SLOT]]
    out = run(rule, x, steps, layers)
    wrong = (out.grid != y) & ((y != OUT) | (out.grid != OUT))
    blame = jnp.zeros(MAX_RULES + 1, jnp.int32).at[out.rule.ravel()].add(
        wrong.ravel().astype(jnp.int32))
    return wrong.sum(), blame.at[0].set(0)


def demo_check(group: Demos, with_blame: bool) -> DemoCheck:
    """The demos padded to a power of two with all-OUT canvases (never wrong), so the check
    compiles once per bucket of demo counts, not once per task."""
    inputs, outputs = pad_batch(group.inputs, OUT), pad_batch(group.outputs, OUT)
    table = group.table if group.table is not None else np.full((1, len(group.inputs), CANVAS, CANVAS),
                                                                  OUT, np.uint8)
    table = pad_batch(np.moveaxis(table, 1, 0), OUT)  # [N, S, C, C], N padded as the demos
    return DemoCheck(check_one, (jnp.asarray(inputs), jnp.asarray(outputs), jnp.asarray(table)),
                     jnp.int32(MAX_STEPS), count=len(group.inputs))
