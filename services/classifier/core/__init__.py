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
    return "compiled, older than its source" if _older_than_its_source(here.parent) else "compiled"


def _older_than_its_source(directory: Path) -> bool:
    """Whether a module of ``directory`` was edited after it was compiled, in a source checkout (setup.py at its
    root: an editable install compiles in place). Its code is in the shared library of the whole core
    (``_compiled__mypyc``), which every build writes again; its own extension only forwards to that one, and a
    build leaves it as it was when its content is the same. An installed wheel's files carry whatever times its
    installer gave them, in no order: the source beside them is the one they were built from."""
    if not (directory.parents[2] / "setup.py").is_file():
        return False
    shared = [path.stat().st_mtime for path in directory.glob("_compiled__mypyc*") if path.suffix in (".so", ".pyd")]
    for source in directory.glob("*.py"):
        built = [source.with_name(source.stem + suffix) for suffix in EXTENSION_SUFFIXES]
        times = [path.stat().st_mtime for path in built if path.exists()]
        if times and max(times + shared) < source.stat().st_mtime:
            return True
    return False
