"""ARC demos and the per-demo check the generic checker vmaps over K drafts and N demos.

All grids sit on the fixed canvas, so every task's demos form one group of one shape
whatever their sizes (padding, with OUT as the mask): the check compiles once for every
task. A group also carries the task's test inputs: they are admissible inputs, on which a
draft must not contradict itself either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jax.numpy as jnp
import numpy as np

from compiler.arc.executor import run
from compiler.arc.features import CANVAS, OUT
from compiler.arc.grids import pad_batch
from compiler.arc.rules import MAX_RULES
from compiler.domain import DemoCheck

MAX_STEPS = 30  # the fixed-point cap of a draft's run on a demo


@dataclass
class Demos:
    """`inputs`, `outputs` `[N, CANVAS, CANVAS]` uint8 canvases (OUT outside the grids);
    `tests` `[M, CANVAS, CANVAS]`: the task's test inputs (M may be 0)."""

    inputs: np.ndarray
    outputs: np.ndarray
    tests: np.ndarray = field(default_factory=lambda: np.zeros((0, CANVAS, CANVAS), np.uint8))

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
    """(wrong cells, blame `[MAX_RULES + 1]`: the wrong cells each rule last wrote)."""
    x, y = demo
    out = run(rule, x, steps)
    wrong = (out.grid != y) & (y != OUT)
    blame = jnp.zeros(MAX_RULES + 1, jnp.int32).at[out.rule.ravel()].add(
        wrong.ravel().astype(jnp.int32))
    return wrong.sum(), blame.at[0].set(0)


def demo_check(group: Demos, with_blame: bool) -> DemoCheck:
    """The demos padded to a power of two with all-OUT canvases (never wrong), so the check
    compiles once per bucket of demo counts, not once per task."""
    inputs, outputs = pad_batch(group.inputs, OUT), pad_batch(group.outputs, OUT)
    return DemoCheck(check_one, (jnp.asarray(inputs), jnp.asarray(outputs)), jnp.int32(MAX_STEPS),
                     count=len(group.inputs))
