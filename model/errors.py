"""The one exception hierarchy of quorumlab.

Every user error names *where* (file, field), *what* (the bad value) and *how to
fix it*.  The CLI prints ``str(err)`` on one line and exits with status 2.

Examples
--------
>>> err = RuleFileError("quorum.phrase", "unknown threshold phrase '三分之五'",
...                     fix="use e.g. '三分之二以上'", file="x.toml")
>>> print(err)
x.toml: field 'quorum.phrase': unknown threshold phrase '三分之五' (fix: use e.g. '三分之二以上')
>>> import pickle
>>> str(pickle.loads(pickle.dumps(err))) == str(err)  # survives a worker process
True
"""

from __future__ import annotations

__all__ = [
    "QuorumlabError",
    "RuleFileError",
    "MeetingFileError",
    "ThresholdError",
    "UnknownInstitutionError",
    "InternalDisagreement",
]


class QuorumlabError(Exception):
    """Base class: a user-facing error with a location and a fix."""

    def __init__(
        self, field: str | None, message: str, *, fix: str | None = None, file: str | None = None
    ) -> None:
        self.field = field
        self.message = message
        self.fix = fix
        self.file = file
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"{self.file}:")
        if self.field:
            where.append(f"field '{self.field}':")
        text = " ".join([*where, self.message])
        return f"{text} (fix: {self.fix})" if self.fix else text

    def __reduce__(self) -> tuple[object, ...]:
        """Picklable (an error raised in a worker process reaches the parent intact)."""
        return (_rebuild, (type(self), self.field, self.message, self.fix, self.file))

    def at(self, file: str) -> QuorumlabError:
        """Return the same error located in ``file`` (kept if already set)."""
        if self.file is None:
            self.file = file
        self.args = (str(self),)
        return self


def _rebuild(cls: type[QuorumlabError], field: str | None, message: str, fix: str | None,
             file: str | None) -> QuorumlabError:
    return cls(field, message, fix=fix, file=file)


class RuleFileError(QuorumlabError, ValueError):
    """A rule file (institution TOML) is malformed or inconsistent."""


class MeetingFileError(QuorumlabError, ValueError):
    """A meeting scenario file is malformed or names unknown members."""


class ThresholdError(QuorumlabError, ValueError):
    """A threshold phrase cannot be read, or describes an impossible threshold."""


class UnknownInstitutionError(QuorumlabError, KeyError):
    """No built-in institution has this id and no such file exists."""

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return QuorumlabError.__str__(self)


class InternalDisagreement(AssertionError):
    """Two backends of the one semantics disagree: a bug in quorumlab, never user error."""
