"""Paper figures from saved results only: `python -m experiments.figures [--results DIR]`.

Reads `results/NAME/summary.csv` (and `results/drafts/example.json`) written by
`experiments.aggregate`; never trains or evaluates. Writes `figures/NAME.pdf` and `.png`
for every experiment whose summary exists (each domain report's FIGURES; the drawing
functions are in plots.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib.pyplot as plt

from experiments.reporting.arc_report import FIGURES as ARC_FIGURES
from experiments.reporting.arc_report import gallery_figure
from experiments.reporting.life_report import FIGURES as LIFE_FIGURES
from experiments.reporting.logic_report import FIGURES as LOGIC_FIGURES
from experiments.reporting.plots import STYLE, fig_example, fig_extrapolation, read_summary, training_horizon


def make_figures(results: Path, out: Path) -> list[Path]:
    plt.rcParams.update(STYLE)
    made = gallery_figure(results, out)
    for name, draw in {**LIFE_FIGURES, **LOGIC_FIGURES, **ARC_FIGURES}.items():
        path = results / name / "summary.csv"
        if path.exists():
            rows = read_summary(path)
            if rows:
                made += draw(rows, out)
                if name == "test_time":
                    made += fig_extrapolation(rows, out, training_horizon(results, name))
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
