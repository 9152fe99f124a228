"""Checkpoints restore against the devices of the current process, never the topology they
were written with (the bug seen on a GPU: Orbax's "Topology mismatch", docs/gpu.md). That resume stays
bit-identical is tested in test_experiments.py and test_reliability.py."""

import json
import re

import numpy as np
import pytest

from experiments.core.reasoners import load_trained, pretrained_run
from experiments.core.runio import params_sha256, read_jsonl
from reasoner import answer
from reasoner.life import NeuralReasoner
from tests.helpers import python_env, run_cli

TINY = ["train=tiny", "train.steps=4", "train.checkpoint_every=2", "train.eval_after=false"]


def train_on(devices: int, run_dir, *extra, steps=None):
    env = python_env(XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}")
    args = TINY + ([f"train.steps={steps}"] if steps else []) + list(extra)
    proc = run_cli("experiments.train", *args, f"hydra.run.dir={run_dir}", cwd=run_dir.parent,
                   env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def final_hash(run_dir):
    return read_jsonl(run_dir / "metrics.jsonl")[-1]["params_sha256"]


@pytest.mark.e2e
def test_checkpoint_written_on_4_devices_loads_and_resumes_on_1(tmp_path):
    four = tmp_path / "four"
    train_on(4, four)
    saved = (four / "checkpoints" / "4" / "params" / "_sharding").read_text()
    assert '{\\"id\\": 3}' in saved  # it really was written replicated over 4 devices
    reasoner = load_trained(four)  # this process has 1 device
    assert params_sha256(reasoner.params) == final_hash(four)
    # resume on 1 device from the 4-device checkpoint
    proc = train_on(1, four, steps=6)
    assert "resuming from step 4" in proc.stderr
    assert read_jsonl(four / "metrics.jsonl")[-1]["step"] == 6


@pytest.mark.e2e
def test_checkpoint_naming_devices_this_process_lacks_still_loads(tmp_path):
    run = tmp_path / "run"
    train_on(1, run)
    # rewrite the saved sharding as another machine's would read: device ids 100..103
    for path in (run / "checkpoints").glob("*/*/_sharding"):
        text = path.read_text()
        entries = {k: json.loads(v) for k, v in json.loads(text).items()}
        for spec in entries.values():
            spec.update({"sharding_type": "NamedSharding", "shape": [4], "axis_names": ["data"],
                         "axis_types": ["AxisType.Auto"], "partition_spec": [],
                         "device_mesh": {"mesh": [{"id": 100 + i} for i in range(4)]}})
            spec.pop("device_str", None)
        path.write_text(json.dumps({k: json.dumps(v) for k, v in entries.items()}))
    reasoner = load_trained(run)
    assert params_sha256(reasoner.params) == final_hash(run)
    proc = train_on(1, run, steps=6)  # and resuming restores onto this process's device
    assert "resuming from step 4" in proc.stderr


def test_shipped_reasoner_loads_on_this_process_and_answers():
    reasoner = load_trained(pretrained_run("life", "neural"))
    assert isinstance(reasoner, NeuralReasoner)
    table = np.zeros((2, 9), np.uint8)
    table[0, 3] = table[1, 2] = table[1, 3] = 1  # B3/S23
    blinker = np.zeros((1, 8, 8), np.uint8)
    blinker[0, 3, 2:5] = 1
    out = answer(reasoner, [table[None]], blinker, 2)
    assert np.array_equal(out, blinker)  # period 2
    assert re.fullmatch(r"[0-9a-f]{64}", params_sha256(reasoner.params))
