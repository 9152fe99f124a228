"""Unit tests for the selectors, re-selection, induce under noise, nested draft sets,
aggregate's mean/std and the verdict rules at their thresholds."""

import json

import jax
import numpy as np
import pytest
import yaml

from compiler import CompilerConfig, check, check_and_select, compile, get_domain, reselect
from compiler.life import Demos, parse_rule, run_batch_jit, table_from_index
from experiments.reporting import aggregate
from reasoner import SymbolicReasoner, answer

LIFE = get_domain("life")


def demos_of(table, n=3, size=24, horizon=1, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    inputs = (rng.random((n, size, size)) < rng.uniform(0.2, 0.8, (n, 1, 1))).astype(np.uint8)
    outputs = np.asarray(run_batch_jit(np.repeat(table[None], n, 0), inputs, horizon))
    if noise:
        outputs = outputs ^ (rng.random(outputs.shape) < noise).astype(np.uint8)
    return Demos(inputs, outputs, horizon)


def test_vote_reports_the_entrywise_majority_and_answers_by_cell_majority():
    truth = parse_rule("B3/S23")
    demos = demos_of(truth)
    a, b, c = truth.copy(), truth.copy(), truth.copy()
    b[0, 0], c[1, 8] = 1, 1  # two survivors that each differ from the majority in one entry
    drafts = np.stack([a, b, c])
    scores = check(LIFE, drafts, demos)
    survivors = np.ones(3, bool)
    from compiler.selectors import SELECTORS
    index, rule = SELECTORS["vote"](LIFE, None, drafts, scores, survivors)
    assert np.array_equal(rule, truth) and index == 0
    # answers: per cell, the majority of the three runs
    states = (np.random.default_rng(1).random((2, 16, 16)) < 0.5).astype(np.uint8)
    runs = [np.asarray(run_batch_jit(np.repeat(d[None], 2, 0), states, 3)) for d in drafts]
    expected = (np.sum(runs, axis=0) >= 2).astype(np.uint8)
    got = answer(SymbolicReasoner("life"), [drafts, drafts], states, 3)
    assert np.array_equal(got, expected)


def test_first_picks_the_first_survivor_and_best_the_fewest_wrong_cells():
    truth = table_from_index(777)
    demos = demos_of(truth)
    wrong = truth.copy()
    wrong[0, 3] ^= 1
    drafts = np.stack([wrong, truth, truth])
    c = check_and_select(LIFE, drafts, demos, jax.random.key(0), CompilerConfig(selector="first"))
    assert c.chosen_index == 1  # draft 0 fails the demos, so the first survivor is draft 1
    best = reselect(c, "best", demos)
    assert best.chosen_index == 1 and best.chosen_demo_score == 1.0
    assert np.array_equal(best.drafts, c.drafts) and best.scores is c.scores  # no re-check


def test_reselect_scores_a_vote_that_is_not_a_draft():
    truth = parse_rule("B36/S23")
    demos = demos_of(truth)
    a, b, c = truth.copy(), truth.copy(), truth.copy()
    a[0, 0] = b[0, 1] = c[0, 2] = 1  # each wrong in another entry; the majority is the truth
    compiled = check_and_select(LIFE, np.stack([a, b, c]), demos, jax.random.key(0),
                                CompilerConfig(selector="best"))
    compiled.survivors[:] = True
    voted = reselect(compiled, "vote", demos)
    assert voted.chosen_index is None and np.array_equal(voted.chosen, truth)
    assert voted.chosen_demo_score == 1.0  # checked on its own against the demos
    assert len(voted.voters) == 3


@pytest.mark.parametrize("seed", range(3))
def test_induce_recovers_the_rule_from_noisy_h1_demos_by_majority(seed):
    truth = parse_rule("B3/S23")
    demos = demos_of(truth, n=6, size=32, noise=0.02, seed=seed)
    c = compile(LIFE, demos, jax.random.key(seed), CompilerConfig(proposer="induce"))
    assert np.array_equal(c.drafts[0], truth)  # the per-entry majority ignores the flips
    assert c.consistent_drafts == 0  # noise: nothing reproduces every demo cell
    assert np.array_equal(c.chosen, truth)


def test_draft_sets_are_nested_across_K():
    from experiments.presets.drafts import largest_drafts
    from tests.helpers import cfg_for

    cfg = cfg_for("compiler.proposer=random", name="job")
    from tasks import get_tasks
    tasks = get_tasks("life").make_tasks(cfg.task, 0, 2, [8], [1])
    small = largest_drafts(cfg, LIFE, CompilerConfig(proposer="random"), tasks, 4)
    large = largest_drafts(cfg, LIFE, CompilerConfig(proposer="random"), tasks, 64)
    # the drafts preset checks prefixes of the largest set; the proposer itself is nested too
    for (d4, _), (d64, _) in zip(small, large, strict=True):
        assert np.array_equal(d4, d64[:4])


def write_job(root, name, overrides, rows):
    job = root / name
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "config.yaml").write_text("seed: 0\n")
    (job / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
    (job / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_aggregate_gives_mean_and_std_over_seeds(tmp_path):
    values = [0.2, 0.5, 0.9]
    for seed, v in enumerate(values):
        write_job(tmp_path, f"s{seed}", [f"seed={seed}", "compiler.proposer=induce"],
                  [{"condition": {"num_drafts": 4}, "metrics": {"exact": v}, "seed": seed}])
    rows, problems, _ = aggregate.aggregate_rows([tmp_path])
    assert not problems and len(rows) == 1
    assert rows[0]["exact_mean"] == pytest.approx(np.mean(values))
    assert rows[0]["exact_std"] == pytest.approx(np.std(values))
    assert rows[0]["count"] == 3 and rows[0]["compiler.proposer"] == "induce"


@pytest.mark.parametrize("scale,refuted", [("small", "not reached at this budget"),
                                           ("paper", "not supported"), ("gpu", "not supported")])
def test_verdict_rules_at_their_thresholds(scale, refuted):
    from experiments.reporting import verdicts as v

    assert v.verdict_drafts(0.10, 0.0, scale) == "supported"
    assert v.verdict_drafts(0.0999, 0.0, scale) == "unclear"
    assert v.verdict_drafts(0.10, -0.02, scale) == "unclear"  # one proposer loses 2 points
    assert v.verdict_drafts(0.0199, 0.0, scale) == refuted
    assert v.verdict_selection(0.10, scale) == "supported"
    assert v.verdict_selection(0.02, scale) == "unclear"
    assert v.verdict_selection(0.0199, scale) == refuted
    assert v.verdict_test_time(0.95, scale) == "supported"
    assert v.verdict_test_time(0.9499, scale) == "unclear"
    assert v.verdict_test_time(0.4999, scale) == refuted
    assert v.verdict_compiled_vs_e2e(0.7, 0.4999, scale) == "supported"
    assert v.verdict_compiled_vs_e2e(0.7, 0.5001, scale) == "unclear"
    assert v.verdict_compiled_vs_e2e(0.7, 0.6501, scale) == refuted
    assert v.verdict_counterfactual(0.9, 0.8501, 0.65, scale) == "supported"
    assert v.verdict_counterfactual(0.9, 0.8501, 0.6502, scale) == "unclear"  # < 20 over e2e
    assert v.verdict_counterfactual(0.9, 0.8499, 0.6, scale) == "unclear"
    assert v.verdict_counterfactual(0.9, 0.6999, 0.0, scale) == refuted
    assert v.verdict_inconsistency(0.2, 0.8, scale) == "supported"
    assert v.verdict_inconsistency(0.1999, 0.8, scale) == "unclear"
    assert v.verdict_inconsistency(0.0499, 0.9, scale) == refuted
    assert v.verdict_inconsistency(0.5, 0.4999, scale) == refuted


def toy_declarations(tmp_path, monkeypatch, declarations: dict) -> None:
    """conf/ copied into tmp_path with conf/preset/toy/HYPOTHESIS.yaml for each
    {hypothesis: experiment block}, and the apps' conf folder pointed at it."""
    import shutil

    from experiments.core import cli

    conf = tmp_path / "conf"
    shutil.copytree(cli.CONF_DIR, conf)
    (conf / "preset" / "toy").mkdir()
    for hypothesis, experiment in declarations.items():
        text = yaml.safe_dump({"experiment": experiment})
        (conf / "preset" / "toy" / f"{hypothesis}.yaml").write_text(text)
    monkeypatch.setattr(cli, "CONF_DIR", conf)


def toy_results(tmp_path, name, lines, meta) -> None:
    """results/NAME/summary.csv (`lines`) and meta.json as aggregate writes them."""
    results = tmp_path / "results" / name
    results.mkdir(parents=True)
    (results / "summary.csv").write_text("\n".join(lines) + "\n")
    (results / "meta.json").write_text(json.dumps(meta))


def toy_report(tmp_path):
    """(figure paths, RESULTS.md text) from tmp_path/results."""
    from experiments.reporting import figures, results_md

    made = figures.make_figures(tmp_path / "results", tmp_path / "figures")
    return made, results_md.render(tmp_path / "results", tmp_path / "figures")


def test_a_new_domains_sections_and_figures_come_from_its_declarations(tmp_path, monkeypatch):
    """A third domain's drafts and selection sections are config entries: a declaration (axes,
    labels, wording) beside the others and its saved summary give RESULTS.md a section with a
    table, a verdict by the hypothesis's rule and a figure; no Python file is touched."""
    toy_declarations(tmp_path, monkeypatch, {
        "selection": {"name": "toy_selection", "report": {
            "title": "Toy H1: selection", "claim": "H1 on toy tasks (selection)",
            "rows": [["compiler.proposer", "proposer"], ["task.pieces", "pieces"]],
            "metrics": [["exact_symbolic", "solved"]], "scope": "over both piece counts"}},
        "drafts": {"name": "toy_drafts", "report": {
            "title": "Toy H1: drafts", "claim": "H1 on toy tasks (drafts)",
            "series": [["compiler.proposer", "proposer"]], "panels": [["task.pieces", "pieces"]],
            "metrics": [["exact_symbolic", "solved"]], "measure": "the solved share"}}})
    solved = {("induce", 1): 0.2, ("induce", 16): 0.5, ("random", 1): 0.1, ("random", 16): 0.1}
    toy_results(tmp_path, "toy_drafts",
                ["compiler.proposer,task.pieces,num_drafts,count,exact_symbolic_mean,exact_symbolic_std"]
                + [f"{p},{n},{k},3,{v},0.0" for n in (2, 4) for (p, k), v in solved.items()],
                {"scale": ["small"], "parameters": {"symbolic": {}}})
    exact = {"best": 0.8, "first": 0.6, "random": 0.3, "vote": 0.7}
    toy_results(tmp_path, "toy_selection",
                ["compiler.proposer,task.pieces,selector,count,exact_symbolic_mean,exact_symbolic_std"]
                + [f"induce,{n},{s},3,{v},0.1" for n in (2, 4) for s, v in exact.items()],
                {"scale": ["small"], "jobs_complete": 6, "parameters": {"symbolic": {}}})
    made, text = toy_report(tmp_path)
    assert tmp_path / "figures" / "toy_selection.png" in made
    assert "## Toy H1: selection" in text
    assert "| proposer | pieces | best solved % |" in text
    assert "| induce | 2 | 80.0 ± 10.0 |" in text
    verdict = next(ln for ln in text.splitlines() if ln.startswith("- H1 on toy tasks (selection)"))
    assert "**supported**" in verdict and "80.0% solved vs 30.0%" in verdict  # 50 points apart
    assert "over both piece counts" in verdict and "toy_selection.png" in text
    assert tmp_path / "figures" / "toy_drafts.png" in made and "## Toy H1: drafts" in text
    assert "| proposer | pieces | solved % (K=1 / K=16) |" in text
    assert "| induce | 2 | 20.0 ± 0.0 / 50.0 ± 0.0 |" in text
    verdict = next(ln for ln in text.splitlines() if ln.startswith("- H1 on toy tasks (drafts)"))
    # K = 1 -> 16: +30 points (induce), +0 (random): supported by the drafts rule
    assert "**supported**" in verdict and "+30.0 points (induce), +0.0 points (random)" in verdict


def test_a_new_domains_undetermined_section_comes_from_its_declaration(tmp_path, monkeypatch):
    """The undetermined hypotheses too: a third domain's declaration (its vote settings,
    panels, exact answerer and words) and saved summary give a section and a figure."""
    toy_declarations(tmp_path, monkeypatch, {"undetermined_causal": {
        "name": "toy_undetermined_causal",
        "report": {"title": "Toy: honest undetermined", "scope": "Toy tasks", "note": "Seeds 0-1",
                   "panels": [["task.pieces", "{:.0f} pieces"]],
                   "votes": [["induce", "uniform"], ["induce", "length"]],
                   "commits": {"length": [1.0, 0.9]}, "plain": ["induce", "uniform"],
                   "chosen": ["induce", "length", 0.9], "chosen_words": "induce with the prior",
                   "chosen_note": "chosen beforehand", "chosen_label": "induce with the prior",
                   "ceilings": [["exact", "exact answers"]],
                   "ceiling_words": "the exact answerer {pct:.1f}%"}}})
    right = {("uniform", 1, 1.0): 0.4, ("uniform", 16, 1.0): 0.6, ("length", 1, 1.0): 0.45,
             ("length", 1, 0.9): 0.5, ("length", 16, 1.0): 0.7, ("length", 16, 0.9): 0.8}
    head = ("task.pieces,answerer,proposer,prior,num_drafts,commit,count,right_mean,coverage_mean,"
            "precision_mean,seconds_median_mean,seconds_max_mean")
    toy_results(tmp_path, "toy_undetermined_causal",
                [head] + [f"{n},vote,induce,{q},{k},{c},2,{v},{v + 0.1},{v},," for n in (2, 4)
                          for (q, k, c), v in right.items()]
                + [f"{n},exact,,,,,2,0.9,0.9,1.0,0.01,0.02" for n in (2, 4)],
                {"scale": ["small"], "jobs_complete": 4, "parameters": {"symbolic": {}}})
    made, text = toy_report(tmp_path)
    assert tmp_path / "figures" / "toy_undetermined_causal.png" in made
    assert "## Toy: honest undetermined" in text
    assert "| vote: induce, length | 16 | 0.9 | 80.0 | 90.0 | 80.0 | - |" in text
    assert "| exact | - | - | 90.0 | 90.0 | 100.0 | 0.010, 0.02 |" in text
    said = next(ln for ln in text.splitlines() if ln.startswith("- Toy tasks: at K = 16"))
    assert "the plain vote over induce's drafts is right on 60.0%" in said
    assert "induce with the prior, committing at a weighted share of 0.9 (chosen beforehand), 80.0%" in said
    assert "the exact answerer 90.0%" in said and "Seeds 0-1" in said
    verdict = next(ln for ln in text.splitlines() if ln.startswith("- H1 on this measure"))
    assert "+30.0 points" in verdict and "**supported**" in verdict  # 50% at K = 1 -> 80% at K = 16


def test_every_declaration_composes_with_its_results_name():
    """Each conf/preset/DOMAIN/HYPOTHESIS.yaml composes as `experiment=H task=D` into its
    own results directory, and run_all lists exactly the declared pairs."""
    from experiments.core.cli import CONF_DIR
    from experiments.run_all import declared, results_name
    from tests.preset_sweeps import PRESETS

    on_disk = sorted((p.stem, p.parent.name) for p in (CONF_DIR / "preset").glob("*/*.yaml"))
    pairs = declared(["life", "logic", "arc"])
    assert sorted(pairs) == on_disk
    names = [results_name(h, d) for h, d in pairs]
    assert len(set(names)) == len(names)
    assert set(PRESETS) <= set(names)
