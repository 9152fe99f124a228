"""Task generators and task files, one module per domain (`tasks/life.py`); `get_tasks(name)`
finds a domain's generator, `load_task_file` reads a task JSON of any domain."""


from tasks.domain import TaskDomain, TaskFileError, get_tasks, load_task_file, task_domain_names

__all__ = ["TaskDomain", "TaskFileError", "get_tasks", "load_task_file", "task_domain_names"]

# other `tasks/` folders on the search path (a plug-in domain kept outside this tree) extend
# this package, so their domains are found by the same discovery as the ones here
from pkgutil import extend_path  # noqa: E402

__path__ = extend_path(__path__, __name__)
