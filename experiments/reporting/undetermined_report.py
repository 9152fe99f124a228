"""Figures and RESULTS.md sections of the `undetermined` presets (logic): precision and
coverage of the vote's committed answers vs K, prior and commit share, beside the exact
version space (results/logic_undetermined*/summary.csv)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from experiments.reporting.plots import OKABE_ITO, save, seeds_note, where
from experiments.reporting.verdicts import budget, mean_of, table, verdict_drafts

VOTES = [("induce", "uniform", OKABE_ITO[1], "--"), ("induce", "length", OKABE_ITO[1], "-"),
         ("induce_span", "uniform", OKABE_ITO[2], "--"), ("induce_span", "length", OKABE_ITO[2], "-")]


def top_k(rows) -> int:
    """The largest K the vote rows have (64 at scale=small: the K the targets name)."""
    return int(max((r["num_drafts"] for r in rows if r["answerer"] == "vote"), default=0))


def _panels(rows):
    observed = sorted({r.get("task.observed", 1.0) for r in rows}, reverse=True)
    return [(d, o) for d in sorted({r["task.num_demos"] for r in rows}) for o in observed]


def _match(demos, observed, rows):
    return {"task.num_demos": demos} | ({"task.observed": observed} if "task.observed" in rows[0] else {})


def _title(demos, observed, rows):
    unit = "trials" if "task.observed" not in rows[0] else "demos"
    return f"{int(demos)} {unit}" + (f", {100 * observed:g}% observed" if "task.observed" in rows[0] else "")


def fig_undetermined(rows, out, name="logic_undetermined"):
    """Precision vs coverage of committed answers: each line is one (proposer, prior) at
    K = 64 over the commit shares (dotted: spanning drafts with the prior at K = 4 and 16);
    the exact version space is the star."""
    panels = _panels(rows)
    fig, axes = plt.subplots(1, len(panels), figsize=(2.4 * len(panels), 2.6), sharey=True,
                             squeeze=False)
    for j, (demos, observed) in enumerate(panels):
        ax = axes[0, j]
        match = _match(demos, observed, rows)
        for proposer, prior, colour, style in VOTES:
            sub = sorted(where(rows, **match, proposer=proposer, prior=prior, num_drafts=top_k(rows),
                               answerer="vote"), key=lambda r: r["commit"])
            if sub:
                ax.plot([r["coverage_mean"] for r in sub], [r["precision_mean"] for r in sub], style,
                        marker="o", ms=2.5, lw=1.2, color=colour, label=f"{proposer}, {prior}")
        for k, alpha in ((4, 0.35), (16, 0.6)):  # the prior's curve at smaller K
            sub = sorted(where(rows, **match, proposer="induce_span", prior="length", num_drafts=k,
                               answerer="vote"), key=lambda r: r["commit"])
            if sub:
                ax.plot([r["coverage_mean"] for r in sub], [r["precision_mean"] for r in sub], ":",
                        marker=".", ms=2, lw=1.0, color=OKABE_ITO[2], alpha=alpha,
                        label=f"induce_span, length, K = {k}")
        for answerer, colour in (("version_space", "black"), ("version_space_positive", OKABE_ITO[3])):
            sub = where(rows, **match, answerer=answerer)
            if sub and sub[0]["coverage_mean"] > 0:
                ax.plot([sub[0]["coverage_mean"]], [sub[0]["precision_mean"]], "*", ms=8, color=colour,
                        label=answerer.replace("_positive", " (present objects)"))
            elif sub:  # it commits to nothing: no precision to draw
                ax.text(0.02, 0.04, f"{answerer}: commits to nothing", transform=ax.transAxes,
                        fontsize=6)
        ax.set_title(_title(demos, observed, rows))
        ax.set_xlabel("coverage (share committed)")
        ax.set_xlim(-0.03, 1.03)
        if j == 0:
            ax.set_ylabel("precision (committed right)")
    lows = [line.get_ydata().min() for ax in axes[0] for line in ax.get_lines()]
    axes[0, 0].set_ylim(max(0.0, min(lows, default=0.0) - 0.02), 1.01)
    labelled = {}
    for ax in axes[0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            labelled.setdefault(label, handle)
    fig.legend(list(labelled.values()), list(labelled), loc="upper center", ncol=4, frameon=False,
               bbox_to_anchor=(0.5, -0.02))
    fig.suptitle(f"Committed answers at K = {top_k(rows)} over the commit shares "
                 f"({seeds_note(rows)})", y=1.02)
    return save(fig, out, name)


def fig_undetermined_causal(rows, out):
    return fig_undetermined(rows, out, "logic_undetermined_causal")


def _best(rows, proposer, prior, metric="right"):
    """(commit, mean over panels of `metric`) of the best commit share at the largest K."""
    k = top_k(rows)
    commits = sorted({r["commit"] for r in where(rows, proposer=proposer, prior=prior, num_drafts=k)})
    scored = [(mean_of(where(rows, proposer=proposer, prior=prior, num_drafts=k, commit=c), metric), c)
              for c in commits]
    value, commit = max(scored)
    return commit, value


def _at(rows, metric, **match):
    return mean_of(where(rows, **match), metric)


def undetermined_causal(rows, meta):
    scale = meta["_scale"]
    vote = dict(answerer="vote", num_drafts=top_k(rows))
    chosen = _at(rows, "right", proposer="induce_span", prior="length", commit=0.9, **vote)
    commit, best = _best(rows, "induce_span", "length")
    plain = _at(rows, "right", proposer="induce", prior="uniform", commit=1.0, **vote)
    gain1 = chosen - _at(rows, "right", proposer="induce_span", prior="length", commit=0.9,
                         answerer="vote", num_drafts=1)
    ceiling = _at(rows, "right", answerer="version_space")
    sentences = [
        f"Causal-induction tasks (blicket-style, right answers three-valued by the causal reading): "
        f"at K = {top_k(rows)} the plain vote over induce's drafts is right on {100 * plain:.1f}% of "
        f"answers; drafts that span the version space with the length prior, committing at a "
        f"weighted share of 0.9 (the setting chosen on seed 1), {100 * chosen:.1f}% "
        f"(best commit share {commit:g}: {100 * best:.1f}%; target >= 95%); the exact version "
        f"space of the whole rule class (negated objects allowed) {100 * ceiling:.1f}%, over "
        f"present objects only 100% by construction. Held-out seeds 2-3; {budget(meta, scale)}.",
        f"H1 on this measure (three-valued right, K = 1 -> {top_k(rows)}, spanning drafts with the "
        f"prior): {100 * gain1:+.1f} points: "
        f"**{verdict_drafts(gain1, gain1, scale)}** (the drafts rule; scale={scale})."]
    return sentences, _table(rows, causal=True)


def undetermined(rows, meta):
    scale = meta["_scale"]
    lines, gains, met = [], [], []
    for demos, observed in _panels(rows):
        match = _match(demos, observed, rows)
        ceiling = where(rows, **match, answerer="version_space")
        if not ceiling:
            continue
        cov = ceiling[0]["coverage_mean"]
        # the vote at K = 64 with the most coverage among the settings >= 99% precise
        ok = [r for r in where(rows, **match, answerer="vote", num_drafts=top_k(rows))
              if r["precision_mean"] >= 0.99]
        top = max(ok, key=lambda r: r["coverage_mean"], default=None)
        plain = where(rows, **match, answerer="vote", num_drafts=top_k(rows), proposer="induce",
                      prior="uniform", commit=1.0)
        if demos == max(r["task.num_demos"] for r in rows):  # the target's setting
            met.append(top is not None and top["coverage_mean"] >= 0.9 * cov)
        said = (f"ceiling coverage {100 * cov:.1f}% ({_pct(ceiling, 'precision')}% right)" if cov
                else "the ceiling commits to nothing")
        lines.append(f"{int(demos)} demos, {100 * observed:g}% observed: {said}, "
                     + (f"the vote >= 99% right up to {100 * top['coverage_mean']:.1f}% coverage "
                        f"({top['proposer']}, {top['prior']}, commit {top['commit']:g})" if top else
                        "no vote setting >= 99% right")
                     + (f", the plain vote {100 * plain[0]['coverage_mean']:.1f}% coverage at "
                        f"{100 * plain[0]['precision_mean']:.1f}%" if plain else ""))
        # H1 re-judged: precision at the coverage both K = 1 and K = 64 reach (span, length)
        gains.append(_precision_gain(where(rows, **match, answerer="vote", proposer="induce_span",
                                           prior="length")))
    gains = [g for g in gains if g is not None]
    best, worst = (max(gains), min(gains)) if gains else (float("nan"), float("nan"))
    sentences = [
        "Layered rule sets (committed answers; the target: >= 99% right at >= 90% of the "
        f"ceiling's coverage with the most demos: **{'met' if met and all(met) else 'not met'}**): "
        + "; ".join(lines) + f". {budget(meta, scale)}.",
        f"H1 re-judged on committed answers (precision at equal coverage, K = 1 -> {top_k(rows)}, "
        f"spanning drafts with the prior): {100 * best:+.1f} to {100 * worst:+.1f} points over "
        f"the demo settings: **{verdict_drafts(best, worst, scale)}** (the drafts rule; "
        f"scale={scale})."]
    return sentences, _table(rows, causal=False)


def _precision_gain(rows, low=1):
    """Precision at the largest K minus K = `low` at the largest coverage both reach
    (interpolated along the commit shares), or None."""
    high = top_k(rows)
    def curve(k):
        sub = sorted(where(rows, num_drafts=k), key=lambda r: r["coverage_mean"])
        return np.array([r["coverage_mean"] for r in sub]), np.array([r["precision_mean"] for r in sub])
    (c1, p1), (c2, p2) = curve(low), curve(high)
    if not len(c1) or not len(c2):
        return None
    at = min(c1.max(), c2.max())
    return float(np.interp(at, c2, p2) - np.interp(at, c1, p1))


def _pct(rows, metric) -> str:
    """A mean in %, or '-' for precision where nothing is committed."""
    if metric == "precision" and mean_of(rows, "coverage") == 0:
        return "-"
    return f"{100 * mean_of(rows, metric):.1f}"


def _table(rows, causal: bool):
    """Causal: one row per answerer, mean over the trial counts; layered: per demo setting."""
    metrics = ("right", "coverage", "precision") if causal else ("coverage", "precision", "right")
    header = (["setting"] if not causal else []) + ["answerer", "K", "commit"] + \
        [f"{m} %" for m in metrics] + ["seconds/task (median, max)"]
    settings = [(None, {})] if causal else [
        (_title(d, o, rows), _match(d, o, rows)) for d, o in _panels(rows)]
    out = []
    for setting, match in settings:
        lead = [setting] if setting else []
        for proposer, prior, _, _ in VOTES:
            for commit in ((1.0, 0.95, 0.9, 0.8) if prior == "length" else (1.0,)):
                sub = where(rows, **match, answerer="vote", num_drafts=top_k(rows), proposer=proposer,
                            prior=prior, commit=commit)
                if sub:
                    out.append(lead + [f"vote: {proposer}, {prior}", str(top_k(rows)), f"{commit:g}"]
                               + [_pct(sub, m) for m in metrics] + ["-"])
        for answerer in ("version_space", "version_space_positive"):
            sub = where(rows, **match, answerer=answerer)
            if sub:
                worst = max(r["seconds_max_mean"] for r in sub)
                out.append(lead + [answerer, "-", "-"] + [_pct(sub, m) for m in metrics]
                           + [f"{mean_of(sub, 'seconds_median'):.3f}, {worst:.2f}"])
    return table(header, out)


FIGURES = {"logic_undetermined": fig_undetermined,
           "logic_undetermined_causal": fig_undetermined_causal}
SECTIONS = [("logic_undetermined_causal", "Logic: honest undetermined on causal-induction tasks",
             undetermined_causal),
            ("logic_undetermined", "Logic: honest undetermined on layered rule sets", undetermined)]
