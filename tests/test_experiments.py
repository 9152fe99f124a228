import json

import numpy as np
import pytest

from compiler.life import parse_rule, run_reference
from experiments import evaluate, train
from experiments.core.config import ConfigError, validate
from experiments.core.runio import read_jsonl
from reasoner.life.neural import TRACE_COUNTS
from tests.helpers import cfg_for, run_cli

EVAL_KEYS = {"domain", "task_id", "seed", "rule_true", "rule_chosen", "proposer", "selector",
             "num_drafts", "consistent_drafts", "chosen_demo_score", "reasoner", "grid",
             "horizon", "iterations", "exact", "cell_acc", "certified"}


def test_composed_config_trains_and_evaluates(tmp_path):
    cfg = cfg_for()
    model = train.run(cfg, tmp_path)
    rows = evaluate.run(cfg, tmp_path, model=model)
    metrics = read_jsonl(tmp_path / "metrics.jsonl")
    assert metrics[-1]["step"] == 5 and len(metrics[-1]["params_sha256"]) == 64
    assert (tmp_path / "checkpoints").is_dir()
    eval_rows = read_jsonl(tmp_path / "eval.jsonl")
    assert eval_rows == json.loads(json.dumps(rows))
    assert EVAL_KEYS <= set(eval_rows[0])
    assert {r["reasoner"] for r in eval_rows} == {"neural", "symbolic"}
    # 3 tasks x 2 grids x 2 horizons per reasoner
    assert len(eval_rows) == 2 * 3 * 2 * 2
    from experiments.reporting.seeds import seed_table
    table = seed_table([tmp_path, tmp_path])
    assert "| neural | 8x8 |" in table and table.strip().endswith("| 2 |")


def test_resume_gives_identical_parameters(tmp_path):
    cfg = cfg_for("train.steps=10", "train.checkpoint_every=5")
    train.run(cfg, tmp_path / "straight")
    train.run(cfg, tmp_path / "resumed", stop_at=5)
    assert not any("params_sha256" in r for r in read_jsonl(tmp_path / "resumed/metrics.jsonl"))
    train.run(cfg, tmp_path / "resumed")
    a = read_jsonl(tmp_path / "straight/metrics.jsonl")
    b = read_jsonl(tmp_path / "resumed/metrics.jsonl")
    assert a[-1]["params_sha256"] == b[-1]["params_sha256"]
    strip = lambda rows: [{k: v for k, v in r.items() if "_s" not in k} for r in rows]
    assert strip(a) == strip(b)
    # the TensorBoard scalars hold the metrics.jsonl numbers, each step once, resumed or not
    from experiments.core.metrics import read_scalars
    logged = [r for r in a if "loss" in r]
    for run in ("straight", "resumed"):
        scalars = read_scalars(tmp_path / run)
        assert [s for s, _ in scalars["loss"]] == [r["step"] for r in logged]
        assert np.allclose([v for _, v in scalars["loss"]], [r["loss"] for r in logged], rtol=1e-6)


def test_metrics_log_purges_steps_past_a_resume_and_has_an_off_switch(tmp_path):
    from experiments.core.metrics import MetricsLog, read_scalars
    with MetricsLog(tmp_path / "run") as log:
        for step in (1, 2, 3, 4):  # steps 3 and 4 came after the last checkpoint (step 2)
            log.write({"step": step, "loss": 1.0 / step, "final": True})
    with MetricsLog(tmp_path / "run", resume_step=2) as log:
        log.write({"step": 3, "loss": 0.5})
    assert read_scalars(tmp_path / "run") == {"loss": [(1, 1.0), (2, 0.5), (3, 0.5)]}
    with MetricsLog(tmp_path / "off", tensorboard=False) as log:
        log.write({"step": 1, "loss": 1.0})
    assert [p.name for p in (tmp_path / "off").iterdir()] == ["metrics.jsonl"]


def test_neural_rollout_does_not_retrace_when_T_changes(tmp_path):
    model = train.run(cfg_for(), tmp_path)
    from reasoner.life import NeuralReasoner
    reasoner = NeuralReasoner(model)
    tables = np.repeat(parse_rule("B3/S23")[None], 2, 0)
    states = np.zeros((2, 8, 8), np.uint8)
    reasoner.rollout(tables, states, 1)
    before = TRACE_COUNTS["rollout"]
    for t in (2, 17, 256):
        reasoner.rollout(tables, states, t)
    assert TRACE_COUNTS["rollout"] == before


@pytest.mark.parametrize("override,word", [
    ("task.grid=0", "task.grid"), ("task.num_demos=-1", "task.num_demos"),
    ("task.demo_horizon=0", "task.demo_horizon"), ("train.steps=0", "train.steps"),
    ("train.batch_size=0", "train.batch_size"), ("eval.horizons=[4,0]", "eval.horizons"),
    ("eval.grids=[]", "eval.grids"), ("compiler.num_drafts=0", "compiler.num_drafts"),
    ("compiler.proposer=magic", "compiler.proposer"), ("task.noise=0.9", "task.noise"),
])
def test_bad_config_values_fail_at_start(override, word):
    with pytest.raises(ConfigError, match=word.replace(".", r"\.")):
        validate(cfg_for(override))


