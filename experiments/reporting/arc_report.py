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

from experiments.reporting.plots import save, where
from experiments.reporting.tables import attempts_summary
from experiments.reporting.verdicts import NOT_RECORDED, Verdict, budget, mean_of, verdict_selection

# ARC's ten colours (0 black ... 9 maroon), as the ARC task viewer shows them
ARC_COLOURS = ["#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00", "#AAAAAA", "#F012BE",
               "#FF851B", "#7FDBFF", "#870C25"]
CHECK = {True: "check on", False: "check off"}
# the benchmark runs RESULTS.md quotes: (file under results/arc, what was run, the targets:
# [(pass@2 per test output, same_size or None for every output)], each judged on its rows)
BENCHMARK = [("arc1_train/eval.jsonl", "ARC-AGI-1 train (developed on; experiments.evaluate, 2 shards)", []),
             ("arc1_eval_solve.jsonl", "ARC-AGI-1 eval (run once; solve's defaults on the Kaggle file)",
              [(0.30, None), (0.23, True)]),
             ("arc1_eval_guided_solve.jsonl", "ARC-AGI-1 eval, the learned guide (run once; solve's "
              "defaults with compiler.proposer=guided)", [(0.30, None), (0.23, True)]),
             ("arc2_eval_solve.jsonl", "ARC-AGI-2 eval (run once; solve's defaults on the Kaggle file)", []),
             ("arc1_eval_nca_every27.jsonl", "ARC-AGI-1 eval, every 27th task: per-task NCA", [])]


def _check(row) -> bool:
    return str(row["compiler.check_consistency"]).lower() == "true"


