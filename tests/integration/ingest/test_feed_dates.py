"""A feed entry whose date cannot be read is published all the same, dated by the poll, and logged once
naming the source, the entry and the date as the feed wrote it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from schemas.streams import DEAD_LETTERS
from services.ingest.config import SourceConfig
from services.ingest import polling, state
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
TEXT = ("The ministry will extend the emergency alert system to every mobile phone network by the end of 2024. "
        "Operators must test their connection to the system every quarter, and report each test to the regulator "
        "within a week. ") * 3


def item(slug: str, pub_date: str) -> str:
    return (f"<item><title>Alerts {slug}</title><link>https://ministry.example.org/press/{slug}</link>"
            f"<guid>{slug}</guid><pubDate>{pub_date}</pubDate><description>{TEXT}</description></item>")


def rss(*items: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>{"".join(items)}' \
           "</channel></rss>"


async def test_an_entry_with_an_unreadable_pub_date_is_published_dated_by_the_poll_and_logged_once(
        govuk, reader, streams, published, caplog):
    caplog.set_level(logging.WARNING, logger="services.ingest")
    govuk.put("/press.rss", rss(item("bad", "Not a date at all")), "application/rss+xml")
    source = SourcePoller(SourceConfig(name="ministry", url=govuk.base + "/press.rss", interval=1, follow="none"),
                          reader=reader, streams=streams, interval=1, max_backoff=8)
    report = await source.poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (1, 0)
    [release] = await published()
    assert release.published_at == NOW  # nothing lost: published, dated by the poll
    [warning] = [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()]
    assert warning == ("source ministry: entry https://ministry.example.org/press/bad: its publication date "
                       "'Not a date at all' cannot be read; published_at is the poll time, 2023-06-01T00:00:00+00:00")

    caplog.clear()
    govuk.put("/press.rss", rss(item("bad", "Not a date at all"), item("good", "Thu, 01 Jun 2023 08:00:00 GMT")),
              "application/rss+xml")
    report = await source.poll(now=NOW, clock=1)  # the feed read again, the bad entry unchanged in it
    assert report.published == 1
    assert [r for r in caplog.records if "cannot be read" in r.getMessage()] == []


def ministry(govuk, reader, streams) -> SourcePoller:
    return SourcePoller(SourceConfig(name="ministry", url=govuk.base + "/press.rss", interval=1, follow="none"),
                        reader=reader, streams=streams, interval=1, max_backoff=8)


async def test_an_entry_dated_days_ahead_waits_rather_than_being_refused_for_good(govuk, reader, streams, published,
                                                                                  caplog):
    """Before: refused (dead-lettered) and, the feed listing it unchanged, never read again, even once its day
    had come."""
    caplog.set_level(logging.WARNING, logger="services.ingest")
    ahead = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
    govuk.put("/press.rss", rss(item("ahead", format_datetime(ahead, usegmt=True)),
                                item("today", "Tue, 02 May 2023 08:00:00 GMT")), "application/rss+xml")
    source = ministry(govuk, reader, streams)
    for clock in (0, 1):
        report = await source.poll(now=datetime.now(timezone.utc), clock=clock)
        assert (report.rejected, report.waiting) == (0, 1)
    assert [r.title for r in await published()] == ["Alerts today"]
    assert await streams.client.xlen(streams.key(DEAD_LETTERS)) == 0
    [line] = [r.getMessage() for r in caplog.records if "ahead" in r.getMessage()]
    assert line == (f"source ministry: entry https://ministry.example.org/press/ahead is dated "
                    f"{ahead.isoformat()}, more than a day ahead: it waits until then")


async def test_an_entry_that_waited_for_its_day_is_published_once_the_day_comes(govuk, reader, streams, published,
                                                                                 monkeypatch):
    day = datetime(2026, 12, 20, 8, 0, tzinfo=timezone.utc)
    govuk.put("/press.rss", rss(item("ahead", format_datetime(day, usegmt=True))), "application/rss+xml",
              etag='"1"')
    source = ministry(govuk, reader, streams)

    def clock_at(moment: datetime) -> None:  # the wall clock the poll and admission judge a date by
        for module in (polling, state):
            monkeypatch.setattr(module, "wall_clock", lambda: moment)

    clock_at(day - timedelta(days=3))
    assert (await source.poll(now=day - timedelta(days=3), clock=0)).waiting == 1
    assert not (await source.poll(now=day - timedelta(days=3), clock=1)).not_modified  # its ETag is not kept
    clock_at(day - timedelta(hours=2))
    report = await source.poll(now=day - timedelta(hours=2), clock=2)
    assert (report.published, report.waiting) == (1, 0)
    [release] = await published()
    assert release.published_at == day
    assert (await source.poll(now=day, clock=3)).not_modified


async def test_an_entry_dated_a_year_ahead_is_still_refused(govuk, reader, streams, published):
    next_year = datetime.now(timezone.utc) + timedelta(days=365)  # a wrong year
    govuk.put("/press.rss", rss(item("typo", format_datetime(next_year, usegmt=True))), "application/rss+xml")
    report = await ministry(govuk, reader, streams).poll(now=datetime.now(timezone.utc), clock=0)
    assert (report.rejected, report.waiting) == (1, 0)
