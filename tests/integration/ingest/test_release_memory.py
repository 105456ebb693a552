"""How long ingest knows a release it published: for ever. A release seen again years later (past the notifier's
``PLEDGEWATCH_RELEASE_MEMORY_DAYS``, 730 by default) with the text it was last published with publishes nothing,
whichever way it comes in, and no key of ingest's expires. A clock the test moves; the session's Redis."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from schemas import ReleasePublished
from services.ingest import polling, state
from services.ingest.config import SourceConfig
from services.ingest.identity import content_hash
from services.ingest.polling import SourcePoller
from services.ingest.state import publish_if_changed
from tests.integration.ingest.settled_files import write_settled

pytestmark = pytest.mark.integration

LATER = timedelta(days=731)  # past the notifier's memory of a release, its default
PLAN = "Border plan published\nThe UK will invest £5m in border checks by 1 March 2027.\n"


@pytest.fixture
def clock(monkeypatch):
    """``clock.now``: the time ingest admits releases by, moved by the test."""

    class Clock:
        now = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)

    for module in (state, polling):
        monkeypatch.setattr(module, "wall_clock", lambda: Clock.now)
    return Clock


async def no_ingest_key_expires(streams) -> None:
    keys = [key async for key in streams.client.scan_iter(match=streams.key("ingest:*"))]
    assert keys and [await streams.client.ttl(key) for key in keys] == [-1] * len(keys)


async def test_a_posted_release_posted_again_years_later_publishes_nothing(streams, published, clock):
    release = ReleasePublished(release_id="border-plan", version=1, url="https://example.org/plan",
                               title="Border plan", published_at=datetime(2026, 11, 25, 9, tzinfo=timezone.utc),
                               body=PLAN, content_hash=content_hash("Border plan", PLAN), source="http")
    assert (await publish_if_changed(streams, release, kind="http")).published
    clock.now += LATER
    again = await publish_if_changed(streams, release, kind="http")
    assert (again.version, again.published) == (1, False)
    assert len(await published()) == 1
    await no_ingest_key_expires(streams)


async def test_a_release_file_read_again_years_later_even_in_a_renamed_folder_publishes_nothing(
        tmp_path, http_service, watch, published, streams, clock):
    service, _ = http_service
    seeds = tmp_path / "seeds"
    first = await service.ingest_file(write_settled(seeds / "2026-12-01-plan.txt", PLAN), within=[seeds])
    clock.now += LATER
    again = await service.ingest_file(seeds / "2026-12-01-plan.txt", within=[seeds])
    assert (again.release_id, again.version, again.published) == (first.release_id, 1, False)
    seeds.rename(tmp_path / "inbox")
    await watch(tmp_path / "inbox")
    assert [r.release_id for r in await published()] == [first.release_id]
    await no_ingest_key_expires(streams)


def atom(base: str, *numbers: int) -> bytes:
    entries = "".join(f'<entry><id>release-{n}</id><title>Release {n}</title><link href="{base}/press/{n}"/>'
                      f'<published>2026-11-{10 + n:02d}T08:00:00Z</published></entry>' for n in numbers)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f'<id>f</id><updated>2026-11-20T08:00:00Z</updated>{entries}</feed>').encode()


async def test_a_feed_entry_forgotten_by_its_feed_and_listed_again_years_later_publishes_nothing(
        govuk, reader, streams, published, clock):
    """The feed's memory of its entries is bounded by count (those listed, and the 500 listed most recently
    before); the entry is read again, and its release's record, kept for ever, knows its text."""
    base = govuk.base.replace("127.0.0.1", "localhost")  # the feed's own host: its loopback links are followed
    for n in (1, 2):
        govuk.put(f"/press/{n}", f"<html><body><main><h1>Release {n}</h1><p>The ministry will invest £{n}m in "
                                 "ports by 2028.</p></main></body></html>", "text/html; charset=utf-8")
    config = SourceConfig(name="ministry", type="feed", url=base + "/press.atom", interval=1, follow="page")
    source = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
    source.state.absent_kept = 0  # an entry no longer listed is forgotten at once
    govuk.put("/press.atom", atom(base, 1), "application/atom+xml")
    assert (await source.poll(now=clock.now, clock=0)).published == 1
    govuk.put("/press.atom", atom(base, 2), "application/atom+xml")
    assert (await source.poll(now=clock.now, clock=0)).published == 1
    assert await source.state.seen(["release-1"]) == {}  # forgotten by the feed's memory

    clock.now += LATER
    govuk.put("/press.atom", atom(base, 1, 2), "application/atom+xml")
    again = await source.poll(now=clock.now, clock=0)
    assert (again.published, again.unchanged) == (0, 2)
    assert [r.title for r in await published()] == ["Release 1", "Release 2"]
    await no_ingest_key_expires(streams)
