"""Markdown tables from eval rows."""

from __future__ import annotations

from collections import defaultdict


def accuracy_table(rows: list[dict], metric: str = "exact") -> str:
    """Mean `metric` per (reasoner, grid) row and horizon column, with the task count."""
    cells = defaultdict(list)
    for r in rows:
        cells[(r["reasoner"], r["grid"], r["horizon"])].append(float(r[metric]))
    horizons = sorted({h for _, _, h in cells})
    keys = sorted({(name, g) for name, g, _ in cells})
    lines = [f"{metric} accuracy by horizon (mean over tasks; n = tasks per cell)", "",
             "| reasoner | grid | " + " | ".join(f"h={h}" for h in horizons) + " | n |",
             "| --- | --- | " + " | ".join("---" for _ in horizons) + " | --- |"]
    for name, g in keys:
        values = [cells.get((name, g, h), []) for h in horizons]
        text = [f"{100 * sum(v) / len(v):.1f}%" if v else "-" for v in values]
        n = max(len(v) for v in values)
        lines.append(f"| {name} | {g}x{g} | " + " | ".join(text) + f" | {n} |")
    return "\n".join(lines)
