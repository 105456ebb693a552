"""A watched folder that is not there is named as the user gave it: --watch, PLEDGEWATCH_WATCH, or the default."""

from pathlib import Path

import pytest

from pledgewatch.errors import CommandError
from pledgewatch.runner import run
from services.common.settings import Settings


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEDGEWATCH_WATCH", raising=False)
    return tmp_path


def _line(settings, **options) -> str:
    with pytest.raises(CommandError) as caught:
        run(settings, **options)
    assert caught.value.exit_code == 2
    return str(caught.value)


def test_the_default_folder_missing_says_it_is_the_default_and_how_to_change_it(elsewhere):
    line = _line(Settings())
    assert "--watch" not in line.split(":")[0]
    assert f"no folder seeds in {elsewhere}" in line
    assert "watched by default" in line and "--watch DIR" in line and "PLEDGEWATCH_WATCH" in line


def test_a_folder_from_the_environment_names_the_variable(elsewhere, monkeypatch):
    monkeypatch.setenv("PLEDGEWATCH_WATCH", "inbox")
    assert _line(Settings()).startswith("PLEDGEWATCH_WATCH: inbox: not a folder")


def test_a_folder_given_with_watch_names_the_option(elsewhere):
    assert _line(Settings(), watch=[Path("nowhere")]).startswith("--watch nowhere: not a folder")
