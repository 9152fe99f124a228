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

from experiments.reporting.plots import COLOURS, line, save, seeds_note, where
from experiments.reporting.tables import attempts_summary
from experiments.reporting.verdicts import budget, mean_of, pct, table, verdict_drafts, verdict_selection

# ARC's ten colours (0 black ... 9 maroon), as the ARC task viewer shows them
ARC_COLOURS = ["#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00", "#AAAAAA", "#F012BE",
               "#FF851B", "#7FDBFF", "#870C25"]
CHECK = {True: "check on", False: "check off"}
# the benchmark runs RESULTS.md quotes: (file under results/arc, what was run)
BENCHMARK = [("arc1_train_symbolic.jsonl", "ARC-AGI-1 train (developed on)"),
             ("arc1_eval_symbolic.jsonl", "ARC-AGI-1 eval (run once)"),
             ("arc2_eval_symbolic.jsonl", "ARC-AGI-2 eval (run once)"),
             ("arc1_eval_nca_every27.jsonl", "ARC-AGI-1 eval, every 27th task: per-task NCA")]


def _check(row) -> bool:
    return str(row["compiler.check_consistency"]).lower() == "true"


def fig_arc_drafts(rows, out):
    metrics = [("pass_at_2", "pass@2"), ("exact_symbolic", "pass@1"),
               ("p_consistent", "a consistent draft")]
    fig, axes = plt.subplots(1, len(metrics), figsize=(2.5 * len(metrics), 2.4), sharey=True)
    for ax, (metric, label) in zip(axes, metrics, strict=True):
        for proposer in ("random", "induce"):
            for check in (True, False):
                sub = [r for r in where(rows, **{"compiler.proposer": proposer}) if _check(r) == check]
                line(ax, sub, "num_drafts", metric, f"{proposer}, {CHECK[check]}",
                     COLOURS[proposer], dashed=not check)
        ax.set_xscale("log", base=2)
        ax.set_ylim(-0.02, 0.6)
        ax.set_title(label)
        ax.set_xlabel("drafts K (count)")
    axes[0].set_ylabel("fraction of test outputs")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False, bbox_to_anchor=(0.5, -0.12))
    fig.suptitle(f"H1 on ARC-AGI-1 train (every 4th same-size task): drafts vs K ({seeds_note(rows)})",
                 y=1.03)
    return save(fig, out, "arc_drafts")


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


def arc_drafts(rows, meta):
    ks = sorted({r["num_drafts"] for r in rows})
    shown = list(dict.fromkeys(k for k in (ks[0], 4, 16, ks[-1]) if k in ks))
    lines = []
    for p in ("induce", "random"):
        for check in (True, False):
            sub = [r for r in where(rows, **{"compiler.proposer": p}) if _check(r) == check]
            if not sub:
                continue

            def cell(metric, sub=sub):
                return " / ".join(pct(where(sub, num_drafts=k), metric) for k in shown)
            lines.append([p, CHECK[check], "", cell("pass_at_2"), cell("exact_symbolic"),
                          cell("p_consistent"), cell("p_rejected")])
    k_text = " / ".join(f"K={int(k)}" for k in shown)
    tab = table(["proposer", "internal check", "", f"pass@2 % ({k_text})", "pass@1 %",
                 "a consistent draft %", "drafts rejected %"], lines)
    gains = {}
    for p in ("induce", "random"):
        c = [r for r in where(rows, **{"compiler.proposer": p}) if _check(r)]
        if c:
            gains[p] = (mean_of(where(c, num_drafts=ks[-1]), "pass_at_2")
                        - mean_of(where(c, num_drafts=ks[0]), "pass_at_2"))
    word = verdict_drafts(max(gains.values()), min(gains.values()), meta["_scale"]) if gains else "unclear"
    on = [r for r in where(rows, **{"compiler.proposer": "induce"}, num_drafts=ks[-1]) if _check(r)]
    off = [r for r in where(rows, **{"compiler.proposer": "induce"}, num_drafts=ks[-1]) if not _check(r)]
    check_gain = mean_of(on, "pass_at_2") - mean_of(off, "pass_at_2")
    sentences = [
        f"H1 on ARC (more drafts, more tasks solved) **{word}** ({budget(meta, meta['_scale'])}; "
        f"every 4th same-size ARC-AGI-1 *train* task, {int(on[0]['count']) if on else '?'} seeds): "
        f"from K={int(ks[0])} to K={int(ks[-1])}, pass@2 over test outputs changes by "
        + ", ".join(f"{100 * g:+.1f} points ({p})" for p, g in gains.items())
        + " (internal check on; rule: supported if one gains >= 10 points and none loses > 2).",
        f"The internal-consistency check on the test input (induce, K={int(ks[-1])}) changes "
        f"pass@2 by {100 * check_gain:+.1f} points ({100 * mean_of(on, 'pass_at_2'):.1f}% on vs "
        f"{100 * mean_of(off, 'pass_at_2'):.1f}% off; verdict "
        f"**{verdict_selection(check_gain, meta['_scale'])}** by the selection rule, >= 10 points)."]
    return sentences, tab


def benchmark(results: Path) -> tuple[list[str], str] | None:
    """The ARC benchmark runs that exist, each as `attempts_summary` prints it."""
    found = [(results / "arc" / name, what) for name, what in BENCHMARK
             if (results / "arc" / name).exists()]
    if not found:
        return None
    lines = []
    for path, what in found:
        rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        version = rows[0].get("data_version", "?") if rows else "?"
        lines += [f"- **{what}** (`results/arc/{path.name}`, data {version}): "
                  + attempts_summary(rows).replace("\n", "; ")]
    sentence = ("ARC-AGI (the benchmark the field reports): tasks whose every pair keeps its size "
                "are attempted, the others count as failures in the `/ split` totals; commands and "
                "the peers measured on this machine: docs/arc.md.")
    return [sentence], "\n".join(lines)


FIGURES = {"arc_drafts": fig_arc_drafts}
SECTIONS = [("arc_drafts", "ARC H1: drafts and the internal check", arc_drafts)]


def gallery_figure(results: Path, out: Path) -> list[Path]:
    path = results / "arc" / "gallery.json"
    return fig_arc_gallery(json.loads(path.read_text()), out) if path.exists() else []
