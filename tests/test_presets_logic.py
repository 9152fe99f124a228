"""Logic's presets at a tiny size through aggregate, figures and RESULTS.md
(tests/preset_sweeps.py)."""

import pytest

from tests.preset_sweeps import check_figures_and_results_md, domain_tests, summary

pytestmark = pytest.mark.e2e  # Hydra sweeps: make test-all

swept, test_preset_runs_two_jobs_into_a_summary = domain_tests("logic")


def test_logic_drafts_rows_leave_pass_at_k_out(swept):
    assert "p_true_drafted_mean" not in summary(swept, "logic_drafts")[0]  # pass_at_k: false there


def test_figures_and_results_md_from_saved_results(swept):
    # drafts, selection, the internal check, inconsistency; H4 and H2; H3 (one compiler);
    # an "- H1" line each for undetermined (causal and layered)
    _, verdicts = check_figures_and_results_md(
        swept, "logic", ["logic_test_time_extrapolation"],
        ("Logic H1: drafts", "Logic H1: selection", "Logic: the internal-consistency check",
         "Logic H3: inconsistent", "Logic H4/H2: test-time", "Logic H3: counterfactual",
         "Logic: honest undetermined on causal-induction tasks",
         "Logic: honest undetermined on layered rule sets"), 9)
    assert any(ln.startswith("- H2") for ln in verdicts)


def test_undetermined_rows_carry_coverage_precision_and_the_ceiling(swept):
    rows = summary(swept, "logic_undetermined_causal")
    answerers = {r["answerer"] for r in rows}
    assert answerers == {"vote", "version_space", "version_space_positive"}
    for r in rows:
        assert 0 <= float(r["coverage_mean"]) <= 1 and 0 <= float(r["precision_mean"]) <= 1
    # over present objects the version space is the causal reading itself
    assert all(float(r["right_mean"]) == 1.0 for r in rows if r["answerer"] == "version_space_positive")
    rows = summary(swept, "logic_undetermined")
    assert {r["proposer"] for r in rows} == {"induce", "induce_span", "version_space"}
    assert {r["commit"] for r in rows if r["answerer"] == "vote"} == {"1.0", "0.9"}
