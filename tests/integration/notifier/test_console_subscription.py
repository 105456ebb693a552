"""The console subscription a new system starts with: a stored subscription like any other."""

import logging
import re
import shlex

import pytest

from pledgewatch.cli import build_parser
from samples import release
from schemas.streams import ALERTS

from notifier_harness import api_call, handled, wait_for

pytestmark = pytest.mark.integration

HOOK = {"id": "desk", "channels": [{"webhook": {"url": "https://hooks.example.org/in"}}]}


async def _subscribers(n):
    status, body = await api_call(n, "GET", "/subscriptions")
    assert status == 200
    return [(s["id"], s["origin"]) for s in body["subscriptions"]]


async def test_a_new_system_has_a_console_subscription_that_can_be_shown_and_paused(notifier):
    n = await notifier(http=True)
    assert await _subscribers(n) == [("console", "api")]
    status, body = await api_call(n, "GET", "/subscriptions/console")
    assert (status, body["channels"]) == (200, ["console"])
    status, body = await api_call(n, "POST", "/subscriptions/console/pause", {"until": "2099-01-01T00:00:00Z"})
    assert (status, body["paused_until"]) == (200, "2099-01-01T00:00:00Z")


async def test_the_console_subscription_keeps_its_alerts_when_another_subscription_is_added(
        notifier, publish_classified):
    n = await notifier(http=True)
    assert (await api_call(n, "POST", "/subscriptions", HOOK))[0] == 201
    assert await _subscribers(n) == [("console", "api"), ("desk", "api")]
    entry = await publish_classified(n.service, release())
    await wait_for(lambda: handled(n.service, entry), what="release handled")
    streams = n.service.runtime.streams
    told = {e[b"__data__"] for _, e in await streams.client.xrange(streams.key(ALERTS))}
    assert {b'"subscription_id":"console"' in t for t in told} == {True, False}  # console and desk, one each


async def test_a_removed_console_subscription_stays_removed_after_a_restart(notifier):
    n = await notifier(http=True)
    assert (await api_call(n, "DELETE", "/subscriptions/console"))[0] == 204
    await n.stop()
    n2 = await notifier(http=True)
    assert await _subscribers(n2) == []


async def test_a_replaced_console_subscription_is_kept_as_replaced(notifier):
    n = await notifier(http=True)
    replaced = {"id": "console", "channels": ["console"], "filter": {"counter_terrorism": True}}
    assert (await api_call(n, "PUT", "/subscriptions/console", replaced))[0] == 200
    await n.stop()
    n2 = await notifier(http=True)
    status, body = await api_call(n2, "GET", "/subscriptions/console")
    assert body["filter"] == {"counter_terrorism": True}


async def test_a_system_whose_file_defines_subscriptions_gets_no_console_subscription(notifier, write_yaml):
    n = await notifier(http=True, subscriptions=write_yaml("subscriptions: [{id: desk, channels: [console]}]"))
    assert await _subscribers(n) == [("desk", "file")]


async def test_the_commands_the_first_start_names_for_the_console_subscription_parse_as_given(notifier, caplog):
    """Before: the line said `pledgewatch subscriptions pause|delete console`, and `pause console` as
    written is refused (a pause needs --until)."""
    with caplog.at_level(logging.INFO, logger="services.notifier.service"):
        await notifier(http=True)
    [line] = [r.getMessage() for r in caplog.records if "stored subscription 'console'" in r.getMessage()]
    commands = re.findall(r"`(pledgewatch [^`]+)`", line)
    assert commands
    for command in commands:
        args = build_parser().parse_args(shlex.split(command)[1:])  # a usage error exits 2 here
        assert args.id == "console"
