"""One RESULTS.md section writer per hypothesis, for every domain: the domain's rows, axis
labels, metrics and wording come from its declaration (`experiment.report` in
conf/preset/DOMAIN/HYPOTHESIS.yaml), so a new domain's section is a config entry.

A writer takes (rows, meta, report, extras) and returns (verdict sentences, Markdown table):
`extras` are what a domain report adds by name (life's and ARC's drafts sections); the
verdict rules are verdicts.py's. The declaration's keys:

- `title`: the section heading; `claim`: the hypothesis as its verdict names it;
- `rows`: [[column, label], ...] the conditions a table row is (the first is the figure's
  bar series);
- `metrics`: [[metric, label], ...] the numbers shown (the first is the verdict's);
  `{qh}` in a label is the scored queries' horizon;
- `verdict_on`: [[column, value], ...] the rows the verdict reads (default: all);
- `scope`, `note`: words the verdict sentence adds; the inconsistency hypothesis also has
  `corrupted`, `flagged` and `amounts` ([[corruption, x-axis label], ...]).
"""

from __future__ import annotations

from experiments.reporting import budget_report, calibration_report, undetermined_report
from experiments.reporting.plots import conditions, value_text, where
from experiments.reporting.verdicts import (
    NOT_RECORDED,
    Verdict,
    budget,
    mean_of,
    pct,
    qh,
    table,
    verdict,
    verdict_compiled_vs_e2e,
    verdict_counterfactual,
    verdict_drafts,
    verdict_inconsistency,
    verdict_selection,
    verdict_test_time,
)


def labels(report, key, meta) -> list[tuple[str, str]]:
    return [(m, label.format(qh=qh(meta))) for m, label in report.get(key, [])]


def selection(rows, meta, report, extras=None):
    """H1, selection: each selector's accuracy on the same drafts; supported if choosing by
    the check (`best`) is >= 10 points above a random draft (no check)."""
    selectors = list(dict.fromkeys(r["selector"] for r in rows))
    axes = labels(report, "rows", meta)
    metrics = [(m, label) for m, label in labels(report, "metrics", meta)
               if any(r.get(f"{m}_mean", "") != "" for r in rows)]
    lines = []
    for c in conditions(rows, [a for a, _ in axes]):
        sub = where(rows, **c)
        lines.append([value_text(v) for v in c.values()]
                     + [" / ".join(pct(where(sub, selector=s), m) for m, _ in metrics) for s in selectors])
    named = " / ".join(label for _, label in metrics)
    tab = table([label for _, label in axes] + [f"{s} {named} %" for s in selectors], lines,
                conditions=len(axes))
    on = where(rows, **dict(report.get("verdict_on", [])))
    first = metrics[0][0]
    at = {s: mean_of(where(on, selector=s), first) for s in selectors}
    word = verdict_selection(at["best"] - at["random"], meta["_scale"])
    others = "".join(f", {100 * at[s]:.1f}% with `{s}`" for s in selectors if s not in ("best", "random"))
    extra = "".join(f"; {label}: best {100 * mean_of(where(on, selector='best'), m):.1f}% vs random "
                    f"{100 * mean_of(where(on, selector='random'), m):.1f}%" for m, label in metrics[1:])
    note = f"; {report['note']}" if report.get("note") else ""
    spent = budget(meta, meta['_scale'])
    sentence = (f"{report['claim']} **{word}** ({spent}): selecting by the "
                f"check (best) gives {100 * at['best']:.1f}% {metrics[0][1]} vs "
                f"{100 * at['random']:.1f}% for a random draft (no check){others}{extra}, "
                f"{report.get('scope', 'mean over all conditions')}{note} (rule: supported if best "
                f"is >= 10 points above random).")
    number = f"{metrics[0][1]}: best {100 * at['best']:.1f}% vs random {100 * at['random']:.1f}%"
    return [Verdict(sentence, claim=report["claim"], word=word, number=number, budget=spent)], tab


