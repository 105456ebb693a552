"""The subscriptions file is watched: an edit is taken (or a broken one reported) within a second or two, with no
event needed to notice it."""

import asyncio
import logging
import time

import pytest

from notifier_harness import fast_config

pytestmark = pytest.mark.integration


async def _logged(caplog, words: str, within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if any(words in record.getMessage() for record in caplog.records):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_an_edit_of_the_file_is_taken_and_a_broken_one_reported_with_no_event_to_handle(
        notifier, write_yaml, caplog):
    """Before: the file was looked at only when an event or a request needed the subscriptions, so with nothing
    arriving an edit went unnoticed, and a broken edit fixed before the next event was never reported."""
    caplog.set_level(logging.INFO, logger="services.notifier.store")
    path = write_yaml("subscriptions:\n  - id: desk\n    channels: [console]\n", "subs.yaml")
    await notifier(config=fast_config(leader_ttl_seconds=15, delivery_poll_seconds=0.2), subscriptions=path)  # defaults
    await asyncio.sleep(1.1)  # a second mtime, whatever the file system's resolution
    path.write_text("subscriptions:\n  - id: desk\n    channels: [console\n")
    assert await _logged(caplog, "keeping the previous 1")
    await asyncio.sleep(1.1)
    path.write_text("subscriptions:\n  - id: desk\n    channels: [console]\n  - id: desk2\n    channels: [console]\n")
    assert await _logged(caplog, "reloaded 2 subscription(s)")


async def test_a_file_subscription_overriding_a_stored_one_is_warned_of_at_start_and_when_it_comes_back(
        notifier, write_yaml, caplog):
    """Before: the file's ``bio`` silently took the place of the ``bio`` added through the API; only "reloaded 2
    subscription(s)" was logged, and the stored webhook got nothing."""
    from notifier_harness import api_call

    caplog.set_level(logging.INFO, logger="services.notifier")
    first = await notifier(http=True)
    stored = {"id": "bio", "channels": [{"webhook": {"url": "http://127.0.0.1:9911/bio"}}]}
    assert (await api_call(first, "POST", "/subscriptions", stored))[0] == 201
    bio = "  - id: bio\n    channels: [console]\n"
    desk = "  - id: desk\n    channels: [console]\n"
    path = write_yaml("subscriptions:\n" + bio + desk, "subs.yaml")
    n = await notifier(config=fast_config(leader_ttl_seconds=15), subscriptions=path, http=True)
    words = "overrides the stored subscription 'bio' (webhook http://127.0.0.1:9911/***)"
    warned = [r for r in caplog.records if words in r.getMessage()]
    assert [r.levelno for r in warned] == [logging.WARNING], [r.getMessage() for r in caplog.records]
    assert str(path) in warned[0].getMessage()
    status, listed = await api_call(n, "GET", "/subscriptions")
    [shown] = [s for s in listed["subscriptions"] if s["id"] == "bio"]
    assert shown["origin"] == "file" and shown["overrides"]["channels"] == [
        {"webhook": {"url": "http://127.0.0.1:9911/***"}}]

    caplog.clear()
    await asyncio.sleep(1.1)
    path.write_text("subscriptions:\n" + desk)
    assert await _logged(caplog, "reloaded 1 subscription(s)")
    assert not any(words in r.getMessage() for r in caplog.records)
    await asyncio.sleep(1.1)
    path.write_text("subscriptions:\n" + desk + bio)
    assert await _logged(caplog, words)


async def test_an_edit_giving_an_impossible_date_is_reported_and_the_watch_goes_on(notifier, write_yaml, caplog):
    """Before: `paused_until: 2026-02-30` (a YAML date) raised a ValueError out of the reader, which stopped the
    watch of the file for good, with nothing logged; the notifier was unhealthy from then on."""
    caplog.set_level(logging.INFO, logger="services.notifier.store")
    path = write_yaml("subscriptions:\n  - id: desk\n    channels: [console]\n", "subs.yaml")
    running = await notifier(config=fast_config(leader_ttl_seconds=15, delivery_poll_seconds=0.2), subscriptions=path)
    await asyncio.sleep(1.1)
    path.write_text("subscriptions:\n  - id: desk\n    paused_until: 2026-02-30\n    channels: [console]\n")
    assert await _logged(caplog, "subs.yaml:3: not valid YAML: day is out of range for month")
    await asyncio.sleep(1.1)
    await running.service.ping()  # the watch still runs
    path.write_text("subscriptions:\n  - id: desk\n    channels: [console]\n  - id: desk2\n    channels: [console]\n")
    assert await _logged(caplog, "reloaded 2 subscription(s)")


async def test_a_background_task_that_stops_says_so_in_the_log(notifier, write_yaml, caplog, monkeypatch):
    """Before: a notifier task stopped by an error it did not expect left no line in the log: only `/healthz` and
    `pledgewatch status` told of it, naming the error but not where it came from."""
    async def broken(store, before):
        raise ValueError("day is out of range for month")

    monkeypatch.setattr("services.notifier.service.note_edit", broken)
    caplog.set_level(logging.INFO, logger="services.notifier")
    path = write_yaml("subscriptions:\n  - id: desk\n    channels: [console]\n", "subs.yaml")
    await notifier(config=fast_config(leader_ttl_seconds=15, delivery_poll_seconds=0.2), subscriptions=path)
    assert await _logged(caplog, "background task notifier-subscriptions-file stopped: "
                                 "ValueError: day is out of range for month")
    [record] = [r for r in caplog.records if "background task notifier-subscriptions-file" in r.getMessage()]
    assert record.levelno == logging.ERROR and record.exc_info is not None
