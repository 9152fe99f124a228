"""App: `python -m experiments.results_md` (the body is experiments/reporting/results_md.py)."""

from experiments.reporting.results_md import main

if __name__ == "__main__":
    main()
