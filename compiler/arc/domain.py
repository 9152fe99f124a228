"""The `arc` domain behind the generic interface (compiler/domain.py).

No hidden rule exists (ARC gives answers, not rules): the domain declares no
`RuleEquivalence`, so rule metrics are left out and `oracle` says it does not apply.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from compiler.arc import checker as arc_checker
from compiler.arc import programs as P
from compiler.arc.checker import MAX_STEPS
from compiler.arc.executor import clashes, run_batch_jit, run_reference
from compiler.arc.features import CANVAS, COLOURS, OUT
from compiler.arc.grids import pad_batch
from compiler.arc.guide_net import GuideNet
from compiler.arc.program_proposer import ORDERS, ArcOptions, budget_drafts, guided_proposer
from compiler.arc.proposers import PROPOSERS
from compiler.arc.rules import (
    MAX_RULES,
    PIECES,
    RULE_DTYPE,
    WIDTH,
    RuleSyntaxError,
    format_rules,
    parse_rules,
    rule_texts,
    size,
    well_formed,
)
from compiler.domain import DemoCheck, Domain, LearnedProposer, SearchBudget, as_groups, bucket


def pad_table(table) -> np.ndarray:
    """A table of pieces' results padded to a power of two of rows, at least 64 (what K = 16
    drafts of at most 4 distinct pieces need): few compiled shapes of the checks."""
    extra = bucket(len(table), 64) - len(table)
    return np.concatenate([table, np.full((extra, *table.shape[1:]), OUT, table.dtype)]) if extra else table


class ArcDomain(Domain, SearchBudget):
    name = "arc"
    rule_shape = (1 + MAX_RULES + P.MAX_PIECES, WIDTH)
    rule_dtype = RULE_DTYPE
    blame_shape = (MAX_RULES + 1,)
    proposers = PROPOSERS
    # `guided`: the program search ordered by a net trained on ARC-AGI-1 training tasks only
    # (experiments/training/arc_proposer.py), shipped in pretrained/arc-guide
    learned_proposers = {"guided": LearnedProposer("arc-guide", GuideNet, guided_proposer)}
    options = ArcOptions
    syntax_error = RuleSyntaxError
    search_orders = ORDERS
    guide = "guided"
    guide_share_option = "search_guide_mix"

    def budget_drafts(self, group, num_drafts, options, budgets, order, net=None, seed=0):
        return budget_drafts(group, num_drafts, options, budgets, order, net, seed)

    def to_text(self, rule, names=None) -> str:
        return format_rules(rule)

    def from_text(self, text: str, names=None) -> np.ndarray:
        return parse_rules(text)

    def well_formed(self, drafts):
        return well_formed(drafts)

    def bind_rules(self, rules, group):
        """The drafts' pieces run on the group's demo inputs: their slots written into the
        piece rows, the results as the group's `table` (compiler/arc/programs.py)."""
        rules = np.array(rules)
        slots, table, _ = P.bind(rules[:, PIECES], group.inputs)
        rules[:, PIECES, P.SLOT] = slots
        table = pad_table(table)
        return rules, dataclasses.replace(group, table=table)

    def internal_consistency(self, drafts, demos=None):
        """A draft contradicts itself on an admissible input (the demo inputs, the test
        inputs, and every state of their iteration) where a step of its program is undefined
        (the witness names the input and the step) or two rules fire on one cell with
        different heads (the witness names the input, the step, the cell and the rules)."""
        drafts = np.asarray(drafts)
        groups = as_groups(demos) if demos is not None else []
        inputs = [g.inputs for g in groups] + [g.tests for g in groups]
        inputs = np.concatenate(inputs) if inputs else np.zeros((0,) + drafts.shape[1:], np.uint8)
        if not len(inputs) or not len(drafts):
            return np.ones(len(drafts), bool), None
        n_demo = sum(len(g.inputs) for g in groups)
        name = lambda i: f"demo {i}" if i < n_demo else f"test {i - n_demo}"  # noqa: E731
        undefined = P.undefined_steps(drafts[:, PIECES], inputs)
        slots, table, _ = P.bind(drafts[:, PIECES], inputs)
        clash, witness = clashes(jnp.asarray(pad_batch(drafts), jnp.int32),
                                 jnp.asarray(pad_batch(inputs, OUT)), MAX_STEPS,
                                 jnp.asarray(pad_batch(slots)),
                                 jnp.asarray(pad_table(table)))
        clash = np.asarray(clash)[:len(drafts), :len(inputs)]
        witness = np.asarray(witness)[:len(drafts), :len(inputs)]
        out = []
        for k in range(len(drafts)):
            if undefined[k]:
                i, piece, at = undefined[k][0]
                chain = P.chain_of(drafts[k, PIECES][piece])
                out.append({"input": name(i), "piece": f"p{piece + 1}",
                            "step": P.chain_text(chain[:at + 1]), "reason": "undefined"})
                continue
            hit = np.nonzero(clash[k])[0]
            if not len(hit):
                out.append(None)
                continue
            i = int(hit[0])
            step, cell, a, b = (int(v) for v in witness[k, i])
            texts = rule_texts(drafts[k])
            out.append({"input": name(i), "step": step, "cell": [cell // 30, cell % 30],
                        "rules": [texts[a - 1] if 0 < a <= len(texts) else a,
                                  texts[b - 1] if 0 < b <= len(texts) else b]})
        return np.array([w is None for w in out]), out

    def size(self, drafts):
        return size(drafts)

    def size_label(self, size):
        return "canvas"  # every ARC grid sits on the one 30 x 30 canvas

    def blamed(self, draft, blame) -> list[str]:
        texts = rule_texts(draft)
        return [texts[r - 1] for r in np.nonzero(np.asarray(blame))[0] if 0 < r <= len(texts)]

    def run_batch(self, rules, states, steps):
        if isinstance(rules, jax.core.Tracer):  # inside a caller's jit (the cycle detector)
            return run_batch_jit(rules, states, steps)
        rules, states = np.asarray(rules), np.asarray(states, np.uint8)
        n = len(rules)  # padded to a power of two: one compile per bucket of batch sizes
        # the pieces' results on each state, run on the host (all OUT without a program:
        # one compiled rollout serves drafts with and without programs)
        layers = np.full((n, P.MAX_PIECES, CANVAS, CANVAS), OUT, np.uint8)
        for b in np.nonzero((rules[:, PIECES, 0] > 0).any(axis=1))[0]:
            slots, table, _ = P.bind(rules[b:b + 1, PIECES], states[b:b + 1])
            layers[b] = table[slots[0], 0]
        layers = jnp.asarray(pad_batch(layers, OUT))
        out = run_batch_jit(jnp.asarray(pad_batch(rules), jnp.int32),
                            jnp.asarray(pad_batch(states, OUT)),
                            jnp.asarray(steps, jnp.int32), layers)
        return out[:n]

    def run_reference(self, rule, state, steps: int) -> np.ndarray:
        return run_reference(rule, state, steps)

    def reference_wrong(self, rule, group) -> np.ndarray:
        out = []
        for x, y in zip(group.inputs, group.outputs, strict=True):
            got = run_reference(rule, x, MAX_STEPS)  # canvases: a wrong size counts its cells
            out.append(int(((got != y) & ((y != OUT) | (got != OUT))).sum()))
        return np.array(out)

    def demo_check(self, group, with_blame: bool) -> DemoCheck:
        return arc_checker.demo_check(group, with_blame)

    def demo_units(self, group) -> int:
        return group.num_cells

    def combine(self, outputs, weight, commit=1.0):
        """Per cell, the colour most voters give (ties: the smaller colour); OUT stays."""
        outputs = np.asarray(outputs)
        votes = (outputs[..., None] == np.arange(COLOURS + 1)) * weight[:, :, None, None, None]
        return votes.sum(axis=1).argmax(axis=-1).astype(np.uint8)

    def correct(self, pred, truth):
        """Per cell, right or not; every cell of a prediction of the wrong size is wrong."""
        pred, truth = np.asarray(pred), np.asarray(truth)
        same = ((pred == OUT) == (truth == OUT)).all(axis=(-2, -1), keepdims=True)
        return (pred == truth) & same

    def scored(self, truth):
        return np.asarray(truth) != OUT


DOMAIN = ArcDomain()
