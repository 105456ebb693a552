"""A classifier core edited after it was compiled runs the old build: the commands that classify say so."""

from __future__ import annotations

from pathlib import Path

import pytest

import services.classifier.core as core
from pledgewatch import cli

SEED = Path(__file__).resolve().parents[2] / "seeds" / "2017-11-29-uk-counterterror-iraq.txt"


def test_classify_warns_when_the_compiled_core_is_older_than_its_source(monkeypatch, capsys):
    monkeypatch.setattr(core, "build", lambda: "compiled, older than its source")
    assert cli.main(["classify", str(SEED)]) == 0
    captured = capsys.readouterr()
    assert '"commitments"' in captured.out  # the event is still printed, by the build that runs
    assert captured.err.startswith("warning: the compiled classifier core is older than its source")
    assert "make" in captured.err and captured.err.count("\n") == 1


@pytest.mark.parametrize("built", ["compiled", "pure"])
def test_classify_says_nothing_of_a_build_that_matches_its_source(monkeypatch, capsys, built):
    monkeypatch.setattr(core, "build", lambda: built)
    assert cli.main(["classify", str(SEED)]) == 0
    assert capsys.readouterr().err == ""
