"""A cache of proof results, so that checking again what has not changed takes no solving.

``quorumlab check`` keeps, per worker task (a group of rule sets that read alike, a board
size, the properties asked), the results it found, under a key that names everything they
depend on:

- the code: every Python file and data file of the packages that decide a result
  (:mod:`model`, :mod:`proofs`), except the built-in rule files, which are keyed one by one;
- the rule file's bytes (an edit anywhere in it re-checks that institution, nothing else);
- the Z3 version, and every :class:`~proofs.options.CheckOptions` field but the SMT-LIB folder;
- the task itself: the rule sets, the board size, the properties, the size-free flag.

Files live in one folder per *generation* (the code and Z3's version); the first write of
a run deletes all but the :data:`KEEP` most recent generations, so the cache does not grow
with every upgrade.  What is never kept: a task with an ``unknown`` result (a timeout may be answered next time),
and nothing at all when SMT-LIB files are asked for (they are written while solving).  A
result read back is the result written (:meth:`~proofs.results.PropertyResult.to_dict`, and
its witnesses rebuilt through the meeting-file schema); the files are JSON, never code.

Examples
--------
>>> import tempfile
>>> from proofs.options import CheckOptions
>>> cache = ResultCache(Path(tempfile.mkdtemp()))
>>> key = cache.key("prefecture_medical_security_party_group", [("party_group", "ordinary")],
...                 CheckOptions(sizes=(3,)), None, [3], True)
>>> cache.get(key) is None
True
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import asdict, replace
from functools import cache
from pathlib import Path
from typing import Any

import z3

from model.io import meeting_from_dict
from model.loader import INSTITUTIONS_DIR, load_institution
from model.meeting import Outcome
from proofs.counterexample import Witness
from proofs.options import CheckOptions
from proofs.results import PropertyResult

__all__ = ["ResultCache", "default_cache_dir", "code_fingerprint"]

FORMAT = 1
"""The layout of a cache file; a change makes every older file a miss."""

KEEP = 3
"""Generations (code and Z3 versions) kept: the current one and the two written before."""


def default_cache_dir() -> Path:
    """``$QUORUMLAB_CACHE``, else ``$XDG_CACHE_HOME/quorumlab``, else ``~/.cache/quorumlab``."""
    if env := os.environ.get("QUORUMLAB_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "quorumlab"


@cache
def code_fingerprint() -> str:
    """A digest of every file of :mod:`model` and :mod:`proofs` that can decide a result
    (Python sources and data, not the built-in rule files, their expectations and ledgers)."""
    h = hashlib.sha256()
    for pkg in ("model", "proofs"):
        root = Path(__file__).resolve().parent.parent / pkg
        for f in sorted(root.rglob("*")):
            if not f.is_file() or "__pycache__" in f.parts or f.suffix == ".pyc":
                continue
            if f.parent.resolve() == INSTITUTIONS_DIR.resolve():
                continue
            h.update(str(f.relative_to(root.parent)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _rule_file(ref: str) -> bytes:
    inst = load_institution(ref)
    return Path(inst.path).read_bytes() if inst.path else inst.id.encode()


def _result(d: dict[str, Any], seconds: float, sources: list[str]) -> PropertyResult:
    return PropertyResult(
        d["property"], d["institution"], d["body"], d["matter"], d["n"], d["status"],
        d["scope"], d["value"],
        tuple(Witness(w["label"], replace(meeting_from_dict(w["meeting"]), source=src),
                      Outcome[w["outcome"].upper()], w["reading"], w["note"])
              for w, src in zip(d["witnesses"], sources, strict=True)),
        tuple(d["citations"]), d["reason"], d["detail"], d["detail_zh"], d["reading"], seconds,
        tuple(d["facets"]))


class ResultCache:
    """Results of worker tasks in a folder, one JSON file per key (see the module text)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self._pruned = False
        self.unwritable: str | None = None
        """Why results could not be kept (the first error), if they could not."""

    def key(self, ref: str, pairs: Sequence[tuple[str, str]], options: CheckOptions,
            properties: Sequence[str] | None, sizes: Sequence[int], size_free: bool) -> str:
        """The digest naming one task's results (the code and Z3's version name its
        :attr:`generation`, the folder it is kept in)."""
        opts = {k: v for k, v in asdict(options).items() if k not in ("smtlib_dir", "sizes")}
        what = [ref, hashlib.sha256(_rule_file(ref)).hexdigest(), [list(p) for p in pairs],
                repr(sorted(opts.items())), properties, list(sizes), size_free]
        return hashlib.sha256(json.dumps(what, default=str).encode()).hexdigest()

    @property
    def generation(self) -> Path:
        """The folder of this code and Z3 version (``<folder>/<16 hex digits>``): a result
        of other code can never be a hit, so :meth:`prune` may drop whole generations."""
        tag = hashlib.sha256(f"{FORMAT} {code_fingerprint()} {z3.get_full_version()}".encode())
        return self.folder / tag.hexdigest()[:16]

    def _path(self, key: str) -> Path:
        return self.generation / key[:2] / f"{key}.json"

    def prune(self, keep: int = KEEP) -> list[Path]:
        """Delete all but the ``keep`` most recently written generations (this one counts
        as the newest); returns the folders deleted.  Run once per run that writes."""
        gens = [d for d in self.folder.glob("*") if d.is_dir() and len(d.name) == 16
                and all(c in "0123456789abcdef" for c in d.name) and d != self.generation]
        gens.sort(key=lambda d: d.stat().st_mtime, reverse=True)
        old = gens[max(keep - 1, 0):]
        for d in old:
            shutil.rmtree(d, ignore_errors=True)
        return old

    def get(self, key: str) -> list[PropertyResult] | None:
        """The results kept under ``key``, or ``None`` (also for a file that cannot be read:
        the task is then checked again and the file replaced)."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            out = [_result(*x) for x in zip(data["results"], data["seconds"], data["sources"],
                                            strict=True)]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.hits += 1
        return out

    def put(self, key: str, results: Sequence[PropertyResult]) -> None:
        """Keep ``results`` (not if any is ``unknown``); written whole or not at all.  A
        folder that cannot be written is noted in :attr:`unwritable`, not raised."""
        if any(r.status == "unknown" for r in results) or self.unwritable:
            return
        path = self._path(key)
        text = json.dumps({
            "results": [r.to_dict() for r in results], "seconds": [r.seconds for r in results],
            "sources": [[w.meeting.source for w in r.witnesses] for r in results]})
        try:
            if not self._pruned:
                self._pruned = True
                self.prune()
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        except OSError as err:  # a read-only or full disk: the run goes on, uncached
            self.unwritable = f"{err.strerror or err} ({err.filename or self.folder})"
