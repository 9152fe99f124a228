"""The compiled neural logic reasoner: certification on every local configuration, checked
against brute-force rollouts; exact far past its training depth and size; solve's fallback."""

import json

import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx
from omegaconf import OmegaConf

from compiler.logic.executor import EXPLODED, FALSE, TRUE, run_batch_jit
from compiler.logic.rules import FALSE_HEAD, literal
from experiments.core.reasoners import build_reasoner
from reasoner import certify, certify_tables, get_spec
from reasoner.logic.certify import ATOM_EXPECTED, RULE_EXPECTED, RULE_FEATS, local_verdicts
from reasoner.logic.neural import ChainingReasoner
from tests.helpers import cfg_for


@pytest.fixture(scope="module")
def shipped():
    return build_reasoner(cfg_for("task=logic", "reasoner=neural", name="evaluate"))


class FlippedRule(nnx.Module):
    """A rule network with one deliberately wrong local output: the fire logit of one
    ordered slot configuration negated."""

    def __init__(self, inner, config: int):
        self.inner = inner
        self.config = tuple(int(v) for v in RULE_FEATS[config].reshape(-1))

    def __call__(self, slots):
        logits = self.inner(slots)
        target = jnp.asarray(self.config, jnp.float32).reshape(3, 4)
        hit = (slots.astype(jnp.float32) == target).all(axis=(-1, -2))
        return jnp.where(hit, -logits, logits)


def corrupted(reasoner, config: int) -> ChainingReasoner:
    model = nnx.merge(reasoner.graphdef, reasoner.params)
    model.rule_net = FlippedRule(model.rule_net, config)
    return ChainingReasoner(model)


# two negated literals that both hold (their atoms are false), third slot unused: fires
TARGET = int(np.flatnonzero([(f[0] == (1, 1, 0, 1)).all() and (f[1] == (1, 1, 0, 1)).all()
                             and f[2].sum() == 0 for f in RULE_FEATS])[0])


def test_shipped_reasoner_is_certified_on_every_local_configuration(shipped):
    assert get_spec("logic", "neural").certifiable and shipped.name == "neural"
    rule_out, rule_margin, atom_out, atom_margin = local_verdicts(shipped)
    assert (rule_out == RULE_EXPECTED).all() and (atom_out == ATOM_EXPECTED).all()
    assert rule_margin.min() > 0 and atom_margin.min() > 0
    assert len(RULE_FEATS) == 728  # 9^3 slot configurations with at least one literal


def test_a_corrupted_local_output_is_caught_and_named(shipped):
    bad = corrupted(shipped, TARGET)
    rule = np.array([[literal(0, True), literal(1, True), 0, literal(2, False)]])
    cert = certify(bad, rule)
    assert not cert.certified and cert.num_failing == 1
    assert cert.failing[0]["kind"] == "rule" and cert.failing[0]["config"] == TARGET
    assert cert.failing[0]["reads"] == "~x(true=0, false=1) & ~x(true=0, false=1)"
    assert "NOT certified" in cert.summary()
    # a rule set without that sign pattern does not use the configuration: certified
    assert certify(bad, np.array([[literal(0, False), 0, 0, literal(2, False)]])).certified
    assert certify(shipped, rule).certified


def brute_force_rule_sets(rng, n):
    """Rule sets over 8 atoms: bodies of 1-3 distinct atoms among 0-3 with random signs,
    each head its own atom among 4-7 (or the one constraint): a wrong fire bit of any rule
    shows in some state's next step, so certification is exactly 'every state right'."""
    out = np.zeros((n, 5, 4), np.int16)
    for i in range(n):
        heads = rng.permutation(4) + 4
        for r in range(rng.integers(1, 6)):
            k = rng.integers(1, 4)
            atoms = rng.choice(4, size=k, replace=False)
            body = sorted(literal(a, rng.random() < 0.5) for a in atoms)
            head = FALSE_HEAD if r == 4 else literal(heads[r], rng.random() < 0.5)
            out[i, r] = body + [0] * (3 - k) + [head]
    return out


