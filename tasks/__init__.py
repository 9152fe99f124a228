"""Task generators and task files, one module per domain (`tasks/life.py`); `get_tasks(name)`
finds a domain's generator, `load_task_file` reads a task JSON of any domain."""

from tasks.domain import TaskDomain, TaskFileError, get_tasks, load_task_file, task_domain_names

__all__ = ["TaskDomain", "TaskFileError", "get_tasks", "load_task_file", "task_domain_names"]
