"""Figures and RESULTS.md sections of the logic presets (results/logic_NAME/summary.csv).

Logic's sweep axes are its own (demos, observed share of atoms, selector), so its figures
and verdict sentences are separate functions; the verdict rules are the ones RESULTS.md
states for life (verdicts.py), applied to logic's numbers.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from experiments.reporting.logic_reasoner_report import (  # issues 12 and 13
    DEPTHS,
    logic_proposers,
    logic_reasoner_targets,
)
from experiments.reporting.plots import COLOURS, OKABE_ITO, save, seeds_note, where
from experiments.reporting.undetermined_report import FIGURES as UNDETERMINED_FIGURES
from experiments.reporting.undetermined_report import SECTIONS as UNDETERMINED_SECTIONS
from experiments.reporting.verdicts import budget, mean_of, pct, table, verdict


def _panels(rows):
    return [(d, o) for d in sorted({r["task.num_demos"] for r in rows})
            for o in sorted({r["task.observed"] for r in rows}, reverse=True)]


def _bars(rows, out, name, group_key, groups, metrics, title):
    panels = _panels(rows) if "task.observed" in rows[0] else [(d, None) for d in
                                                               sorted({r["task.num_demos"] for r in rows})]
    fig, axes = plt.subplots(1, len(panels), figsize=(2.6 * len(panels), 2.6), sharey=True,
                             squeeze=False)
    width = 0.8 / len(metrics)
    for j, (demos, observed) in enumerate(panels):
        ax = axes[0, j]
        match = {"task.num_demos": demos} | ({"task.observed": observed} if observed is not None else {})
        for k, (metric, label, colour) in enumerate(metrics):
            vals = [mean_of(where(rows, **match, **{group_key: g}), metric) for g in groups]
            ax.bar(np.arange(len(groups)) + (k - (len(metrics) - 1) / 2) * width, vals, width,
                   label=label, color=colour)
        ax.set_xticks(range(len(groups)), [str(g) for g in groups], fontsize=6, rotation=20)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{int(demos)} demos" + (f", {100 * observed:g}% observed"
                                              if observed is not None else ""))
    axes[0, 0].set_ylabel("fraction")
    axes[0, 0].legend(frameon=False, fontsize=6)
    fig.suptitle(f"{title} ({seeds_note(rows)})", y=1.02)
    return save(fig, out, name)


def fig_logic_consistency_check(rows, out):
    for r in rows:
        r["variant"] = f"{r['selector']}, {'check' if r['check'] == 'demos+internal' else 'no check'}"
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    return _bars(rows, out, "logic_consistency_check", "variant", variants,
                 [("exact_symbolic", "exact", COLOURS["symbolic"]),
                  ("p_chosen_contradictory", "chosen contradicts itself", OKABE_ITO[5])],
                 f"Internal-consistency check on/off, open world, {DEPTHS}")


def logic_consistency_check(rows, meta):
    lines = []
    for demos in sorted({r["task.num_demos"] for r in rows}):
        for s in dict.fromkeys(r["selector"] for r in rows):
            on = where(rows, **{"task.num_demos": demos}, selector=s, check="demos+internal")
            off = where(rows, **{"task.num_demos": demos}, selector=s, check="demos only")
            lines.append([int(demos), s, "-", pct(off, "exact_symbolic"), pct(on, "exact_symbolic"),
                          pct(off, "p_chosen_contradictory"), pct(on, "p_chosen_contradictory")])
    tab = table(["demos", "selector", "", "exact % (demos only)", "exact % (+ internal check)",
                 "chosen contradictory % (demos only)", "(+ internal check)"], lines)
    on, off = where(rows, check="demos+internal"), where(rows, check="demos only")
    fewer = mean_of(off, "p_chosen_contradictory") - mean_of(on, "p_chosen_contradictory")
    gain = mean_of(on, "exact_symbolic") - mean_of(off, "exact_symbolic")
    word = verdict(fewer >= 0.1 and gain > -0.02, fewer < 0.02, meta["_scale"])
    sentence = (f"H1 in logic (the internal check changes what is chosen) **{word}** "
                f"({budget(meta, meta['_scale'])}): with the check, "
                f"{100 * fewer:.1f} points fewer chosen rule sets contradict themselves and exact "
                f"accuracy changes by {100 * gain:+.1f} points, mean over selectors and demo "
                f"counts, queries outside the demos' support (rule: supported if >= 10 points "
                "fewer contradictory choices and no loss > 2 points).")
    return [sentence], tab


def logic_targets(rows, meta):
    """The logic domain issue's targets: induce, best and vote, K = 1..256."""
    ks = sorted({r["num_drafts"] for r in rows})
    lines = []
    for s in ("best", "vote"):
        for demos, observed in _panels(rows):
            c = {"compiler.selector": s, "task.num_demos": demos, "task.observed": observed}
            if not where(rows, **c):
                continue

            def cell(m, c=c):
                return " / ".join(pct(where(rows, **c, num_drafts=k), m) for k in ks)
            lines.append([s, int(demos), observed, cell("exact_symbolic"), cell("acc_answered"),
                          cell("coverage"), cell("p_chosen_true")])
    k_text = " / ".join(f"K={int(k)}" for k in ks)
    tab = table(["selector", "demos", "observed", f"exact % ({k_text})", "accuracy on answered %",
                 "answered %", "chosen equivalent %"], lines)
    vote = where(rows, **{"compiler.selector": "vote"})
    top = max(vote, key=lambda r: r["acc_answered_mean"]) if vote else None
    best_exact = mean_of(where(rows, **{"compiler.selector": "best"}), "exact_symbolic")
    sentence = ("Logic targets: vote accuracy on the atoms it commits to >= 99% "
                + ("**not reached at this budget**" if top and top["acc_answered_mean"] < 0.99
                   else "**reached**")
                + f" ({budget(meta, meta['_scale'])}, {int(rows[0].get('eval.num_tasks', 0) or 0)} "
                  f"held-out rule sets, one seed)"
                + (f": best {100 * top['acc_answered_mean']:.1f}% at {100 * top['coverage_mean']:.1f}% "
                   f"coverage (K={int(top['num_drafts'])}, {int(top['task.num_demos'])} demos, "
                   f"{100 * top['task.observed']:g}% observed)" if top else "")
                + f"; `best` exact {100 * best_exact:.1f}% "
                  f"(mean over K, demos, observed), {DEPTHS}; chosen rule set equivalent to the "
                  f"truth on every admissible fact set in "
                  f"{100 * mean_of(rows, 'p_chosen_true'):.1f}% of tasks.")
    return [sentence], tab