def inconsistency(rows, meta, report, extras=None):
    """H3, inconsistency: accuracy as the chosen rule set is corrupted, and how often the
    checker flags it; supported if >= 1 corruption costs >= 20 points and >= 80% are flagged."""
    metrics = [(m, label) for m, label in labels(report, "metrics", meta)
               if any(r.get(f"{m}_mean", "") != "" for r in rows)]
    lines = [[r["corruption"], value_text(r["amount"])] + [pct([r], m) for m, _ in metrics] for r in rows]
    tab = table(["corruption", "amount"] + [f"{label} %" for _, label in metrics], lines, conditions=2)
    clean = mean_of(where(rows, corruption="entries", amount=0.0), "exact_symbolic")
    hit = [r for r in where(rows, corruption="entries") if r["amount"] >= 1]
    hurt = clean - mean_of(hit, "exact_symbolic")
    flagged = mean_of(hit, "p_flagged")
    word = verdict_inconsistency(hurt, flagged, meta["_scale"])
    spent = budget(meta, meta['_scale'])
    sentence = (f"{report['claim']} **{word}** ({spent}): "
                f"{report['corrupted']} costs {100 * hurt:.1f} points of exact accuracy (from "
                f"{100 * clean:.1f}%), and the checker {report['flagged']} in {100 * flagged:.1f}% of "
                "cases (rule: supported if >= 20 points lost and >= 80% flagged).")
    number = f"-{100 * hurt:.1f} points exact (from {100 * clean:.1f}%), {100 * flagged:.1f}% flagged"
    return [Verdict(sentence, claim=report["claim"], word=word, number=number, budget=spent)], tab


WRITERS = {"selection": selection, "inconsistency": inconsistency}


def size_text(report, g) -> str:
    """A size as the declaration words it (`size`: life "{g}x{g}", logic "{g} atoms")."""
    return report.get("size", "{g}x{g}").format(g=int(g))


