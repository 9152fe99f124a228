"""The calibration hypotheses' report (experiments/reporting/calibration_report.py): the pooled
ECE adds the jobs' bin sums, the section's tables, verdicts and budget, and its figure; from
hand-made jobs (fast) and from a tiny sweep of the preset (e2e)."""

import json
import re

import pytest
import yaml

from experiments import job
from experiments.reporting import aggregate, calibration_report, figures, results_md
from experiments.reporting.verdicts import verdict_precision_with_k
from tests.helpers import run_app_in_process
from tests.preset_sweeps import VERDICT_WORDS

NAME = "logic_calibration"
TARGET_WORDS = ("met", "not met")


def test_pooled_ece_on_hand_made_bins():
    # (units, right, summed confidence) per bin: |6 - 7| + |5 - 4.75| over 15 units
    bins = [(10, 6, 7.0), (0, 0, 0.0), (5, 5, 4.75)]
    assert calibration_report.pooled_ece(bins) == pytest.approx(1.25 / 15)
    # = the units-weighted gap between share right and mean confidence
    assert calibration_report.pooled_ece(bins) == pytest.approx((10 * 0.1 + 5 * 0.05) / 15)
    assert calibration_report.pooled_ece([(0, 0, 0.0)]) != calibration_report.pooled_ece([(0, 0, 0.0)])
    # two jobs pool by adding their sums, never by averaging their ECEs
    a, b = [(10, 10, 5.5), (0, 0, 0.0)], [(0, 0, 0.0), (30, 15, 29.0)]
    pooled = [tuple(x + y for x, y in zip(p, q, strict=True)) for p, q in zip(a, b, strict=True)]
    assert calibration_report.pooled_ece(pooled) == pytest.approx((4.5 + 14) / 40)
    assert calibration_report.pooled_ece(pooled) != pytest.approx(
        (calibration_report.pooled_ece(a) + calibration_report.pooled_ece(b)) / 2)


def test_pooled_bins_read_sums_back_from_means_over_seeds():
    rows = [{"count": 2, "bin0_n_mean": 3.0, "bin0_right_mean": 1.5, "bin0_confidence_mean": 2.0,
             "bin1_n_mean": 5.0, "bin1_right_mean": 5.0, "bin1_confidence_mean": 4.5},
            {"count": 1, "bin0_n_mean": 4.0, "bin0_right_mean": 2.0, "bin0_confidence_mean": 2.2,
             "bin1_n_mean": 0.0, "bin1_right_mean": 0.0, "bin1_confidence_mean": 0.0}]
    assert calibration_report.pooled_bins(rows) == [(10.0, 5.0, 6.2), (10.0, 10.0, 9.0)]


@pytest.mark.parametrize("scale,refuted", [("small", "not reached at this budget"),
                                           ("paper", "not supported")])
def test_precision_with_k_rule_at_its_thresholds(scale, refuted):
    assert verdict_precision_with_k(0.10, -0.019, 0.05, 0.05, scale) == "supported"
    assert verdict_precision_with_k(0.10, -0.021, 0.0, 0.05, scale) == "unclear"  # one panel loses
    assert verdict_precision_with_k(0.20, 0.1, 0.051, 0.05, scale) == "unclear"  # coverage lost
    assert verdict_precision_with_k(0.099, 0.0, 0.0, 0.05, scale) == "unclear"
    assert verdict_precision_with_k(0.019, 0.0, 0.0, 0.05, scale) == refuted


