"""App: `python -m experiments.report RUN_DIRS...` (mean and std over seeds of eval.jsonl;
the body is experiments/reporting/seeds.py)."""

from experiments.reporting.seeds import main

if __name__ == "__main__":
    main()
