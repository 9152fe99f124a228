"""The figure and RESULTS.md sections of the `calibration` hypotheses (experiment=calibration,
calibration_causal, calibration_blicket; experiments/presets/calibration.py), for any domain
whose rows carry the preset's metrics: are the probabilities that K posterior drafts give
the frequencies with which the atoms come out true, and how do precision and coverage of
the three-valued answers move with K?

Jobs pool by adding: a summary row holds the mean over its seeds of each job's bin sums
(`bin{i}_n`, `bin{i}_right`, `bin{i}_confidence`), so mean x count is the sum over those
jobs, and the rows of the declared panels add up to the sum over every job. The pooled ECE
is sum_b |right_b - confidence_b| / sum_b n_b over those sums (never a mean of the jobs'
ECEs). The domain's settings and words come from its declaration (`experiment.report` in
conf/preset/DOMAIN/calibration*.yaml):

- `title`; `scope`: what the tasks are (the sentences open with it); `note` (optional);
- `panels`: [[column, format], ...] the settings a table block and a line of the figure
  are, e.g. [task.num_demos, "{:.0f} demos"];
- `chosen`: [K, commit] the setting the verdicts read (where the rows lack that K: their
  largest, said so); `h1_from`: the small K of H1 re-judged (default the smallest);
- `ece_at_most` (default 0.03); `coverage_loss_at_most`: H1's allowance (default 0.05);
- `held_out`: the seeds the verdicts are on, `development`: the seed settings were chosen on;
- `target`: {metric: precision | right, at_least, coverage_at_least (optional), panel:
  all | {column: value}}: the family's target at the chosen setting.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from experiments.reporting.plots import OKABE_ITO, conditions, save, where
from experiments.reporting.verdicts import (
    NOT_RECORDED,
    Verdict,
    budget,
    mean_of,
    table,
    verdict,
    verdict_precision_with_k,
)

METRIC_WORDS = {"precision": "precision (committed answers right)", "right": "three-valued right",
                "coverage": "coverage"}


def num_bins(rows) -> int:
    """How many confidence bins the rows carry (`bin{i}_n_mean` columns)."""
    return sum(1 for i in range(100) if rows and f"bin{i}_n_mean" in rows[0])


def bin_edges(bins: int) -> np.ndarray:
    """The preset's equal-width confidence bins on [0.5, 1]."""
    return np.linspace(0.5, 1.0, bins + 1)


def pooled_bins(rows) -> list[tuple[float, float, float]]:
    """(units, right, summed confidence) per bin, summed over every job of `rows` (a row's
    mean over its seeds x its count of seeds, added over the rows)."""
    def total(key):
        return float(sum(r[f"{key}_mean"] * r["count"] for r in rows))
    return [(total(f"bin{i}_n"), total(f"bin{i}_right"), total(f"bin{i}_confidence"))
            for i in range(num_bins(rows))]


def pooled_ece(bins) -> float:
    """sum_b |right_b - confidence_b| / sum_b n_b over pooled (n, right, confidence) sums
    (= sum_b n_b |share right_b - mean confidence_b| / n); nan without units."""
    units = sum(n for n, _, _ in bins)
    return float(sum(abs(right - conf) for _, right, conf in bins) / units) if units else float("nan")


def ece_at(rows, k, commit) -> float:
    return pooled_ece(pooled_bins(where(rows, num_drafts=k, commit=commit)))


def panel_axes(rows, report) -> list[tuple[str, str]]:
    """The declared panel columns the rows have, with their formats."""
    return [(c, f) for c, f in report.get("panels", []) if rows and c in rows[0]]


def panels(rows, report) -> list[dict]:
    """Each panel's {column: value} (ascending), [{}] without panel columns."""
    axes = [c for c, _ in panel_axes(rows, report)]
    found = conditions(sorted(rows, key=lambda r: tuple(r[c] for c in axes)), axes)
    return found or [{}]


def panel_title(match, report) -> str:
    formats = dict(report.get("panels", []))
    return ", ".join(formats[c].format(v) for c, v in match.items()) or "all tasks"


def ks_of(rows) -> list[int]:
    return sorted({int(r["num_drafts"]) for r in rows})


def setting(rows, report) -> tuple[int, float, str, str]:
    """(K, commit, the K in words, the setting in words) the verdicts read: the declared
    `chosen` where the rows have it, else their largest K and nearest commit share, said so."""
    k, commit = int(report["chosen"][0]), float(report["chosen"][1])
    ks, commits = ks_of(rows), sorted({float(r["commit"]) for r in rows})
    used_k = k if k in ks else ks[-1]
    used_c = min(commits, key=lambda c: (abs(c - commit), -c))
    k_words = f"K = {used_k}" + (f" (the largest in these rows; the chosen K = {k} is not)"
                                  if used_k != k else "")
    c_words = f"commit {used_c:g}" + (f" (the chosen {commit:g} is not in these rows)"
                                      if used_c != commit else "")
    return used_k, used_c, k_words, f"K = {used_k}, {c_words}" + (
        f" (the chosen K = {k} is not in these rows: the largest)" if used_k != k else "")


