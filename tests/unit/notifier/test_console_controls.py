"""The console channel writes to the terminal running the notifier: a release's words cannot send it a control
sequence (an 8-bit CSI, U+009B, as ingest keeps C1 controls), only show it escaped."""

import asyncio
from datetime import datetime, timezone

import pytest

from samples import BORDERS, release
from services.notifier.channels.console import ConsoleSender
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=["console"])


@pytest.mark.parametrize("control", ["\x9b", "\x9d", "\x7f", "\x1b"], ids=["csi", "osc", "delete", "escape"])
def test_a_control_in_a_release_title_reaches_the_terminal_escaped(capsys, control):
    title = f"Port fund{control}2J announced"
    alert = plan_alerts(SUB, release(BORDERS).model_copy(update={"title": title}), sent={}, elapsed_sent=set(),
                        now=NOW).alerts[0]
    asyncio.run(ConsoleSender().send(alert))
    written = capsys.readouterr().out
    assert control not in written
    assert f"Port fund\\x{ord(control):02x}2J announced" in written


def test_the_alert_keeps_its_lines_and_indents(capsys):
    alert = plan_alerts(SUB, release(BORDERS), sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    asyncio.run(ConsoleSender().send(alert))
    written = capsys.readouterr().out
    assert "\\n" not in written and "\\t" not in written
    assert len(written.splitlines()) > 3
