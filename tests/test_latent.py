"""The latent reasoner: continuous state, recall, final-state training, T traced."""

import numpy as np
from flax import nnx

from compiler.life import parse_rule
from experiments import evaluate, train
from experiments.core.runio import read_jsonl
from reasoner import certifiable
from reasoner.life import LatentCell, LatentReasoner, NeuralConfig
from tests.helpers import cfg_for


def tiny_latent(seed=0) -> LatentReasoner:
    return LatentReasoner(LatentCell(NeuralConfig(channels=4, width=8, depth=2),
                                     rngs=nnx.Rngs(seed)))


def test_rollout_is_T_iterations_of_the_cell_and_T_is_traced():
    reasoner = tiny_latent()
    model = nnx.merge(reasoner.graphdef, reasoner.params)
    tables = np.repeat(parse_rule("B3/S23")[None], 2, 0)
    states = (np.random.default_rng(0).random((2, 6, 6)) < 0.5).astype(np.uint8)
    for t in (1, 3):
        want = np.argmax(np.asarray(model(tables, states, steps=t)), -1)
        assert np.array_equal(np.asarray(reasoner.rollout(tables, states, t)), want)
    before = reasoner._rollout._cache_size()
    for t in (2, 17, 64):
        reasoner.rollout(tables, states, t)
    assert reasoner._rollout._cache_size() == before
    out, used = reasoner.rollout_halting(tables, states, 5)
    assert out.shape == states.shape and (np.asarray(used) <= 5).all()


def test_latent_is_not_certifiable_and_evaluation_restarts_it():
    reasoner = tiny_latent()
    assert not certifiable(reasoner) and not reasoner.spec.resumable


def test_latent_trains_resumes_and_evaluates(tmp_path):
    cfg = cfg_for("reasoner=latent", "reasoner.channels=4", "reasoner.width=8",
                  "train.curriculum_fraction=0.5", "train.steps=6", "train.checkpoint_every=3")
    train.run(cfg, tmp_path / "straight")
    train.run(cfg, tmp_path / "resumed", stop_at=3)
    model = train.run(cfg, tmp_path / "resumed")
    a = read_jsonl(tmp_path / "straight/metrics.jsonl")
    b = read_jsonl(tmp_path / "resumed/metrics.jsonl")
    assert a[-1]["params_sha256"] == b[-1]["params_sha256"]
    assert all(np.isfinite(r["loss"]) for r in a if "loss" in r)
    assert {"progressive_loss", "step_loss", "halt_acc"} <= set(a[0])
    rows = evaluate.run(cfg, tmp_path / "straight", model=model)
    latent = [r for r in rows if r["reasoner"] == "latent"]
    assert latent and all(r["certified"] is None and r["exact_vs_compiled"] is not None
                          for r in latent)