def test_time(rows, meta, report, extras=None):
    """H4 (exact at T = horizon past the training horizon: the latent reasoner's verdict) and
    H2 (compiled neural vs end-to-end at the largest horizon and size). Declared: `claim`,
    `claim_h2`, `horizon` (the horizon's word), `size`, `training` (what the reasoners were
    trained on; `{train_h}` and `{ratio}` are filled in), `training_h2` (the same for H2, from
    the neural reasoner's saved parameters), `verdict_horizon` (default: the largest), `note`."""
    curve = where(rows, kind="curve")
    word_h = report.get("horizon", "horizon")
    horizons = sorted({r["horizon"] for r in curve})
    sizes = sorted({r["grid"] for r in curve})
    top = max(r["iterations"] for r in curve)
    names = [n for n in ("symbolic", "neural", "end_to_end", "latent") if where(curve, reasoner=n)]

    def at(name, h, g, t=None, mode="fixed"):
        return where(curve, reasoner=name, grid=g, mode=mode, horizon=h, iterations=t or h)

    lines = [[name, size_text(report, g)]
             + [f"{pct(at(name, h, g), 'exact')} / {pct(at(name, h, g, top), 'exact')} / "
                f"{pct(at(name, h, g, top, 'halting'), 'exact')}" for h in horizons]
             for name in names for g in sizes if where(curve, reasoner=name, grid=g)]
    tab = table(["reasoner", "size"] + [f"{word_h} {int(h)}" for h in horizons], lines, conditions=2)
    tab += (f"\n\nEach cell: exact % with T = {word_h} iterations / with T = {int(top)} / with the "
            f"halting head and a budget of {int(top)} (T only where T <= budget; '-' where the "
            f"T = {word_h} run was not made).")
    stable = where(rows, kind="until_stable")
    if stable:
        tab += "\n\nRun until stable (runs that stabilize within the budget):\n\n" + table(
            ["reasoner", "halting", "size", "exact %", "iterations used", "true mu"],
            [[r["reasoner"], r["mode"], size_text(report, r["grid"]), pct([r], "exact"),
              f"{r['iterations_used_mean']:.1f}", f"{r['mu_true_mean']:.1f}"] for r in stable])
    by_depth = where(rows, kind="until_stable_depth")
    if by_depth:
        queried = sorted({r["horizon"] for r in by_depth})
        cells = [[name, mode] + [
            f"{pct(where(c, horizon=h), 'exact')} / "
            + " ".join(f"{r['iterations_used_mean']:.1f} vs {r['mu_true_mean']:.1f}"
                       for r in where(c, horizon=h)) for h in queried]
            for name in names for mode in ("detector", "learned")
            if (c := where(by_depth, reasoner=name, mode=mode))]
        tab += (f"\n\nRun until the fixed point, per query {word_h} (budget {int(top)}): exact % / "
                "iterations used vs the true steps to the fixed point (the cycle detector needs "
                "extra steps to see a state repeat):\n\n"
                + table(["reasoner", "halting"] + [f"{word_h} {int(h)}" for h in queried], cells))
    small, big = min(sizes), max(sizes)
    exact = lambda name, h, g=small: mean_of(at(name, h, g), "exact") if at(name, h, g) else float("nan")
    scale, params = meta["_scale"], meta["_parameters"]
    lo, hi = min(horizons), max(horizons)
    hv = report.get("verdict_horizon") or hi
    hv = hv if hv in horizons else hi
    path = [lo, hv, hi] if hv != hi else [lo, hi]
    parts = [f"{n} " + " -> ".join(f"{100 * exact(n, h):.1f}%" for h in path)
             for n in names if n != "symbolic"]
    train_h = params.get("latent", params.get("neural", {})).get("train_horizon", "?")
    ratio = hv / train_h if isinstance(train_h, int | float) else float("nan")
    training = report.get("training", "{ratio:g}x the training horizon {train_h}").format(
        train_h=train_h, ratio=ratio)
    latent = exact("latent", hv) if "latent" in names else float("nan")
    note = f" {report['note']}" if report.get("note") else ""
    word, spent = verdict_test_time(latent, scale), budget(meta, scale, ('latent',))
    sentence = (f"{report['claim']} **{word}** "
                f"({spent}): exact at T = {word_h} for {word_h}s "
                + " -> ".join(str(int(h)) for h in path) + f" ({training}) on {size_text(report, small)}: "
                + "; ".join(parts) + f". The verdict is the latent reasoner's at {word_h} {int(hv)} "
                f"(rule: supported if >= 95%, refuted below 50%); {neural_spec(meta)}{note}")
    h4 = Verdict(sentence, claim=report["claim"], word=word, budget=spent,
                 number=f"latent {100 * latent:.1f}% exact at {word_h} {int(hv)} ({training})")
    compiled = {h: exact("neural", h, big) for h in horizons}
    e2e = {h: exact("end_to_end", h, big) for h in horizons}
    neural = {"train_grid": "?", "train_horizon": "?", **params.get("neural", {})}
    training_h2 = f" ({report['training_h2'].format(**neural)})" if report.get("training_h2") else ""
    word2 = verdict_compiled_vs_e2e(compiled[hi], e2e[hi], scale)
    spent2 = budget(meta, scale, ('neural', 'end_to_end'))
    h2 = (f"{report['claim_h2']} **{word2}** "
          f"({spent2}): exact at T = {word_h} on "
          f"{size_text(report, big)}{training_h2}, compiled neural vs end-to-end: "
          + ", ".join(f"{word_h} {int(h)} {100 * compiled[h]:.1f}% vs {100 * e2e[h]:.1f}%" for h in horizons)
          + f" (rule: supported if >= 20 points apart at the largest {word_h}, refuted below 5).")
    h2 = Verdict(h2, claim=report["claim_h2"], word=word2, budget=spent2,
                 number=f"compiled neural {100 * compiled[hi]:.1f}% vs end-to-end {100 * e2e[hi]:.1f}% "
                        f"exact at {word_h} {int(hi)} on {size_text(report, big)}")
    return [h4, h2], tab


def neural_spec(meta) -> str:
    """What the compiled neural reasoner's spec (reasoner/registry.py) declares, for the H4
    sentence: a certifiable discrete reasoner is exact at every T wherever its certificate
    passes (`make certify`); whether one passed is not in these rows."""
    from reasoner.registry import get_spec

    try:
        spec = get_spec(meta.get("_domain", ""), "neural")
    except ValueError:
        return "this domain declares no compiled neural reasoner."
    if spec.certifiable and spec.discrete:
        return ("the compiled neural reasoner's spec declares it discrete and certifiable: where its "
                "certificate passes (`make certify`, not part of these rows) it is exact at every T.")
    return ("the compiled neural reasoner's spec does not declare it certifiable: its curve is "
            "measured, not guaranteed.")


