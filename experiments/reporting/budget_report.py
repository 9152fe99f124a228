"""RESULTS.md's section of the `budget` hypothesis (H1 with a learned meta-module: pass@2
against the search's budget, per search order), worded by its declaration
(`experiment.report` in conf/preset/DOMAIN/budget.yaml) as sections.py's writers are; the
figure is plots.fig_budget."""

from __future__ import annotations

from experiments.reporting.plots import order_label, value_text
from experiments.reporting.verdicts import Verdict, budget, pct, table, verdict_budget


def labels(report, key) -> list[tuple[str, str]]:
    return [(m, label) for m, label in report.get(key, [])]


def budget_section(rows, meta, report, extras=None):
    """H1 with a learned meta-module: pass@2 (and the declared metrics) per search order and
    budget (states kept per task). The verdict compares the learned order (`guided`, the
    variant the declaration's `verdict_order` names) with the search's own (`table`):
    verdicts.verdict_budget's rule, with states counted as the states kept (a breadth-first
    search that ends below its cap keeps fewer)."""
    axes = labels(report, "rows")
    metrics = [(m, label) for m, label in labels(report, "metrics")
               if any(r.get(f"{m}_mean", "") != "" for r in rows)]
    ordered = sorted(rows, key=lambda r: (order_label(r), r["search_states"]))
    lines = [[order_label(r), value_text(r["search_states"]), value_text(round(r["states_mean"]))]
             + [pct([r], m) if not m.endswith("_s") and m != "depth" else value_text(round(r[f"{m}_mean"], 2))
                for m, _ in metrics] for r in ordered]
    tab = table([label for _, label in axes] + ["states kept (mean)"] + [label for _, label in metrics],
                lines, conditions=3)
    first = metrics[0][0]
    curve: dict[str, list] = {}
    for r in ordered:
        curve.setdefault(order_label(r), []).append(
            (int(r["search_states"]), r[f"{first}_mean"], r.get("task_s_mean", float("nan")),
             r["states_mean"]))
    guide = report.get("verdict_order", "guided (share 1)")
    spent = budget(meta, meta["_scale"])
    if guide not in curve or "table" not in curve:
        sentence = (f"{report['claim']} **unclear** ({spent}): the rows lack the {guide} or the "
                    "table order, so the two cannot be compared.")
        return [Verdict(sentence, claim=report["claim"], word="unclear", number="-", budget=spent)], tab
    guided, own = curve[guide], curve["table"]
    _, top_pass, top_s, _ = own[-1]
    own_kept = min(kept for _, p, _, kept in own if p >= top_pass)
    reach = [kept for _, p, _, kept in guided if p >= top_pass]
    ratio = min(reach) / own_kept if reach else float("inf")
    within = [p for _, p, sec, _ in guided if sec <= top_s]
    gain_equal = (max(within) - top_pass) if within else float("-inf")
    gain_largest = guided[-1][1] - top_pass
    word = verdict_budget(gain_equal, ratio, gain_largest, meta["_scale"])
    others = "".join(f"; {name} gets {100 * c[-1][1]:.1f}% at {c[-1][0]}" for name, c in curve.items()
                     if name not in (guide, "table"))
    at_reach = [p for cap, p, _, kept in own
                if reach and cap == next(c for c, _, _, k in guided if k == min(reach))]
    reached = (f"{guide} reaches it keeping {min(reach):.0f} states on average ({ratio:.2f} of "
               "the table's" + (f"; the table order gets {100 * at_reach[0]:.1f}% at that cap"
                               if at_reach else "") + ")"
               if reach else f"{guide} does not reach it at any budget measured")
    sentence = (f"{report['claim']} **{word}** ({spent}): the table order's {metrics[0][1]} is "
                f"{100 * top_pass:.1f}%, first reached keeping {own_kept:.0f} states on average "
                f"({top_s:.2f} s median per task at its largest budget); {reached}; at no more "
                f"median seconds {guide}'s best is "
                + (f"{100 * (top_pass + gain_equal):.1f}%" if within else "not measured")
                + f", and at {guided[-1][0]} states {100 * guided[-1][1]:.1f}% "
                f"({guided[-1][2]:.2f} s){others}; {report.get('scope', '')} (rule: supported if "
                "the guide gains >= 5 points at no more median seconds, or matches with <= 1/5 of "
                "the states; seconds were measured while other jobs shared the cores).")
    number = (f"{metrics[0][1]}: table {100 * top_pass:.1f}%; {guide} {100 * guided[-1][1]:.1f}% "
              f"at {guided[-1][0]} states" + (f", matched keeping {min(reach):.0f}" if reach else ""))
    return [Verdict(sentence, claim=report["claim"], word=word, number=number, budget=spent)], tab
