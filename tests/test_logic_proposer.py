"""The learned logic proposer (issue 13, part 6): token round trip, canonical sampling, and a
network that learns one task's rule set decodes exactly it first."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from compiler.logic import format_rules
from compiler.logic.proposer_net import (
    LogicProposerNet,
    literal_features,
    rule_set_log_probs,
    rule_tokens,
    sample_rule_sets,
    sequence_log_probs,
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
    # the hybrid's score: the fitted net ranks the truth above induce's other drafts
    from compiler.logic.proposers import induce_candidates
    others, _, _ = induce_candidates(jax.random.key(1), task.demos, 16, with_consistency=False)
    others = [d for d in others if format_rules(d) != format_rules(task.rule)]
    scores = rule_set_log_probs(model, task.demos, [canonical(task.rule), *others])
    assert scores.argmax() == 0 and (scores <= 0).all()


def test_sequence_log_probs_sum_to_the_teacher_forced_loss():
    tasks = [small_task(s) for s in (2, 3)]
    atoms = tasks[0].demos.facts.shape[1]
    feats = [literal_features(t.demos.facts, t.demos.closure) for t in tasks]
    per = jnp.asarray(np.stack([f[0] for f in feats]))
    pair = jnp.asarray(np.stack([f[1] for f in feats]))
    targets = jnp.asarray(np.stack([rule_tokens(t.rule, atoms, 20) for t in tasks]))
    model = LogicProposerNet(16, rngs=nnx.Rngs(0))
    total, count = sequence_log_probs(model, per, pair, targets)
    assert np.allclose(count, (np.asarray(targets) >= 0).sum(axis=1))
    assert np.isclose(-float(total.sum() / count.sum()),
                      float(teacher_forced_loss(model, per, pair, targets)), rtol=1e-5)
    one = rule_set_log_probs(model, tasks[1].demos, [tasks[1].rule])  # one task, chunked
    assert np.isclose(one[0], float(total[1]), rtol=1e-4)


def test_ranked_induce_puts_self_consistent_drafts_first_then_by_score():
    from compiler.logic.proposers import induce_candidates, ranked_induce

    task = small_task(4)
    candidates, consistent, _ = induce_candidates(jax.random.key(0), task.demos, 4 * 8)
    fewest_rules = lambda demos, drafts: -(np.asarray(drafts)[:, :, BODY] > 0).sum(axis=1)  # noqa: E731
    drafts, _ = ranked_induce(fewest_rules)(jax.random.key(0), task.demos, 8)
    index = {c.tobytes(): i for i, c in enumerate(candidates)}
    picked = [index[d.tobytes()] for d in drafts]  # every draft is one of induce's
    ok = consistent[picked]
    assert list(ok) == sorted(ok, reverse=True)
    score = fewest_rules(None, drafts)
    for part in (ok, ~ok):
        assert list(score[part]) == sorted(score[part], reverse=True)


def test_logic_self_taught_training_never_reads_the_true_rule_sets(monkeypatch):
    import dataclasses

    from experiments.training import logic_proposer as lp

    real_pool = lp.task_pool
    tiny = dict(seed=0, steps=3, batch=4, width=16, pool_size=4, demo_counts=(8,),
                induce_drafts=4, samples=2, refresh_every=2, progress=None)

    def params(model):
        return [np.asarray(x) for x in jax.tree.leaves(nnx.state(model, nnx.Param))]

    honest = params(lp.train_self_taught(**tiny))

    def garbage_pool(*args, **kwargs):
        tasks, per, pair, targets = real_pool(*args, **kwargs)
        tasks = [dataclasses.replace(t, rule=np.zeros_like(t.rule)) for t in tasks]
        return tasks, per, pair, np.full_like(targets, 7)

    monkeypatch.setattr(lp, "task_pool", garbage_pool)
    blind = params(lp.train_self_taught(**tiny))
    assert all(np.array_equal(a, b) for a, b in zip(honest, blind, strict=True))


def test_self_taught_training_interrupted_resumes_to_the_same_parameters(tmp_path):
    """The one proposer loop (experiments/training/proposer_loop.py): a run stopped after
    its step-4 checkpoint and rerun in its directory ends where an uninterrupted run ends,
    the accepted drafts it carries (refreshed at step 4) included."""
    from experiments.core.runio import params_sha256
    from experiments.training import logic_proposer as lp

    tiny = dict(seed=0, steps=6, batch=4, width=16, pool_size=4, demo_counts=(8,),
                induce_drafts=4, samples=2, refresh_every=4, progress=None, log_every=1,
                checkpoint_every=2)
    straight = lp.train_self_taught(**tiny, run_dir=tmp_path / "a")

    def stop_at_5(row):
        if row["step"] == 5:
            raise KeyboardInterrupt  # after the step-4 checkpoint, before step 6's
    with pytest.raises(KeyboardInterrupt):
        lp.train_self_taught(**tiny, run_dir=tmp_path / "b", log=stop_at_5)
    resumed = lp.train_self_taught(**tiny, run_dir=tmp_path / "b")
    assert (params_sha256(nnx.state(resumed, nnx.Param))
            == params_sha256(nnx.state(straight, nnx.Param)))