def counterfactual(rows, meta, report, extras=None):
    """H3, counterfactual rule sets: reasoners trained on a family of rule sets, tested on
    held-out ones near (in) and far from it. Declared: `claim`, `trained_on`, `near`, `far`
    (`{family_radius}`, `{family_centre}`, `{far_distance}` from the saved parameters),
    `horizon`, `scope`. One sentence per compiler where the rows sweep `compiler.proposer`."""
    word_h = report.get("horizon", "horizon")
    horizons = sorted({r["horizon"] for r in rows})
    proposers = list(dict.fromkeys(r.get("compiler.proposer", "") for r in rows))
    lines = []
    for proposer in proposers:
        for trained, evaluated in (("neural", "neural"), ("end_to_end", "end_to_end"),
                                   ("neural", "symbolic")):
            for which in ("near", "far"):
                c = where(rows, reasoner=trained, evaluated=evaluated, rules=which)
                c = [r for r in c if r.get("compiler.proposer", "") == proposer]
                if c:
                    lines.append(([proposer] if proposer else []) + [evaluated, which]
                                 + [pct(where(c, horizon=h), "exact") for h in horizons]
                                 + [pct(c, "certified")])
    head = (["compiler"] if proposers != [""] else []) + ["reasoner", "test rule sets"]
    tab = table(head + [f"{word_h} {int(h)} exact %" for h in horizons] + ["certified %"], lines,
                conditions=len(head))
    scale, params = meta["_scale"], meta["_parameters"].get("neural", {})
    fill = {k: params.get(k, "?") for k in ("family_radius", "family_centre", "far_distance")}
    unknown = f"; `?`: {NOT_RECORDED}" if "?" in fill.values() else ""
    sentences = []
    for proposer in proposers:
        mine = [r for r in rows if r.get("compiler.proposer", "") == proposer]
        e = lambda t, ev, w, mine=mine: mean_of(where(mine, reasoner=t, evaluated=ev, rules=w), "exact")
        near, far, e2e = e("neural", "neural", "near"), e("neural", "neural", "far"), \
            e("end_to_end", "end_to_end", "far")
        word = verdict_counterfactual(near, far, e2e, scale)
        claim = report["claim"] + (f" with compiler.proposer={proposer}" if proposer else "")
        scope = f", {report['scope']}" if report.get("scope") else ""
        spent = budget(meta, scale, ('neural', 'end_to_end'))
        text = (
            f"{claim} **{word}** ({spent}): "
            f"{report['trained_on'].format(**fill)}, the compiled neural reasoner is "
            f"{100 * near:.1f}% exact on {report['near'].format(**fill)} and {100 * far:.1f}% on "
            f"{report['far'].format(**fill)}; the end-to-end baseline {100 * e2e:.1f}% on the far "
            f"ones{scope}{unknown} (rule: supported if far is within 5 points of near and >= 20 points "
            "above end-to-end).")
        sentences.append(Verdict(text, claim=claim, word=word, budget=spent,
                                 number=f"compiled neural near {100 * near:.1f}%, far {100 * far:.1f}%; "
                                        f"end-to-end far {100 * e2e:.1f}%"))
    return sentences, tab


WRITERS.update(test_time=test_time, counterfactual=counterfactual)


def matches(row, pairs) -> bool:
    """Whether `row` has every (column, value) of `pairs` (compared as text: a summary reads
    booleans back as "True" / "False")."""
    return all(str(row.get(k, "")).lower() == str(v).lower() for k, v in pairs)


