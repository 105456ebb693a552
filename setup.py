"""The classifier's core compiled to C by mypyc, where it can be: about a quarter faster (benchmarks/README.md).

The ``.py`` files stay the source of truth, and what runs wherever the compiled build is not: no C compiler, a
failed compilation, PyPy, or ``PLEDGEWATCH_PURE=1``. Installing never fails for want of a compiler: mypy is asked
for as a build requirement only where a C compiler is found (``setup_requires``, which setuptools' PEP 517 backend
installs before the build; mypy's own dependencies include compiled ones), and the extensions are built all or
none, a failure leaving the pure-Python package. ``services.classifier.core.build()`` says which one runs.

The build is deterministic: mypy is pinned (``MYPY``), the modules are listed in a fixed order, and the shared
library's name is fixed (``group_name``), so the same source gives the same C.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import sysconfig
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

MYPY = "mypy==2.4.1"  # mypyc: compiles the classifier's core to C (14-56 % more throughput, benchmarks/README.md)
CORE = Path("services") / "classifier" / "core"
# Every module of the core but its package file, which only re-exports.
_NOT_COMPILED = {"__init__.py"}


class _AllOrNone(build_ext):
    """``build_ext`` that leaves the pure-Python package when any extension fails to build: a compiled module
    whose shared library is missing would not import."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, missing headers, a compiler error: every one leaves pure Python
            self._remove_built()
            print(f"warning: the classifier's core is not compiled ({exc}); the pure-Python build is installed",
                  file=sys.stderr)

    def _remove_built(self) -> None:
        for extension in self.extensions:
            for path in (Path(self.get_ext_fullpath(extension.name)),):
                path.unlink(missing_ok=True)


def _compiles() -> bool:
    """Whether to compile: CPython, not ``PLEDGEWATCH_PURE=1``, and the C compiler Python was built with (or
    ``CC``) on PATH."""
    if os.environ.get("PLEDGEWATCH_PURE") == "1" or sys.implementation.name != "cpython":
        return False
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "")
    return bool(compiler) and shutil.which(compiler[0]) is not None


def _extensions() -> list:
    if not _compiles() or sys.argv[1:2] in (["egg_info"], ["dist_info"]):  # metadata only: no C to generate
        return []
    try:
        from mypyc.build import mypycify
        from mypyc.primitives.registry import method_call_ops
    except ImportError:
        return []
    # mypyc's own str.lower() lowers each character alone, so a final "Σ" becomes "σ" where Python writes "ς"
    # (the commitment ids of such text changed): str.lower is called as Python's method instead.
    method_call_ops["lower"] = [op for op in method_call_ops.get("lower", []) if op.c_function_name != "CPyStr_Lower"]
    modules = sorted(str(path) for path in CORE.glob("*.py") if path.name not in _NOT_COMPILED)
    try:
        return mypycify(["--config-file", "pyproject.toml", *modules], opt_level="3", debug_level="0",
                        group_name="services.classifier.core._compiled")
    except BaseException as exc:  # mypyc exits on a type error: the pure package still installs
        print(f"warning: mypyc could not compile the classifier's core ({exc!r}); the pure-Python build is "
              "installed", file=sys.stderr)
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": _AllOrNone}, setup_requires=[MYPY] if _compiles() else [])
