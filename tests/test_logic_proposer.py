"""The learned logic proposer (issue 13, part 6): token round trip, canonical sampling, and a
network that learns one task's rule set decodes exactly it first."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from compiler.logic import format_rules
from compiler.logic.proposer_net import (
    LogicProposerNet,
    literal_features,
    rule_tokens,
    sample_rule_sets,
    teacher_forced_loss,
    tokens_to_rules,
)
from compiler.logic.rules import BODY, canonical
from tasks.logic import LogicTaskConfig, make_task


def small_task(seed=0):
    return make_task(np.random.default_rng(seed), 0, LogicTaskConfig(), [1], "train")


def test_tokens_round_trip_the_canonical_rule_set():
    task = small_task()
    atoms = task.demos.facts.shape[1]
    tokens = rule_tokens(task.rule, atoms, 20)
    assert np.array_equal(tokens_to_rules(tokens, atoms), canonical(task.rule))
    assert (tokens == 2 * atoms + 1).sum() == 1  # one STOP


def test_pair_statistics_count_the_demos():
    task = small_task()
    per, pair = literal_features(task.demos.facts, task.demos.closure)
    n, lits, _ = per.shape
    holds = per[..., 1]
    b, h = 3, 5
    both = (holds[:, b] * holds[:, h]).sum()
    assert np.isclose(pair[b, h, 0], both / max(holds[:, b].sum(), 1))
    assert np.isclose(pair[b, h, 2], holds[:, b].sum() / n)


def test_samples_are_distinct_canonical_rule_sets():
    task = small_task()
    model = LogicProposerNet(16, rngs=nnx.Rngs(0))
    drafts, logp = sample_rule_sets(model, task.demos, 8, jax.random.key(0), max_rules=6)
    assert 1 <= len(drafts) <= 8 and len(logp) == len(drafts)
    assert len({d.tobytes() for d in drafts}) == len(drafts)
    for d in drafts:
        assert np.array_equal(d, canonical(d)) and (d[:, BODY] > 0).any()
    assert logp[1:] == sorted(logp[1:], reverse=True)  # after the greedy one, by probability


def test_a_net_fit_to_one_task_decodes_its_rule_set_first():
    task = small_task(1)
    atoms = task.demos.facts.shape[1]
    per, pair = literal_features(task.demos.facts, task.demos.closure)
    target = rule_tokens(task.rule, atoms, 20)[None]
    model = LogicProposerNet(32, rngs=nnx.Rngs(0))
    optimizer = nnx.Optimizer(model, optax.adam(1e-2), wrt=nnx.Param)

    @nnx.jit
    def step(model, optimizer):
        loss, grads = nnx.value_and_grad(lambda m: teacher_forced_loss(
            m, jnp.asarray(per)[None], jnp.asarray(pair)[None], jnp.asarray(target)))(model)
        optimizer.update(model, grads)
        return loss

    first = float(step(model, optimizer))
    for _ in range(150):
        loss = float(step(model, optimizer))
    assert loss < 0.05 * first
    drafts, _ = sample_rule_sets(model, task.demos, 4, jax.random.key(0), max_rules=20)
    assert format_rules(drafts[0]) == format_rules(task.rule)
