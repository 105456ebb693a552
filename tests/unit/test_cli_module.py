"""`python -m pledgewatch` runs the command as the installed `pledgewatch` does."""

import runpy

import pytest

import pledgewatch.cli
from pledgewatch import stop_signals


def test_the_package_as_a_program_holds_the_signals_then_exits_with_mains_status(monkeypatch):
    calls = []
    monkeypatch.setattr(stop_signals, "hold", lambda: calls.append("hold"))
    monkeypatch.setattr(pledgewatch.cli, "main", lambda: calls.append("main") or 3)
    with pytest.raises(SystemExit) as done:
        runpy.run_module("pledgewatch", run_name="__main__")
    assert done.value.code == 3
    assert calls == ["hold", "main"]
