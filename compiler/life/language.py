"""Life's rule language as the generic checker reads it: the `[2, 9]` tables, their text,
the executor, the per-demo check and the vote. Life's proposers check drafts with
`LANGUAGE`; the domain object (compiler/life/domain.py) adds the proposers and capabilities
on top, so the proposers never import the domain that holds them."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from compiler.domain import DemoCheck, Domain
from compiler.life import checker as life_checker
from compiler.life.executor import run_batch_jit
from compiler.life.reference import run_reference
from compiler.life.rules import NUM_COUNTS, NUM_STATES, RuleSyntaxError, entry_name, format_rule, parse_rule


class LifeLanguage(Domain):
    name = "life"
    rule_shape = (NUM_STATES, NUM_COUNTS)
    blame_shape = (NUM_STATES, NUM_COUNTS)
    syntax_error = RuleSyntaxError

    def to_text(self, rule, names=None) -> str:
        return format_rule(rule)

    def from_text(self, text: str, names=None) -> np.ndarray:
        return parse_rule(text)

    def well_formed(self, drafts):
        return np.isin(np.asarray(drafts), (0, 1)).all(axis=(1, 2))

    def size_label(self, size):
        return f"{size}x{size}"

    def blamed(self, draft, blame) -> list[str]:
        return [entry_name(s, n) for s, n in zip(*np.nonzero(blame), strict=True)]

    def run_batch(self, rules, states, steps):
        return run_batch_jit(jnp.asarray(rules, jnp.uint8), jnp.asarray(states, jnp.uint8),
                             jnp.asarray(steps, jnp.int32))

    def demo_check(self, group, with_blame: bool) -> DemoCheck:
        return life_checker.demo_check(group, with_blame)

    def demo_units(self, group) -> int:
        return group.num_cells

    def run_reference(self, rule, state, steps: int) -> np.ndarray:
        return run_reference(rule, state, steps)

    def reference_wrong(self, rule, group) -> np.ndarray:
        """`[N]` wrong cells per demo by the slow NumPy executor (for tests)."""
        return np.array([int((run_reference(rule, x, group.horizon) != y).sum())
                         for x, y in zip(group.inputs, group.outputs, strict=True)])

    def demo_diagnostics(self, groups) -> dict:
        if not any(g.horizon == 1 for g in groups):
            return {}
        evidence = life_checker.evidence_counts(groups)
        return {"conflicting_entries": life_checker.conflicting_entries(evidence),
                "unobserved_entries": life_checker.unobserved_entries(evidence)}

    def majority(self, voters):
        return (2 * np.asarray(voters).sum(axis=0) > len(voters)).astype(np.uint8)

    def combine(self, outputs, weight, commit=1.0):
        # per-cell majority of the voters' runs; ties go to 0
        live = (outputs.astype(np.int32) * weight[:, :, None, None]).sum(axis=1)
        return (2 * live > weight.sum(axis=1)[:, None, None]).astype(np.uint8)


LANGUAGE = LifeLanguage()
