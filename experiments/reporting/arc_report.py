"""Figures and RESULTS.md sections of the ARC presets (results/arc_NAME/summary.csv), the
ARC benchmark runs (results/arc/*.jsonl, written by experiments.evaluate) and the gallery
(results/arc/gallery.json, written by experiments.arc_gallery).

ARC's axes are proposer x the internal-consistency check (drafts) and the selector
(selection); its answers are ARC's two attempts, so pass@2 is the headline metric. The
verdict rules are the ones RESULTS.md states for life (verdicts.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from experiments.reporting.plots import save, where
from experiments.reporting.tables import attempts_summary
from experiments.reporting.verdicts import mean_of, verdict_selection

# ARC's ten colours (0 black ... 9 maroon), as the ARC task viewer shows them
ARC_COLOURS = ["#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00", "#AAAAAA", "#F012BE",
               "#FF851B", "#7FDBFF", "#870C25"]
CHECK = {True: "check on", False: "check off"}
# the benchmark runs RESULTS.md quotes: (file under results/arc, what was run)
BENCHMARK = [("arc1_train/eval.jsonl", "ARC-AGI-1 train (developed on; experiments.evaluate, 2 shards)"),
             ("arc1_eval_solve.jsonl", "ARC-AGI-1 eval (run once; solve's defaults on the Kaggle file)"),
             ("arc2_eval_solve.jsonl", "ARC-AGI-2 eval (run once; solve's defaults on the Kaggle file)"),
             ("arc1_eval_nca_every27.jsonl", "ARC-AGI-1 eval, every 27th task: per-task NCA")]


def _check(row) -> bool:
    return str(row["compiler.check_consistency"]).lower() == "true"


def _show(ax, grid, title=""):
    ax.imshow(np.asarray(grid), cmap=ListedColormap(ARC_COLOURS), vmin=0, vmax=9,
              interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(True)
        side.set_color("#999999")
    ax.set_title(title, fontsize=6)


def fig_arc_gallery(gallery: dict, out):
    """One row per task: two demo pairs, the test input, the two attempts, the expected
    output; the rule text (or "no consistent draft") under the row."""
    tasks = gallery["tasks"]
    fig = plt.figure(figsize=(8.0, 1.75 * len(tasks)))
    sub = fig.add_gridspec(len(tasks), 8, hspace=1.1, wspace=0.15)
    for i, t in enumerate(tasks):
        pairs = list(zip(t["demo_inputs"], t["demo_outputs"], strict=True))[:2]
        panels = [(g, f"demo {j + 1} {kind}") for j, (x, y) in enumerate(pairs)
                  for g, kind in ((x, "in"), (y, "out"))]
        attempts = t["attempts"] + t["attempts"][-1:] * (2 - len(t["attempts"]))
        panels += [(t["test_input"], "test in"), (attempts[0], "attempt 1"),
                   (attempts[1], "attempt 2"), (t["expected"], "expected")]
        for j, (grid, title) in enumerate(panels[:8]):
            ax = fig.add_subplot(sub[i, j])
            _show(ax, grid, title)
            if j == 0:
                first = ax
                ax.set_ylabel(f"{t['task']}\n{'solved' if t['pass_at_2'] else 'failed'}", fontsize=6)
        rule = t["rule"] or "no draft fits every demo and the test input"
        text = f"{t['consistent_drafts']} consistent drafts; chosen: {rule}"
        text = "\n".join(text[k:k + 150] for k in range(0, min(len(text), 300), 150))
        first.text(0.0, -0.08, text + ("..." if len(rule) > 250 else ""), ha="left", va="top",
                   fontsize=5, family="monospace", transform=first.transAxes)
    fig.suptitle("ARC-AGI-1 train: solved and failed tasks (compiler, induce, K = 32, best)", y=0.93)
    return save(fig, out, "arc_gallery")


def check_gain(rows, meta, ks, report):
    """What the internal-consistency check on the test input changes (induce, largest K),
    judged by the selection rule."""
    top = where(rows, **{"compiler.proposer": "induce"}, num_drafts=ks[-1])
    on, off = [r for r in top if _check(r)], [r for r in top if not _check(r)]
    gain = mean_of(on, "pass_at_2") - mean_of(off, "pass_at_2")
    return [f"The internal-consistency check on the test input (induce, K={int(ks[-1])}) changes "
            f"pass@2 by {100 * gain:+.1f} points ({100 * mean_of(on, 'pass_at_2'):.1f}% on vs "
            f"{100 * mean_of(off, 'pass_at_2'):.1f}% off; verdict "
            f"**{verdict_selection(gain, meta['_scale'])}** by the selection rule, >= 10 points)."], ""


def benchmark(results: Path) -> tuple[list[str], str] | None:
    """The ARC benchmark runs that exist, each as `attempts_summary` prints it."""
    found = [(name, what) for name, what in BENCHMARK if (results / "arc" / name).exists()]
    if not found:
        return None
    lines = []
    for name, what in found:
        path = results / "arc" / name
        rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        version = rows[0].get("data_version", "?") if rows else "?"
        lines += [f"- **{what}** (`results/arc/{name}`, data {version}): "
                  + attempts_summary(rows).replace("\n", "; ")]
    sentence = ("ARC-AGI (the benchmark the field reports): every task is attempted, same-size "
                "and size-changing ones reported apart; pass@2 per test output (Kaggle's "
                "average) and per task (ARC Prize's); commands and the versions: docs/arc.md.")
    return [sentence], "\n".join(lines)


FIGURES: dict = {}  # the drafts figure is every domain's (plots.fig_drafts)
# what the drafts section's declaration names in `extras`
EXTRAS = {"check_gain": check_gain}


def gallery_figure(results: Path, out: Path) -> list[Path]:
    path = results / "arc" / "gallery.json"
    return fig_arc_gallery(json.loads(path.read_text()), out) if path.exists() else []
