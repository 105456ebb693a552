"""A server's Retry-After, in seconds or as an HTTP date, as the seconds to wait (pure)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.common.retrying import RetryPolicy
from services.ingest.backoff import Backoff
from services.common.retry_after import retry_after_seconds

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 5 ", 5.0), ("0", 0.0),
    ("Sun, 06 Dec 2026 12:02:30 GMT", 150.0),
    ("Sun, 06 Dec 2026 11:00:00 GMT", 0.0),  # already past: no wait of its own
    (None, None), ("", None), ("soon", None), ("-5", None), ("1.5", None), ("Sun, 06 Dec 2026 12:02:30", None),
])
def test_retry_after_is_read_as_seconds_or_an_http_date(value, seconds):
    assert retry_after_seconds(value, now=NOW) == seconds


def test_a_failure_waits_at_least_as_long_as_the_server_asked_up_to_the_cap():
    backoff = Backoff(RetryPolicy(base=10, cap=3600))
    assert backoff.failed("feed", 0.0, at_least=120) == 120
    assert not backoff.ready("feed", 119.0) and backoff.ready("feed", 120.0)
    assert backoff.failed("feed", 120.0, at_least=5) == 20  # its own doubling when longer
    assert backoff.failed("feed", 200.0, at_least=86_400) == 3600  # never past the cap
