"""Paper figures from saved results only: `python -m experiments.figures [--results DIR]`.

Reads `results/NAME/summary.csv` (and `results/drafts/example.json`) written by
`experiments.aggregate`; never trains or evaluates. Writes `figures/NAME.pdf` and `.png`
for every experiment whose summary exists: the hypotheses' figure functions (plots.py) for
each declared preset, and the figures each discovered domain's report draws itself
(`figures(results, out)`, domain_reports.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path

import matplotlib.pyplot as plt

from experiments.core.cli import declared_presets, preset_reports
from experiments.reporting.calibration_report import fig_calibration
from experiments.reporting.domain_reports import domain_reports
from experiments.reporting.plots import (
    STYLE,
    fig_budget,
    fig_consistency_check,
    fig_counterfactual,
    fig_drafts,
    fig_example,
    fig_extrapolation,
    fig_inconsistency,
    fig_selection,
    fig_test_time,
    read_summary,
    training_horizon,
)
from experiments.reporting.undetermined_report import fig_undetermined

# one figure function per hypothesis, drawn from the domain's declaration (conf/preset/)
FIGURE_WRITERS = {"drafts": fig_drafts, "drafts_few_demos": fig_drafts,
                  "selection": fig_selection, "inconsistency": fig_inconsistency,
                  "test_time": fig_test_time, "counterfactual": fig_counterfactual,
                  "consistency_check": fig_consistency_check, "budget": fig_budget,
                  "undetermined": fig_undetermined, "undetermined_causal": fig_undetermined,
                  "calibration": fig_calibration, "calibration_causal": fig_calibration,
                  "calibration_blicket": fig_calibration}


def declared_figures() -> dict:
    """Results name -> draw(rows, out) for every declared preset with a generic figure."""
    reports = preset_reports()
    return {name: partial(FIGURE_WRITERS[hypothesis], name=name, report=reports[name])
            for name, (hypothesis, _) in declared_presets().items()
            if hypothesis in FIGURE_WRITERS and reports.get(name)}


def make_figures(results: Path, out: Path) -> list[Path]:
    plt.rcParams.update(STYLE)
    made = [path for module in domain_reports().values()
            for path in getattr(module, "figures", lambda results, out: [])(results, out)]
    declared, reports = declared_presets(), preset_reports()
    for name, draw in declared_figures().items():
        path = results / name / "summary.csv"
        if path.exists():
            rows = read_summary(path)
            if rows:
                made += draw(rows, out)
                if declared.get(name, ("",))[0] == "test_time":
                    made += fig_extrapolation(rows, out, training_horizon(results, name), name,
                                              reports[name])
    example = results / "drafts" / "example.json"
    if example.exists():
        made += fig_example(json.loads(example.read_text()), out)
    return made


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="results", type=Path)
    parser.add_argument("--out", default="figures", type=Path)
    args = parser.parse_args(argv)
    made = make_figures(args.results, args.out)
    if not made:
        raise SystemExit(f"error: no results/NAME/summary.csv under {args.results}; run the "
                         "experiments first (make experiments)")
    print("\n".join(str(p) for p in made), file=sys.stderr)


if __name__ == "__main__":
    main()
