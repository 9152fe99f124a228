"""Shared command-line behaviour.

A user error (bad config, bad task file, bad rule text) ends a single run with one line on
stderr and exit code 2, no traceback. Any failure also leaves `error.txt` (the error line)
in the run directory, so `experiments.aggregate` can list failed jobs. In a multirun the
error is re-raised instead of exiting, so Hydra records the job as failed and the other
jobs still run.
"""

from __future__ import annotations

import sys
import traceback
from contextlib import contextmanager
from pathlib import Path

from compiler import RuleSyntaxError
from experiments.config import ConfigError
from tasks import TaskFileError

USER_ERRORS = (ConfigError, TaskFileError, RuleSyntaxError)


class NonFiniteLoss(RuntimeError):
    """Training produced a NaN or infinite loss; the last good checkpoint is kept."""


def _in_multirun() -> bool:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    return HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN


def error_line(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}".splitlines()[0]


@contextmanager
def exit_on_user_error(run_dir=None):
    try:
        yield
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as err:
        if run_dir is not None:
            Path(run_dir).mkdir(parents=True, exist_ok=True)
            (Path(run_dir) / "error.txt").write_text(
                error_line(err) + "\n\n" + traceback.format_exc())
        if _in_multirun():
            raise
        if isinstance(err, (*USER_ERRORS, NonFiniteLoss)):
            print(f"error: {err}", file=sys.stderr)
            sys.exit(2)
        raise