def glider_task():
    life = parse_rule("B3/S23")
    rng = np.random.default_rng(0)
    train_pairs = []
    for _ in range(4):
        x = (rng.random((24, 24)) < 0.4).astype(np.uint8)
        train_pairs.append({"input": x.tolist(), "output": run_reference(life, x, 1).tolist()})
    q = np.zeros((10, 10), np.uint8)
    q[1:4, 1:4] = [[0, 1, 0], [0, 0, 1], [1, 1, 1]]
    return {"train": train_pairs, "test": [{"input": q.tolist(), "horizon": 8}],
            "demo_horizon": 1}, np.roll(q, (2, 2), axis=(0, 1))


@pytest.mark.e2e
def test_solve_cli_answers_a_task_file(tmp_path):
    task, expected = glider_task()
    (tmp_path / "t.json").write_text(json.dumps(task))
    proc = run_cli("experiments.solve", "task=life", f"task_file={tmp_path / 't.json'}",
                   f"out={tmp_path / 'a.json'}", "compiler.num_drafts=4", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads((tmp_path / "a.json").read_text())
    assert out["consistent_drafts"] >= 1
    assert parse_rule(out["rule"])[:, 1:7].tolist() == parse_rule("B3/S23")[:, 1:7].tolist()
    assert np.array_equal(np.array(out["test"][0]["output"]), expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "t.json"]


@pytest.mark.e2e
def test_solve_cli_bad_file_is_one_line_no_output(tmp_path):
    (tmp_path / "t.json").write_text('{"train": [], "test": []}')
    proc = run_cli("experiments.solve", "task=life", f"task_file={tmp_path / 't.json'}",
                   f"out={tmp_path / 'a.json'}", cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "t.json" in lines[0] and "train" in lines[0]
    assert not (tmp_path / "a.json").exists()


@pytest.mark.e2e
def test_solve_contradictory_demos_still_answers_and_says_so(tmp_path):
    z = [[0] * 5 for _ in range(5)]
    o = [[1] * 5 for _ in range(5)]
    task = {"train": [{"input": z, "output": z}, {"input": z, "output": o}],
            "test": [{"input": z, "horizon": 1}]}
    (tmp_path / "t.json").write_text(json.dumps(task))
    proc = run_cli("experiments.solve", "task=life", f"task_file={tmp_path / 't.json'}",
                   f"out={tmp_path / 'a.json'}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads((tmp_path / "a.json").read_text())
    assert out["consistent_drafts"] == 0 and "B0" in out["conflicting_entries"]
    assert "warning" in out and "warning" in proc.stderr
    assert len(out["test"]) == 1


def test_misspelt_config_key_fails_with_hydra_error():
    from hydra.errors import ConfigCompositionException
    with pytest.raises(ConfigCompositionException):
        cfg_for("task.gird=3")


@pytest.mark.e2e
def test_evaluate_and_solve_load_neural_reasoner_from_checkpoint(tmp_path):
    run_dir = tmp_path / "run"
    proc = run_cli("experiments.train", "train=tiny", "eval=tiny", f"hydra.run.dir={run_dir}",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (run_dir / ".hydra" / "config.yaml").exists()
    rows = evaluate.run(cfg_for(f"checkpoint={run_dir}", "eval.compare_symbolic=false",
                                name="evaluate"), tmp_path / "ev")
    assert {r["reasoner"] for r in rows} == {"neural"}
    task, _ = glider_task()
    (tmp_path / "t.json").write_text(json.dumps(task))
    proc = run_cli("experiments.solve", "task=life", f"task_file={tmp_path / 't.json'}",
                   f"out={tmp_path / 'a.json'}", "reasoner=neural", f"checkpoint={run_dir}",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads((tmp_path / "a.json").read_text())
    assert np.array(out["test"][0]["output"]).shape == (10, 10)
    # a tiny training run (3 steps) is not exact on its rule: solve certifies first,
    # finds wrong neighbourhoods and answers with the symbolic executor, and says so
    assert out["certified"] is False and out["fallback"] == "symbolic"
    assert out["reasoner"] == "symbolic" and out["failing_configurations"] > 0
    assert "fallback" in proc.stderr


@pytest.mark.e2e
def test_end_to_end_without_checkpoint_is_a_clear_error(tmp_path):
    task, _ = glider_task()
    (tmp_path / "t.json").write_text(json.dumps(task))
    proc = run_cli("experiments.solve", "task=life", f"task_file={tmp_path / 't.json'}",
                   f"out={tmp_path / 'a.json'}", "reasoner=end_to_end", cwd=tmp_path)
    assert proc.returncode == 2 and "checkpoint" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.e2e
def test_neural_without_checkpoint_uses_the_shipped_pretrained_reasoner(tmp_path):
    task, expected = glider_task()
    (tmp_path / "t.json").write_text(json.dumps(task))
    proc = run_cli("experiments.solve", "task=life", f"task_file={tmp_path / 't.json'}",
                   f"out={tmp_path / 'a.json'}", "reasoner=neural", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads((tmp_path / "a.json").read_text())
    assert out["reasoner"] == "neural" and out["certified"] is True and "fallback" not in out
    assert np.array_equal(np.array(out["test"][0]["output"]), expected)
