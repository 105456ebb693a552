"""The build of the core that runs (setup.py): the compiled one must be built from the source beside it."""

from __future__ import annotations

import os
from importlib.machinery import EXTENSION_SUFFIXES

from services.classifier.core import _older_than_its_source, build, classifier


def test_the_build_that_runs_is_not_older_than_its_source():
    # an editable install compiles in place: an edit to a module after it leaves the old compiled module running
    assert build() in ("pure", "compiled"), "reinstall (make) to compile the edited core again"


def test_the_build_names_what_is_imported():
    assert build().split(",")[0] == ("pure" if classifier.__file__.endswith(".py") else "compiled")


def _written(path, at: float) -> None:
    path.write_text("")
    os.utime(path, (at, at))


def _checkout(root):
    """A source checkout's core folder: setup.py at its root, as an editable install compiles it in place."""
    core = root / "services" / "classifier" / "core"
    core.mkdir(parents=True)
    (root / "setup.py").write_text("")
    return core


def test_a_rebuild_that_leaves_a_module_s_own_extension_as_it_was_is_not_older_than_its_source(tmp_path):
    # a rebuild after an edit writes the core's shared library again, and leaves each module's extension (which
    # only forwards to it) as it was: the edit is compiled
    tmp_path = _checkout(tmp_path)
    _written(tmp_path / f"signals{EXTENSION_SUFFIXES[0]}", 100.0)
    _written(tmp_path / "signals.py", 200.0)
    _written(tmp_path / f"_compiled__mypyc{EXTENSION_SUFFIXES[0]}", 300.0)
    _written(tmp_path / "__init__.py", 500.0)  # not compiled: no extension beside it
    assert not _older_than_its_source(tmp_path)
    _written(tmp_path / "signals.py", 400.0)  # edited after that build
    assert _older_than_its_source(tmp_path)


def test_an_installed_core_is_never_older_than_its_source(tmp_path):
    # a wheel's files get the times its installer gives them, in any order: only a checkout's edits count
    core = tmp_path / "site-packages" / "services" / "classifier" / "core"
    core.mkdir(parents=True)
    _written(core / "signals.py", 400.0)
    _written(core / f"signals{EXTENSION_SUFFIXES[0]}", 100.0)
    _written(core / f"_compiled__mypyc{EXTENSION_SUFFIXES[0]}", 100.0)
    assert not _older_than_its_source(core)
