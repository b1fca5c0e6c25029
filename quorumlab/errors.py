"""How the CLI reports a user error: one line on stderr, exit status 2, no traceback.

An error at a rule field that a flag set names the flag (:func:`as_flags`):

>>> try:
...     with as_flags({"body": "--body"}):
...         raise QuorumlabError("body", "no body 'x'", fix="use one of party_group")
... except QuorumlabError as err:
...     print(err)
field '--body': no body 'x' (fix: use one of party_group)
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import click

from model.errors import QuorumlabError

__all__ = ["user_errors", "as_flags", "BODY_FLAGS", "B_FLAGS"]


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


BODY_FLAGS = {"body": "--body", "matter.category": "--matter"}
"""The rule fields that ``--body`` and ``--matter`` choose."""
B_FLAGS = {"body": "--body-b", "matter.category": "--matter-b"}
"""The same for the B side of ``compare``."""


@contextmanager
def as_flags(fields: Mapping[str, str]) -> Iterator[None]:
    """Re-label a :class:`QuorumlabError` at one of ``fields`` (and in no file) with the
    flag that set it."""
    try:
        yield
    except QuorumlabError as err:
        if err.file is None and err.field in fields:
            err.field = fields[err.field]
            err.args = (str(err),)
        raise
