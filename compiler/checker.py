"""The checker: scores K drafts on all demos in one vectorized call.

For each draft it reports whether it reproduces every demo exactly, its cell accuracy, and
*blame* per table entry: demo cells whose last step read that entry and came out wrong.
Internal consistency of a life RuleSet is well-formedness (every entry 0 or 1): a table is
a function, so it cannot contradict itself. Conflicting *evidence* (the demos asking one
entry for both outputs) is a property of the demos, computed by `evidence_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from compiler.bitpacked import pack, packable, run_packed
from compiler.executor import entry_index, run
from compiler.life import NUM_ENTRIES, entry_name


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


class Scores(NamedTuple):
    """Checker output for K drafts (NumPy arrays, leading axis K)."""

    exact: np.ndarray  # [K] bool: every demo reproduced
    demo_exact: np.ndarray  # [K, N] bool
    mismatches: np.ndarray  # [K] int: wrong demo-output cells in all
    cell_acc: np.ndarray  # [K] float
    well_formed: np.ndarray  # [K] bool: internal consistency (entries in {0, 1})
    blame: np.ndarray  # [K, 2, 9] int: wrong cells per table entry read at the last step


def _check_one(table, x, y, horizon):
    before = run(table, x, horizon - 1)
    idx = entry_index(before)
    wrong = table.reshape(-1).astype(y.dtype)[idx] != y
    blame = jnp.zeros(NUM_ENTRIES, jnp.int32).at[idx.ravel()].add(wrong.ravel().astype(jnp.int32))
    return wrong.sum(dtype=jnp.int32), blame


def _check_one_packed(table, xp, yp, horizon):
    """Bit-parallel check of one draft on one packed demo: wrong cells by popcount."""
    diff = run_packed(table, xp, horizon) ^ yp
    return jax.lax.population_count(diff).sum(dtype=jnp.int32)


@partial(jax.jit, static_argnames=("with_blame",))
def check_chunk(drafts, inputs, outputs, horizon, with_blame: bool = True):
    """All drafts `[K, 2, 9]` on all demos `[N, H, W]`: mismatches `[K, N]`, blame `[K, 18]`.

    Without blame and with W a multiple of 32 it runs the bit-parallel executor (the demos
    are packed once, outside the vmap over drafts).
    """
    drafts = drafts.astype(jnp.uint8)
    if not with_blame and packable(inputs.shape[-1]):
        xp, yp = pack(inputs), pack(outputs)
        per_demo = jax.vmap(_check_one_packed, in_axes=(None, 0, 0, None))
        wrong = jax.vmap(per_demo, in_axes=(0, None, None, None))(drafts, xp, yp, horizon)
        return wrong, jnp.zeros((drafts.shape[0], 0), jnp.int32)
    per_demo = jax.vmap(_check_one, in_axes=(None, 0, 0, None))
    per_draft = jax.vmap(per_demo, in_axes=(0, None, None, None))
    wrong, blame = per_draft(drafts, inputs, outputs, horizon)
    blame = blame.sum(axis=1) if with_blame else jnp.zeros((drafts.shape[0], 0), jnp.int32)
    return wrong, blame


def check(drafts, demos: Demos | list[Demos], chunk: int = 4096, with_blame: bool = True,
          progress=None) -> Scores:
    """Score drafts `[K, 2, 9]` on one or more demo groups (groups may differ in shape).

    Drafts are checked `chunk` at a time; the last chunk is padded to the same shape so the
    jitted check compiles once. `progress`, if given, is called with each chunk's size.
    """
    groups = [demos] if isinstance(demos, Demos) else list(demos)
    drafts = np.asarray(drafts)
    well_formed = np.isin(drafts, (0, 1)).all(axis=(1, 2))
    tables = np.where(well_formed[:, None, None], drafts, 0).astype(np.uint8)
    k = len(tables)
    size = min(chunk, k)
    wrong_parts, blame_total = [], np.zeros((k, NUM_ENTRIES), np.int64)
    for group in groups:
        wrong_rows, blame_rows = [], []
        for start in range(0, k, size):
            part = tables[start:start + size]
            pad = size - len(part)
            if pad:
                part = np.concatenate([part, np.zeros((pad, 2, 9), np.uint8)])
            wrong, blame = check_chunk(jnp.asarray(part), group.inputs, group.outputs,
                                       group.horizon, with_blame)
            wrong_rows.append(np.asarray(wrong)[:size - pad])
            if with_blame:
                blame_rows.append(np.asarray(blame)[:size - pad])
            if progress is not None:
                progress(size - pad)
        wrong_parts.append(np.concatenate(wrong_rows))
        if with_blame:
            blame_total += np.concatenate(blame_rows)
    wrong = np.concatenate(wrong_parts, axis=1)  # [K, N total]
    # a malformed draft reproduces nothing
    wrong = np.where(well_formed[:, None], wrong, np.iinfo(np.int32).max // 4)
    cells = sum(g.num_cells for g in groups)
    mismatches = wrong.sum(axis=1)
    return Scores(
        exact=(mismatches == 0) & well_formed,
        demo_exact=wrong == 0,
        mismatches=mismatches,
        cell_acc=np.clip(1.0 - mismatches / cells, 0.0, 1.0),
        well_formed=well_formed,
        blame=blame_total.reshape(k, 2, 9),
    )


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
    none = evidence.sum(-1) == 0
    return [entry_name(s, n) for s, n in zip(*np.nonzero(none), strict=True)]