def all_states(atoms=8, body_atoms=4):
    """Every (true, false) assignment of the body atoms, heads unknown, exploded or not."""
    codes = np.arange(4 ** body_atoms)
    values = (codes[:, None] // 4 ** np.arange(body_atoms)) % 4  # bit 0 true, bit 1 false
    states = np.zeros((len(codes), atoms), np.uint8)
    states[:, :body_atoms] = values
    return np.concatenate([states, states | EXPLODED])


def test_certification_agrees_with_brute_force_rollouts_on_400_rule_sets(shipped):
    # 400 rule sets (512 states each) show both verdicts as 1,000 did; the neural rollouts
    # of 1,000 took 2 x 10 s (measured 2026-11-30)
    rng = np.random.default_rng(0)
    rules = brute_force_rule_sets(rng, 400)
    states = all_states()
    for reasoner in (shipped, corrupted(shipped, TARGET)):
        failing, _ = certify_tables(reasoner, rules)
        r = np.repeat(rules, len(states), axis=0)
        s = np.tile(states, (len(rules), 1))
        got = np.asarray(reasoner.rollout(r, s, 1)).reshape(len(rules), len(states), -1)
        want = np.asarray(run_batch_jit(r, s, 1)).reshape(got.shape)
        all_right = (got == want).all(axis=(1, 2))
        assert np.array_equal(failing == 0, all_right)
        if reasoner is shipped:
            assert all_right.all()
        else:
            assert 20 < (~all_right).sum() < 380  # both verdicts occur


@pytest.mark.parametrize("atoms, rules_, depth", [(32, 16, 24), (128, 64, 24)])
def test_exact_far_past_training_depth_and_size(shipped, atoms, rules_, depth):
    """Trained on 32 atoms / 16 rules at depths <= 3: the same weights chain held-out rule
    sets 8x deeper and 4x larger exactly, at every T (one compiled rollout: T traced)."""
    from tasks.logic import LogicTaskConfig, make_task

    cfg = LogicTaskConfig(atoms=atoms, rules=rules_, depth=3)
    rng = np.random.default_rng(1)
    tasks = [make_task(rng, i, cfg, [depth]) for i in range(4)]
    rules = np.stack([t.rule for t in tasks])
    states = np.stack([t.queries[0].input for t in tasks])
    assert states.shape[1] >= atoms  # depth 24 needs 44 atoms at least
    for steps in (1, 3, depth, 2 * depth):
        want = np.asarray(run_batch_jit(rules, states, steps))
        assert np.array_equal(np.asarray(shipped.rollout(rules, states, steps)), want)
    assert (certify_tables(shipped, rules)[0] == 0).all()


def test_contradictions_and_constraints_chain_like_the_executor(shipped):
    # a -> b; a -> ~b (b both ways); b & c -> false (the state explodes)
    rules = np.array([[[literal(0, False), 0, 0, literal(1, False)],
                       [literal(0, False), 0, 0, literal(1, True)],
                       [literal(1, False), literal(2, False), 0, FALSE_HEAD]]], np.int16)
    state = np.array([[TRUE, 0, TRUE]], np.uint8)
    for steps in (1, 2, 3):
        assert np.array_equal(np.asarray(shipped.rollout(rules, state, steps)),
                              np.asarray(run_batch_jit(rules, state, steps)))
    assert (np.asarray(shipped.rollout(rules, state, 2))[0] & EXPLODED).all()
    assert (np.asarray(shipped.rollout(rules, state, 1))[0, 1] == TRUE | FALSE)


def test_solve_uses_the_certified_shipped_reasoner_and_falls_back_when_not(tmp_path):
    from experiments.solve import solve
    from experiments.training import loop
    from tests.test_logic import _task_file

    task = tmp_path / "t.json"
    task.write_text(json.dumps(_task_file()))
    out = solve(cfg_for("task=logic", "reasoner=neural", f"task_file={task}",
                        "compiler.proposer=induce", "compiler.selector=best",
                        f"out={tmp_path / 'a.json'}", name="solve"))
    assert out["reasoner"] == "neural" and out["certified"] is True and "fallback" not in out
    assert out["test"] == [{"answers": {"c": True}}]
    run_dir = tmp_path / "run"  # 2 training steps: not exact on its local configurations
    train_cfg = cfg_for("task=logic", "train.steps=2")
    loop.run(train_cfg, run_dir)
    (run_dir / ".hydra").mkdir()
    OmegaConf.save(train_cfg, run_dir / ".hydra" / "config.yaml")
    out = solve(cfg_for("task=logic", "reasoner=neural", f"checkpoint={run_dir}",
                        "compiler.proposer=induce", "compiler.selector=best", f"task_file={task}",
                        f"out={tmp_path / 'b.json'}", name="solve"))
    assert out["certified"] is False and out["fallback"] == "symbolic"
    assert out["reasoner"] == "symbolic" and out["test"] == [{"answers": {"c": True}}]


def test_certify_app_checks_every_local_configuration_once(tmp_path):
    from experiments import certify as certify_app

    result = certify_app.run(cfg_for("task=logic", "reasoner=neural", name="certify"), tmp_path)
    assert result["certified"] and result["failing"] == []
    assert result["rule_configurations"] == 728 and result["atom_configurations"] == 16
    assert json.loads((tmp_path / "certify.json").read_text())["min_margin"] > 0


def test_logic_training_resumes_to_identical_parameters(tmp_path):
    """The logic reasoners train through the generic loop: batch s depends on (seed, s)
    only, so a run stopped at step 3 and rerun ends with the same parameters (the latent's
    final-state loss: the most state it carries)."""
    from experiments.core.runio import read_jsonl
    from experiments.training import loop

    cfg = cfg_for("task=logic", "reasoner=latent", "train.steps=6", "train.checkpoint_every=3")
    loop.run(cfg, tmp_path / "straight")
    loop.run(cfg, tmp_path / "resumed", stop_at=3)
    loop.run(cfg, tmp_path / "resumed")
    a = read_jsonl(tmp_path / "straight/metrics.jsonl")[-1]["params_sha256"]
    assert a == read_jsonl(tmp_path / "resumed/metrics.jsonl")[-1]["params_sha256"]


@pytest.mark.parametrize("reasoner", ["neural", "end_to_end", "latent"])
def test_every_logic_reasoner_runs_behind_the_common_interface(reasoner):
    """A fresh cell of each kind on a rule set and a size it never saw: uint8 states of the
    query's size, T traced, halting within its budget."""
    from experiments.core.reasoners import new_model

    cfg = cfg_for("task=logic", f"reasoner={reasoner}")
    spec = get_spec("logic", reasoner)
    wrapped = spec.wrap(new_model(cfg, 0))
    rules = np.array([[[literal(0, False), 0, 0, literal(1, False)]]], np.int16)
    states = np.zeros((1, 40), np.uint8)
    task = (np.zeros((1, 3, 40), np.uint8), np.zeros((1, 3, 40), np.uint8)) \
        if spec.reads == "demos" else rules
    for steps in (0, 3):
        out = np.asarray(wrapped.rollout(task, states, steps))
        assert out.shape == (1, 40) and out.dtype == np.uint8
    halted, used = wrapped.rollout_halting(task, states, 5)
    assert np.asarray(halted).shape == (1, 40) and 0 <= int(np.asarray(used)[0]) <= 5
