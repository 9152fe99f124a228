"""Every experiment preset at a tiny size (2 jobs each) through aggregate, figures and
RESULTS.md, all inside tmp_path."""

import csv
import json

import pytest

from experiments import job
from experiments.reporting import aggregate, figures, results_md
from tests.helpers import run_app_in_process, run_cli

PRESETS = {  # results name: experiment=, task=, then two jobs (other sweep axes pinned)
    "drafts": ["experiment=drafts", "task=life", "compiler.proposer=induce",
               "task.demo_horizon=1", "task.noise=0.0", "seed=0,1", "task.grid=12"],
    "selection": ["experiment=selection", "task=life", "compiler.proposer=random",
                  "task.demo_horizon=1", "task.noise=0.0", "seed=0,1", "task.grid=12"],
    "inconsistency": ["experiment=inconsistency", "task=life", "seed=0,1", "task.grid=12"],
    "counterfactual": ["experiment=counterfactual", "task=life", "reasoner=neural,end_to_end",
                       "seed=0", "task.grid=12"],
    "test_time": ["experiment=test_time", "task=life", "reasoner=neural,latent", "seed=0",
                  "task.grid=12"],
    # logic: shallow queries so the tiny jobs stay fast
    "logic_drafts": ["experiment=drafts", "task=logic", "compiler.proposer=induce",
                     "compiler.selector=best,vote", "task.num_demos=8", "task.observed=0.5",
                     "seed=0", "experiment.query_horizons=[1,3]"],
    "logic_selection": ["experiment=selection", "task=logic", "compiler.proposer=induce",
                        "task.num_demos=8", "task.observed=1.0", "seed=0,1",
                        "experiment.query_horizons=[1,3]"],
    "logic_inconsistency": ["experiment=inconsistency", "task=logic", "seed=0,1",
                            "experiment.query_horizons=[1,3]"],
    "logic_consistency_check": ["experiment=consistency_check", "task=logic", "task.num_demos=4,8",
                                "seed=0", "experiment.query_horizons=[1,3]"],
    "logic_test_time": ["experiment=test_time", "task=logic", "reasoner=neural,latent", "seed=0",
                        "experiment.horizons=[1,3]", "experiment.iterations=[1,2,8]"],
    "logic_counterfactual": ["experiment=counterfactual", "task=logic",
                             "reasoner=neural,end_to_end", "compiler.proposer=oracle", "seed=0",
                             "experiment.query_horizons=[1,3]"],
    "logic_undetermined": ["experiment=undetermined", "task=logic", "task.num_demos=8",
                           "task.observed=1.0", "seed=0,1", "experiment.query_horizons=[1,3]",
                           "experiment.num_drafts=[1,4]", "experiment.commits=[1.0,0.9]"],
    "logic_undetermined_causal": ["experiment=undetermined_causal", "task=logic",
                                  "task.num_demos=6", "seed=2,3", "experiment.num_drafts=[1,4]"],
    # arc: three small ARC-AGI-1 train tasks (conf/task_scale/arc_tiny.yaml)
    "arc_drafts": ["experiment=drafts", "task=arc", "compiler.proposer=induce",
                   "compiler.check_consistency=true,false", "seed=0"],
    "arc_selection": ["experiment=selection", "task=arc", "compiler.proposer=induce", "seed=0,1"],
}
FIGURE_NAMES = {"logic_counterfactual": "logic_counterfactual_oracle"}  # one per compiler


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """Every preset's sweep, in this process (`python -m experiments.job -m ...` runs the
    same Hydra app; test_rerunning_a_sweep_skips_finished_jobs and
    test_unknown_experiment_is_one_clear_line run it as a command)."""
    root = tmp_path_factory.mktemp("experiments")
    for name, overrides in PRESETS.items():
        run_app_in_process("job", job.run, "-m", "scale=tiny", *overrides,
                           f"hydra.sweep.dir={root / 'sweeps' / name}", cwd=root)
        aggregate.main([str(root / "sweeps" / name), "--name", name,
                        "--out", str(root / "results")])
    return root


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_runs_two_jobs_into_a_summary(swept, name):
    jobs = [p.parent for p in (swept / "sweeps" / name).rglob("rows.jsonl")]
    assert len(jobs) == 2
    with open(swept / "results" / name / "summary.csv") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(int(r["count"]) >= 1 for r in rows)
    if any("seed=0,1" in o for o in PRESETS[name]):
        assert all(int(r["count"]) == 2 for r in rows)  # both seeds in every condition
    meta = json.loads((swept / "results" / name / "meta.json").read_text())
    assert meta["jobs_complete"] == 2 and meta["scale"] == ["tiny"], meta


def test_drafts_rows_carry_pass_at_k_and_the_checkers_work(swept):
    with open(swept / "results" / "drafts" / "summary.csv") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        drafted, survives = float(r["p_true_drafted_mean"]), float(r["p_true_survives_mean"])
        assert survives <= drafted  # a survivor is a draft
        assert 1 <= float(r["drafts_checked_mean"]) <= float(r["num_drafts"])
        assert 0.0 <= float(r["p_rejected_mean"]) <= 1.0 and float(r["check_s_mean"]) > 0
    with open(swept / "results" / "logic_drafts" / "summary.csv") as f:
        assert "p_true_drafted_mean" not in next(csv.DictReader(f))  # pass_at_k: false there


