"""RESULTS.md sections of logic's issue targets that are no hypothesis preset (the accuracy
targets, and with logic_reasoner_report.py the reasoner's and the proposers'). Logic's
hypothesis sections, the undetermined ones included, are every domain's (sections.py and
undetermined_report.py, worded by conf/preset/logic/); the verdict rules are verdicts.py's.
"""

from __future__ import annotations

from experiments.reporting.logic_reasoner_report import (  # issues 12 and 13
    depths,
    logic_proposers,
    logic_reasoner_targets,
)
from experiments.reporting.plots import where
from experiments.reporting.verdicts import Verdict, budget, mean_of, pct, table


def _panels(rows):
    return [(d, o) for d in sorted({r["task.num_demos"] for r in rows})
            for o in sorted({r["task.observed"] for r in rows}, reverse=True)]


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
    word = "not reached at this budget" if top and top["acc_answered_mean"] < 0.99 else "reached"
    seeds = sorted({int(r["count"]) for r in rows})
    seeds_text = (f"{seeds[0]} seed" + ("s" if seeds[0] != 1 else "") if len(seeds) == 1
                  else f"{seeds[0]} to {seeds[-1]} seeds")
    tasks = rows[0].get("eval.num_tasks", "")
    spent = (f"{budget(meta, meta['_scale'])}, "
             + (f"{int(tasks)} held-out rule sets" if tasks != "" else "held-out rule sets: not recorded")
             + f", {seeds_text}")
    sentence = ("Logic targets: vote accuracy on the atoms it commits to >= 99% "
                + f"**{word}**"
                + f" ({spent})"
                + (f": best {100 * top['acc_answered_mean']:.1f}% at {100 * top['coverage_mean']:.1f}% "
                   f"coverage (K={int(top['num_drafts'])}, {int(top['task.num_demos'])} demos, "
                   f"{100 * top['task.observed']:g}% observed)" if top else "")
                + f"; `best` exact {100 * best_exact:.1f}% "
                  f"(mean over K, demos, observed), {depths(meta)}; chosen rule set equivalent to the "
                  f"truth on every admissible fact set in "
                  f"{100 * mean_of(rows, 'p_chosen_true'):.1f}% of tasks.")
    number = (f"vote {100 * top['acc_answered_mean']:.1f}% right at {100 * top['coverage_mean']:.1f}% "
              f"coverage (best setting)" if top else "no vote rows")
    return [Verdict(sentence, claim="Logic targets: vote accuracy on the atoms it commits to >= 99%",
                    word=word, number=number, budget=spent)], tab


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


SECTIONS = [("logic_targets", "Logic: the domain's accuracy targets", logic_targets),
            ("logic_reasoner_targets", "Logic: the compiled neural reasoner's targets",
             logic_reasoner_targets),
            ("logic_proposers", "Logic: the learned proposer", logic_proposers),
            ("logic_proposers_1024", "Logic: proposers up to K = 1024 (32 demos)", logic_proposers)]
