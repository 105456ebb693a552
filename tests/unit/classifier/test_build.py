"""The build of the core that runs (setup.py): the compiled one must be built from the source beside it."""

from __future__ import annotations

from services.classifier.core import build, classifier


def test_the_build_that_runs_is_not_older_than_its_source():
    # an editable install compiles in place: an edit to a module after it leaves the old compiled module running
    assert build() in ("pure", "compiled"), "reinstall (make) to compile the edited core again"


def test_the_build_names_what_is_imported():
    assert build().split(",")[0] == ("pure" if classifier.__file__.endswith(".py") else "compiled")
