"""App: `python -m experiments.aggregate` (the body is experiments/reporting/aggregate.py)."""

from experiments.reporting.aggregate import main

if __name__ == "__main__":
    main()
