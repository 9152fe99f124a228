"""The experiment presets, one module per hypothesis, the same for every domain
(conf/experiment/HYPOTHESIS.yaml; a domain's axes and sizes: conf/preset/DOMAIN/).
`experiments.job` runs one job of a preset. Each `run(cfg, job_dir)` returns rows
`{"condition": {...}, "metrics": {...}}`, each metric a mean over the job's tasks."""

from experiments.presets import (
    budget,
    calibration,
    consistency_check,
    counterfactual,
    drafts,
    inconsistency,
    selection,
    test_time,
    undetermined,
)

PRESETS = {
    "drafts": drafts.run,
    "budget": budget.run,
    "selection": selection.run,
    "inconsistency": inconsistency.run,
    "test_time": test_time.run,
    "counterfactual": counterfactual.run,
    "consistency_check": consistency_check.run,
    "undetermined": undetermined.run,
    "calibration": calibration.run,
}
