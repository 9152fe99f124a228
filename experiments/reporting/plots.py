"""Figure helpers and the figure functions of the hypotheses (one style for all figures:
Okabe-Ito colour-blind-safe palette, labelled axes, mean over seeds with a +-1 std band or
bar). One figure function per hypothesis where every domain shares it (selection,
inconsistency, test_time, counterfactual: axes and words from the domain's declaration);
the domain reports (`*_report.py`) draw their own sections' figures with the helpers;
`experiments.figures` runs them all."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000"]
STYLE = {"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7,
         "xtick.labelsize": 7, "ytick.labelsize": 7, "axes.spines.top": False,
         "axes.spines.right": False, "axes.prop_cycle": plt.cycler(color=OKABE_ITO),
         "figure.dpi": 150, "savefig.bbox": "tight"}
COLOURS = {"random": OKABE_ITO[0], "induce": OKABE_ITO[1], "exhaustive": OKABE_ITO[7],
           "symbolic": OKABE_ITO[7], "neural": OKABE_ITO[0], "end_to_end": OKABE_ITO[3],
           "latent": OKABE_ITO[2], "best": OKABE_ITO[0], "vote": OKABE_ITO[1],
           "first": OKABE_ITO[2]}


def read_summary(path: Path) -> list[dict]:
    def value(v):
        try:
            return float(v)
        except ValueError:
            return v
    with open(path) as f:
        return [{k: value(v) for k, v in row.items()} for row in csv.DictReader(f)]


def where(rows, **match):
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]


def value_text(v) -> str:
    """A condition's value as a table cell: integers without a point, other numbers by %g."""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:g}"
    return str(v)


def conditions(rows, axes) -> list[dict]:
    """Every combination of the axes' values (in order of first appearance) that has rows."""
    values = [list(dict.fromkeys(r[a] for r in rows if a in r)) for a in axes]
    out = [dict(zip(axes, combo, strict=True)) for combo in itertools.product(*values)]
    return [c for c in out if where(rows, **c)]


def line(ax, rows, x, metric, label=None, colour=None, dashed=False, band=True):
    rows = sorted((r for r in rows if r.get(f"{metric}_mean", "") != ""), key=lambda r: r[x])
    if not rows:
        return
    xs = np.array([r[x] for r in rows], float)
    mean = np.array([r[f"{metric}_mean"] for r in rows], float)
    std = np.array([r[f"{metric}_std"] for r in rows], float)
    ax.plot(xs, mean, "--" if dashed else "-", marker="s" if dashed else "o", ms=2.5, lw=1.2,
            label=label, color=colour)
    if band:
        ax.fill_between(xs, np.clip(mean - std, 0, 1), np.clip(mean + std, 0, 1), alpha=0.18,
                        color=colour, lw=0)


