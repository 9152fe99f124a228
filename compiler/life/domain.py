"""The `life` domain behind the generic interface (compiler/domain.py)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from compiler.domain import Completions, Corruption, DemoCheck, Domain, LearnedProposer, RuleEquivalence
from compiler.life import checker as life_checker
from compiler.life.executor import run_batch_jit
from compiler.life.mean_field import mean_field_proposer
from compiler.life.proposer_net import ProposerNet, demo_logits, neural_proposer
from compiler.life.proposers import PROPOSERS, SearchOptions, search_from
from compiler.life.reference import run_reference
from compiler.life.rules import NUM_COUNTS, NUM_STATES, RuleSyntaxError, entry_name, format_rule, parse_rule

# the learned proposers (docs/life.md): the shipped nets under pretrained/
LEARNED = {
    # the supervised net's most likely tables, then samples
    "neural": LearnedProposer("life-proposer", ProposerNet, neural_proposer),
    # its drafts start induce's hill climbing (h > 1)
    "hybrid": LearnedProposer("life-proposer", ProposerNet,
                              lambda net: search_from(neural_proposer(net))),
    # its logits are the first start of the mean-field refinement (the others random)
    "neural_mean_field": LearnedProposer(
        "life-proposer", ProposerNet,
        lambda net: mean_field_proposer(lambda groups: demo_logits(net, groups))),
    # trained without true rules, on the checker's verdicts
    "neural_self_taught": LearnedProposer("life-proposer-self-taught", ProposerNet,
                                          neural_proposer),
}


class LifeDomain(Domain, RuleEquivalence, Corruption, Completions):
    name = "life"
    rule_shape = (NUM_STATES, NUM_COUNTS)
    blame_shape = (NUM_STATES, NUM_COUNTS)
    proposers = PROPOSERS
    learned_proposers = LEARNED
    options = SearchOptions
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

    def completions(self, rule, diagnostics, limit=256):
        names = diagnostics.get("unobserved_entries")
        if names is None or (1 << len(names)) > limit:
            return None
        entries = [("BS".index(n[0]), int(n[1:])) for n in names]
        out = np.repeat(np.asarray(rule, np.uint8)[None], 1 << len(entries), axis=0)
        for i, (state, count) in enumerate(entries):
            out[:, state, count] = (np.arange(len(out)) >> i) & 1
        return out

    def corrupt(self, rule, m, rng):
        """`m` distinct table entries flipped."""
        flat = np.asarray(rule).reshape(-1).copy()
        flat[rng.choice(flat.size, size=m, replace=False)] ^= 1
        return flat.reshape(rule.shape)

    def majority(self, voters):
        return (2 * np.asarray(voters).sum(axis=0) > len(voters)).astype(np.uint8)

    def combine(self, outputs, weight, commit=1.0):
        # per-cell majority of the voters' runs; ties go to 0
        live = (outputs.astype(np.int32) * weight[:, :, None, None]).sum(axis=1)
        return (2 * live > weight.sum(axis=1)[:, None, None]).astype(np.uint8)


DOMAIN = LifeDomain()
