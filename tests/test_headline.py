"""README's headline table is RESULTS.md's verdicts, and report sentences read their numbers
from the rows, a run's meta or a reasoner's spec (saying so where the data is missing)."""

from __future__ import annotations

import re
from pathlib import Path

from experiments.reporting import results_md
from experiments.reporting.verdicts import NOT_RECORDED, Verdict, budget

ROOT = Path(__file__).resolve().parents[1]


def test_readme_headline_rows_are_results_md_verdict_rows():
    """The block between README's headline markers holds the rows of RESULTS.md's verdict
    table, in order, and that table has one row per verdict bullet, with its word."""
    readme = (ROOT / "README.md").read_text()
    results = (ROOT / "RESULTS.md").read_text()
    rows = results_md.results_headline(results)
    assert rows and results_md.readme_headline(readme) == rows
    bullets = [ln for ln in results.split("## Verdicts", 1)[1].split("\n## ", 1)[0].splitlines()
               if ln.startswith("- ")]
    assert len(bullets) == len(rows)
    for row, bullet in zip(rows, bullets, strict=True):
        assert len(row) == len(results_md.HEADLINE_HEADER)
        assert row[2] in bullet, (row, bullet)  # the bolded verdict word of that sentence
    words = {row[2] for row in rows}
    assert "**unclear**" in words and "**not reached at this budget**" in words
    assert "H200" not in readme and "H200" not in results


def test_rewrite_readme_replaces_only_the_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{results_md.README_BEGIN}\nold | table\n{results_md.README_END}\nrest\n")
    table = results_md.headline_table([["life", "H1", "**supported**", "1%", "scale=small", "today"]])
    text = results_md.rewrite_readme(readme, table)
    assert text.startswith("intro\n") and text.endswith("rest\n") and "old" not in text
    assert results_md.readme_headline(text) == [["life", "H1", "**supported**", "1%", "scale=small", "today"]]


def test_headline_row_of_a_verdict_and_of_a_plain_sentence():
    v = Verdict("H9 **unclear** (x): y", claim="H9", word="unclear", number="3.0%", budget="b | c")
    assert results_md.headline_row("toy", v, "d") == ["toy", "H9", "**unclear**", "3.0%", "b / c", "d"]
    assert results_md.headline_row("toy", "H8 (x) **supported** (y)", "d")[1:3] == ["H8 (x)", "**supported**"]


def test_budget_says_what_the_meta_does_not_hold():
    """No fallback to today's config: a run saved without parameters says its training
    budget is not recorded."""
    meta = {"jobs_complete": 6, "job_wall_s": 1.5, "machine": "m", "_parameters": {}}
    text = budget(meta, "small", ("neural", "end_to_end"))
    assert "6 jobs" in text and f"neural, end_to_end {NOT_RECORDED}" in text and "steps" not in text
    assert "jobs not recorded" in budget({}, "small")
    meta["_parameters"] = {"neural": {"train_steps": 7, "train_batch_size": 3}}
    assert budget(meta, "small", ("neural",)).endswith("training neural 7 steps x batch 3")


def test_logic_reasoner_targets_read_sizes_and_seeds_from_the_rows():
    from experiments.reporting.logic_reasoner_report import logic_reasoner_targets

    def row(condition, h, count):
        return {"condition": condition, "reasoner": "neural", "grid": 10, "horizon": h, "count": count,
                "exact_vs_compiled_mean": 1.0, "exact_vs_compiled_std": 0.0, "certified_mean": 1.0,
                "certified_std": 0.0, "exact_mean": 0.5, "exact_std": 0.0}
    rows = [row("task.atoms=64 compiler.proposer=oracle", 6, 2), row("task=logic", 6, 2)]
    (sentence,), tab = logic_reasoner_targets(rows, {"_scale": "small"})
    assert "task.atoms=64" in tab and f"task.atoms {NOT_RECORDED}" in tab  # never a guessed "32"
    assert "2 seeds a condition" in sentence and "64-atom" in sentence
    assert "200" not in sentence and "5 minutes" not in sentence and "3 seeds" not in sentence
    assert re.search(r"at depth 6 \((2x the training depth 3|the training depth not recorded)", sentence)


def test_h4_sentence_asks_the_reasoners_spec():
    from experiments.reporting.sections import neural_spec

    assert "declares it discrete and certifiable" in neural_spec({"_domain": "life"})
    assert "declares no compiled neural reasoner" in neural_spec({"_domain": "arc"})


def test_gallery_label_and_caption_come_from_what_it_draws():
    from experiments.reporting.arc_report import gallery_caption, solved

    grid, other = [[1]], [[2]]
    assert solved({"expected": grid, "attempts": [other, grid]})
    assert not solved({"expected": grid, "attempts": [other]})
    settings = {"split": "s", "proposer": "p", "num_drafts": 7, "selector": "best"}
    assert gallery_caption({"settings": settings}) == (
        "s: solved and failed tasks (compiler p, K = 7, selector best)")
    assert "not recorded" in gallery_caption({"rows": "no/such/file.jsonl"})


def test_reports_are_discovered_by_domain():
    from experiments.reporting import arc_report
    from experiments.reporting.domain_reports import domain_reports

    reports = domain_reports()
    assert {"life", "logic", "arc"} <= set(reports)
    assert reports["arc"] is arc_report and not hasattr(arc_report, "FIGURES")
    names = [name for name, *_ in results_md.sections()]
    assert "logic_reasoner_targets" in names and results_md.preset_command("logic_targets", "small") is None