def save(fig, out: Path, name: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.pdf", out / f"{name}.png"]
    for p in paths:
        fig.savefig(p)
    plt.close(fig)
    return paths


def seeds_note(rows) -> str:
    counts = sorted({int(r["count"]) for r in rows})
    return f"mean ± std over {'/'.join(map(str, counts))} seeds"


PROPOSERS = ("random", "induce", "neural", "neural_self_taught", "hybrid", "mean_field",
             "neural_mean_field")  # drawn in this order
PROPOSER_COLOURS = {"random": OKABE_ITO[0], "induce": OKABE_ITO[1], "neural": OKABE_ITO[4],
                    "neural_self_taught": OKABE_ITO[5], "hybrid": OKABE_ITO[3],
                    "mean_field": OKABE_ITO[6], "neural_mean_field": OKABE_ITO[2],
                    "exhaustive": OKABE_ITO[7]}


def fig_drafts(rows, out, name, report):
    """H1, drafts: one column per regime (the declared `panels`), one row per metric (the
    declared `figure_metrics`, else `metrics`), one line per compared condition (`series`)
    against K; a condition run at one K only (exhaustive: the ceiling) is a dotted line."""
    series = [a for a, _ in report.get("series", [])]
    panel_axes = report.get("panels", [])
    panels = conditions(rows, [a for a, _ in panel_axes]) or [{}]
    declared = report.get("figure_metrics", report.get("metrics", []))
    metrics = [(m, label.format(qh="h")) for m, label in declared
               if any(r.get(f"{m}_mean", "") != "" for r in rows)]
    lines = conditions(rows, series)
    fig, axes = plt.subplots(len(metrics), len(panels), sharex=True, sharey=True, squeeze=False,
                             figsize=(1.9 * len(panels) + 1.2, 1.6 * len(metrics) + 0.4))
    for j, panel in enumerate(panels):
        for i, (metric, label) in enumerate(metrics):
            ax = axes[i, j]
            for k, c in enumerate(lines):
                sub = where(rows, **panel, **c)
                text = ", ".join(value_text(v) for v in c.values())
                first = next(iter(c.values()), "")
                colour = PROPOSER_COLOURS.get(first, OKABE_ITO[k % len(OKABE_ITO)])
                dashed = k % 2 == 1 and len(series) > 1  # the second series axis: dashed
                if len({r["num_drafts"] for r in sub}) == 1 and sub[0].get(f"{metric}_mean", "") != "":
                    ax.axhline(sub[0][f"{metric}_mean"], color=colour, lw=0.8, ls=":",
                               label=f"{text} (one K)")
                else:
                    line(ax, sub, "num_drafts", metric, text, colour, dashed=dashed)
            ax.set_xscale("log", base=2)
            ax.set_ylim(-0.03, 1.03)
            if i == 0 and panel:
                ax.set_title(", ".join(f"{lab} {value_text(panel[a])}" for a, lab in panel_axes), fontsize=7)
            if j == 0:
                ax.set_ylabel(label, fontsize=7)
            if i == len(metrics) - 1:
                ax.set_xlabel("drafts K (count)")
    handles, texts = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="lower center", ncol=min(len(texts), 4), frameon=False,
               bbox_to_anchor=(0.5, -0.04 - 0.02 * (len(texts) // 4)))
    fig.suptitle(f"{report['title']}: drafts vs K ({seeds_note(rows)})", y=1.0)
    return save(fig, out, name)


def fig_selection(rows, out, name, report):
    """H1, selection: one column per condition of the declared row axes after the first, one
    row per declared metric; bars per value of the first axis (the proposer) over selectors."""
    axes_decl = report.get("rows", [])
    series_key = axes_decl[0][0]
    panels = conditions(rows, [a for a, _ in axes_decl[1:]]) or [{}]
    metrics = [(m, label.format(qh="h")) for m, label in report.get("metrics", [])
               if any(r.get(f"{m}_mean", "") != "" for r in rows)]
    selectors = list(dict.fromkeys(r["selector"] for r in rows))
    series = list(dict.fromkeys(r[series_key] for r in rows))
    fig, axes = plt.subplots(len(metrics), len(panels), figsize=(2.4 * len(panels) + 0.6,
                                                                  2.2 * len(metrics) + 0.4),
                             sharey=True, squeeze=False)
    width = 0.8 / max(len(series), 1)
    for i, (metric, label) in enumerate(metrics):
        for j, panel in enumerate(panels):
            ax = axes[i, j]
            for k, value in enumerate(series):
                cells = [where(rows, **panel, **{series_key: value}, selector=s) for s in selectors]
                ax.bar(np.arange(len(selectors)) + (k - (len(series) - 1) / 2) * width,
                       [c[0][f"{metric}_mean"] if c else np.nan for c in cells], width,
                       yerr=[c[0][f"{metric}_std"] if c else 0 for c in cells], label=value,
                       color=PROPOSER_COLOURS.get(value, OKABE_ITO[k % len(OKABE_ITO)]), capsize=1.5)
            ax.set_xticks(range(len(selectors)), selectors, fontsize=6)
            ax.set_ylim(0, 1.05)
            if i == 0 and panel:
                ax.set_title(", ".join(f"{lab} {value_text(panel[a])}" for a, lab in axes_decl[1:]
                                       if a in panel))
            if j == 0:
                ax.set_ylabel(f"{label} (fraction)")
            if i == len(metrics) - 1:
                ax.set_xlabel("selector")
    axes[0, 0].legend(frameon=False, title=axes_decl[0][1], fontsize=6)
    fig.suptitle(f"{report['title']}: selectors on the same drafts ({seeds_note(rows)})", y=1.02)
    return save(fig, out, name)


def training_horizon(results: Path, name: str) -> int | None:
    """The training horizon of an experiment's trained reasoners, from its saved meta.json
    (None where the run saved no parameters: the figure then marks none)."""
    from experiments.reporting.verdicts import parameters

    path = results / name / "meta.json"
    params = parameters(json.loads(path.read_text()) if path.exists() else {})
    return next((p["train_horizon"] for r, p in params.items() if r != "symbolic"), None)


def fig_extrapolation(rows, out, train_h, results_name="test_time", report=None):
    """H4 as asked: exact at T = h against the horizon h (the training horizon marked), per
    reasoner and size; and the halting head's accuracy against its iteration budget."""
    report = report or {}
    word_h, size = report.get("horizon", "horizon"), report.get("size", "{g}x{g}")
    curve = where(rows, kind="curve")
    grids = sorted({r["grid"] for r in curve})
    reasoners = [n for n in ("symbolic", "neural", "end_to_end", "latent")
                 if where(curve, reasoner=n)]
    fig, axes = plt.subplots(1, len(grids) + 1, figsize=(2.9 * (len(grids) + 1) + 1.6, 2.5),
                             squeeze=False)
    for j, g in enumerate(grids):
        ax = axes[0, j]
        for name in reasoners:
            at_h = [r for r in where(curve, reasoner=name, mode="fixed", grid=g)
                    if r["iterations"] == r["horizon"]]
            line(ax, at_h, "horizon", "exact", name, COLOURS[name])
        if train_h:
            ax.axvline(train_h, color="grey", lw=0.8, ls=":", label=f"training horizon {train_h}")
        ax.set_xscale("log", base=2)
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel(f"{word_h} h, T = h")
        ax.set_title(size.format(g=int(g)))
        if j == 0:
            ax.set_ylabel("exact (fraction of tasks)")
    axes[0, 0].legend(loc="lower left", frameon=False, fontsize=6)
    ax = axes[0, -1]
    stable = where(rows, kind="until_stable_budget", grid=min(grids))
    for name in reasoners:
        for mode, dashed in (("learned", True), ("detector", False)):
            line(ax, where(stable, reasoner=name, mode=mode), "iterations", "exact",
                 f"{name}, {'halting head' if dashed else 'cycle detector'}", COLOURS[name],
                 dashed=dashed)
    if not stable:  # results saved before the preset measured it
        ax.text(0.5, 0.5, "not in these results\n(rerun the test_time preset)",
                ha="center", va="center", transform=ax.transAxes, fontsize=7)
    ax.set_xscale("log", base=2)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("iteration budget")
    ax.set_title(f"run until stable, {size.format(g=int(min(grids)))}")
    if stable:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=6)
    fig.suptitle(f"H4: extrapolation past the training horizon ({seeds_note(curve)}; "
                 "where a line is missing it lies under another)", y=1.02)
    return save(fig, out, f"{results_name}_extrapolation")


def fig_test_time(rows, out, name, report):
    """H4: exact vs iterations per (horizon, size), and the until-stable iterations used; the
    declaration words the axes (`horizon`, `size`: life horizons and grids, logic proof
    depths and atoms)."""
    horizon_word, stable_word = report.get("horizon", "horizon"), "stable"

    def size_label(g):
        return report.get("size", "{g}x{g}").format(g=int(g))
    curve = where(rows, kind="curve")
    horizons = sorted({r["horizon"] for r in curve})
    grids = sorted({r["grid"] for r in curve})
    reasoners = [n for n in ("symbolic", "neural", "end_to_end", "latent")
                 if where(curve, reasoner=n)]
    fig, axes = plt.subplots(len(horizons), len(grids), figsize=(2.8 * len(grids), 2.0 * len(horizons)),
                             sharex=True, sharey=True, squeeze=False)
    for i, h in enumerate(horizons):
        for j, g in enumerate(grids):
            ax = axes[i, j]
            for reasoner in reasoners:
                for mode in ("fixed", "halting"):
                    sub = where(curve, reasoner=reasoner, mode=mode, horizon=h, grid=g)
                    line(ax, sub, "iterations", "exact",
                         f"{reasoner}" + (" + halting head" if mode == "halting" else ""),
                         COLOURS[reasoner], dashed=mode == "halting")
            ax.axvline(h, color="grey", lw=0.6, ls=":")
            ax.set_xscale("log", base=2)
            ax.set_ylim(-0.03, 1.03)
            ax.set_title(f"{horizon_word} {int(h)}, {size_label(g)}")
            if j == 0:
                ax.set_ylabel("exact (fraction of tasks)")
            if i == len(horizons) - 1:
                ax.set_xlabel("iterations T (count)")
    axes[0, -1].legend(loc="upper left", frameon=False, fontsize=6)
    fig.suptitle(f"H4: accuracy vs test-time iterations ({seeds_note(curve)}; "
                 "dotted: T = horizon)", y=1.0)
    paths = save(fig, out, name)
    stable = where(rows, kind="until_stable")
    if stable:
        fig, ax = plt.subplots(figsize=(max(4.2, 0.55 * len(stable)), 2.6))
        labels = [f"{r['reasoner'].replace('end_to_end', 'e2e')}, {r['mode']}, "
                  f"{size_label(r['grid'])}" for r in stable]
        x = np.arange(len(stable))
        ax.bar(x - 0.2, [r["iterations_used_mean"] for r in stable], 0.4,
               yerr=[r["iterations_used_std"] for r in stable], label="iterations used",
               color=OKABE_ITO[0], capsize=1.5)
        ax.bar(x + 0.2, [r["mu_true_mean"] for r in stable], 0.4,
               label=f"true steps to {stable_word} mu", color=OKABE_ITO[1])
        ax.set_xticks(x, labels, fontsize=6, rotation=40, ha="right")
        ax.set_ylabel("iterations (count)")
        ax.legend(frameon=False)
        ax.set_title(f"run until {stable_word}: iterations used vs the true number")
        paths += save(fig, out, f"{name}_halting")
    return paths


def fig_counterfactual(rows, out, name, report):
    """H3, counterfactual: exact on the near and far test rule sets per horizon (columns),
    one row of panels per compiler where the rows sweep `compiler.proposer`."""
    horizons = sorted({r["horizon"] for r in rows})
    proposers = list(dict.fromkeys(r.get("compiler.proposer", "") for r in rows))
    sets = report.get("sets", ["near", "far"])
    fig, axes = plt.subplots(len(proposers), len(horizons), sharey=True, squeeze=False,
                             figsize=(2.6 * len(horizons), 2.4 * len(proposers)))
    series = [("neural", "neural"), ("end_to_end", "end_to_end"), ("neural", "symbolic")]
    for i, proposer in enumerate(proposers):
        mine = [r for r in rows if r.get("compiler.proposer", "") == proposer]
        for j, h in enumerate(horizons):
            ax = axes[i, j]
            for k, (trained, evaluated) in enumerate(series):
                cells = [where(mine, reasoner=trained, evaluated=evaluated, rules=which, horizon=h)
                         for which in ("near", "far")]
                label = evaluated if evaluated == "symbolic" else f"{evaluated} (trained on family)"
                ax.bar(np.arange(2) + (k - 1) * 0.27, [c[0]["exact_mean"] if c else np.nan for c in cells],
                       0.27, yerr=[c[0]["exact_std"] if c else 0 for c in cells], capsize=1.5,
                       label=label, color=COLOURS[evaluated])
            ax.set_xticks(range(2), list(sets))
            ax.set_ylim(0, 1.05)
            ax.set_title(f"{report.get('horizon', 'horizon')} {int(h)}"
                         + (f", compiler.proposer={proposer}" if proposer else ""), fontsize=7)
            if j == 0:
                ax.set_ylabel("exact (fraction of tasks)")
    axes[0, 0].legend(frameon=False, fontsize=6)
    fig.suptitle(f"{report['title']} ({seeds_note(rows)})", y=1.02)
    return save(fig, out, name)


def fig_inconsistency(rows, out, name, report):
    """H3, inconsistency: the declared metrics against each corruption's amount."""
    amounts = report.get("amounts", [])
    metrics = [(m, label.format(qh="h")) for m, label in report.get("metrics", [])]
    fig, axes = plt.subplots(1, len(amounts), figsize=(3.0 * len(amounts), 2.4), squeeze=False)
    for ax, (kind, xlabel) in zip(axes[0], amounts, strict=True):
        sub = where(rows, corruption=kind)
        for k, (metric, label) in enumerate(metrics):
            line(ax, sub, "amount", metric, label, OKABE_ITO[(0, 7, 3, 1)[k % 4]], dashed=k == 1)
        ax.set_xlabel(xlabel)
        ax.set_ylim(-0.03, 1.03)
    axes[0, 0].set_ylabel("fraction of tasks")
    axes[0, 0].legend(frameon=False, fontsize=6)
    fig.suptitle(f"{report['title']} ({seeds_note(rows)})", y=1.02)
    return save(fig, out, name)


def fig_example(example: dict, out):
    """Demos, three drafts (chosen / rejected, with why) and a trajectory vs the truth."""
    steps = len(example["trajectory"])
    fig = plt.figure(figsize=(1.0 * steps, 4.6))
    grid = fig.add_gridspec(3, steps, height_ratios=[1, 0.55, 1.9], hspace=0.5)
    cmap = matplotlib.colors.ListedColormap(["#FFFFFF", OKABE_ITO[0]])

    def show(ax, g, title):
        ax.imshow(np.asarray(g), cmap=cmap, vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=6)
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_linewidth(0.5)

    pairs = list(zip(example["demo_inputs"], example["demo_outputs"], strict=True))
    for k, (x, y) in enumerate(pairs[: steps // 2]):
        show(fig.add_subplot(grid[0, 2 * k]), x, f"demo {k + 1} input")
        show(fig.add_subplot(grid[0, 2 * k + 1]), y, f"demo {k + 1} output")
    text = fig.add_subplot(grid[1, :])
    text.axis("off")
    lines = [f"true rule {example['rule_true']}; {example['num_drafts']} drafts proposed"]
    for d in example["drafts"]:
        status = ("CHOSEN" if d["chosen"] else "consistent" if d["consistent"] else "REJECTED")
        why = "" if d["consistent"] else (f": {d['wrong_cells']} demo cells wrong, blamed entries "
                                          f"{', '.join(d['blamed_entries'][:6]) or '-'}"
                                          + (" (best score; no draft consistent)"
                                             if d["chosen"] else ""))
        lines.append(f"{status} draft {d['rule']}{why}")
    text.text(0, 1, "\n".join(lines), va="top", fontsize=6, family="monospace")
    sub = grid[2, :].subgridspec(2, steps, hspace=0.35)
    for t, (a, b) in enumerate(zip(example["trajectory"], example["truth"], strict=True)):
        show(fig.add_subplot(sub[0, t]), a, f"{example['reasoner']} t={t}")
        show(fig.add_subplot(sub[1, t]), b, f"truth t={t}")
    return save(fig, out, "example")


def fig_consistency_check(rows, out, name, report):
    """The internal-consistency check on / off: exact and chosen-contradictory shares per
    selector and check, one panel per declared condition (`rows`)."""
    from experiments.reporting.verdicts import mean_of

    axes_decl = report.get("rows", [])
    panels = conditions(rows, [a for a, _ in axes_decl]) or [{}]
    variants = list(dict.fromkeys((r["selector"], r["check"]) for r in rows))
    metrics = [("exact_symbolic", "exact", COLOURS["symbolic"]),
               ("p_chosen_contradictory", "chosen contradicts itself", OKABE_ITO[5])]
    fig, axes = plt.subplots(1, len(panels), figsize=(2.6 * len(panels), 2.6), sharey=True, squeeze=False)
    width = 0.8 / len(metrics)
    for ax, panel in zip(axes[0], panels, strict=True):
        for k, (metric, label, colour) in enumerate(metrics):
            values = [mean_of(where(rows, **panel, selector=s, check=c), metric) for s, c in variants]
            ax.bar(np.arange(len(variants)) + (k - (len(metrics) - 1) / 2) * width, values, width,
                   label=label, color=colour)
        ax.set_xticks(range(len(variants)), [f"{s}, {'check' if c == 'demos+internal' else 'no check'}"
                                             for s, c in variants], fontsize=6, rotation=20)
        ax.set_ylim(0, 1.05)
        ax.set_title(", ".join(f"{lab} {value_text(panel[a])}" for a, lab in axes_decl if a in panel))
    axes[0, 0].set_ylabel("fraction")
    axes[0, 0].legend(frameon=False, fontsize=6)
    fig.suptitle(f"{report['title']} ({seeds_note(rows)})", y=1.02)
    return save(fig, out, name)


def order_label(row) -> str:
    """A budget row's search order, a guided variant's share of the guide named: the row's
    `guide_share`, else its `task.search_guide_mix` override, else 1 (the guide alone: rows
    written before the share existed)."""
    if row["order"] != "guided":
        return row["order"]
    share = next((row[k] for k in ("guide_share", "task.search_guide_mix")
                  if row.get(k, "") not in ("", None)), 1.0)
    return f"guided (share {float(share):g})"


def fig_budget(rows, out, name, report):
    """H1 with a learned meta-module: the first declared metric (pass@2) against the search's
    budget, states kept per task (log scale) and median seconds per task, a line per order."""
    metric, label = report["metrics"][0]
    orders = sorted({order_label(r) for r in rows})
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 2.6), sharey=True)
    for k, order in enumerate(orders):
        sub = sorted((r for r in rows if order_label(r) == order), key=lambda r: r["search_states"])
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        ys = [r[f"{metric}_mean"] for r in sub]
        axes[0].plot([r["search_states"] for r in sub], ys, "o-", color=colour, label=order)
        axes[1].plot([r["task_s_mean"] for r in sub], ys, "o-", color=colour, label=order)
    axes[0].set_xscale("log")
    axes[0].set_xlabel("states kept per task")
    axes[1].set_xlabel("median seconds per task")
    axes[0].set_ylabel(f"{label} (fraction)")
    axes[0].legend(frameon=False, title="search order", fontsize=6)
    fig.suptitle(f"{report['title']} ({seeds_note(rows)})", y=1.02)
    return save(fig, out, name)
