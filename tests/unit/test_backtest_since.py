"""`pledgewatch subscriptions backtest --since`: days, weeks, ISO 8601 durations or a date; anything else
one line, exit 2."""

from datetime import datetime, timezone

import pytest

from pledgewatch.errors import CommandError
from pledgewatch.subscriptions_cli import backtest_since

NOW = datetime(2026, 12, 4, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize(("text", "since"), [
    ("90d", datetime(2026, 9, 5, 12, tzinfo=timezone.utc)),
    ("2w", datetime(2026, 11, 20, 12, tzinfo=timezone.utc)),
    ("P3M", datetime(2026, 9, 4, 12, tzinfo=timezone.utc)),
    ("2026-09-01", datetime(2026, 9, 1, tzinfo=timezone.utc)),
])
def test_since(text, since):
    assert backtest_since(text, now=NOW) == since


@pytest.mark.parametrize("text", ["yesterday", "90", "P", "2026-13-01"])
def test_a_bad_since_is_a_usage_error(text):
    with pytest.raises(CommandError) as raised:
        backtest_since(text, now=NOW)
    assert raised.value.exit_code == 2 and str(raised.value).startswith(f"--since {text}: ")


@pytest.mark.parametrize(("text", "reason"), [
    # before: accepted, and the backtest found nothing, with no word of why
    ("2030-01-01", "--since 2030-01-01: a time to come; give one in the past"),
    ("5d", None),
    # before: "give days (90d)…", which 99999d is, with no word of what was wrong
    ("99999d", "--since 99999d: 'P99999D' is longer than P5Y"),
])
def test_a_since_in_the_future_or_too_far_back_says_why(text, reason):
    if reason is None:
        assert backtest_since(text, now=NOW) < NOW
        return
    with pytest.raises(CommandError) as raised:
        backtest_since(text, now=NOW)
    assert raised.value.exit_code == 2 and str(raised.value) == reason
