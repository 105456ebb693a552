"""`--version` and `eval --errors` through the installed `pledgewatch` command."""

import subprocess
import sys
from pathlib import Path

import pytest

from pledgewatch import __version__
from services.classifier.core import CLASSIFIER_VERSION

pytestmark = pytest.mark.integration

PLEDGEWATCH = Path(sys.executable).parent / "pledgewatch"


def _run(*args):
    return subprocess.run([str(PLEDGEWATCH), *args], capture_output=True, text=True, timeout=120)


def test_version_through_the_entry_point():
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"pledgewatch {__version__} (classifier {CLASSIFIER_VERSION})"


def test_eval_errors_lists_the_training_splits_mistakes():
    result = _run("eval", "--errors")
    assert result.returncode == 0, result.stderr
    head, _, mistakes = result.stdout.partition("mistakes on the training split")
    assert "validation, rules + model" in head
    assert mistakes.count('{"release": ') > 0
