"""The checker: scores K drafts on all demos in one vectorized call, for any domain.

For each draft it reports whether it reproduces every demo exactly, its accuracy over the
demo outputs' units (cells, atoms), *blame* per rule entry (wrong units that entry
produced), well-formedness, and the domain's own internal-consistency verdict (with a
witness where the domain gives one). The domain supplies one jittable per-demo check; this
module vmaps it over the drafts and the demos of a group and jits the result once per
shape.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from compiler.domain import Domain, as_groups, bucket

MALFORMED_WRONG = np.iinfo(np.int32).max // 4  # a malformed draft reproduces nothing


class Scores(NamedTuple):
    """Checker output for K drafts (NumPy arrays, leading axis K)."""

    exact: np.ndarray  # [K] bool: every demo reproduced (and well-formed)
    demo_exact: np.ndarray  # [K, N] bool
    mismatches: np.ndarray  # [K] int: wrong demo-output units in all
    cell_acc: np.ndarray  # [K] float: share of demo-output units right
    well_formed: np.ndarray  # [K] bool
    self_consistent: np.ndarray  # [K] bool: the domain's internal-consistency check
    witness: list | None  # per draft, what shows an inconsistency (None where consistent)
    blame: np.ndarray  # [K, *blame_shape] int
    size: np.ndarray  # [K] int: description size (the domain's measure)


def masked_rules(domain: Domain, drafts):
    """(well-formed `[...]` bool, the drafts `[..., *rule_shape]` in the domain's dtype with
    every malformed one zeroed): what the checks run; leading axes any."""
    drafts = np.asarray(drafts)
    lead = drafts.ndim - len(domain.rule_shape)  # a draft may have fewer rows than rule_shape
    well_formed = domain.well_formed(drafts.reshape(-1, *drafts.shape[lead:])).reshape(drafts.shape[:lead])
    rules = np.where(well_formed.reshape(*well_formed.shape, *([1] * (drafts.ndim - lead))), drafts, 0)
    return well_formed, rules.astype(domain.rule_dtype)


@partial(jax.jit, static_argnames=("check_one", "with_blame"))
def check_chunk(check_one, drafts, demos, params, with_blame: bool = True):
    """All drafts `[K, ...]` on all demos (leading axis N): wrong units `[K, N]`, blame
    `[K, E]` summed over demos (`[K, 0]` without blame)."""
    per_demo = jax.vmap(check_one, in_axes=(None, 0, None))
    per_draft = jax.vmap(per_demo, in_axes=(0, None, None))
    wrong, blame = per_draft(drafts, demos, params)
    if not with_blame:
        return wrong, jnp.zeros((drafts.shape[0], 0), jnp.int32)
    return wrong, blame.sum(axis=1)


def check(domain: Domain, drafts, demos, chunk: int = 4096, with_blame: bool = True,
          progress=None) -> Scores:
    """Score drafts `[K, *rule_shape]` on a list of demo groups (groups may differ in shape).

    Drafts are checked `chunk` at a time; every chunk is padded to a power of two (at least
    8, at most `chunk`), so the jitted check compiles once per bucket of K, not once per K.
    `progress`, if given, is called with each chunk's size.
    """
    groups = as_groups(demos)
    well_formed, rules = masked_rules(domain, drafts)
    k = len(rules)
    size = min(chunk, bucket(k))
    entries = int(np.prod(domain.blame_shape))
    wrong_parts, blame_total = [], np.zeros((k, entries), np.int64)
    for group in groups:
        bound, group = domain.bind_rules(rules, group)
        spec = domain.demo_check(group, with_blame)
        wrong_rows, blame_rows = [], []
        for start in range(0, k, size):
            part = bound[start:start + size]
            pad = size - len(part)
            if pad:
                part = np.concatenate([part, np.zeros((pad, *part.shape[1:]), part.dtype)])
            wrong, blame = check_chunk(spec.check_one, jnp.asarray(part), spec.demos,
                                       spec.params, with_blame)
            wrong_rows.append(np.asarray(wrong)[:size - pad, :spec.count])
            if with_blame:
                blame_rows.append(np.asarray(blame)[:size - pad])
            if progress is not None:
                progress(size - pad)
        wrong_parts.append(np.concatenate(wrong_rows))
        if with_blame:
            blame_total += np.concatenate(blame_rows)
    wrong = np.concatenate(wrong_parts, axis=1)  # [K, N total]
    wrong = np.where(well_formed[:, None], wrong, MALFORMED_WRONG)
    units = sum(domain.demo_units(g) for g in groups)
    mismatches = wrong.sum(axis=1)
    consistent, witness = domain.internal_consistency(rules, groups)
    return Scores(
        exact=(mismatches == 0) & well_formed,
        demo_exact=wrong == 0,
        mismatches=mismatches,
        cell_acc=np.clip(1.0 - mismatches / units, 0.0, 1.0),
        well_formed=well_formed,
        self_consistent=np.asarray(consistent, bool) & well_formed,
        witness=witness,
        blame=blame_total.reshape(k, *domain.blame_shape),
        size=np.asarray(domain.size(rules)),
    )


@partial(jax.jit, static_argnames=("check_one", "shared_params"))
def check_tasks_chunk(check_one, drafts, demos, params, shared_params: bool):
    """`[B, K, N]` wrong units of each task's drafts `[B, K, ...]` on its own demos (leading
    axes B, then N) and params (leading axis B, or one for all: `shared_params`)."""
    one_task = lambda d, x, p: check_chunk(check_one, d, x, p, False)[0]  # noqa: E731
    return jax.vmap(one_task, in_axes=(0, 0, None if shared_params else 0))(drafts, demos, params)


def check_tasks(domain: Domain, drafts, demos: list) -> np.ndarray:
    """`[B, K]` wrong demo-output units of task b's drafts `drafts[b]` (`[B, K, *rule_shape]`)
    on its own demos `demos[b]`, in one vectorized call over the tasks: what a training batch
    of B tasks checks every step. Each task's demos are one group, and every task's check has
    the same form and shapes (e.g. one grid size and horizon per batch); a malformed draft
    counts MALFORMED_WRONG, as in `check`."""
    well_formed, rules = masked_rules(domain, drafts)
    if len(demos) != len(rules):
        raise ValueError(f"{len(rules)} tasks' drafts but {len(demos)} tasks' demos")
    bound = [domain.bind_rules(r, group) for r, group in zip(rules, demos, strict=True)]
    rules = np.stack([r for r, _ in bound])
    specs = [domain.demo_check(group, False) for _, group in bound]
    forms = {(s.check_one, s.count, tuple(np.shape(x) for x in jax.tree.leaves((s.demos, s.params))))
             for s in specs}
    if len(forms) > 1:
        raise ValueError("check_tasks needs every task's demos in one form and shape; "
                         "check tasks of other shapes in their own calls")
    stack = lambda *xs: jnp.stack([jnp.asarray(x) for x in xs])  # noqa: E731
    params = [jax.tree.leaves(s.params) for s in specs]
    # one set of params for all (e.g. one horizon): a loop the params bound stays unbatched
    shared = all(all(np.array_equal(a, b) for a, b in zip(p, params[0], strict=True)) for p in params)
    wrong = check_tasks_chunk(specs[0].check_one, jnp.asarray(rules),
                              jax.tree.map(stack, *[s.demos for s in specs]),
                              specs[0].params if shared else jax.tree.map(stack, *[s.params for s in specs]),
                              shared)
    wrong = np.asarray(wrong)[..., :specs[0].count].sum(axis=-1)
    return np.where(well_formed, wrong, MALFORMED_WRONG)
