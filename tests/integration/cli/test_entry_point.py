"""`--version` and `eval --errors` through the installed `pledgewatch` command."""

import subprocess
import sys
from pathlib import Path

import pytest

from pledgewatch.build_info import this_build
from services.classifier.core import CLASSIFIER_VERSION

pytestmark = pytest.mark.integration

PLEDGEWATCH = Path(sys.executable).parent / "pledgewatch"


def _run(*args):
    return subprocess.run([str(PLEDGEWATCH), *args], capture_output=True, text=True, timeout=120)


def test_version_through_the_entry_point():
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"pledgewatch {this_build().named()} (classifier {CLASSIFIER_VERSION})"


def test_eval_errors_lists_the_training_splits_mistakes():
    result = _run("eval", "--errors")
    assert result.returncode == 0, result.stderr
    head, _, mistakes = result.stdout.partition("mistakes on the training split")
    assert "validation, rules + model" in head
    assert mistakes.count('{"release": ') > 0


def _as_module(*args):
    return subprocess.run([sys.executable, "-m", "pledgewatch", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [["--version"], ["nope"], ["classify", "gone.md"], ["subscriptions"]],
                         ids=["version", "unknown-command", "missing-file", "missing-subcommand"])
def test_python_dash_m_pledgewatch_is_the_installed_command(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    installed, module = _run(*args), _as_module(*args)
    assert (module.returncode, module.stdout, module.stderr) == \
        (installed.returncode, installed.stdout, installed.stderr)
