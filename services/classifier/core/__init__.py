"""The classifier's pure core: rules over sentences, no I/O, no clock.

``classify(release)`` finds the commitments in a ``ReleasePublished`` and
returns a ``ReleaseClassified``.
"""

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from . import classifier as _classifier
from .classifier import CLASSIFIER_VERSION, classify

__all__ = ["CLASSIFIER_VERSION", "build", "classify"]


def build() -> str:
    """Which build of the core runs: "compiled" (mypyc's C extensions, see setup.py), "pure" (the Python
    source), or "compiled, older than its source" (a core module was edited since: reinstall to rebuild)."""
    here = Path(_classifier.__file__)
    if here.suffix == ".py":
        return "pure"
    for source in here.parent.glob("*.py"):
        built = [source.with_name(source.stem + suffix) for suffix in EXTENSION_SUFFIXES]
        if any(path.exists() and path.stat().st_mtime < source.stat().st_mtime for path in built):
            return "compiled, older than its source"
    return "compiled"
