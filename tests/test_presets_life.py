"""Life's presets at a tiny size through aggregate, figures and RESULTS.md
(tests/preset_sweeps.py), and the preset commands every domain shares."""

import pytest

from tests.helpers import run_cli
from tests.preset_sweeps import check_figures_and_results_md, domain_tests, summary

pytestmark = pytest.mark.e2e  # Hydra sweeps and apps run as commands: make test-all

swept, test_preset_runs_two_jobs_into_a_summary = domain_tests("life")


def test_drafts_rows_carry_pass_at_k_and_the_checkers_work(swept):
    for r in summary(swept, "drafts"):
        drafted, survives = float(r["p_true_drafted_mean"]), float(r["p_true_survives_mean"])
        assert survives <= drafted  # a survivor is a draft
        assert 1 <= float(r["drafts_checked_mean"]) <= float(r["num_drafts"])
        assert 0.0 <= float(r["p_rejected_mean"]) <= 1.0 and float(r["check_s_mean"]) > 0


def test_rerunning_a_sweep_skips_finished_jobs(swept):
    proc = run_cli("experiments.job", "-m", "experiment=inconsistency", "task=life", "scale=tiny",
                   "seed=0,1", "task.grid=12",
                   f"hydra.sweep.dir={swept / 'sweeps' / 'inconsistency'}", cwd=swept)
    assert proc.returncode == 0 and proc.stdout.count("done already") == 2


def test_figures_and_results_md_from_saved_results(swept):
    # H1 x 2 (drafts; selection), H4 and H2 (from test_time), H3 x 2
    text, verdicts = check_figures_and_results_md(
        swept, "life", ["example", "test_time_extrapolation"],
        ("H1: drafts", "H1: selection", "H4: test-time", "H3: counterfactual", "H3: inconsistent"), 6)
    assert any(ln.startswith("- H2") for ln in verdicts)
    assert "test_time_extrapolation.png" in text


def test_unknown_experiment_is_one_clear_line(tmp_path):
    proc = run_cli("experiments.job", "experiment=nope", cwd=tmp_path)
    assert proc.returncode == 2 and "experiment" in proc.stderr and "Traceback" not in proc.stderr
    # a hypothesis the domain declares nothing for: one line naming what it declares
    proc = run_cli("experiments.job", "-m", "experiment=test_time", "task=arc", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "task=arc declares no experiment=test_time" in proc.stderr
    assert "drafts, selection" in proc.stderr