def calibration_rows(rows, report) -> list[dict]:
    """The rows of one proposer: the declared `proposer`, else the rows' first."""
    proposer = report.get("proposer") or rows[0]["proposer"]
    return where(rows, proposer=proposer)


def _pct(value) -> str:
    return "-" if value != value else f"{100 * value:.1f}"


def reliability_table(rows, k, commit) -> tuple[str, float, float]:
    """(the Markdown table per bin, the pooled ECE, the units) at (k, commit)."""
    bins = pooled_bins(where(rows, num_drafts=k, commit=commit))
    edges = bin_edges(len(bins))
    lines = []
    for i, (n, right, conf) in enumerate(bins):
        close = "]" if i == len(bins) - 1 else ")"
        lines.append([f"[{edges[i]:.1f}, {edges[i + 1]:.1f}{close}", f"{n:.0f}",
                      _pct(conf / n if n else float("nan")), _pct(right / n if n else float("nan")),
                      f"{100 * abs(right - conf) / n:.1f}" if n else "-"])
    units = sum(n for n, _, _ in bins)
    return (table(["confidence bin", "units", "mean confidence %", "share right %", "gap (points)"],
                  lines, conditions=1), pooled_ece(bins), units)


def _cell(rows, metric) -> str:
    return "-" if metric == "precision" and mean_of(rows, "coverage") == 0 else _pct(mean_of(rows, metric))


def k_table(rows, report, commit) -> str:
    """Coverage, precision, three-valued right at the chosen commit and at 1.0 per panel and
    K (mean over seeds), with seconds per task and the exact version space's timeouts."""
    lead = ["setting"] if panel_axes(rows, report) else []
    header = lead + ["K"] + [f"{m} % (commit {c:g})" for c in dict.fromkeys((commit, 1.0))
                             for m in ("coverage", "precision", "right")] + \
        ["drafting s/task (median)", "version space s/task (median)", "version space timeouts"]
    lines = []
    for match in panels(rows, report):
        for k in ks_of(rows):
            cells = []
            for c in dict.fromkeys((commit, 1.0)):
                sub = where(rows, **match, num_drafts=k, commit=c)
                cells += [_cell(sub, m) for m in ("coverage", "precision", "right")]
            sub = where(rows, **match, num_drafts=k, commit=commit)
            timeouts = sum(r["ceiling_timeouts_mean"] * r["count"] for r in sub)
            lines.append(([panel_title(match, report)] if lead else []) + [str(k)] + cells
                         + [f"{mean_of(sub, 'seconds_median'):.3f}",
                            f"{mean_of(sub, 'ceiling_seconds_median'):.3f}", f"{timeouts:.0f}"])
    return table(header, lines, conditions=len(lead) + 1)


def _tasks(rows, meta) -> str:
    """Tasks per job: the rows' `eval.num_tasks` override, else the jobs' saved parameters."""
    if rows and rows[0].get("eval.num_tasks", "") != "":
        return f"{int(rows[0]['eval.num_tasks'])} tasks a job"
    saved = {p.get("num_tasks") for p in meta.get("_parameters", {}).values()} - {None}
    return f"{int(saved.pop())} tasks a job" if len(saved) == 1 else f"tasks a job {NOT_RECORDED}"


def _seeds(rows, report) -> str:
    counts = sorted({int(r["count"]) for r in rows})
    many = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
    return f"{many} seed{'s' if counts[-1] != 1 else ''} a condition"


def seeds_words(meta, report) -> str:
    """Which seeds the rows are (the run's meta; older runs did not record them) against the
    declared held-out and development seeds."""
    held, dev = report.get("held_out"), report.get("development")
    declared = (f"declared held out: seeds {', '.join(map(str, held))}" if held else "")
    if dev is not None:
        declared += ("; " if declared else "") + f"seed {dev} is the development seed"
    ran = meta.get("seeds")
    if ran is None:
        return f"which seeds ran: {NOT_RECORDED} ({declared})" if declared else f"seeds {NOT_RECORDED}"
    text = f"seed{'s' if len(ran) != 1 else ''} {', '.join(map(str, ran))}"
    if dev is not None and dev in ran:
        return f"{text}, including the development seed {dev}: not held out"
    return f"{text}, held out ({declared})" if declared else text