COMMANDS = {"logic_proposers": (
    "python -m experiments.job -m experiment=drafts task=logic scale=small "
    "'experiment.num_drafts=[1,4,16,64,256]' 'experiment.query_horizons=[1,2,3]' "
    "experiment.pass_at_k=true "
    "compiler.proposer=random,induce,neural,neural_self_taught,hybrid,exhaustive "
    "compiler.selector=best task.observed=1.0 task.num_demos=8,32 seed=0,1,2 "
    "hydra.sweep.dir=results/logic_proposers/runs && python -m experiments.aggregate "
    "results/logic_proposers/runs --name logic_proposers"),
    "logic_proposers_1024": (
    "python -m experiments.job -m experiment=drafts task=logic scale=small "
    "'experiment.num_drafts=[1,4,16,64,256,1024]' 'experiment.query_horizons=[1,2,3]' "
    "experiment.pass_at_k=true compiler.proposer=induce,hybrid,exhaustive "
    "compiler.selector=best task.observed=1.0 task.num_demos=32 seed=0,1,2 "
    "hydra.sweep.dir=results/logic_proposers_1024/runs && python -m experiments.aggregate "
    "results/logic_proposers_1024/runs --name logic_proposers_1024"),
    "logic_reasoner_targets": (
    "python -m experiments.evaluate -m task=logic reasoner=neural eval=logic seed=0,1,2 "
    "task.atoms=32 task.rules=16 hydra.sweep.dir=results/logic_reasoner_targets/runs "
    "'hydra.sweep.subdir=${hydra:job.override_dirname}' (and again with task.atoms=128 "
    "task.rules=64 compiler.proposer=oracle) && python -m experiments.aggregate "
    "results/logic_reasoner_targets/runs --name logic_reasoner_targets"),
    "logic_targets": (
    "python -m experiments.job -m experiment=drafts task=logic scale=small eval.num_tasks=100 "
    "'experiment.num_drafts=[1,4,16,64,256]' compiler.proposer=induce compiler.selector=best,vote "
    "task.num_demos=8,32 task.observed=1.0,0.5 seed=0 hydra.sweep.dir=results/logic_targets/runs "
    "&& python -m experiments.aggregate results/logic_targets/runs --name logic_targets")}


# sections whose figures are not one file named after the section
EXTRA_FIGURES: dict[str, list[str]] = {}

FIGURES = {**UNDETERMINED_FIGURES,
           "logic_consistency_check": fig_logic_consistency_check,
}
SECTIONS = [("logic_consistency_check", "Logic: the internal-consistency check", logic_consistency_check),
            ("logic_targets", "Logic: the domain's accuracy targets", logic_targets),
            ("logic_reasoner_targets", "Logic: the compiled neural reasoner's targets",
             logic_reasoner_targets),
            ("logic_proposers", "Logic: the learned proposer", logic_proposers),
            ("logic_proposers_1024", "Logic: proposers up to K = 1024 (32 demos)", logic_proposers),
            *UNDETERMINED_SECTIONS]
