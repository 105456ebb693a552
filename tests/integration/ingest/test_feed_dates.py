"""A feed entry whose date cannot be read is published all the same, dated by the poll, and logged once
naming the source, the entry and the date as the feed wrote it."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from services.ingest.config import SourceConfig
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
