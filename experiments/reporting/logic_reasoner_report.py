"""Figures and RESULTS.md sections of logic's reasoners and learned proposer (issues 12 and
13): test_time, counterfactual, the compiled reasoner's targets, the proposers' pass@K.
`experiments/reporting/logic_report.py` collects them with the compiler-side sections."""

from __future__ import annotations

from experiments.reporting.plots import fig_counterfactual, fig_test_time, where
from experiments.reporting.verdicts import (
    budget,
    mean_of,
    pct,
    table,
    verdict_compiled_vs_e2e,
    verdict_counterfactual,
    verdict_test_time,
)

DEPTHS = "depths 1-24"  # the proof depths logic's query-horizon presets pool


def atoms_label(a) -> str:
    return f"{int(a)} atoms"


def fig_logic_test_time(rows, out):
    return fig_test_time(rows, out, "logic_test_time", atoms_label, "depth", "the fixed point")


def fig_logic_counterfactual(rows, out):
    paths = []
    for proposer in sorted({r["compiler.proposer"] for r in rows}):
        paths += fig_counterfactual(
            where(rows, **{"compiler.proposer": proposer}), out,
            f"logic_counterfactual_{proposer}", ("follow", "contradict"),
            f"H3 in logic: rule sets that follow / contradict the training theory, "
            f"compiler.proposer={proposer}", "depth")
    return paths


def logic_test_time(rows, meta):
    curve = where(rows, kind="curve")
    depths = sorted({r["horizon"] for r in curve})
    top = max(r["iterations"] for r in curve)
    names = [n for n in ("symbolic", "neural", "end_to_end", "latent") if where(curve, reasoner=n)]

    def at(name, h, t=None, mode="fixed"):
        return where(curve, reasoner=name, mode=mode, horizon=h, iterations=t or h)

    lines = []
    for name in names:
        lines.append([name] + [f"{pct(at(name, h), 'exact')} / {pct(at(name, h, top), 'exact')} / "
                               f"{pct(at(name, h, top, 'halting'), 'exact')}" for h in depths])
    tab = table(["reasoner"] + [f"depth {int(h)}" for h in depths], lines)
    tab += (f"\n\nEach cell: exact % with T = depth iterations / with T = {int(top)} / with the "
            f"halting head and a budget of {int(top)} (T only where T <= budget; '-' where the "
            "T = depth run was not made).")
    stable = where(rows, kind="until_stable_depth")
    if stable:
        queried = sorted({r["horizon"] for r in stable})
        cells = []
        for name in names:
            for mode in ("detector", "learned"):
                c = where(stable, reasoner=name, mode=mode)
                if c:
                    cells.append([name, mode] + [
                        f"{pct(where(c, horizon=h), 'exact')} / "
                        + " ".join(f"{r['iterations_used_mean']:.1f} vs {r['mu_true_mean']:.1f}"
                                   for r in where(c, horizon=h)) for h in queried])
        tab += ("\n\nRun until the fixed point, per query depth (budget "
                f"{int(top)}): exact % / iterations used vs the true steps to the fixed point "
                "(the cycle detector needs extra steps to see a state repeat):\n\n"
                + table(["reasoner", "halting"] + [f"depth {int(h)}" for h in queried], cells))
    exact = lambda name, h: mean_of(at(name, h), "exact") if at(name, h) else float("nan")
    scale = meta["_scale"]
    h12 = 12 if 12 in depths else max(depths)
    latent = exact("latent", h12)
    word = verdict_test_time(latent, scale)
    parts = [f"{n} {100 * exact(n, min(depths)):.1f}% -> {100 * exact(n, h12):.1f}% -> "
             f"{100 * exact(n, max(depths)):.1f}%" for n in names if n != "symbolic"]
    sentence = (f"H4 in logic (test-time compute, learned) **{word}** "
                f"({budget(meta, scale, ('latent',))}): exact at T = depth for proof depths "
                f"{int(min(depths))} -> {int(h12)} -> {int(max(depths))} (training: rule sets of "
                "depth <= 3): " + "; ".join(parts) + ". The verdict is the latent reasoner's at "
                f"depth {int(h12)} (4x; rule: supported if >= 95%, refuted below 50%); the "
                "compiled neural reasoner is discrete and certified, so it holds by construction.")
    compiled = {h: exact("neural", h) for h in depths}
    e2e = {h: exact("end_to_end", h) for h in depths}
    word2 = verdict_compiled_vs_e2e(compiled[max(depths)], e2e[max(depths)], scale)
    h2 = (f"H2 in logic (compile-then-reason beats end-to-end) **{word2}** "
          f"({budget(meta, scale, ('neural', 'end_to_end'))}; the compiler is handed the true "
          "rule set among its drafts, so this is the reasoners' comparison): exact at T = depth, "
          "compiled neural vs end-to-end: " + ", ".join(
              f"depth {int(h)} {100 * compiled[h]:.1f}% vs {100 * e2e[h]:.1f}%" for h in depths)
          + " (rule: supported if >= 20 points apart at the largest depth, refuted below 5).")
    return [sentence, h2], tab