def hand_made_jobs(root, rng_seed=0):
    """Jobs as experiments.job writes them for the calibration preset: seeds 2 and 3 x 8 and
    32 demos, K 4 and 64 x commits 1.0 and 0.9, random bin sums."""
    import numpy as np

    rng = np.random.default_rng(rng_seed)
    for seed in (2, 3):
        for demos in (8, 32):
            folder = root / f"seed={seed},demos={demos}"
            (folder / ".hydra").mkdir(parents=True)
            (folder / ".hydra" / "config.yaml").write_text(f"seed: {seed}\n")
            (folder / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(
                ["experiment.num_drafts=[4,64]", f"task.num_demos={demos}", f"seed={seed}",
                 "experiment=calibration", "task=logic"]))
            rows = []
            for k in (4, 64):
                bins = {}
                for i in range(5):
                    n = int(rng.integers(0, 40))
                    conf = n * (0.55 + 0.1 * i)
                    bins |= {f"bin{i}_n": float(n), f"bin{i}_right": float(rng.integers(0, n + 1)),
                             f"bin{i}_confidence": conf}
                for commit in (1.0, 0.9):
                    metrics = {"coverage": 0.9 + 0.0001 * k - 0.01 * (commit == 1.0),
                               "precision": 0.95 + 0.0005 * k, "right": 0.9, "asked": 100.0,
                               "ece": 0.0, "seconds_median": 0.5, "ceiling_seconds_median": 0.1,
                               "ceiling_timeouts": 0.0, **bins}
                    rows.append({"condition": {"proposer": "posterior", "num_drafts": k, "commit": commit},
                                 "metrics": metrics, "seed": seed})
            (folder / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
            (folder / "job.json").write_text(json.dumps({"scale": "small", "seed": seed, "wall_s": 1.0}))
    return root


def hand_ece(jobs_root, k, commit) -> float:
    """The pooled ECE from every job's rows.jsonl: the bin sums added, then
    sum_b |right_b - confidence_b| / sum_b n_b."""
    sums = {}
    for path in jobs_root.rglob("rows.jsonl"):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if row["condition"]["num_drafts"] == k and row["condition"]["commit"] == commit:
                for key, value in row["metrics"].items():
                    if key.startswith("bin"):
                        sums[key] = sums.get(key, 0.0) + value
    bins = sorted({key.split("_")[0] for key in sums})
    units = sum(sums[f"{b}_n"] for b in bins)
    return sum(abs(sums[f"{b}_right"] - sums[f"{b}_confidence"]) for b in bins) / units


def section(text: str, title: str) -> str:
    return text.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_section_pools_hand_made_jobs_by_adding_their_bin_sums(tmp_path):
    jobs = hand_made_jobs(tmp_path / "runs")
    aggregate.main([str(jobs), "--name", NAME, "--out", str(tmp_path / "results")])
    made = figures.make_figures(tmp_path / "results", tmp_path / "figures")
    assert tmp_path / "figures" / f"{NAME}.png" in made
    text = results_md.render(tmp_path / "results", tmp_path / "figures")
    mine = section(text, "Logic: calibration of the posterior on layered rule sets")
    ece = hand_ece(jobs, 64, 0.9)
    rows = results_md.read_summary(tmp_path / "results" / NAME / "summary.csv")
    assert calibration_report.ece_at(rows, 64, 0.9) == pytest.approx(ece)
    assert f"ECE {100 * ece:.2f} points" in mine and "seeds 2, 3, held out" in mine
    assert "| [0.9, 1.0] |" in mine and "| 32 demos | 64 |" in mine
    assert f"![{NAME}](figures/{NAME}.png)" in mine
    # the verdicts: ECE, the declared target (32 demos: 98.2% precision < 99%), H1 re-judged
    lines = [ln for ln in mine.splitlines() if "**" in ln]
    assert len(lines) == 3
    words = [re.findall(r"\*\*([^*]+)\*\*", ln)[0] for ln in lines]
    assert words[0] == ("supported" if ece <= 0.03 else "not reached at this budget")
    assert words[1] == "not met" and "98.2% precision" in lines[1]
    assert words[2] == "unclear" and "+3.0 points" in lines[2]  # under 10 points, over 2
    assert all("scale=small, 4 jobs" in ln and "2 seeds a condition" in ln for ln in lines)
    assert "**not met**" in text.split("## Verdicts", 1)[1].split("\n## ", 1)[0]  # headline rows
    # rows that include the development seed (1) give no held-out verdict
    meta = tmp_path / "results" / NAME / "meta.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "seeds": [1, 2]}))
    mine = section(results_md.render(tmp_path / "results", tmp_path / "figures"),
                   "Logic: calibration of the posterior on layered rule sets")
    first = next(ln for ln in mine.splitlines() if "**" in ln)
    assert "**unclear**" in first and "including the development seed 1: not held out" in first


def test_no_calibration_results_no_section(tmp_path):
    (tmp_path / "results").mkdir()
    assert figures.make_figures(tmp_path / "results", tmp_path / "figures") == []
    assert "calibration" not in results_md.render(tmp_path / "results", tmp_path / "figures")


@pytest.mark.e2e  # a Hydra sweep: make test-all
def test_tiny_sweep_of_the_preset_through_aggregate_figure_and_section(tmp_path):
    run_app_in_process("job", job.run, "-m", "experiment=calibration", "task=logic", "scale=tiny",
                       "seed=2", "task.num_demos=32", "eval.num_tasks=2", "experiment.num_drafts=[2,4]",
                       f"hydra.sweep.dir={tmp_path / 'runs'}", cwd=tmp_path)
    aggregate.main([str(tmp_path / "runs"), "--name", NAME, "--out", str(tmp_path / "results")])
    made = figures.make_figures(tmp_path / "results", tmp_path / "figures")
    png = tmp_path / "figures" / f"{NAME}.png"
    assert png in made and png.stat().st_size > 0
    text = results_md.render(tmp_path / "results", tmp_path / "figures")
    mine = section(text, "Logic: calibration of the posterior on layered rule sets")
    # (i) the pooled ECE at the largest K (the chosen 64 is not in these rows) is the hand sum's
    ece = hand_ece(tmp_path / "runs", 4, 0.9)
    assert f"ECE {100 * ece:.2f} points" in mine and "the chosen K = 64 is not" in mine
    # (ii) the verdict words are the allowed ones and every verdict names its budget
    lines = [ln for ln in mine.splitlines() if "**" in ln]
    words = [re.findall(r"\*\*([^*]+)\*\*", ln)[0] for ln in lines]
    assert len(words) == 3 and words[0] in VERDICT_WORDS and words[2] in VERDICT_WORDS
    assert words[0] != "not supported" and words[1] in TARGET_WORDS, words
    for ln in lines:
        assert "scale=tiny, 1 jobs" in ln and "1 seed a condition" in ln and "2 tasks a job" in ln
        assert "K = 2/4" in ln
    assert "seed 2, held out" in mine
    # (iii) the figure is written and the section shows it
    assert f"![{NAME}](figures/{NAME}.png)" in mine