def _target(rows, report, k, commit, words) -> tuple[str, str, str]:
    """(claim, met / not met, the number) of the family's declared target at the chosen
    setting."""
    target = report["target"]
    metric, at_least = target["metric"], float(target["at_least"])
    cover = target.get("coverage_at_least")
    panel = target.get("panel", "all")
    match = {} if panel in ("all", None) else dict(panel)
    sub = where(rows, **match, num_drafts=k, commit=commit)
    formats = dict(report.get("panels", []))
    where_words = ("" if not match else
                   ", " + ", ".join(formats.get(c, f"{c} = {{}}").format(v) for c, v in match.items()))
    claim = (f"{report['scope']}{where_words}: >= {100 * at_least:g}% {METRIC_WORDS[metric]}"
             + (f" at >= {100 * float(cover):g}% coverage" if cover is not None else "")
             + f" (K = {int(report['chosen'][0])}, commit {float(report['chosen'][1]):g})")
    if not sub:
        met, number = False, f"no rows at {words}{where_words}"
    else:
        value, coverage = mean_of(sub, metric), mean_of(sub, "coverage")
        met = value >= at_least and (cover is None or coverage >= float(cover))
        number = f"{_pct(value)}% {metric}" + (f" at {_pct(coverage)}% coverage" if cover is not None
                                               or metric == "precision" else "")
    return claim, "met" if met else "not met", number


def calibration(rows, meta, report, extras=None):
    """Calibration (the pooled ECE at the chosen K: <= 3 points), the family's declared
    target, and H1 re-judged on the three-valued answers: precision from K = `h1_from` to
    the chosen K at the chosen commit share, per panel, with the coverage it costs."""
    if not rows:
        return [], "No complete jobs in these results (results/NAME/summary.md lists the others)."
    rows = calibration_rows(rows, report)
    scale = meta["_scale"]
    k, commit, k_words, words = setting(rows, report)
    ks = ks_of(rows)
    reliability, ece, units = reliability_table(rows, k, commit)
    per_k = " / ".join(f"{ece_at(rows, kk, commit) * 100:.2f}" for kk in ks)
    spent = (f"{budget(meta, scale)}; {_seeds(rows, report)}, {_tasks(rows, meta)}, "
             f"{len(panels(rows, report))} panel(s), K = {'/'.join(map(str, ks))}")
    at_most = float(report.get("ece_at_most", 0.03))
    word = verdict(ece <= at_most, not ece <= at_most, scale)
    if report.get("development") in meta.get("seeds", []):  # not a held-out verdict
        word = "unclear"
    note = f" {report['note']}." if report.get("note") else ""
    claim = (f"{report['scope'].split(' (')[0]}: the posterior's P(true) at K = {int(report['chosen'][0])} "
             f"has ECE <= {100 * at_most:g} points on held-out generated tasks")
    first = Verdict(
        f"{claim} **{word}** ({spent}): pooled over seeds and panels ({seeds_words(meta, report)}) "
        f"by adding the jobs' bin sums, {units:.0f} asked units at {k_words}: ECE {100 * ece:.2f} points "
        f"(K = {' / '.join(map(str, ks))}: {per_k}).{note} (rule: supported if the pooled ECE, "
        f"sum over bins of |right - confidence| / units, is <= {100 * at_most:g} points; unclear "
        "where the rows include the development seed.)",
        claim=claim, word=word, budget=spent,
        number=f"ECE {100 * ece:.2f} points over {units:.0f} units at K = {k}")
    sentences = [first]
    if report.get("target"):
        claim_t, word_t, number_t = _target(rows, report, k, commit, words)
        sentences.append(Verdict(f"Target: {claim_t} **{word_t}** ({spent}): {number_t} at {words}.",
                                 claim=claim_t, word=word_t, number=number_t, budget=spent))
    sentences.append(_h1(rows, report, k, commit, spent, scale))
    text = (f"Reliability at {k_words} (P(true) does not depend on the commit share), pooled over "
            "seeds and panels (bin sums added; 'right': the likelier value is what the hidden rule set "
            "gives at the query; pooled ECE "
            f"{100 * ece:.2f} points):\n\n{reliability}\n\n"
            f"Three-valued answers against K (mean over seeds; precision: committed answers right, "
            f"right: three-valued against the key):\n\n{k_table(rows, report, commit)}")
    return sentences, text


