"""Nothing half-written: the files a command writes reach their place only when the whole
command has succeeded.

A command stages its outputs in an :class:`Outputs` (:func:`staged`), then commits them:

* :meth:`Outputs.file` (``--junit j.xml``): the command writes the returned temporary path,
  in a staging folder beside the target; at commit it is moved onto the target (missing
  parent folders are created then).
* :meth:`Outputs.folder` (``--report``, ``--out``): the command fills the returned staging
  folder, beside the target.  At commit, a new target folder is the staging folder renamed;
  in an existing one, the files the previous run wrote (listed in its manifest,
  :data:`MANIFEST`) are removed, the new ones moved in and the new manifest written.  A
  user's other files in the folder are never touched.
* If the command fails first (a user error, an interrupt), the staging folders are removed:
  nothing on disk has changed.

Examples
--------
>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> with staged() as out:
...     _ = (out.folder(root / "rep", "--report") / "a.txt").write_text("1")
>>> sorted(p.name for p in (root / "rep").iterdir())
['.quorumlab-manifest.json', 'a.txt']
>>> (root / "rep" / "mine.txt").write_text("the user's")
10
>>> with staged() as out:
...     _ = (out.folder(root / "rep", "--report") / "b.txt").write_text("2")
>>> sorted(p.name for p in (root / "rep").iterdir())  # a.txt was the last run's: removed
['.quorumlab-manifest.json', 'b.txt', 'mine.txt']
>>> try:
...     with staged() as out:
...         _ = out.file(root / "new" / "j.xml", "--junit").write_text("<x/>")
...         raise KeyboardInterrupt
... except KeyboardInterrupt:
...     pass
>>> sorted(p.name for p in root.iterdir())  # nothing written, no staging folder left
['rep']
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from model.errors import QuorumlabError

__all__ = ["MANIFEST", "Outputs", "staged"]

MANIFEST = ".quorumlab-manifest.json"
"""The hidden file, in an output folder, that lists the files the last run wrote there (it
is bookkeeping: not among the files a command names)."""


@dataclass(frozen=True)
class _Stage:
    target: Path
    staging: Path  # a temporary folder beside the target
    flag: str
    is_folder: bool


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


class Outputs:
    """The outputs of one command, staged until :meth:`commit` (see the module)."""

    def __init__(self) -> None:
        self._stages: list[_Stage] = []
        self.written: list[str] = []
        """After :meth:`commit`: every file written, in order."""

    def _stage(self, target: Path, flag: str, is_folder: bool) -> Path:
        where = _existing_ancestor(target.parent)
        try:
            staging = where / f".{target.name}.partial-{uuid.uuid4().hex[:12]}"
            staging.mkdir()  # the umask's permissions, unlike mkdtemp's 0700
        except OSError as err:
            raise QuorumlabError(flag, f"cannot write in {where}: {err.strerror or err}",
                                 fix=f"name a place you can write, e.g. {flag} "
                                 f"{Path('out') / target.name}") from None
        self._stages.append(_Stage(target, staging, flag, is_folder))
        return staging

    def file(self, target: Path, flag: str) -> Path:
        """A temporary path to write ``target`` to now; it becomes ``target`` at commit."""
        return self._stage(target, flag, False) / target.name

    def folder(self, target: Path, flag: str) -> Path:
        """A staging folder to fill now; its files move into ``target`` at commit."""
        return self._stage(target, flag, True)

    def discard(self) -> None:
        """Remove every staging folder (nothing reaches its target)."""
        for s in self._stages:
            shutil.rmtree(s.staging, ignore_errors=True)
        self._stages.clear()

    def commit(self) -> list[str]:
        """Move every staged file into place; return the files written, in order (without
    the manifests)."""
        written: list[str] = []
        try:
            for s in self._stages:
                try:
                    written += _commit_folder(s) if s.is_folder else _commit_file(s)
                except OSError as err:
                    raise QuorumlabError(s.flag, f"cannot write {s.target}: "
                                         f"{err.strerror or err}",
                                         fix=f"name a place you can write, e.g. {s.flag} "
                                         f"{Path('out') / s.target.name}") from None
        finally:
            self.discard()
        self.written = written
        return written


def _commit_file(s: _Stage) -> list[str]:
    s.target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(s.staging / s.target.name, s.target)
    return [str(s.target)]


def _previous_files(d: Path) -> list[Path]:
    """The files the previous run listed in ``d``'s manifest (only paths inside ``d``)."""
    try:
        names = json.loads((d / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    root = d.resolve()
    out = []
    for name in names if isinstance(names, list) else []:
        p = d / str(name)
        if root in p.resolve().parents and p.is_file():
            out.append(p)
    return out


def _commit_folder(s: _Stage) -> list[str]:
    names = sorted(p.relative_to(s.staging).as_posix()
                   for p in s.staging.rglob("*") if p.is_file())
    (s.staging / MANIFEST).write_text(json.dumps({"files": names}, indent=1) + "\n",
                                      encoding="utf-8")
    if not s.target.exists():
        s.target.parent.mkdir(parents=True, exist_ok=True)
        s.staging.rename(s.target)
        return [str(s.target / n) for n in names]
    old = _previous_files(s.target)
    for p in old:
        p.unlink()
    for n in [*names, MANIFEST]:
        (s.target / n).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(s.staging / n, s.target / n)
    for folder in sorted({p.parent for p in old}, key=lambda p: -len(p.parts)):
        while folder != s.target and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return [str(s.target / n) for n in names]


@contextmanager
def staged() -> Iterator[Outputs]:
    """Stage a command's outputs; commit them when the block ends normally, else discard."""
    out = Outputs()
    try:
        yield out
    except BaseException:
        out.discard()
        raise
    out.commit()
