"""Every data file inside the packages ships with them: ``pip install .`` (README command 1)
installs a wheel, not the checkout, so a rule file, example board or meeting example that
``pyproject.toml``'s package-data does not name is missing on a fresh machine (the example
boards once were: the board properties then answered n/a and ``check --all`` exited 1)."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_in_a_package_is_declared() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    data = config["package-data"]
    missing = []
    for package in config["packages"]:
        for f in (ROOT / package).rglob("*"):
            if not f.is_file() or f.suffix in (".py", ".pyc") or "__pycache__" in f.parts:
                continue
            rel = PurePosixPath(f.relative_to(ROOT / package).as_posix())
            if not any(rel.match(glob) and len(rel.parts) == len(PurePosixPath(glob).parts)
                       for glob in data.get(package, [])):
                missing.append(f"{package}/{rel}")
    assert not missing, ("not in [tool.setuptools.package-data], so not installed by "
                         f"'pip install .': {missing}")
