"""The one Markdown table writer (`markdown_table`), and the tables built with it from eval
and halting rows. Every table the project prints or saves goes through `markdown_table`."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from compiler import get_domain


def markdown_table(header, rows) -> str:
    """`| a | b |` lines: the header, the separator, one line per row (cells as str)."""
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + " --- |" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(map(str, r)) + " |" for r in rows])


def accuracy_table(rows: list[dict], metric: str = "exact") -> str:
    """Mean `metric` per (reasoner, grid) row and horizon column, with the task count."""
    cells = defaultdict(list)
    for r in rows:
        cells[(r["reasoner"], r["grid"], r["horizon"])].append(float(r[metric]))
    if not cells:
        return ""
    horizons = sorted({h for _, _, h in cells})
    keys = sorted({(name, g) for name, g, _ in cells})
    body = []
    for name, g in keys:
        values = [cells.get((name, g, h), []) for h in horizons]
        text = [f"{100 * sum(v) / len(v):.1f}%" if v else "-" for v in values]
        domain = next(r["domain"] for r in rows if r["reasoner"] == name and r["grid"] == g)
        body.append([name, get_domain(domain).size_label(g), *text, max(len(v) for v in values)])
    return (f"{metric} accuracy by horizon (mean over tasks; n = tasks per cell)\n\n"
            + markdown_table(["reasoner", "grid", *(f"h={h}" for h in horizons), "n"], body))


def compiler_summary(rows: list[dict]) -> str:
    """One paragraph on the compiler: recovery, unobserved entries, compile time."""
    per_task = {r["task_id"]: r for r in rows}.values()
    n = len(per_task)
    if not n:
        return "no tasks"
    with_rule = [r for r in per_task if r["rule_recovered"] is not None]
    recovered = sum(r["rule_recovered"] for r in with_rule)
    times = sorted(r["compile_s"] for r in per_task)
    lines = [
        f"compiler: {n} tasks; "
        + (f"true rule chosen (or an equivalent one) {recovered}/{len(with_rule)} "
           f"({100 * recovered / len(with_rule):.1f}%); " if with_rule else "")
        + f"consistent drafts per task {sum(r['consistent_drafts'] for r in per_task) / n:.1f}; "
        f"compile time median {times[len(times) // 2]:.3f}s, max {times[-1]:.3f}s",
    ]
    counted = [r for r in per_task if r.get("unobserved_count") is not None]
    if not counted:  # demo horizon > 1: entries are not observed directly
        return "\n".join(lines)
    full = [r["task_id"] for r in counted if r["unobserved_count"] == 0]
    unobserved = sum(r["unobserved_count"] for r in counted)
    entries = sum(r["rule_entries"] for r in counted)
    lines.append(f"unobserved entries (life: table entries; logic: atoms): {unobserved}/{entries} "
                 f"({100 * unobserved / entries:.2f}%); "
                 f"tasks with every entry observed: {len(full)}/{len(counted)}")
    full = set(full)
    for name in sorted({r["reasoner"] for r in rows}):
        sub = [r for r in rows if r["reasoner"] == name and r["task_id"] in full]
        if sub:
            lines.append(f"  {name}: exact on fully observed tasks "
                         f"{100 * sum(r['exact'] for r in sub) / len(sub):.1f}% ({len(sub)} queries)")
    return "\n".join(lines)


def certification_summary(rows: list[dict]) -> str:
    """Per reasoner: on how many tasks it is certified exact for the compiled rule."""
    lines = []
    for name in sorted({r["reasoner"] for r in rows}):
        per_task = {r["task_id"]: r.get("certified") for r in rows if r["reasoner"] == name}
        flags = [f for f in per_task.values() if f is not None]
        if flags:
            lines.append(f"certified on the compiled rule: {name} {sum(flags)}/{len(flags)} tasks "
                         "(exact at every horizon and grid on those)")
    return "\n".join(lines)


def halting_table(rows) -> str:
    """Per (reasoner, method, grid): exact share on runs that stabilize, mean iterations
    used vs mean true stabilization time mu (+ period)."""
    cells = defaultdict(list)
    for r in rows:
        cells[(r["reasoner"], r["halting"], r["grid"])].append(r)
    body = []
    for (name, method, grid), rs in sorted(cells.items()):
        ok = [r for r in rs if r["exact"] is not None]
        if not ok:
            body.append([name, method, grid, f"0/{len(rs)}", "-", "-", "-", "-"])
            continue
        body.append([name, method, grid, f"{len(ok)}/{len(rs)}",
                     f"{100 * np.mean([r['exact'] for r in ok]):.1f}%",
                     f"{np.mean([r['iterations'] for r in ok]):.1f}",
                     *(["-", "-"] if ok[0]["mu_true"] is None else  # no hidden rule: no true mu
                       [f"{np.mean([r['mu_true'] for r in ok]):.1f}",
                        f"{np.mean([r['mu_true'] + r['period_true'] for r in ok]):.1f}"])])
    return ("until-stable queries (runs that reach a fixed point or cycle within the budget)\n\n"
            + markdown_table(["reasoner", "halting", "grid", "stabilizing runs", "exact",
                              "mean iterations used", "mean true mu", "mean true mu + period"],
                             body))


def attempts_summary(rows: list[dict]) -> str:
    """For domains answered with several attempts (rows with `pass_at_N`): pass@1 and pass@N
    over test outputs (micro, Kaggle's) and over tasks (macro: every test output of a task
    right; tasks named by `task_name`), over the attempted tasks and over the whole split
    (`split_tasks`; tasks not attempted count as failures); precision when committed (rows
    whose surviving drafts agree on every cell, i.e. no undetermined cell, and that have a
    consistent draft); and compile + answer seconds per task."""
    keys = sorted({k for r in rows for k in r if k.startswith("pass_at_") and k != "pass_at_1"})
    if not keys:
        return ""
    key = keys[0]
    lines = []
    for name in sorted({r["reasoner"] for r in rows}):
        rs = [r for r in rows if r["reasoner"] == name]
        tasks = defaultdict(list)
        for r in rs:
            tasks[r.get("task_name", r["task_id"])].append(r)
        micro1 = np.mean([r["pass_at_1"] for r in rs])
        micro = np.mean([r[key] for r in rs])
        solved1 = sum(all(r["pass_at_1"] for r in t) for t in tasks.values())
        solved = sum(all(r[key] for r in t) for t in tasks.values())
        total = rs[0].get("split_tasks") or len(tasks)
        committed = [r for r in rs if r.get("undetermined_cells") == 0 and r["consistent_drafts"] > 0]
        precision = np.mean([r["pass_at_1"] for r in committed]) if committed else float("nan")
        # a reasoner that reads demos does not use the compiler: its own seconds only
        cost = lambda r: r["answer_s"] + (r["compile_s"] if "undetermined_cells" in r else 0)
        seconds = sorted(sum(cost(r) for r in t) for t in tasks.values())
        worst = max(tasks, key=lambda n: sum(cost(r) for r in tasks[n]))
        lines.append(
            f"{name}: {key} {100 * micro:.1f}% of {len(rs)} test outputs (pass@1 {100 * micro1:.1f}%); "
            f"tasks solved {solved}/{len(tasks)} attempted ({100 * solved / len(tasks):.1f}%), "
            f"{solved}/{total} of the split ({100 * solved / total:.1f}%; pass@1 {solved1}); "
            f"precision when committed "
            f"{f'{100 * precision:.1f}%' if committed else '-'} ({len(committed)} committed outputs); "
            f"seconds per task median {seconds[len(seconds) // 2]:.2f}, "
            f"p90 {seconds[int(0.9 * (len(seconds) - 1))]:.2f}, max {seconds[-1]:.2f} ({worst})")
        # rows that say whether their task keeps its size (arc): the two halves apart
        for label, same in (("same-size", True), ("size-changing", False)):
            part = [r for r in rs if r.get("same_size") is same]
            if part and len(part) < len(rs):
                part_tasks = defaultdict(list)
                for r in part:
                    part_tasks[r.get("task_name", r["task_id"])].append(r)
                hit = sum(all(r[key] for r in t) for t in part_tasks.values())
                lines.append(f"  {label}: {key} {100 * np.mean([r[key] for r in part]):.1f}% of "
                             f"{len(part)} test outputs; tasks solved {hit}/{len(part_tasks)} "
                             f"({100 * hit / len(part_tasks):.1f}%)")
    return "\n".join(lines)
