"""Reading a JSON or TOML data file, with errors that name the file and the fix.

Rule files, meeting files, board files and sweep files all start here.  The path ``-``
reads standard input: JSON, or TOML when the text parses as TOML and not as JSON; its
errors name ``<stdin>``.

Examples
--------
>>> from model.errors import MeetingFileError
>>> read_data_file("/no/such.json", MeetingFileError)
Traceback (most recent call last):
...
model.errors.MeetingFileError: /no/such.json: file not found (fix: check the path)
>>> import io, sys
>>> sys.stdin, saved = io.StringIO('body = "leadership"'), sys.stdin
>>> read_data_file("-", MeetingFileError)
{'body': 'leadership'}
>>> sys.stdin = io.StringIO('{"body": }')
>>> read_data_file("-", MeetingFileError)
Traceback (most recent call last):
...
model.errors.MeetingFileError: <stdin>: not valid JSON: Expecting value: line 1 column 10 (char 9) (fix: correct the syntax at that line)
>>> sys.stdin = saved
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from model.errors import QuorumlabError

__all__ = ["read_data_file", "STDIN", "STDIN_NAME", "display_name"]

STDIN = "-"
"""The path that means standard input."""
STDIN_NAME = "<stdin>"
"""How errors name standard input."""


def display_name(path: str | Path) -> str:
    """How an error names ``path``: ``<stdin>`` for ``-``, else the path as given."""
    return STDIN_NAME if str(path) == STDIN else str(path)


def read_data_file(path: str | Path, error: type[QuorumlabError], default: str = "TOML") -> Any:
    """Parse ``path`` as JSON (``.json``), TOML (``.toml``) or else ``default``; raise ``error``.

    ``-`` reads standard input (JSON first, then TOML)."""
    if str(path) == STDIN:
        return _read_stdin(error)
    path = Path(path)
    kind = {".json": "JSON", ".toml": "TOML"}.get(path.suffix, default)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(None, "file not found", fix="check the path", file=str(path)) from None
    except IsADirectoryError:
        raise error(None, "is a folder, not a file", fix="give the path of a file",
                    file=str(path)) from None
    except UnicodeDecodeError as err:
        raise error(None, f"not UTF-8 text: {err}", fix="save the file as UTF-8",
                    file=str(path)) from None
    try:
        return json.loads(text) if kind == "JSON" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as err:
        raise error(None, f"not valid {kind}: {err}", fix="correct the syntax at that line",
                    file=str(path)) from None
    except RecursionError:
        raise _too_deep(error, str(path)) from None


def _read_stdin(error: type[QuorumlabError]) -> Any:
    """Standard input as JSON, or as TOML when it is not JSON but is TOML."""
    stream = sys.stdin
    try:
        raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as err:
        raise error(None, f"not UTF-8 text: {err}", fix="save the file as UTF-8 and pipe it again",
                    file=STDIN_NAME) from None
    if not text.strip():
        raise error(None, "standard input is empty",
                    fix="pipe a file into the command, e.g. ... - < meeting.json", file=STDIN_NAME)
    try:
        return json.loads(text)
    except RecursionError:
        raise _too_deep(error, STDIN_NAME) from None
    except json.JSONDecodeError as json_err:
        try:
            return tomllib.loads(text)
        except RecursionError:
            raise _too_deep(error, STDIN_NAME) from None
        except tomllib.TOMLDecodeError as toml_err:
            # report the syntax the text was meant to be in: JSON objects open with '{'
            kind, err = (("JSON", json_err) if text.lstrip().startswith("{")
                         else ("JSON or TOML", toml_err))
            raise error(None, f"not valid {kind}: {err}", fix="correct the syntax at that line",
                        file=STDIN_NAME) from None


def _too_deep(error: type[QuorumlabError], file: str) -> QuorumlabError:
    """JSON or TOML nested past Python's recursion limit: no file of ours nests so deep."""
    return error(None, "nested too deeply to be a valid file",
                 fix="flatten the file; no field nests more than a few levels", file=file)
