import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from experiments import evaluate, train
from experiments.core.cli import NonFiniteLoss
from experiments.core.runio import append_jsonl, read_jsonl
from experiments.reporting import aggregate
from tests.helpers import ROOT, cfg_for, python_env, run_cli


@pytest.mark.e2e
def test_data_parallel_step_matches_single_device(tmp_path):
    results = {}
    for devices in (1, 4):
        env = python_env(XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}")
        out = tmp_path / f"d{devices}"
        proc = subprocess.run([sys.executable, "-m", "tests.dp_worker", str(out)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert f"devices {devices}" in proc.stdout
        results[devices] = (np.load(out / "params.npz"),
                            [r["loss"] for r in read_jsonl(out / "metrics.jsonl") if "loss" in r])
    (p1, loss1), (p4, loss4) = results[1], results[4]
    np.testing.assert_allclose(loss1, loss4, rtol=1e-5)
    for key in p1:
        np.testing.assert_allclose(p1[key], p4[key], atol=1e-5)


@pytest.mark.e2e
def test_sigkill_then_rerun_is_bit_identical(tmp_path):
    # 120 steps, killed past step 40 (a checkpoint every 30): about 80 steps of margin to
    # kill it before it ends (the wide net makes steps slow enough), about 250 steps in all
    args = ["train=tiny", "train.steps=120", "train.checkpoint_every=30", "train.log_every=10",
            "train.batch_size=16", "task.train_grid=16", "reasoner.width=256", "train.eval_after=false"]
    straight = run_cli("experiments.train", *args, f"hydra.run.dir={tmp_path / 'a'}", cwd=tmp_path)
    assert straight.returncode == 0, straight.stderr[-2000:]
    run_dir = tmp_path / "b"
    cmd = [sys.executable, "-m", "experiments.train", *args, f"hydra.run.dir={run_dir}"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=python_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        rows = read_jsonl(run_dir / "metrics.jsonl")
        if rows and rows[-1].get("step", 0) >= 40:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "training ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = read_jsonl(run_dir / "metrics.jsonl")[-1]["step"]
    assert killed_at < 120
    again = run_cli("experiments.train", *args, f"hydra.run.dir={run_dir}", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "resuming from step" in again.stderr
    a = read_jsonl(tmp_path / "a" / "metrics.jsonl")
    b = read_jsonl(run_dir / "metrics.jsonl")
    assert a[-1]["params_sha256"] == b[-1]["params_sha256"]
    strip = lambda rows: [{k: v for k, v in r.items() if not k.endswith("_s")} for r in rows]
    assert strip(a) == strip(b)


def test_same_config_same_metrics_and_eval_values(tmp_path):
    cfg = cfg_for()
    rows = []
    for name in ("a", "b"):
        model = train.run(cfg, tmp_path / name)
        evaluate.run(cfg, tmp_path / name, model=model)
        strip = lambda rs: [{k: v for k, v in r.items() if not k.endswith("_s")} for r in rs]
        rows.append((strip(read_jsonl(tmp_path / name / "metrics.jsonl")),
                     strip(read_jsonl(tmp_path / name / "eval.jsonl"))))
    assert rows[0] == rows[1]


def test_non_finite_loss_stops_with_step_and_keeps_good_checkpoint(tmp_path):
    cfg = cfg_for("train.lr=1e30", "train.steps=20", "train.checkpoint_every=2",
                  "train.log_every=5")
    with pytest.raises(NonFiniteLoss, match=r"non-finite loss nan at step (\d+)") as err:
        train.run(cfg, tmp_path)
    bad_step = int(str(err.value).split("at step ")[1].split(";")[0])
    saved = sorted(int(p.name) for p in (tmp_path / "checkpoints").iterdir() if p.name.isdigit())
    assert saved and max(saved) < bad_step
    assert not any("params_sha256" in r for r in read_jsonl(tmp_path / "metrics.jsonl"))


@pytest.mark.e2e
def test_non_finite_loss_cli_is_one_line_with_error_file(tmp_path):
    proc = run_cli("experiments.train", "train=tiny", "train.lr=1e30", "train.steps=20",
                   "train.log_every=5", f"hydra.run.dir={tmp_path}", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "non-finite loss" in proc.stderr
    assert (tmp_path / "error.txt").read_text().startswith("NonFiniteLoss: non-finite loss")


def test_jsonl_rows_are_whole_and_a_partial_tail_is_ignored(tmp_path):
    path = tmp_path / "m.jsonl"
    append_jsonl(path, [{"step": 1}, {"step": 2}])
    with open(path, "a") as f:
        f.write('{"step": 3, "lo')  # what a kill mid-write could leave without our writer
    assert read_jsonl(path) == [{"step": 1}, {"step": 2}]
    assert all(json.loads(line) for line in path.read_text().splitlines()[:2])


@pytest.mark.e2e
def test_joblib_multirun_survives_a_failing_job_and_aggregate_lists_it(tmp_path):
    sweep = tmp_path / "sweep"
    proc = run_cli("experiments.train", "-m", "hydra/launcher=local_parallel", "train=tiny",
                   "eval=tiny", "task.grid=8,-1", f"hydra.sweep.dir={sweep}", cwd=tmp_path)
    assert proc.returncode != 0  # Hydra reports the failed job at the end
    assert (sweep / "0" / "eval.jsonl").exists()
    assert "task.grid must be positive" in (sweep / "1" / "error.txt").read_text()
    rows, problems = aggregate.aggregate([sweep])
    assert rows and all(r["count"] == 1 for r in rows)
    assert len(problems) == 1 and problems[0]["status"] == "failed"
    assert "task.grid must be positive" in problems[0]["error"]
    aggregate.main([str(sweep), "--out", str(tmp_path / "results"), "--name", "t"])
    md = (tmp_path / "results" / "t" / "summary.md").read_text()
    assert "failed" in md and "task.grid must be positive" in md
    assert (tmp_path / "results" / "t" / "summary.csv").read_text().startswith("condition,")


@pytest.mark.e2e
def test_submitit_launcher_runs_with_its_local_executor(tmp_path):
    sweep = tmp_path / "sweep"
    proc = run_cli("experiments.train", "-m", "hydra/launcher=slurm_local", "train=tiny",
                   "eval=tiny", "seed=0,1", f"hydra.sweep.dir={sweep}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for job in ("0", "1"):
        assert read_jsonl(sweep / job / "metrics.jsonl")[-1]["params_sha256"]
