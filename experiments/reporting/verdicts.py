"""What every RESULTS.md section uses: the verdict rules (stated in RESULTS.md and unit-tested
at their thresholds), cells, compact tables, the budget a verdict names, and `Verdict`: a
verdict sentence that carries the parts README's headline table shows."""

from __future__ import annotations

import numpy as np

from experiments.reporting.tables import markdown_table

NOT_RECORDED = "not recorded"


class Verdict(str):
    """A verdict sentence as RESULTS.md prints it (a str), with the parts the headline table
    (README.md and RESULTS.md's top) shows: what is claimed, the verdict word, the number it
    rests on (read from the rows) and the budget (from the run's meta)."""

    claim: str
    word: str
    number: str
    budget: str

    def __new__(cls, text: str, *, claim: str, word: str, number: str, budget: str):
        self = super().__new__(cls, text)
        self.claim, self.word, self.number, self.budget = claim, word, number, budget
        return self


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
    is "not reached at this budget", never "not supported": a verdict names its budget."""
    if supported:
        return "supported"
    if refuted:
        return "not reached at this budget" if scale in ("tiny", "small") else "not supported"
    return "unclear"


def verdict_drafts(best_gain, worst_gain, scale):
    return verdict(best_gain >= 0.1 and worst_gain > -0.02, best_gain < 0.02, scale)


def verdict_budget(gain_at_equal_seconds, states_ratio, gain_at_largest, scale):
    """The learned guide against the search's own order: supported if, at no more median
    seconds per task, it gains >= 5 points of pass@2, or it reaches the own order's pass@2 at
    its largest budget with <= 1/5 of the states; not reached if it is below the own order
    at the largest budget."""
    return verdict(gain_at_equal_seconds >= 0.05 or states_ratio <= 0.2, gain_at_largest < 0, scale)


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


def parameters(meta: dict) -> dict:
    """The preset parameters per reasoner, as the jobs saved them (meta.json); {} where the
    run saved none (today's config is not the run's: the sentences say "not recorded")."""
    return meta.get("parameters") or {}


def budget(meta: dict, scale: str, trained=()) -> str:
    """`scale=small, N jobs, S s of job wall time on MACHINE; training latent 1200 steps x 32,
    ...`; each part the run's meta does not hold says it is not recorded."""
    params = meta.get("_parameters", {})
    jobs, wall = meta.get("jobs_complete"), meta.get("job_wall_s")
    text = (f"scale={scale}, " + (f"{jobs} jobs, " if jobs is not None else "jobs not recorded, ")
            + (f"{wall} s of job wall time" if wall is not None else "job wall time not recorded")
            + f" on {meta.get('machine', 'a machine not recorded')}")
    steps = [f"{r} {params[r]['train_steps']} steps x batch {params[r]['train_batch_size']}"
             for r in trained if r in params]
    missing = [r for r in trained if r not in params]
    if missing:
        steps.append(f"{', '.join(missing)} {NOT_RECORDED} (the run's meta.json has no parameters)")
    return text + ("; training " + ", ".join(steps) if steps else "")


def qh(meta) -> str:
    """The horizon of the scored queries, as the jobs saved it."""
    params = meta.get("_parameters", {})
    return str(next(iter(params.values()), {}).get("query_horizon", "?"))


def mean_of(rows, metric):
    values = [r[f"{metric}_mean"] for r in rows if r.get(f"{metric}_mean", "") != ""]
    return float(np.mean(values)) if values else float("nan")


def verdict_precision_with_k(best_gain, worst_gain, worst_coverage_loss, allowed_loss, scale):
    """H1 re-judged on committed answers (calibration): the drafts rule on precision (one
    panel gains >= 10 points, none loses > 2; not reached if none gains 2), supported only
    where no panel's coverage falls by more than `allowed_loss`."""
    return verdict(best_gain >= 0.1 and worst_gain > -0.02 and worst_coverage_loss <= allowed_loss,
                   best_gain < 0.02, scale)
