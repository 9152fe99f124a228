"""The figure and RESULTS.md sections of the `undetermined` hypotheses, for any domain:
precision and coverage of the vote's committed answers vs K, prior and commit share, beside
the exact version space. The domain's settings and words come from its declaration
(`experiment.report` in conf/preset/DOMAIN/undetermined*.yaml), as in sections.py:

- `title`; `scope`: what the tasks are (the verdict sentence opens with it); `note`;
- `panels`: [[column, format], ...] the settings a panel (and a table block) is, e.g.
  [task.num_demos, "{:.0f} demos"];
- `votes`: [[proposer, prior], ...] the vote's settings, each a line (colour by proposer,
  dashes by prior); `commits`: {prior: [shares the table lists]} (default [1.0]);
- `plain`: [proposer, prior] the plain vote; `chosen`: [proposer, prior, commit] the
  spanning drafts with the prior (dotted at smaller K; H1 re-judged on them), and the
  words: `chosen_words`, `chosen_label`, `chosen_note`;
- `ceilings`: [[answerer, label], ...] the exact answerers; `ceiling_words` (causal).
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np

from experiments.reporting.plots import OKABE_ITO, save, seeds_note, where
from experiments.reporting.verdicts import Verdict, budget, mean_of, table, verdict_drafts


def votes(report):
    """(proposer, prior, colour, dashes) of each declared vote setting."""
    proposers = list(dict.fromkeys(p for p, _ in report["votes"]))
    priors = list(dict.fromkeys(q for _, q in report["votes"]))
    return [(p, q, OKABE_ITO[1 + proposers.index(p)], ("--", "-", ":")[priors.index(q)])
            for p, q in report["votes"]]


def top_k(rows) -> int:
    """The largest K the vote rows have (64 at scale=small: the K the targets name)."""
    return int(max((r["num_drafts"] for r in rows if r["answerer"] == "vote"), default=0))


def _panels(rows, report) -> list[dict]:
    """Each panel's {column: value} over the declared panel columns the rows have (the
    first ascending, the others descending: all observed before half)."""
    axes = [c for c, _ in report["panels"] if c in rows[0]]
    values = [sorted({r[c] for r in rows}, reverse=i > 0) for i, c in enumerate(axes)]
    return [dict(zip(axes, combo, strict=True)) for combo in itertools.product(*values)]


def _title(match, report) -> str:
    formats = dict(report["panels"])
    return ", ".join(formats[c].format(v) for c, v in match.items())


def fig_undetermined(rows, out, name, report):
    """Precision vs coverage of committed answers: each line is one declared vote setting at
    the largest K over the commit shares (dotted: the chosen setting at K = 4 and 16); the
    exact answerers are stars."""
    panels = _panels(rows, report)
    chosen_proposer, chosen_prior = report["chosen"][:2]
    fig, axes = plt.subplots(1, len(panels), figsize=(2.4 * len(panels), 2.6), sharey=True,
                             squeeze=False)
    for j, match in enumerate(panels):
        ax = axes[0, j]
        for proposer, prior, colour, style in votes(report):
            sub = sorted(where(rows, **match, proposer=proposer, prior=prior, num_drafts=top_k(rows),
                               answerer="vote"), key=lambda r: r["commit"])
            if sub:
                ax.plot([r["coverage_mean"] for r in sub], [r["precision_mean"] for r in sub], style,
                        marker="o", ms=2.5, lw=1.2, color=colour, label=f"{proposer}, {prior}")
        colour = next(c for p, q, c, _ in votes(report) if (p, q) == (chosen_proposer, chosen_prior))
        for k, alpha in ((4, 0.35), (16, 0.6)):  # the chosen setting's curve at smaller K
            sub = sorted(where(rows, **match, proposer=chosen_proposer, prior=chosen_prior, num_drafts=k,
                               answerer="vote"), key=lambda r: r["commit"])
            if sub:
                ax.plot([r["coverage_mean"] for r in sub], [r["precision_mean"] for r in sub], ":",
                        marker=".", ms=2, lw=1.0, color=colour, alpha=alpha,
                        label=f"{chosen_proposer}, {chosen_prior}, K = {k}")
        for (answerer, label), colour in zip(report["ceilings"], ("black", *OKABE_ITO[3:]), strict=False):
            sub = where(rows, **match, answerer=answerer)
            if sub and sub[0]["coverage_mean"] > 0:
                ax.plot([sub[0]["coverage_mean"]], [sub[0]["precision_mean"]], "*", ms=8, color=colour,
                        label=label)
            elif sub:  # it commits to nothing: no precision to draw
                ax.text(0.02, 0.04, f"{answerer}: commits to nothing", transform=ax.transAxes,
                        fontsize=6)
        ax.set_title(_title(match, report))
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


def undetermined_causal(rows, meta, report, extras=None):
    """Three-valued right answers (the tasks' right answers may be "undetermined"): the plain
    vote, the chosen spanning drafts with the prior, the exact version space; H1 as the
    gain in right answers from K = 1 to the largest K."""
    scale = meta["_scale"]
    vote = dict(answerer="vote", num_drafts=top_k(rows))
    (plain_p, plain_q), (span_p, span_q, span_c) = report["plain"], report["chosen"]
    chosen = _at(rows, "right", proposer=span_p, prior=span_q, commit=span_c, **vote)
    commit, best = _best(rows, span_p, span_q)
    plain = _at(rows, "right", proposer=plain_p, prior=plain_q, commit=1.0, **vote)
    gain1 = chosen - _at(rows, "right", proposer=span_p, prior=span_q, commit=span_c,
                         answerer="vote", num_drafts=1)
    ceiling = _at(rows, "right", answerer=report["ceilings"][0][0])
    spent, target = budget(meta, scale), "met" if chosen >= 0.95 else "not met"
    h1 = verdict_drafts(gain1, gain1, scale)
    first = (
        f"{report['scope']}: at K = {top_k(rows)} the plain vote over {plain_p}'s drafts is right on "
        f"{100 * plain:.1f}% of answers; {report['chosen_words']}, committing at a weighted share of "
        f"{span_c:g} ({report['chosen_note']}), {100 * chosen:.1f}% (best commit share {commit:g}: "
        f"{100 * best:.1f}%; target >= 95%: **{target}**); "
        f"{report['ceiling_words'].format(pct=100 * ceiling)}. {report['note']}; {spent}.")
    second = (
        f"H1 on this measure (three-valued right, K = 1 -> {top_k(rows)}, {report['chosen_label']}): "
        f"{100 * gain1:+.1f} points: **{h1}** (the drafts rule; {spent}).")
    claim = report["scope"].split(" (")[0]
    return [Verdict(first, claim=f"{claim}: >= 95% of answers right (three-valued) at K = {top_k(rows)}",
                    word=target, budget=spent,
                    number=f"{100 * chosen:.1f}% right with the chosen setting; "
                           f"plain vote {100 * plain:.1f}%"),
            Verdict(second, claim=f"H1 on {claim.lower()} (three-valued right answers)", word=h1,
                    budget=spent, number=f"{100 * gain1:+.1f} points, K = 1 -> {top_k(rows)}")], \
        _table(rows, report, causal=True)


def undetermined(rows, meta, report, extras=None):
    """Committed answers (precision and coverage) per panel against the exact version
    space's; the target: >= 99% right at >= 90% of its coverage with the most demos; H1
    re-judged as precision at equal coverage from K = 1 to the largest K."""
    scale = meta["_scale"]
    (plain_p, plain_q), (span_p, span_q) = report["plain"], report["chosen"][:2]
    first = report["panels"][0][0]
    lines, gains, met, numbers = [], [], [], []
    for match in _panels(rows, report):
        ceiling = where(rows, **match, answerer=report["ceilings"][0][0])
        if not ceiling:
            continue
        cov = ceiling[0]["coverage_mean"]
        # the vote at the largest K with the most coverage among the settings >= 99% precise
        ok = [r for r in where(rows, **match, answerer="vote", num_drafts=top_k(rows))
              if r["precision_mean"] >= 0.99]
        top = max(ok, key=lambda r: r["coverage_mean"], default=None)
        plain = where(rows, **match, answerer="vote", num_drafts=top_k(rows), proposer=plain_p,
                      prior=plain_q, commit=1.0)
        if match[first] == max(r[first] for r in rows):  # the target's setting
            met.append(top is not None and top["coverage_mean"] >= 0.9 * cov)
            numbers.append((f">= 99% right up to {100 * top['coverage_mean']:.1f}% coverage" if top
                            else "no setting >= 99% right") + f" vs the ceiling's {100 * cov:.1f}%")
        said = (f"ceiling coverage {100 * cov:.1f}% ({_pct(ceiling, 'precision')}% right)" if cov
                else "the ceiling commits to nothing")
        lines.append(f"{_title(match, report)}: {said}, "
                     + (f"the vote >= 99% right up to {100 * top['coverage_mean']:.1f}% coverage "
                        f"({top['proposer']}, {top['prior']}, commit {top['commit']:g})" if top else
                        "no vote setting >= 99% right")
                     + (f", the plain vote {100 * plain[0]['coverage_mean']:.1f}% coverage at "
                        f"{100 * plain[0]['precision_mean']:.1f}%" if plain else ""))
        gains.append(_precision_gain(where(rows, **match, answerer="vote", proposer=span_p, prior=span_q)))
    gains = [g for g in gains if g is not None]
    best, worst = (max(gains), min(gains)) if gains else (float("nan"), float("nan"))
    spent, word = budget(meta, scale), "met" if met and all(met) else "not met"
    claim = (f"{report['scope']}, committed answers: >= 99% right at >= 90% of the ceiling's "
             "coverage with the most demos")
    h1 = verdict_drafts(best, worst, scale)
    sentences = [
        Verdict(f"{claim} **{word}** ({spent}): " + "; ".join(lines) + ".", claim=claim, word=word,
                budget=spent, number="; ".join(numbers) or "no rows with the most demos"),
        Verdict(f"H1 re-judged on committed answers (precision at equal coverage, K = 1 -> {top_k(rows)}, "
                f"{report['chosen_label']}): {100 * best:+.1f} to {100 * worst:+.1f} points over "
                f"the demo settings: **{h1}** (the drafts rule; {spent}).",
                claim=f"H1 re-judged on committed answers ({report['scope'].lower()})", word=h1,
                budget=spent, number=f"{100 * best:+.1f} to {100 * worst:+.1f} points precision at "
                                     f"equal coverage, K = 1 -> {top_k(rows)}")]
    return sentences, _table(rows, report, causal=False)


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


def _table(rows, report, causal: bool):
    """Causal: one row per answerer, mean over the panels; otherwise a block per panel."""
    metrics = ("right", "coverage", "precision") if causal else ("coverage", "precision", "right")
    header = (["setting"] if not causal else []) + ["answerer", "K", "commit"] + \
        [f"{m} %" for m in metrics] + ["seconds/task (median, max)"]
    settings = [(None, {})] if causal else [(_title(m, report), m) for m in _panels(rows, report)]
    commits = report.get("commits", {})
    out = []
    for setting, match in settings:
        lead = [setting] if setting else []
        for proposer, prior, _, _ in votes(report):
            for commit in commits.get(prior, [1.0]):
                sub = where(rows, **match, answerer="vote", num_drafts=top_k(rows), proposer=proposer,
                            prior=prior, commit=commit)
                if sub:
                    out.append(lead + [f"vote: {proposer}, {prior}", str(top_k(rows)), f"{commit:g}"]
                               + [_pct(sub, m) for m in metrics] + ["-"])
        for answerer, _ in report["ceilings"]:
            sub = where(rows, **match, answerer=answerer)
            if sub:
                worst = max(r["seconds_max_mean"] for r in sub)
                out.append(lead + [answerer, "-", "-"] + [_pct(sub, m) for m in metrics]
                           + [f"{mean_of(sub, 'seconds_median'):.3f}, {worst:.2f}"])
    return table(header, out)
