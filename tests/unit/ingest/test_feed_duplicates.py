"""One entry per guid and per link, the same one for the same feed (pure)."""

from __future__ import annotations

from datetime import datetime, timezone

from services.ingest.feed_duplicates import one_per_release
from services.ingest.feeds import FeedEntry, RefusedEntry


def entry(key: str, link: str, text: str, updated: int | None = None) -> FeedEntry:
    when = datetime(2026, 12, updated, tzinfo=timezone.utc) if updated else None
    return FeedEntry(key=key, link=link, title="T", published=None, updated=when, summary_html="",
                     content_html=text, fingerprint=text)


def test_the_copy_updated_last_wins_else_the_last_listed_and_feed_order_is_kept():
    first, other, last = entry("a", "https://x/a", "1"), entry("b", "https://x/b", "2"), entry("a", "https://x/a", "3")
    kept, dropped = one_per_release([first, other, last])
    assert kept == [other, last] and [(d.entry, d.shared) for d in dropped] == [(first, "entry a")]
    newer, older = entry("a", "https://x/a", "new", updated=2), entry("a", "https://x/a", "old", updated=1)
    assert one_per_release([newer, older])[0] == [newer]
    assert one_per_release([older, newer])[0] == [newer]


def test_two_guids_with_one_link_are_one_release_and_a_refused_copy_loses_to_a_dated_one():
    dated = entry("a", "https://x/a", "1", updated=1)
    refused = RefusedEntry(key="b", link="https://x/a", reason="bad date", fingerprint="f")
    kept, dropped = one_per_release([dated, refused])
    assert kept == [dated] and [(d.entry, d.shared) for d in dropped] == [(refused, "link https://x/a")]
