"""Reading a JSON or TOML data file, with errors that name the file and the fix.

Rule files, meeting files, board files and sweep files all start here.

Examples
--------
>>> from model.errors import MeetingFileError
>>> read_data_file("/no/such.json", MeetingFileError)
Traceback (most recent call last):
...
model.errors.MeetingFileError: /no/such.json: file not found (fix: check the path)
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from model.errors import QuorumlabError

__all__ = ["read_data_file"]


def read_data_file(path: str | Path, error: type[QuorumlabError], default: str = "TOML") -> Any:
    """Parse ``path`` as JSON (``.json``), TOML (``.toml``) or else ``default``; raise ``error``."""
    path = Path(path)
    kind = {".json": "JSON", ".toml": "TOML"}.get(path.suffix, default)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(None, "file not found", fix="check the path", file=str(path)) from None
    try:
        return json.loads(text) if kind == "JSON" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as err:
        raise error(None, f"not valid {kind}: {err}", fix="correct the syntax at that line",
                    file=str(path)) from None
