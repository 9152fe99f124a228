"""Every experiment preset at a tiny size (2 jobs each) through aggregate, figures and
RESULTS.md, all inside tmp_path: the sweeps shared by tests/test_presets_DOMAIN.py (a file per
domain, so the suite's workers run the domains side by side)."""

import csv
import json
import re
import shutil

import pytest

from experiments import job
from experiments.reporting import aggregate, figures, results_md
from tests.helpers import run_app_in_process

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
    # the shipped guide against the table order, two small budgets, on 3 held-out-fold tasks
    "arc_budget": ["experiment=budget", "task=arc", "experiment.order=table,guided", "seed=0",
                   "experiment.budgets=[20,100]"],
}
def domain_of(name: str) -> str:
    return next(o for o in PRESETS[name] if o.startswith("task=")).removeprefix("task=")


def sweep(root, domain):
    """Every preset of `domain`, in this process (`python -m experiments.job -m ...` runs the
    same Hydra app; test_rerunning_a_sweep_skips_finished_jobs and
    test_unknown_experiment_is_one_clear_line run it as a command)."""
    for name, overrides in PRESETS.items():
        if domain_of(name) != domain:
            continue
        run_app_in_process("job", job.run, "-m", "scale=tiny", *overrides,
                           f"hydra.sweep.dir={root / 'sweeps' / name}", cwd=root)
        aggregate.main([str(root / "sweeps" / name), "--name", name,
                        "--out", str(root / "results")])
    return root


def summary(swept, name):
    with open(swept / "results" / name / "summary.csv") as f:
        return list(csv.DictReader(f))


def check_two_jobs_into_a_summary(swept, name):
    jobs = [p.parent for p in (swept / "sweeps" / name).rglob("rows.jsonl")]
    assert len(jobs) == 2
    rows = summary(swept, name)
    assert rows and all(int(r["count"]) >= 1 for r in rows)
    if any("seed=0,1" in o for o in PRESETS[name]):
        assert all(int(r["count"]) == 2 for r in rows)  # both seeds in every condition
    meta = json.loads((swept / "results" / name / "meta.json").read_text())
    assert meta["jobs_complete"] == 2 and meta["scale"] == ["tiny"], meta


def check_figures_and_results_md(swept, domain, extra_figures, titles, num_verdicts):
    """The domain's figures and RESULTS.md sections from its saved results: every verdict names
    its scale, and at scale=tiny a rule not met is "not reached at this budget"."""
    out = swept / "figures"
    made = {p.name for p in figures.make_figures(swept / "results", out)}
    for name in [n for n in PRESETS if domain_of(n) == domain] + extra_figures:
        assert {f"{name}.pdf", f"{name}.png"} <= made
    text = results_md.render(swept / "results", out)
    for title in titles:
        assert f"## {title}" in text
    verdicts = [ln for ln in text.splitlines() if ln.startswith("- H")]
    assert len(verdicts) == num_verdicts, verdicts
    assert all("scale=tiny" in ln for ln in verdicts)
    words = [verdict_words(ln) for ln in verdicts]
    assert all(len(w) == 1 and w[0] != "not supported" for w in words), words
    # the same rows at the full scale: the same outcome of every rule, and only a rule not
    # met reads differently ("not supported" there, "not reached at this budget" at tiny)
    full = swept / "results_at_full_scale"
    shutil.rmtree(full, ignore_errors=True)
    shutil.copytree(swept / "results", full)
    for meta in full.glob("*/meta.json"):
        meta.write_text(json.dumps({**json.loads(meta.read_text()), "scale": ["paper"]}))
    at_full = [verdict_words(ln) for ln in results_md.render(full, out).splitlines()
               if ln.startswith("- H")]
    renamed = {"not reached at this budget": "not supported"}
    assert at_full == [[renamed.get(w, w) for w in ws] for ws in words], (words, at_full)
    return text, verdicts


VERDICT_WORDS = ("supported", "not supported", "not reached at this budget", "unclear")


def verdict_words(line: str) -> list[str]:
    """The verdict words a RESULTS.md verdict line states (in bold)."""
    return [w for w in re.findall(r"\*\*([^*]+)\*\*", line) if w in VERDICT_WORDS]


def domain_tests(domain):
    """A test file's module fixture `swept` (the domain's sweeps, once) and its test that
    every preset ran two jobs into a summary, one case per preset."""
    @pytest.fixture(scope="module")
    def swept(tmp_path_factory):
        return sweep(tmp_path_factory.mktemp("experiments"), domain)

    @pytest.mark.parametrize("name", [n for n in PRESETS if domain_of(n) == domain])
    def test_preset_runs_two_jobs_into_a_summary(swept, name):
        check_two_jobs_into_a_summary(swept, name)

    return swept, test_preset_runs_two_jobs_into_a_summary