def test_arc_rows_carry_pass_at_2_no_lower_than_pass_at_1(swept):
    for name in ("arc_drafts", "arc_selection"):
        with open(swept / "results" / name / "summary.csv") as f:
            rows = list(csv.DictReader(f))
        assert rows
        for r in rows:  # the first attempt is the selector's own answer
            assert float(r["pass_at_2_mean"]) >= float(r["exact_symbolic_mean"])
            assert float(r["undetermined_cells_mean"]) >= 0


def test_rerunning_a_sweep_skips_finished_jobs(swept):
    proc = run_cli("experiments.job", "-m", "experiment=inconsistency", "task=life", "scale=tiny",
                   "seed=0,1",
                   "task.grid=12",
                   f"hydra.sweep.dir={swept / 'sweeps' / 'inconsistency'}", cwd=swept)
    assert proc.returncode == 0 and proc.stdout.count("done already") == 2


def test_figures_and_results_md_from_saved_results(swept):
    out = swept / "figures"
    made = {p.name for p in figures.make_figures(swept / "results", out)}
    for name in [*PRESETS, "example", "test_time_extrapolation"]:
        name = FIGURE_NAMES.get(name, name)
        assert {f"{name}.pdf", f"{name}.png"} <= made
    text = results_md.render(swept / "results", out)
    for title in ("H1: drafts", "H1: selection", "H4: test-time", "H3: counterfactual",
                  "H3: inconsistent", "Logic H1: drafts", "Logic H1: selection",
                  "Logic: the internal-consistency check", "Logic H3: inconsistent",
                  "Logic H4/H2: test-time", "Logic H3: counterfactual", "ARC H1: drafts",
                  "ARC H1: selection", "Logic: honest undetermined on causal-induction tasks",
                  "Logic: honest undetermined on layered rule sets"):
        assert f"## {title}" in text
    verdicts = [ln for ln in text.splitlines() if ln.startswith("- H")]
    # life: H1 x 2, H4, H2 (from test_time), H3 x 2; logic: 4, H4 and H2, H3 (one compiler);
    # arc: drafts (and its internal-check sentence, not an "- H" line) and selection;
    # logic's undetermined: an "- H1" line each (causal and layered)
    assert len(verdicts) == 17
    assert any(ln.startswith("- H2") for ln in verdicts)
    # every verdict names its scale; at scale=tiny a rule not met is "not reached at this budget"
    assert all("scale=tiny" in ln for ln in verdicts)
    assert all(any(v in ln for v in ("**supported**", "**not reached at this budget**",
                                     "**unclear**")) for ln in verdicts)
    assert "test_time_extrapolation.png" in text


def test_unknown_experiment_is_one_clear_line(tmp_path):
    proc = run_cli("experiments.job", "experiment=nope", cwd=tmp_path)
    assert proc.returncode == 2 and "experiment" in proc.stderr and "Traceback" not in proc.stderr
    # a hypothesis the domain declares nothing for: one line naming what it declares
    proc = run_cli("experiments.job", "-m", "experiment=test_time", "task=arc", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "task=arc declares no experiment=test_time" in proc.stderr
    assert "drafts, selection" in proc.stderr


def test_every_declaration_composes_with_its_results_name():
    """Each conf/preset/DOMAIN/HYPOTHESIS.yaml composes as `experiment=H task=D` into its
    own results directory, and run_all lists exactly the declared pairs."""
    from experiments.core.cli import CONF_DIR
    from experiments.run_all import declared, results_name

    on_disk = sorted((p.stem, p.parent.name) for p in (CONF_DIR / "preset").glob("*/*.yaml"))
    pairs = declared(["life", "logic", "arc"])
    assert sorted(pairs) == on_disk
    names = [results_name(h, d) for h, d in pairs]
    assert len(set(names)) == len(names)
    assert set(PRESETS) <= set(names)


def test_undetermined_rows_carry_coverage_precision_and_the_ceiling(swept):
    with open(swept / "results" / "logic_undetermined_causal" / "summary.csv") as f:
        rows = list(csv.DictReader(f))
    answerers = {r["answerer"] for r in rows}
    assert answerers == {"vote", "version_space", "version_space_positive"}
    for r in rows:
        assert 0 <= float(r["coverage_mean"]) <= 1 and 0 <= float(r["precision_mean"]) <= 1
    # over present objects the version space is the causal reading itself
    assert all(float(r["right_mean"]) == 1.0 for r in rows if r["answerer"] == "version_space_positive")
    with open(swept / "results" / "logic_undetermined" / "summary.csv") as f:
        rows = list(csv.DictReader(f))
    assert {r["proposer"] for r in rows} == {"induce", "induce_span", "version_space"}
    assert {r["commit"] for r in rows if r["answerer"] == "vote"} == {"1.0", "0.9"}