def drafts(rows, meta, report, extras=None):
    """H1, drafts: each declared metric at several K per condition; supported if going from
    the smallest to the largest K gains >= 10 points for one group of `verdict_over` and
    loses > 2 for none. Declared: `series` and `panels` (the row axes: what is compared, and
    the regimes), `metrics` (shown at each of `ks` present in the rows), `at_largest`
    (metrics shown at the largest K only), `verdict_on`, `verdict_exclude`, `verdict_metric`
    (default: the first metric), `verdict_metric_by` ([[column, value, metric], ...]),
    `measure` (the verdict metric in words), `scope`, `notes` (clauses: `survivors`,
    `coverage`, read on `notes_proposer`'s drafts) and `extras` (the names of what the
    domain report adds, from `extras`: each
    gives (sentences, text under the table))."""
    series, panels = labels(report, "series", meta), labels(report, "panels", meta)
    axes = [a for a, _ in series + panels]
    exclude = report.get("verdict_exclude")
    kept = [r for r in rows if not (exclude and matches(r, exclude))]  # what the verdict reads
    ks = sorted({r["num_drafts"] for r in kept})
    shown = [k for k in dict.fromkeys(report.get("ks", [ks[0], ks[-1]])) if k in ks]
    shown = list(dict.fromkeys([ks[0], *shown, ks[-1]]))
    metrics = [(m, label) for m, label in labels(report, "metrics", meta)
               if any(r.get(f"{m}_mean", "") != "" for r in rows)]
    at_largest = labels(report, "at_largest", meta)
    lines = []
    for c in conditions(rows, axes):
        sub = where(rows, **c)
        mine = [k for k in shown if where(sub, num_drafts=k)] or [max(r["num_drafts"] for r in sub)]
        lines.append([value_text(v) for v in c.values()]
                     + [" / ".join(pct(where(sub, num_drafts=k), m) for k in mine) for m, _ in metrics]
                     + [pct(where(sub, num_drafts=max(r["num_drafts"] for r in sub)), m)
                        for m, _ in at_largest])
    k_text = " / ".join(f"K={int(k)}" for k in shown)
    header = ([label for _, label in series + panels] + [f"{metrics[0][1]} % ({k_text})"]
              + [f"{label} %" for _, label in metrics[1:]] + [f"{label} %" for _, label in at_largest])
    tab = table(header, lines, conditions=len(axes))
    on = [r for r in kept if matches(r, report.get("verdict_on", []))]
    by = report.get("verdict_metric_by", [])
    gains = {}
    fixed = {col for col, _ in report.get("verdict_on", [])}
    for c in conditions(on, [a for a, _ in series if a not in fixed]):
        metric = next((m for col, v, m in by if str(c.get(col)) == str(v)),
                      report.get("verdict_metric", metrics[0][0]))
        sub = where(on, **c)
        gains[", ".join(value_text(v) for v in c.values())] = (
            mean_of(where(sub, num_drafts=ks[-1]), metric) - mean_of(where(sub, num_drafts=ks[0]), metric))
    word = verdict_drafts(max(gains.values()), min(gains.values()), meta["_scale"]) if gains else "unclear"
    notes = "".join(NOTES[n](on, ks, report.get("notes_proposer")) for n in report.get("notes", []))
    scope = f", {report['scope']}" if report.get("scope") else ""
    spent = budget(meta, meta['_scale'])
    sentence = (f"{report['claim']} **{word}** ({spent}): from K={int(ks[0])} "
                f"to K={int(ks[-1])} drafts, {report.get('measure', metrics[0][1])} changes by "
                + ", ".join(f"{100 * g:+.1f} points ({k})" for k, g in gains.items())
                + f"{scope}{notes} (rule: supported if one gains >= 10 points and none loses > 2).")
    top = max(gains, key=gains.get) if gains else None
    number = (f"{report.get('measure', metrics[0][1])}: {100 * gains[top]:+.1f} points at best ({top}), "
              f"K = {int(ks[0])} -> {int(ks[-1])}" if top else "no rows to judge")
    sentences = [Verdict(sentence, claim=report["claim"], word=word, number=number, budget=spent)]
    for name in report.get("extras", []):
        more, text = (extras or {})[name](rows, meta, ks, report)
        sentences, tab = sentences + more, tab + text
    return sentences, tab


def survivors_note(rows, ks, proposer) -> str:
    """P(true rule among the survivors) under the declared `notes_proposer`, from the smallest
    to the largest K."""
    if not proposer:
        return "; (survivors note: no `notes_proposer` declared)"
    mine = where(rows, **{"compiler.proposer": proposer})
    a, b = (mean_of(where(mine, num_drafts=k), "p_true_survives") for k in (ks[0], ks[-1]))
    return f"; P(true rule among the survivors) under {proposer} goes from {100 * a:.1f}% to {100 * b:.1f}%"