def _show(ax, grid, title=""):
    ax.imshow(np.asarray(grid), cmap=ListedColormap(ARC_COLOURS), vmin=0, vmax=9,
              interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(True)
        side.set_color("#999999")
    ax.set_title(title, fontsize=6)


SETTINGS = ("split", "proposer", "num_drafts", "selector")  # what the gallery's caption names


def solved(task: dict) -> bool:
    """Whether one of the attempts the gallery draws is the expected output (the label is
    computed from what is drawn, never taken from another run's row)."""
    return any(a == task["expected"] for a in task["attempts"])


def gallery_settings(gallery: dict) -> dict:
    """The compiler settings the gallery was recompiled with: saved in the gallery, or else
    read from the first row of the evaluation it names; {} where neither holds them."""
    if gallery.get("settings"):
        return gallery["settings"]
    path = Path(gallery.get("rows", ""))
    if path.is_file():
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                return {k: row[k] for k in SETTINGS if k in row}
    return {}


def gallery_caption(gallery: dict) -> str:
    s = gallery_settings(gallery)
    if not all(k in s for k in SETTINGS):
        return "ARC-AGI: solved and failed tasks (the compiler's settings are not recorded)"
    return (f"{s['split']}: solved and failed tasks (compiler {s['proposer']}, K = {s['num_drafts']}, "
            f"selector {s['selector']})")


def fig_arc_gallery(gallery: dict, out):
    """One row per task: two demo pairs, the test input, the two attempts, the expected
    output; the rule text (or "no consistent draft") under the row. A task is labelled
    solved when an attempt drawn equals the expected output; where the evaluation's row
    said otherwise the label says so."""
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
        ok = solved(t)
        label = "solved" if ok else "failed"
        row = t.get("row_pass_at_2", t.get("pass_at_2"))
        if row is not None and bool(row) != ok:
            label += f" (its row: {'solved' if row else 'failed'})"
        for j, (grid, title) in enumerate(panels[:8]):
            ax = fig.add_subplot(sub[i, j])
            _show(ax, grid, title)
            if j == 0:
                first = ax
                ax.set_ylabel(f"{t['task']}\n{label}", fontsize=6)
        rule = t["rule"] or "no draft fits every demo and the test input"
        text = f"{t['consistent_drafts']} consistent drafts; chosen: {rule}"
        text = "\n".join(text[k:k + 150] for k in range(0, min(len(text), 300), 150))
        first.text(0.0, -0.08, text + ("..." if len(rule) > 250 else ""), ha="left", va="top",
                   fontsize=5, family="monospace", transform=first.transAxes)
    fig.suptitle(gallery_caption(gallery), y=0.93)
    return save(fig, out, "arc_gallery")


def check_gain(rows, meta, ks, report):
    """What the internal-consistency check on the test input changes (the declared
    `notes_proposer`, largest K), judged by the selection rule."""
    proposer = report.get("notes_proposer")
    if not proposer:
        return ["The internal-consistency check's gain: no `notes_proposer` declared, not computed."], ""
    top = where(rows, **{"compiler.proposer": proposer}, num_drafts=ks[-1])
    on, off = [r for r in top if _check(r)], [r for r in top if not _check(r)]
    gain = mean_of(on, "pass_at_2") - mean_of(off, "pass_at_2")
    word = verdict_selection(gain, meta["_scale"])
    number = (f"{100 * gain:+.1f} points pass@2 per test output ({100 * mean_of(on, 'pass_at_2'):.1f}% "
              f"on vs {100 * mean_of(off, 'pass_at_2'):.1f}% off)")
    text = (f"The internal-consistency check on the test input ({proposer}, K={int(ks[-1])}) changes "
            f"pass@2 by {100 * gain:+.1f} points ({100 * mean_of(on, 'pass_at_2'):.1f}% on vs "
            f"{100 * mean_of(off, 'pass_at_2'):.1f}% off; verdict "
            f"**{word}** by the selection rule, >= 10 points).")
    return [Verdict(text, claim=f"the internal check on the test input changes pass@2 ({proposer}, "
                                f"K={int(ks[-1])})", word=word, number=number,
                    budget=budget(meta, meta["_scale"]))], ""


def target_verdicts(rows, targets, what: str, aggregated: str) -> list[Verdict]:
    """One verdict per declared target (share, same_size or None for all outputs) on pass@2
    averaged per test output (Kaggle's average), with the per-task count beside it."""
    out = []
    for share, same in targets:
        part = [r for r in rows if same is None or r.get("same_size") is same]
        if not part:
            continue
        hit = sum(bool(r["pass_at_2"]) for r in part)
        tasks: dict = {}
        for r in part:
            tasks.setdefault(r.get("task_name", r["task_id"]), []).append(bool(r["pass_at_2"]))
        solved_tasks = sum(all(v) for v in tasks.values())
        rate = hit / len(part)
        word = "reached" if rate >= share else "not reached"
        scope = "all test outputs" if same is None else ("same-size test outputs" if same else
                                                         "size-changing test outputs")
        number = (f"{100 * rate:.1f}% of {len(part)} {scope} ({hit} right); per task "
                  f"{100 * solved_tasks / len(tasks):.1f}% ({solved_tasks} of {len(tasks)} tasks)")
        claim = f"{what}: pass@2 >= {100 * share:g}% of {scope} (averaged per test output)"
        k = part[0].get("num_drafts")
        spent = f"{len(tasks)} tasks, " + (f"K = {k}" if k else
                                           f"K and time limit {NOT_RECORDED} in the rows")
        verdict = Verdict(f"{claim} **{word}** ({spent}): {number}.", claim=claim, word=word,
                          number=number, budget=spent)
        verdict.aggregated = aggregated
        out.append(verdict)
    return out


def benchmark(results: Path) -> tuple[list[str], str] | None:
    """The ARC benchmark runs that exist, each as `attempts_summary` prints it, and a verdict
    for each declared target."""
    found = [(name, what, targets) for name, what, targets in BENCHMARK
             if (results / "arc" / name).exists()]
    if not found:
        return None
    lines, verdicts = [], []
    for name, what, targets in found:
        path = results / "arc" / name
        rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        version = rows[0].get("data_version", "?") if rows else "?"
        lines += [f"- **{what}** (`results/arc/{name}`, data {version}): "
                  + attempts_summary(rows).replace("\n", "; ")]
        verdicts += target_verdicts([r for r in rows if r.get("reasoner") == "symbolic"], targets,
                                    what.split(" (")[0], NOT_RECORDED)  # the rows hold no date
    verdicts += guide_verdict(results)
    sentence = ("ARC-AGI (the benchmark the field reports): every task is attempted, same-size "
                "and size-changing ones reported apart; pass@2 per test output (Kaggle's "
                "average) and per task (ARC Prize's); commands and the versions: docs/arc.md.")
    return [sentence, *verdicts], "\n".join(lines)


def guide_verdict(results: Path, gain: float = 0.05) -> list[Verdict]:
    """The learned guide's target on ARC-AGI-1 eval: guided pass@2 (per test output) >= the
    unguided one + `gain`, at no more median seconds per task; both runs' rows needed."""
    runs, right = {}, {}
    for name in ("arc1_eval_solve.jsonl", "arc1_eval_guided_solve.jsonl"):
        path = results / "arc" / name
        if not path.exists():
            return []
        rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        per_task: dict = {}
        for r in rows:  # as attempts_summary counts a task's seconds (and its median)
            per_task[r["task_name"]] = per_task.get(r["task_name"], 0.0) + r["compile_s"] + r["answer_s"]
        seconds = sorted(per_task.values())
        right[name] = {(r["task_name"], r["test_index"]) for r in rows if r["pass_at_2"]}
        runs[name] = (float(np.mean([bool(r["pass_at_2"]) for r in rows])), len(rows),
                      seconds[len(seconds) // 2])
    (plain, n, plain_s), (guided, _, guided_s) = runs.values()
    a, b = right.values()  # the outputs right without and with the guide
    met = guided - plain >= gain and guided_s <= plain_s
    word = "reached" if met else "not reached"
    claim = (f"ARC-AGI-1 eval: the learned guide's pass@2 >= the unguided one + {100 * gain:g} points "
             "at no more median seconds (averaged per test output)")
    number = (f"guided {100 * guided:.1f}% vs unguided {100 * plain:.1f}% of {n} test outputs "
              f"({100 * (guided - plain):+.1f} points; right in both {len(a & b)}, only guided "
              f"{len(b - a)}, only unguided {len(a - b)}); "
              f"median {guided_s:.2f} s vs {plain_s:.2f} s per task (compile + answer)")
    spent = "400 tasks each, one run each, the cores shared with other jobs during both"
    verdict = Verdict(f"{claim} **{word}** ({spent}): {number}.", claim=claim, word=word,
                      number=number, budget=spent)
    verdict.aggregated = NOT_RECORDED
    return [verdict]


# what the drafts section's declaration names in `extras`
EXTRAS = {"check_gain": check_gain}


def appendix(results: Path, figures: Path):
    """RESULTS.md's block of the benchmark runs (no preset) and the gallery under it."""
    arc = benchmark(results)
    if not arc:
        return None
    sentences, body = arc
    lines = [body, ""]
    if (figures / "arc_gallery.png").exists():
        path = results / "arc" / "gallery.json"
        caption = gallery_caption(json.loads(path.read_text())) if path.exists() else "ARC-AGI tasks"
        lines += [f"{caption} (`python -m experiments.arc_gallery`):", "",
                  f"![arc gallery]({figures.name}/arc_gallery.png)", ""]
    return "ARC-AGI: the benchmark runs", sentences, lines


def figures(results: Path, out: Path) -> list[Path]:
    """The gallery (results/arc/gallery.json, written by experiments.arc_gallery)."""
    path = results / "arc" / "gallery.json"
    return fig_arc_gallery(json.loads(path.read_text()), out) if path.exists() else []
