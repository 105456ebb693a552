"""`pledgewatch --version` names the build (release and git commit, as the log, /metrics and status name it) and
the classifier it runs."""

import pytest

from pledgewatch import __version__
from pledgewatch.build_info import this_build
from pledgewatch.cli import main
from services.classifier.core import CLASSIFIER_VERSION


@pytest.fixture
def build_read_again(monkeypatch):
    """``this_build`` read afresh in the test (PLEDGEWATCH_COMMIT as it sets it), and afresh after it."""
    this_build.cache_clear()
    yield monkeypatch
    this_build.cache_clear()


def _version(capsys) -> str:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    return capsys.readouterr().out.strip()


def test_version_names_the_build_with_its_commit_and_the_classifier(build_read_again, capsys):
    """Before: the release alone, where every log line, /metrics and `status` name the commit too."""
    build_read_again.setenv("PLEDGEWATCH_COMMIT", "3c4b5078c66b0123456789abcdef0123456789ab")
    assert _version(capsys) == f"pledgewatch {__version__} (commit 3c4b5078c66b) (classifier {CLASSIFIER_VERSION})"


def test_version_names_the_release_alone_when_the_commit_is_unknown(build_read_again, capsys, tmp_path):
    build_read_again.setenv("PLEDGEWATCH_COMMIT", "")
    build_read_again.setattr("pledgewatch.build_info.PROJECT_ROOT", tmp_path)  # no .git: an installed package
    assert _version(capsys) == f"pledgewatch {__version__} (classifier {CLASSIFIER_VERSION})"
