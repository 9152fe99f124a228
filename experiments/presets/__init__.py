"""The experiment presets (conf/experiment/NAME.yaml), one module each; `experiments.job`
runs one job of a preset. Each `run(cfg, job_dir)` returns rows
`{"condition": {...}, "metrics": {...}}`, each metric a mean over the job's tasks."""

from experiments.presets import consistency_check, counterfactual, drafts, inconsistency, selection, test_time

PRESETS = {
    "drafts": drafts.run,
    "drafts_few_demos": drafts.run,  # the drafts preset with 2 demos of 12 x 12
    "selection": selection.run,
    "inconsistency": inconsistency.run,
    "test_time": test_time.run,
    "counterfactual": counterfactual.run,
    "consistency_check": consistency_check.run,
    # the same presets on the logic domain (conf/experiment/logic_*.yaml: task=logic and
    # its own sweep axes), with results kept apart in results/logic_NAME/
    "logic_drafts": drafts.run,
    "logic_selection": selection.run,
    "logic_inconsistency": inconsistency.run,
    "logic_consistency_check": consistency_check.run,
    "logic_test_time": test_time.run,
    "logic_counterfactual": counterfactual.run,
    # on ARC (conf/experiment/arc_*.yaml), results in results/arc_NAME/
    "arc_drafts": drafts.run,
    "arc_selection": selection.run,
}
