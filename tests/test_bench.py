import json

from experiments import bench

KEYS = ["executor_speedup", "checker_speedup", "exhaustive_seconds", "t_ratio_512_vs_8",
        "retraces", "train_flop_share", "compile_seconds", "train_step_full_s", "train_data_s",
        "train_data_no_halt_labels_s", "train_model_adam_s", "logic_consistency_speedup",
        "logic_executor_speedup", "logic_fixpoint_vs_clingo"]


def test_bench_writes_every_key_as_one_number(tmp_path):
    out = tmp_path / "bench.json"
    bench.main(["--quick", "--reps", "1", "--out", str(out)])
    results = json.loads(out.read_text())
    for key in KEYS:
        assert isinstance(results[key], int | float) and results[key] >= 0, key
    assert results["retraces"] == 0
    assert results["logic_consistency_identical"] and results["logic_fixpoint_agrees_clingo"]
    assert results["quick"] is True
