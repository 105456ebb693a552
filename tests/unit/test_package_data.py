"""What an installed pledgewatch carries: every data file under its packages is matched by package-data."""

import tomllib
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("schemas", "services", "pledgewatch")


def test_every_data_file_of_the_packages_is_installed():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    missing = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            if path.name.endswith(tuple(EXTENSION_SUFFIXES)):  # the classifier's core compiled by setup.py
                continue
            relative = path.relative_to(ROOT)
            matched = any(relative.parts[:len(owner.split("."))] == tuple(owner.split("."))
                          and _glob_matches(PurePosixPath(*relative.parts[len(owner.split(".")):]), pattern)
                          for owner, patterns in globs.items() for pattern in patterns)
            if not matched:
                missing.append(str(relative))
    assert missing == []


def _glob_matches(path: PurePosixPath, pattern: str) -> bool:
    """As setuptools' globs: ``*`` never crosses a ``/``."""
    return len(path.parts) == len(PurePosixPath(pattern).parts) and path.match(pattern)
