"""Shared command-line behaviour: user errors end in one line and a non-zero exit."""

from __future__ import annotations

import sys
from contextlib import contextmanager

from compiler import RuleSyntaxError
from experiments.config import ConfigError
from tasks import TaskFileError

USER_ERRORS = (ConfigError, TaskFileError, RuleSyntaxError)


@contextmanager
def exit_on_user_error():
    try:
        yield
    except USER_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
