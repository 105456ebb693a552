"""A feed that comes back empty or cut short for a poll (a publisher's CMS hiccup) and then whole again: the
entries it left out are still known, so nothing is read, fetched, published or dead-lettered again; and what is
remembered of a feed that rotates its entries stays bounded."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas.streams import DEAD_LETTERS
from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller
from services.ingest.source_state import Seen, SourceState

pytestmark = pytest.mark.integration

NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
ENTRIES = 6


def entry(base: str, n: int) -> str:
    return (f'<entry><id>release-{n}</id><title>Release {n}</title><link href="{base}/press/{n}"/>'
            f'<published>2023-05-{10 + n:02d}T08:00:00Z</published></entry>')


# Dated 2099: refused (dead-lettered) once, and read again only when the feed changes it.
REFUSED = ('<entry><id>refused</id><title>Misdated</title><link href="{base}/press/misdated"/>'
           '<published>2099-01-01T00:00:00Z</published></entry>')


def atom(entries: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f'<id>f</id><updated>2023-05-20T08:00:00Z</updated>{"".join(entries)}</feed>').encode()


def full_feed(base: str) -> list[str]:
    """Newest first, the refused entry last (the oldest)."""
    return [entry(base, n) for n in range(ENTRIES, 0, -1)] + [REFUSED.format(base=base)]


def link_hits(govuk) -> int:
    return sum(count for path, count in govuk.hits.items() if path.startswith("/press/"))


@pytest.mark.parametrize("short", [pytest.param(0, id="empty"), pytest.param(2, id="newest-2")])
async def test_a_feed_back_whole_after_a_short_answer_reads_nothing_again(govuk, reader, streams, published,
                                                                        short):
    base = govuk.base.replace("127.0.0.1", "localhost")  # the feed's own host: its loopback links are followed
    for n in range(1, ENTRIES + 1):
        govuk.put(f"/press/{n}", f"<html><body><main><h1>Release {n}</h1><p>The ministry will act by 2025.</p>"
                                 "</main></body></html>", "text/html; charset=utf-8")
    govuk.put("/press/misdated", "<html><body><main><p>Text.</p></main></body></html>", "text/html")
    config = SourceConfig(name="ministry", type="feed", url=base + "/press.atom", interval=1, follow="page")
    source = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)

    govuk.put("/press.atom", atom(full_feed(base)), "application/atom+xml", etag='"full-1"')
    first = await source.poll(now=NOW, clock=0)
    assert (first.published, first.rejected) == (ENTRIES, 1)
    fetched, letters = link_hits(govuk), await streams.client.xlen(streams.key(DEAD_LETTERS))
    assert letters == 1

    govuk.put("/press.atom", atom(full_feed(base)[:short]), "application/atom+xml", etag='"short"')
    await source.poll(now=NOW, clock=1)
    govuk.put("/press.atom", atom(full_feed(base)), "application/atom+xml", etag='"full-2"')
    back = await source.poll(now=NOW, clock=2)

    assert (back.published, back.failed, back.unchanged) == (0, 0, ENTRIES + 1)
    assert link_hits(govuk) == fetched  # no link fetched again
    assert await streams.client.xlen(streams.key(DEAD_LETTERS)) == 1  # the refused entry is not refused twice
    assert len(await published()) == ENTRIES


async def test_what_is_remembered_of_a_rotating_feed_stays_bounded(streams):
    state = SourceState(streams, "rotating", absent_kept=30)
    for answer in range(50):  # 20 new entries in each answer, none listed twice
        listed = [f"entry-{answer}-{i}" for i in range(20)]
        await state.mark_seen(dict.fromkeys(listed, Seen("fingerprint", f"rel-{answer}")), listed=listed)
    seen = {k.decode() for k in await streams.client.hkeys(streams.key("ingest:source:rotating:seen"))}
    assert len(seen) == 20 + 30
    assert await streams.client.zcard(streams.key("ingest:source:rotating:listed")) == 20 + 30
    # The latest answer's entries and the 30 listed most recently before them.
    assert {f"entry-49-{i}" for i in range(20)} | {f"entry-48-{i}" for i in range(20)} <= seen
    assert len({f"entry-47-{i}" for i in range(20)} & seen) == 10
    assert not {k for k in seen if int(k.split("-")[1]) < 47}
    assert await state.seen([f"entry-49-{i}" for i in range(20)]) == dict.fromkeys(
        [f"entry-49-{i}" for i in range(20)], Seen("fingerprint", "rel-49"))
