"""Two reminder offsets naming one moment (``P7D`` and ``P1W``, ``PT0S`` and ``P0D``) are refused through the API,
the CLI and ``validate``; a subscription stored with them before keeps loading, and reminds once of each moment."""

import asyncio
import json
import logging
from datetime import datetime, timedelta, timezone

import pytest

from samples import dated, release

from notifier_harness import api_call, scheduled, subscriptions_cli, wait_for

pytestmark = pytest.mark.integration

TWICE = "offset 2, 'P1W', is offset 1, 'P7D', again (both 7 days before each due date): every reminder would be " \
        "sent twice"
STORED = {"id": "older", "channels": [{"type": "console"}], "reminders": ["P7D", "P1W", "PT0S", "P0D"]}


@pytest.mark.parametrize(("method", "path", "body"), [
    pytest.param("POST", "/subscriptions", {"id": "desk", "channels": ["console"], "reminders": ["P7D", "P1W"]},
                 id="create"),
    pytest.param("PUT", "/subscriptions/desk", {"channels": ["console"], "reminders": ["P7D", "P1W"]}, id="replace"),
    pytest.param("PATCH", "/subscriptions/older", {"reminders": ["P7D", "P1W"]}, id="change"),
])
async def test_equivalent_offsets_given_through_the_api_answer_422_naming_both(notifier, method, path, body):
    """Before: 201/200, and two identical reminders sent at the same moment."""
    n = await notifier(http=True)
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(STORED))
    status, answer = await api_call(n, method, path, body)
    assert (status, answer) == (422, {"errors": [{"field": "reminders", "message": TWICE}]})


async def test_a_subscription_stored_with_them_keeps_loading_and_reminds_once(notifier, publish_classified):
    n = await notifier(http=True, run_scheduler=False)
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(STORED))
    status, shown = await api_call(n, "GET", "/subscriptions/older")
    assert (status, shown["reminders"]) == (200, ["P7D", "PT0S"])
    for method, path, body in (("POST", "/subscriptions/older/pause", {"until": "2030-01-01T00:00:00Z"}),
                               ("POST", "/subscriptions/older/resume", None),
                               ("PATCH", "/subscriptions/older", {"mode": "digest"}),
                               ("PATCH", "/subscriptions/older", {"mode": "immediate"})):
        status, answer = await api_call(n, method, path, body)
        assert status == 200, (path, answer)
    await n.service.store.client.hdel(n.service.store.key, "console")
    today = datetime.now(timezone.utc).date()
    await publish_classified(n.service, release(dated("c1", today + timedelta(days=60))))
    jobs = await wait_for(lambda: scheduled(n.service), what="the reminders planned")
    await asyncio.sleep(0.3)  # any more would be planned by now
    assert len(await scheduled(n.service)) == 2, jobs  # P7D and PT0S; before, 4: two pairs at the same moments


async def test_the_cli_refuses_them_naming_both(notifier, write_yaml, capsys, monkeypatch, settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    path = write_yaml("id: desk\nchannels: [console]\nreminders: [P7D, P1W]\n", "one.yaml")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "add", str(path)]) == 1
    assert capsys.readouterr().err == f"error: {path}: subscription ('desk'): reminders: {TWICE}\n"  # named as validate names it
    fields = write_yaml("reminders: [PT0S, P0D]\n", "fields.yaml")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "update", "console",
                                                       str(fields)]) == 1
    assert "error: reminders: offset 2, 'P0D', is offset 1, 'PT0S', again (both on the due day)" in \
        capsys.readouterr().err


def test_validate_refuses_a_file_with_them(write_yaml, capsys):
    path = write_yaml("subscriptions: [{id: desk, channels: [console], reminders: [P7D, P1W]}]\n")
    assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 1
    assert f"subscriptions.0 ('desk'): reminders: {TWICE}" in capsys.readouterr().err


async def test_a_file_the_notifier_read_before_keeps_loading_with_a_warning_and_reminds_once(
        notifier, write_yaml, publish_classified, caplog):
    path = write_yaml("subscriptions: [{id: desk, channels: [console], reminders: [P7D, P1W]}]\n")
    with caplog.at_level(logging.WARNING, logger="services.notifier.store"):
        n = await notifier(subscriptions=path, run_scheduler=False)
    assert f"subscriptions.0 ('desk'): reminders: {TWICE}; taken as written before these checks: fix the file" in caplog.text
    today = datetime.now(timezone.utc).date()
    await publish_classified(n.service, release(dated("c1", today + timedelta(days=60))))
    await wait_for(lambda: scheduled(n.service), what="the reminder planned")
    await asyncio.sleep(0.3)
    assert len(await scheduled(n.service)) == 1
