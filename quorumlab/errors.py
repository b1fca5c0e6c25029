"""How the CLI reports a user error: one line on stderr, exit status 2, no traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from model.errors import QuorumlabError

__all__ = ["user_errors"]


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a click command so :class:`QuorumlabError` becomes ``error: ...`` and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except QuorumlabError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)

    return wrapper
