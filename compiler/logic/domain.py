"""The `logic` domain behind the generic interface (compiler/domain.py)."""

from __future__ import annotations

from dataclasses import replace

import jax
import jax.numpy as jnp
import numpy as np

from compiler.domain import (
    Corruption,
    DemoCheck,
    Domain,
    LearnedProposer,
    RuleEquivalence,
    VersionSpace,
    as_groups,
)
from compiler.logic import checker as logic_checker
from compiler.logic.consistency import internal_consistency
from compiler.logic.equivalence import equivalent_on_fact_sets
from compiler.logic.executor import (
    NOT_ASKED,
    READ_TRUE,
    READ_UNDETERMINED,
    UNDETERMINED,
    read,
    read_np,
    run_batch_jit,
    used_rows,
)
from compiler.logic.proposer_net import LogicProposerNet, net_proposer, rule_set_log_probs
from compiler.logic.proposers import PROPOSERS, LogicOptions, merged, ranked_induce
from compiler.logic.reference import run_reference
from compiler.logic.rule_class import rule_class_of
from compiler.logic.rules import (
    BODY,
    FALSE_HEAD,
    MAX_RULES,
    RULE_DTYPE,
    RuleSyntaxError,
    canonical,
    format_rules,
    parse_rules,
    rule_texts,
    size,
    symbols,
    well_formed,
)
from compiler.logic.version_space import version_space_answers


def _hybrid(net):
    """induce's combinations of covers ranked by the net's log-probability (self-consistent
    first)."""
    return ranked_induce(lambda demos, drafts: rule_set_log_probs(net, demos, drafts))


# the learned proposers: the shipped nets under pretrained/, trained by TRAINER
TRAINER = "experiments.training.logic_proposer"
LEARNED = {"neural": LearnedProposer("logic-proposer", LogicProposerNet, net_proposer, TRAINER),
           "hybrid": LearnedProposer("logic-proposer", LogicProposerNet, _hybrid, TRAINER),
           "neural_self_taught": LearnedProposer("logic-proposer-self-taught", LogicProposerNet,
                                                 net_proposer, TRAINER)}