def logic_counterfactual(rows, meta):
    lines = []
    depths = sorted({r["horizon"] for r in rows})
    for proposer in sorted({r["compiler.proposer"] for r in rows}):
        for trained, evaluated in (("neural", "neural"), ("end_to_end", "end_to_end"),
                                   ("neural", "symbolic")):
            for which in ("near", "far"):
                c = where(rows, **{"compiler.proposer": proposer}, reasoner=trained,
                          evaluated=evaluated, rules=which)
                if c:
                    lines.append([proposer, evaluated, which]
                                 + [pct(where(c, horizon=h), "exact") for h in depths]
                                 + [pct(c, "certified")])
    tab = table(["compiler", "reasoner", "test rule sets"] + [f"depth {int(h)} exact %" for h in depths]
                + ["certified %"], lines)
    scale = meta["_scale"]
    sentences = []
    for proposer in sorted({r["compiler.proposer"] for r in rows}):
        e = lambda t, ev, w, p=proposer: mean_of(where(rows, **{"compiler.proposer": p}, reasoner=t,
                                                       evaluated=ev, rules=w), "exact")
        near, far, e2e = e("neural", "neural", "near"), e("neural", "neural", "far"), \
            e("end_to_end", "end_to_end", "far")
        word = verdict_counterfactual(near, far, e2e, scale)
        sentences.append(
            f"H3 in logic with compiler.proposer={proposer} **{word}** "
            f"({budget(meta, scale, ('neural', 'end_to_end'))}): trained only on rule sets that "
            f"follow the background theory, the compiled neural reasoner is {100 * near:.1f}% "
            f"exact on held-out rule sets that follow it and {100 * far:.1f}% on rule sets that "
            f"contradict it; the end-to-end baseline {100 * e2e:.1f}% on those, {DEPTHS} pooled "
            "(rule: supported if far is within 5 points of near and >= 20 points above "
            "end-to-end).")
    return sentences, tab


def logic_reasoner_targets(rows, meta):
    """The logic reasoner issue's targets: the shipped compiled neural reasoner, 3 seeds x
    200 held-out rule sets, against the compiled rule set (and the truth), per depth."""
    lines = []
    for r in rows:
        if r["reasoner"] != "neural":
            continue
        atoms = "128" if "task.atoms=128" in r["condition"] else "32"
        compiler = "oracle" if "compiler.proposer=oracle" in r["condition"] else "induce"
        lines.append([f"task.atoms={atoms}", compiler, int(r["grid"]), int(r["horizon"]),
                      pct([r], "exact_vs_compiled"), pct([r], "certified"), pct([r], "exact"),
                      int(r["count"])])
    tab = table(["tasks", "compiler", "atoms in the rule set", "depth", "exact vs compiled %",
                 "certified %",
                 "exact vs truth %", "seeds"], lines)
    neural = [r for r in rows if r["reasoner"] == "neural"]
    deepest = max(r["horizon"] for r in neural)
    worst = min(r["exact_vs_compiled_mean"] for r in neural if r["horizon"] == deepest)
    cert = min(r["certified_mean"] for r in neural)
    word = "reached" if worst >= 0.999 and cert >= 1.0 else "not reached"
    sentence = (f"Logic reasoner targets: exact vs the compiled rule set >= 99.9% at depth "
                f"{int(deepest)} (8x the training depth 3) and on 128-atom rule sets, certified "
                f"**{word}** (3 seeds x 200 held-out rule sets each, the shipped "
                f"`pretrained/logic-neural`; induce compiles the 32-atom tasks, the 128-atom ones "
                f"get the true rule set (oracle): induce had not compiled seed 0's 200 128-atom "
                f"tasks after 5 minutes): lowest "
                f"mean over a condition's seeds "
                f"{100 * worst:.1f}% at depth {int(deepest)}, certified on {100 * cert:.1f}% of the "
                "compiled rule sets (lowest over conditions); exact vs the truth is the "
                "compiler's (logic_drafts).")
    return [sentence], tab


LOGIC_PROPOSERS = ("random", "induce", "neural", "neural_self_taught", "hybrid", "exhaustive")


def logic_proposers(rows, meta):
    """The learned logic proposer against the hand-written ones on depth-3 rule sets (the
    depth it is trained on): pass@K, P(chosen equivalent), exact, the checker's rejections."""
    ks = sorted({r["num_drafts"] for r in rows if r["compiler.proposer"] != "exhaustive"})
    lines = []
    for p in LOGIC_PROPOSERS:
        for demos in sorted({r["task.num_demos"] for r in rows}):
            c = {"compiler.proposer": p, "task.num_demos": demos}
            if not where(rows, **c):
                continue
            kk = [max(r["num_drafts"] for r in where(rows, **c))] if p == "exhaustive" else ks

            def cell(m, c=c, kk=kk):
                return " / ".join(pct(where(rows, **c, num_drafts=k), m) for k in kk)
            lines.append([p, int(demos), cell("p_true_drafted"), cell("p_chosen_true"),
                          cell("exact_symbolic"), pct(where(rows, **c, num_drafts=kk[-1]), "p_rejected")])
    k_text = " / ".join(f"K={int(k)}" for k in ks)
    tab = table(["proposer", "demos", f"pass@K % ({k_text}; exhaustive: its K)",
                 "P(chosen equivalent) %", "exact % (depths 1-3)", "rejected % (largest K)"], lines)
    def top(p):
        return 100 * mean_of(where(rows, **{"compiler.proposer": p}, num_drafts=ks[-1]),
                             "p_true_drafted")
    parts = [f"{p} pass@{int(ks[-1])} {top(p):.1f}%" for p in LOGIC_PROPOSERS[:-1]
             if where(rows, **{"compiler.proposer": p})]
    sentence = ("Logic proposers (the learned one, issue 13 part 6; "
                f"{budget(meta, meta['_scale'])}; held-out depth-3 rule sets, the depth the "
                "net is trained on; pass@K counts a draft equivalent to the truth on every "
                "admissible fact set): " + "; ".join(parts) + ", mean over demo counts.")
    return [sentence], tab