def coverage_note(rows, ks, proposer) -> str:
    """What the vote's accuracy costs in coverage (the declared `notes_proposer`'s drafts),
    and one draft abstaining at random."""
    if not proposer:
        return "; (coverage note: no `notes_proposer` declared)"
    vote = where(rows, **{"compiler.proposer": proposer, "compiler.selector": "vote"})
    a, b = (mean_of(where(vote, num_drafts=k), "coverage") for k in (ks[0], ks[-1]))
    one, many = (mean_of(where(vote, num_drafts=k), "acc_answered") for k in (ks[0], ks[-1]))
    return (f"; the vote's accuracy is bought with coverage ({proposer}: {100 * a:.1f}% -> {100 * b:.1f}% "
            f"of atoms answered); at equal coverage one draft abstaining at random stays at "
            f"{100 * one:.1f}%, so the vote's {100 * many:.1f}% means its abstentions pick out the "
            "doubtful atoms")


NOTES = {"survivors": survivors_note, "coverage": coverage_note}
WRITERS.update(drafts=drafts, drafts_few_demos=drafts)


CHECK_ON, CHECK_OFF = "demos+internal", "demos only"  # the `check` column of consistency_check


def consistency_check(rows, meta, report, extras=None):
    """The internal-consistency check changes what is chosen: per declared condition (`rows`)
    and selector, exact accuracy and the share of chosen rule sets that contradict themselves,
    with demo fit alone and with the internal check; supported if >= 10 points fewer
    contradictory choices and no loss > 2 points. Declared: `claim`, `rows`, `scope`."""
    axes = labels(report, "rows", meta)
    lines = []
    for c in conditions(rows, [a for a, _ in axes] + ["selector"]):
        on, off = where(rows, **c, check=CHECK_ON), where(rows, **c, check=CHECK_OFF)
        lines.append([value_text(v) for v in c.values()]
                     + [pct(off, "exact_symbolic"), pct(on, "exact_symbolic"),
                        pct(off, "p_chosen_contradictory"), pct(on, "p_chosen_contradictory")])
    tab = table([label for _, label in axes] + ["selector", "exact % (demos only)",
                                                "exact % (+ internal check)",
                                                "chosen contradictory % (demos only)", "(+ internal check)"],
                lines, conditions=len(axes) + 1)
    on, off = where(rows, check=CHECK_ON), where(rows, check=CHECK_OFF)
    fewer = mean_of(off, "p_chosen_contradictory") - mean_of(on, "p_chosen_contradictory")
    gain = mean_of(on, "exact_symbolic") - mean_of(off, "exact_symbolic")
    word = verdict(fewer >= 0.1 and gain > -0.02, fewer < 0.02, meta["_scale"])
    scope = f", {report['scope']}" if report.get("scope") else ""
    spent = budget(meta, meta['_scale'])
    sentence = (f"{report['claim']} **{word}** ({spent}): with the check, "
                f"{100 * fewer:.1f} points fewer chosen rule sets contradict themselves and exact "
                f"accuracy changes by {100 * gain:+.1f} points, mean over selectors and conditions"
                f"{scope} (rule: supported if >= 10 points fewer contradictory choices and no loss "
                "> 2 points).")
    number = f"{100 * fewer:.1f} points fewer contradictory choices, exact {100 * gain:+.1f} points"
    return [Verdict(sentence, claim=report["claim"], word=word, number=number, budget=spent)], tab


WRITERS["consistency_check"] = consistency_check


# the budget hypothesis's writer lives beside its rule (budget_report.py)
WRITERS["budget"] = budget_report.budget_section

# the undetermined hypotheses' writers live beside their figure (undetermined_report.py)
WRITERS.update(undetermined=undetermined_report.undetermined,
               undetermined_causal=undetermined_report.undetermined_causal)

# the calibration hypotheses' writer lives beside its figure (calibration_report.py)
WRITERS.update(calibration=calibration_report.calibration,
               calibration_causal=calibration_report.calibration,
               calibration_blicket=calibration_report.calibration)