def _h1(rows, report, k, commit, spent, scale) -> Verdict:
    """H1 re-judged: precision at the chosen commit from the small K to the chosen K per
    panel, with the coverage change."""
    low = int(report.get("h1_from", ks_of(rows)[0]))
    low = low if low in ks_of(rows) and low < k else ks_of(rows)[0]
    allowed = float(report.get("coverage_loss_at_most", 0.05))
    gains, losses, parts, floor = [], [], [], []
    for match in panels(rows, report):
        a, b = (where(rows, **match, num_drafts=kk, commit=commit) for kk in (low, k))
        if not a or not b:
            continue
        pa, pb = mean_of(a, "precision"), mean_of(b, "precision")
        ca, cb = mean_of(a, "coverage"), mean_of(b, "coverage")
        gains.append(pb - pa)
        losses.append(ca - cb)
        floor.append(pa)
        parts.append(f"{panel_title(match, report)}: precision {_pct(pa)}% -> {_pct(pb)}% "
                     f"({100 * (pb - pa):+.1f} points) at coverage {_pct(ca)}% -> {_pct(cb)}%")
    best, worst = (max(gains), min(gains)) if gains else (float("nan"), float("nan"))
    loss = max(losses) if losses else float("nan")
    word = verdict_precision_with_k(best, worst, loss, allowed, scale) if gains else "unclear"
    headroom = (f"; precision at K = {low} is already {_pct(min(floor))}% or more, so a 10-point gain "
                "cannot happen" if floor and 1 - min(floor) < 0.1 else "")
    scope = report["scope"].split(" (")[0].lower()
    claim = f"H1 re-judged on {scope} (precision of the committed answers, posterior drafts)"
    return Verdict(
        f"{claim}, K = {low} -> {k} at commit {commit:g}: " + "; ".join(parts)
        + f"{headroom}: **{word}** (the drafts rule on precision, with coverage falling by <= "
        f"{100 * allowed:g} points in every panel; {spent}).",
        claim=claim, word=word, budget=spent,
        number=(f"precision {100 * worst:+.1f} to {100 * best:+.1f} points, coverage "
                f"{-100 * loss:+.1f} points at worst, K = {low} -> {k}" if gains else "no rows"))


def fig_calibration(rows, out, name, report):
    """Left: the reliability diagram at the chosen K (pooled over seeds and panels; marker
    area by units, the diagonal dotted; the smallest K faint). Right: precision (solid) and
    coverage (dashed) against K at the chosen commit, a colour per panel."""
    rows = calibration_rows(rows, report)
    k, commit, _, _ = setting(rows, report)
    ks = ks_of(rows)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.2, 2.8))
    left.plot([0.5, 1.0], [0.5, 1.0], ":", color="grey", lw=0.8, label="calibrated")
    for kk, colour, alpha in ((ks[0], OKABE_ITO[5], 0.45), (k, OKABE_ITO[0], 1.0)):
        if kk == k and kk == ks[0] and alpha < 1:
            continue
        bins = [(n, r, c) for n, r, c in pooled_bins(where(rows, num_drafts=kk, commit=commit)) if n]
        if not bins:
            continue
        x = [c / n for n, _, c in bins]
        y = [r / n for n, r, _ in bins]
        total = sum(n for n, _, _ in bins)
        left.plot(x, y, "-", color=colour, alpha=alpha, lw=1.0)
        left.scatter(x, y, s=[10 + 190 * n / total for n, _, _ in bins], color=colour, alpha=alpha,
                     zorder=3, label=f"K = {kk}: ECE {100 * pooled_ece(bins):.1f} pts, {total:.0f} units")
    left.set_xlim(0.48, 1.02)
    left.set_ylim(-0.02, 1.02)
    left.set_xlabel("mean confidence in the bin")
    left.set_ylabel("share right (hidden rule set)")
    left.set_title("reliability (marker area: units)")
    left.legend(frameon=False, fontsize=6, loc="lower right")
    for j, match in enumerate(panels(rows, report)):
        colour = OKABE_ITO[(1 + j) % len(OKABE_ITO)]
        for metric, style in (("precision", "-"), ("coverage", "--")):
            sub = sorted(where(rows, **match, commit=commit), key=lambda r: r["num_drafts"])
            right.plot([r["num_drafts"] for r in sub], [r[f"{metric}_mean"] for r in sub], style,
                       marker="o", ms=2.5, lw=1.2, color=colour,
                       label=f"{panel_title(match, report)}: {metric}")
    right.set_xscale("log", base=2)
    right.set_xticks(ks, [str(x) for x in ks])
    lows = [v for line in right.get_lines() for v in line.get_ydata()]
    right.set_ylim(max(-0.02, min(lows, default=0.0) - 0.05), 1.01)
    right.set_xlabel("drafts K (count)")
    right.set_ylabel("fraction of asked units")
    right.set_title(f"commit {commit:g}: precision (solid), coverage (dashed)")
    right.legend(frameon=False, fontsize=5.5, loc="lower right", ncol=1 + len(panels(rows, report)) // 5)
    fig.suptitle(f"{report['title']}\n(left: pooled over seeds and panels; right: mean over "
                 f"{_seeds(rows, report).removesuffix(' a condition')})", y=1.1)
    return save(fig, out, name)
