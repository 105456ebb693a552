"""The quiet-source warning speaks of the usual gap in words ("1 day"), not as a timedelta."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from schemas import ReleasePublished
from services.ingest.config import SourceConfig
from services.ingest.identity import content_hash
from services.ingest.quiet_watch import QuietWatch
from services.ingest.rhythm import Change, QuietRules
from services.ingest.state import publish_if_changed

pytestmark = pytest.mark.integration

FIRST = datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc)
FEED = SourceConfig(name="ministry", url="https://www.gov.uk/search/news.atom", interval=300)


async def test_the_quiet_warning_gives_the_usual_gap_in_words(streams, caplog):
    for n in range(10):
        title, body = f"Release {n}", f"The UK will invest £{n}m in port security."
        await publish_if_changed(streams, ReleasePublished(
            release_id=f"rel-quiet-log-{n}", version=1, url=f"https://www.gov.uk/news/{n}", title=title,
            published_at=FIRST + timedelta(days=n), source=FEED.name, body=body,
            content_hash=content_hash(title, body)), kind="feed")
    watch = QuietWatch(streams, [FEED], rules=QuietRules(after=3, window=20, min_gaps=5), default_interval=300,
                       check_interval=60)
    await watch.register()
    with caplog.at_level(logging.WARNING, logger="services.ingest.quiet_watch"):
        assert await watch.check(FEED, now=FIRST + timedelta(days=12)) is Change.QUIET
    (line,) = [r.getMessage() for r in caplog.records if "went quiet" in r.getMessage()]
    assert line == ("source ministry went quiet: nothing since 2026-10-10 09:30:00+00:00, 3 times its usual gap "
                    "of 1 day")
