"""Task generators and task files. `life` first."""

from tasks.files import TaskFile, TaskFileError, load_task_file
from tasks.life import (
                        LifeTask,
                        Query,
                        family_pool,
                        hamming_distance,
                        heldout_mask,
                        heldout_rule_pool,
                        make_task,
                        make_tasks,
                        random_grids,
                        sample_rules,
                        train_rule_pool,
                        training_batch,
)

__all__ = [
    "LifeTask", "Query", "TaskFile", "TaskFileError", "family_pool", "hamming_distance",
    "heldout_mask", "heldout_rule_pool", "load_task_file", "make_task", "make_tasks",
    "random_grids", "sample_rules", "train_rule_pool", "training_batch",
]