class LogicDomain(Domain, RuleEquivalence, Corruption, VersionSpace):
    name = "logic"
    rule_shape = (MAX_RULES, BODY + 1)
    rule_dtype = RULE_DTYPE
    blame_shape = (MAX_RULES,)
    proposers = PROPOSERS
    learned_proposers = LEARNED
    options = LogicOptions
    syntax_error = RuleSyntaxError

    def to_text(self, rule, names=None) -> str:
        return format_rules(rule, names)

    def from_text(self, text: str, names=None) -> np.ndarray:
        return parse_rules(text, names)

    def well_formed(self, drafts):
        return well_formed(drafts)

    def internal_consistency(self, drafts, demos=None):
        """No admissible fact set (an assignment of the input atoms of any demo group)
        derives a contradiction; the witness is that assignment as `{atom: value}`."""
        consistent, witness = np.ones(len(drafts), bool), [None] * len(drafts)
        for group in as_groups(demos):
            inputs = list(group.inputs)
            ok, index = internal_consistency(drafts, group.num_atoms, inputs)
            names = group.names
            for k in np.nonzero(consistent & ~ok)[0]:
                witness[k] = {names[a]: bool((index[k] >> j) & 1) for j, a in enumerate(inputs)}
            consistent &= ok
        return consistent, witness

    def size(self, drafts):
        return size(drafts)

    def size_label(self, size):
        return f"{size} atoms"

    def blamed(self, draft, blame) -> list[str]:
        texts = rule_texts(draft)
        return [texts[r] for r in np.nonzero(np.asarray(blame))[0] if r < len(texts)]

    def run_batch(self, rules, states, steps):
        if isinstance(rules, jax.core.Tracer):  # inside a caller's jit (the cycle detector)
            return run_batch_jit(rules, states, steps)
        return run_batch_jit(jnp.asarray(used_rows(rules), jnp.int32), jnp.asarray(states, jnp.uint8),
                             jnp.asarray(steps, jnp.int32))

    def run_reference(self, rule, state, steps: int) -> np.ndarray:
        return run_reference(rule, state, steps)

    def reference_wrong(self, rule, group) -> np.ndarray:
        out = []
        for facts, closure in zip(group.facts, group.closure, strict=True):
            final = run_reference(rule, facts, 2 * group.num_atoms + 2)
            out.append(int(((read_np(final) != closure) & (closure != NOT_ASKED)).sum()))
        return np.array(out)

    def demo_check(self, group, with_blame: bool) -> DemoCheck:
        return logic_checker.demo_check(group, with_blame)

    def demo_units(self, group) -> int:
        return int(group.observed.sum())

    def demo_diagnostics(self, groups) -> dict:
        names = groups[0].names
        pairs, atoms = logic_checker.conflicting_demos(groups, names)
        hidden = ~np.any([g.observed.any(axis=0) for g in groups], axis=0)
        return {"conflicting_demos": pairs, "conflicting_entries": atoms,
                "unobserved_entries": [names[a] for a in np.nonzero(hidden)[0]],
                "num_entries": int(len(names))}

    def equivalent(self, drafts, truth, demos=None):
        """Same read values on every observed atom from every admissible fact set (all
        3^I partial assignments of the inputs when I <= 8, else all 2^I total ones) of
        every demo group."""
        groups = as_groups(demos)
        same = equivalent_on_fact_sets(drafts, truth, groups[0])
        for group in groups[1:]:
            same &= equivalent_on_fact_sets(drafts, truth, group)
        return same

    def corrupt(self, rule, m, rng):
        """`m` edits of the rule set, each flipping the sign of one literal (a body literal
        or a head; a constraint's body) of a random rule."""
        rule = np.array(rule)
        used = np.nonzero(rule[:, BODY] > 0)[0]
        for _ in range(m):
            r = int(rng.choice(used))
            slots = [i for i in range(BODY + 1) if rule[r, i] > 0 and rule[r, i] != FALSE_HEAD]
            i = int(rng.choice(slots))
            rule[r, i] = ((rule[r, i] - 1) ^ 1) + 1
        return canonical(rule)

    def combine(self, outputs, weight, commit=1.0):
        """Three-valued vote per atom: the read value with the largest weighted share of
        the real voters, as the first voter giving it has it, where that share reaches
        `commit` (1.0: every voter agrees); elsewhere `undetermined`."""
        outputs = np.asarray(outputs)
        values = np.asarray(read(jnp.asarray(outputs)))  # [B, V, A]
        weight = np.asarray(weight, np.float64)
        kinds = np.arange(READ_UNDETERMINED)  # unknown, true, false, contradiction
        votes = ((values[..., None] == kinds) * weight[:, :, None, None]).sum(axis=1)  # [B, A, 4]
        share = votes.max(axis=-1) / np.maximum(weight.sum(axis=1), 1e-300)[:, None]
        top = votes.argmax(axis=-1)  # [B, A]
        giver = np.argmax((values == top[:, None]) & (weight[:, :, None] > 0), axis=1)  # [B, A]
        chosen = np.take_along_axis(outputs, giver[:, None], axis=1)[:, 0]
        return np.where(share >= commit - 1e-9, chosen, UNDETERMINED).astype(np.uint8)

    def description_length(self, drafts, options=None):
        """Symbols of the rule text per draft: each rule's body literals, its head and its
        arrow, and each `~` as `options.negation_symbols` symbols (rules.symbols)."""
        return symbols(drafts, (options or LogicOptions()).negation_symbols)

    def version_space_answers(self, demos, states):
        """Closed-world tasks: compiler/logic/version_space.py (rules with positive heads and
        bodies of the rule class the demos state, any number of them)."""
        return version_space_answers(merged(demos), states)[0]

    def version_space_readings(self, task_cfg):
        # causal tasks: also over present-object bodies only (the causal reading, right by
        # construction: a check of both)
        return ("all", "positive") if task_cfg.theory == "causal" else ("all",)

    def version_space_ceiling(self, demos, states, reading="all", timeout_s=None):
        group = merged(demos)
        stated = rule_class_of(group.rule_class)
        rule_class = replace(stated, negation=False) if reading == "positive" else stated
        try:
            return version_space_answers(group, states, rule_class, timeout_s=timeout_s)[0], False
        except TimeoutError:
            return np.asarray(states) | UNDETERMINED, True

    def true_probability(self, outputs, ceiling=None):
        p = (read_np(np.asarray(outputs)) == READ_TRUE).mean(axis=0)
        if ceiling is not None:
            decided = self.committed(ceiling)
            p = np.where(decided, self.reads_true(ceiling), p)
        return p

    def reads_true(self, outputs):
        return read_np(np.asarray(outputs)) == READ_TRUE

    def committed(self, pred):
        return (np.asarray(pred) & UNDETERMINED) == 0

    def scored(self, truth):
        return np.asarray(truth) != NOT_ASKED

    def correct(self, pred, truth):
        return (np.asarray(truth) == NOT_ASKED) | (read_np(pred) == np.asarray(truth))


DOMAIN = LogicDomain()
