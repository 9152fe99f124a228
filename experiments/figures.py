"""App: `python -m experiments.figures` (the body is experiments/reporting/figures.py)."""

from experiments.reporting.figures import main

if __name__ == "__main__":
    main()
