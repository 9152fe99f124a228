"""The experiment presets (conf/experiment/NAME.yaml), one module each; `experiments.job`
runs one job of a preset. Each `run(cfg, job_dir)` returns rows
`{"condition": {...}, "metrics": {...}}`, each metric a mean over the job's tasks."""

from experiments.presets import counterfactual, drafts, inconsistency, selection, test_time

PRESETS = {
    "drafts": drafts.run,
    "selection": selection.run,
    "inconsistency": inconsistency.run,
    "test_time": test_time.run,
    "counterfactual": counterfactual.run,
}
