"""ARC's presets at a tiny size (three ARC-AGI-1 train tasks, conf/task_scale/arc_tiny.yaml)
through aggregate, figures and RESULTS.md (tests/preset_sweeps.py)."""

import pytest

from tests.preset_sweeps import check_figures_and_results_md, domain_tests, summary

pytestmark = pytest.mark.e2e  # Hydra sweeps: make test-all

swept, test_preset_runs_two_jobs_into_a_summary = domain_tests("arc")


def test_arc_rows_carry_pass_at_2_no_lower_than_pass_at_1(swept):
    for name in ("arc_drafts", "arc_selection"):
        rows = summary(swept, name)
        assert rows
        for r in rows:  # the first attempt is the selector's own answer
            assert float(r["pass_at_2_mean"]) >= float(r["exact_symbolic_mean"])
            assert float(r["undetermined_cells_mean"]) >= 0


def test_figures_and_results_md_from_saved_results(swept):
    check_figures_and_results_md(swept, "arc", [], ("ARC H1: drafts", "ARC H1: selection",
                                                    "ARC H1: the learned guide and the search budget"), 3)


def test_budget_rows_per_order_and_budget(swept):
    rows = summary(swept, "arc_budget")
    shares = (1.0, 0.8, 0.5)  # conf/preset/arc/budget.yaml: the guided job measures each
    got = sorted((r["order"], float(r["guide_share"] or 1), float(r["search_states"])) for r in rows)
    assert got == sorted([("guided", share, b) for share in shares for b in (20.0, 100.0)]
                         + [("table", 1.0, 20.0), ("table", 1.0, 100.0)])
    for r in rows:  # a budget is a cap on the states kept
        assert float(r["states_mean"]) <= float(r["search_states"])
        assert float(r["pass_at_2_mean"]) >= float(r["exact_symbolic_mean"])
