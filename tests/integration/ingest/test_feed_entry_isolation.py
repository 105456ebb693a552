"""One bad feed entry never fails its feed: it is dead-lettered with the reason, the good entries are
published, the source is not backed off and the feed's ETag is kept."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from schemas import DeadLetterEvent
from schemas.streams import DEAD_LETTERS, EVENT_FIELD
from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
GOOD = ('<entry><id>good</id><title>Ports plan</title><link href="https://example.org/ports"/>'
        '<published>2023-05-02T08:00:00Z</published><content type="html">&lt;p&gt;The ministry will act by '
        '2025.&lt;/p&gt;</content></entry>')


def atom(*entries: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f'<id>f</id><updated>2023-05-02T08:00:00Z</updated>{"".join(entries)}</feed>').encode()


def bad_entry(inner: str) -> str:
    return (f'<entry><id>bad</id><title>Broken</title><link href="https://example.org/broken"/>{inner}'
            '<content type="html">&lt;p&gt;Text.&lt;/p&gt;</content></entry>')


async def dead_letters(streams) -> list:
    entries = await streams.client.xrange(streams.key(DEAD_LETTERS))
    return [DeadLetterEvent.model_validate_json(fields[EVENT_FIELD.encode()]).data for _, fields in entries]


def feed_poller(govuk, reader, streams) -> SourcePoller:
    config = SourceConfig(name="ministry", url=govuk.base + "/press.atom", interval=1, follow="none")
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)


@pytest.mark.parametrize(("inner", "reason"), [
    pytest.param("<published>0000-01-01T00:00:00Z</published>", "year 0 is out of range", id="year-0"),
    pytest.param("<published>9999-12-31T23:59:59-05:00</published>", "year 10000 is out of range",
                 id="year-10000"),
    pytest.param("<published>2099-01-01T00:00:00Z</published>", "is more than a day after now", id="2099"),
])
async def test_an_entry_that_cannot_be_read_is_dead_lettered_and_the_feed_goes_on(
        govuk, reader, streams, published, caplog, inner, reason):
    govuk.put("/press.atom", atom(bad_entry(inner), GOOD), "application/atom+xml", etag='"v1"')
    source = feed_poller(govuk, reader, streams)
    with caplog.at_level(logging.WARNING):
        report = await source.run(now=NOW, clock=0)
    assert report is not None, caplog.text  # the poll did not fail
    assert (report.published, report.failed, report.rejected) == (1, 1, 1)
    assert [r.title for r in await published()] == ["Ports plan"]
    [letter] = await dead_letters(streams)
    assert "https://example.org/broken" in letter.reason and reason in letter.reason
    # Told once, at WARNING as a refused file is (before: once more at ERROR, as "dead letter from feed:…").
    [(level, line)] = [(r.levelno, r.getMessage()) for r in caplog.records if "example.org/broken" in r.getMessage()]
    assert level == logging.WARNING and line.startswith("source ministry: entry https://example.org/broken refused")
    assert reason in line
    # Not backed off, and the ETag was saved: the next poll is a 304 and dead-letters nothing again.
    await streams.client.delete(streams.key("ingest:source:ministry:lease"))
    report = await source.run(now=NOW, clock=1)
    assert report is not None and report.not_modified
    assert len(await dead_letters(streams)) == 1


async def test_an_entry_failing_while_read_is_refused_alone(govuk, reader, streams, published, monkeypatch):
    """Any error converting one entry (here a bug-like RecursionError) stays with that entry."""
    from services.ingest import readers

    real = readers.entry_release

    def fragile(entry, **kwargs):
        if entry.title == "Broken":
            raise RecursionError("maximum recursion depth exceeded")
        return real(entry, **kwargs)

    monkeypatch.setattr(readers, "entry_release", fragile)
    govuk.put("/press.atom", atom(bad_entry(""), GOOD), "application/atom+xml", etag='"v1"')
    source = feed_poller(govuk, reader, streams)
    report = await source.run(now=NOW, clock=0)
    assert report is not None and (report.published, report.rejected) == (1, 1)
    [letter] = await dead_letters(streams)
    assert "RecursionError" in letter.reason
    await streams.client.delete(streams.key("ingest:source:ministry:lease"))
    assert (await source.run(now=NOW, clock=1)).not_modified


async def test_an_entry_whose_release_record_is_unreadable_waits_alone(govuk, reader, streams, published, caplog):
    """A release record edited by hand (its version no number, decision 0064) holds its release, not its feed: the
    other entries are published and seen, the source is not backed off, and the entry goes through once the record
    is set right. Before: the whole poll failed at every try, the source backed off (up to PLEDGEWATCH_MAX_BACKOFF)
    and every new entry of the feed waited with it."""
    govuk.put("/press.atom", atom(bad_entry("<published>2023-05-01T08:00:00Z</published>")), "application/atom+xml",
              etag='"v1"')
    source = feed_poller(govuk, reader, streams)
    assert (await source.run(now=NOW, clock=0)).published == 1
    [record] = [key async for key in streams.client.scan_iter(match=streams.key("ingest:release:*"))
                if b":source:" not in key]
    await streams.client.hset(record, "version", "seven")
    changed = bad_entry("<published>2023-05-01T08:00:00Z</published>").replace("Text.", "Other text.")
    govuk.put("/press.atom", atom(changed, GOOD), "application/atom+xml", etag='"v2"')
    await streams.client.delete(streams.key("ingest:source:ministry:lease"))

    with caplog.at_level(logging.ERROR):
        report = await source.run(now=NOW, clock=1)

    assert report is not None, caplog.text  # the poll did not fail
    assert (report.published, report.failed, report.rejected) == (1, 1, 0)
    assert [r.title for r in await published()] == ["Broken", "Ports plan"]
    assert source.backoff.ready("ministry", 2)
    assert any(record.decode() in r.getMessage() and "'seven'" in r.getMessage() for r in caplog.records
               if r.levelno == logging.ERROR), caplog.text
    assert await dead_letters(streams) == []  # the server's state is at fault, not the entry

    await streams.client.hset(record, "version", 1)
    await streams.client.delete(streams.key("ingest:source:ministry:lease"))
    report = await source.run(now=NOW, clock=1000)
    assert report is not None and report.published == 1
    assert [(r.title, r.version) for r in await published()][-1] == ("Broken", 2)
