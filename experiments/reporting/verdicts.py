"""What every RESULTS.md section uses: the verdict rules (stated in RESULTS.md and unit-tested
at their thresholds), cells, compact tables, and the budget a verdict names."""

from __future__ import annotations

import numpy as np

from experiments.core.cli import declared_presets
from experiments.reporting.tables import markdown_table


def pct(row, metric) -> str:
    if not row or row[0].get(f"{metric}_mean", "") == "":
        return "-"
    return f"{100 * row[0][f'{metric}_mean']:.1f} ± {100 * row[0][f'{metric}_std']:.1f}"


def table(header, lines, conditions: int = 3) -> str:
    """A table of the rows that have any numbers past their first `conditions` cells."""
    lines = [cells for cells in lines if any(c not in ("-", "- / -", "- / - / -")
                                             for c in cells[conditions:])] or lines
    return markdown_table(header, lines)


def verdict(supported: bool, refuted: bool, scale: str) -> str:
    """The word for a verdict rule's outcome. Below the full scale a rule that is not met
    is "not reached at this budget", never "not supported" (DEVELOPERS.md: a verdict
    names its budget)."""
    if supported:
        return "supported"
    if refuted:
        return "not reached at this budget" if scale in ("tiny", "small") else "not supported"
    return "unclear"


def verdict_drafts(best_gain, worst_gain, scale):
    return verdict(best_gain >= 0.1 and worst_gain > -0.02, best_gain < 0.02, scale)


def verdict_selection(checked_minus_unchecked, scale):
    return verdict(checked_minus_unchecked >= 0.1, checked_minus_unchecked < 0.02, scale)


def verdict_test_time(latent_exact, scale):
    return verdict(latent_exact >= 0.95, latent_exact < 0.5, scale)


def verdict_compiled_vs_e2e(compiled, end_to_end, scale):
    return verdict(compiled - end_to_end >= 0.2, compiled - end_to_end < 0.05, scale)


def verdict_counterfactual(near, far, e2e, scale):
    return verdict(far >= near - 0.05 and far - e2e >= 0.2, far < near - 0.2, scale)


def verdict_inconsistency(hurt, flagged, scale):
    return verdict(hurt >= 0.2 and flagged >= 0.8, hurt < 0.05 or flagged < 0.5, scale)


def parameters(meta: dict, name: str, scale: str) -> dict:
    """The preset parameters per reasoner, as the jobs saved them (meta.json), or else as
    the preset's config composes them (older results saved none)."""
    if meta.get("parameters"):
        return meta["parameters"]
    from experiments.core.reasoners import compose_config
    if name not in declared_presets():
        return {}  # not a preset (e.g. evaluation runs aggregated under their own name)
    from experiments.presets.common import preset_parameters

    hypothesis, domain = declared_presets()[name]
    out = {}
    for reasoner in ("symbolic", "neural", "end_to_end", "latent"):
        cfg = compose_config("job", [f"experiment={hypothesis}", f"task={domain}",
                                     f"scale={scale}", f"reasoner={reasoner}"])
        out[reasoner] = preset_parameters(cfg)
    return out


def budget(meta: dict, scale: str, trained=()) -> str:
    """`scale=small, N jobs, S s of job wall time on MACHINE; latent 1200 steps x 32, ...`."""
    params = meta.get("_parameters", {})
    text = (f"scale={scale}, {meta.get('jobs_complete', '?')} jobs, "
            f"{meta.get('job_wall_s', '?')} s of job wall time on {meta.get('machine', '?')}")
    steps = [f"{r} {params[r]['train_steps']} steps x batch {params[r]['train_batch_size']}"
             for r in trained if r in params]
    return text + ("; training " + ", ".join(steps) if steps else "")


def qh(meta) -> str:
    """The horizon of the scored queries, as the jobs saved it."""
    params = meta.get("_parameters", {})
    return str(next(iter(params.values()), {}).get("query_horizon", "?"))


def mean_of(rows, metric):
    values = [r[f"{metric}_mean"] for r in rows if r.get(f"{metric}_mean", "") != ""]
    return float(np.mean(values)) if values else float("nan")
