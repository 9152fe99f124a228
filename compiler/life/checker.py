"""Life's part of the checker: the per-demo check the generic checker vmaps, demo groups,
and what h = 1 demos say on their own (evidence per table entry).

Internal consistency of a life RuleSet is well-formedness (every entry 0 or 1): a table is
a function, so it cannot contradict itself. Conflicting *evidence* (the demos asking one
entry for both outputs) is a property of the demos, computed by `evidence_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from compiler.domain import DemoCheck
from compiler.life.bitpacked import pack, packable, run_packed
from compiler.life.executor import entry_index, run
from compiler.life.rules import NUM_ENTRIES, entry_name


@dataclass(frozen=True)
class Demos:
    """Demonstration pairs of one grid shape: `inputs`, `outputs` `[N, H, W]` of 0/1."""

    inputs: np.ndarray
    outputs: np.ndarray
    horizon: int = 1

    def __post_init__(self):
        inputs, outputs = np.asarray(self.inputs), np.asarray(self.outputs)
        if inputs.ndim != 3 or inputs.shape != outputs.shape:
            raise ValueError(f"demo inputs and outputs must both be [N, H, W], got "
                             f"{inputs.shape} and {outputs.shape}")
        if int(self.horizon) < 1:
            raise ValueError(f"demo horizon must be >= 1, got {self.horizon}")
        object.__setattr__(self, "inputs", inputs.astype(np.uint8))
        object.__setattr__(self, "outputs", outputs.astype(np.uint8))
        object.__setattr__(self, "horizon", int(self.horizon))

    @property
    def num_cells(self) -> int:
        return int(self.inputs.size)


def check_one(table, demo, horizon):
    """Wrong cells of one draft on one demo, and blame per table entry read at the last
    step (the entry that produced each wrong cell)."""
    x, y = demo
    before = run(table, x, horizon - 1)
    idx = entry_index(before)
    wrong = table.reshape(-1).astype(y.dtype)[idx] != y
    blame = jnp.zeros(NUM_ENTRIES, jnp.int32).at[idx.ravel()].add(wrong.ravel().astype(jnp.int32))
    return wrong.sum(dtype=jnp.int32), blame


def check_one_packed(table, demo, horizon):
    """Bit-parallel check of one draft on one packed demo: wrong cells by popcount."""
    xp, yp = demo
    diff = run_packed(table, xp, horizon) ^ yp
    return jax.lax.population_count(diff).sum(dtype=jnp.int32), jnp.zeros(0, jnp.int32)


def demo_check(group: Demos, with_blame: bool) -> DemoCheck:
    """Without blame and with W a multiple of 32 the check runs bit-parallel (the demos
    are packed once here, outside the vmap over drafts)."""
    horizon = jnp.asarray(group.horizon, jnp.int32)
    if not with_blame and packable(group.inputs.shape[-1]):
        return DemoCheck(check_one_packed, (pack(group.inputs), pack(group.outputs)), horizon)
    return DemoCheck(check_one, (jnp.asarray(group.inputs), jnp.asarray(group.outputs)), horizon)


def evidence_counts(demos: Demos | list[Demos]) -> np.ndarray:
    """For horizon-1 demos: `[2, 9, 2]` counts of (table entry, observed next state)."""
    groups = [demos] if isinstance(demos, Demos) else list(demos)
    counts = np.zeros(NUM_ENTRIES * 2, np.int64)
    for group in groups:
        if group.horizon != 1:
            continue
        idx = np.asarray(entry_index(jnp.asarray(group.inputs)))
        counts += np.bincount((idx * 2 + group.outputs).ravel(), minlength=NUM_ENTRIES * 2)
    return counts.reshape(2, 9, 2)


def conflicting_entries(evidence: np.ndarray) -> list[str]:
    """Names of entries the demos ask for both outputs, e.g. `["B3", "S2"]`."""
    both = (evidence[..., 0] > 0) & (evidence[..., 1] > 0)
    return [entry_name(s, n) for s, n in zip(*np.nonzero(both), strict=True)]


def unobserved_entries(evidence: np.ndarray) -> list[str]:
    """Names of entries no h = 1 demo cell reads, e.g. `["B0", "S8"]`."""
    none = evidence.sum(-1) == 0
    return [entry_name(s, n) for s, n in zip(*np.nonzero(none), strict=True)]
