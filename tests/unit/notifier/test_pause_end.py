"""The end of a pause as the CLI's ``--until``, the API's ``until`` and the dashboard's day give it: one reading.

Before: the CLI refused a date alone ("not a time with a zone"), the API refused it ("Input should have
timezone info"), and the dashboard took nothing but a date (midnight UTC)."""

from datetime import datetime, timezone

import pytest

from services.notifier.bounds import pause_end

UTC = timezone.utc


@pytest.mark.parametrize("text, end", [
    pytest.param("2026-12-10", datetime(2026, 12, 10, tzinfo=UTC), id="date-alone-is-its-start-utc"),
    pytest.param(" 2026-12-10 ", datetime(2026, 12, 10, tzinfo=UTC), id="spaces-around"),
    pytest.param("2026-12-10T09:30:00Z", datetime(2026, 12, 10, 9, 30, tzinfo=UTC), id="time-in-utc"),
    pytest.param("2026-12-10T09:30:00+01:00", datetime(2026, 12, 10, 8, 30, tzinfo=UTC), id="time-with-offset"),
])
def test_a_date_or_a_time_with_its_zone_ends_a_pause(text, end):
    assert pause_end(text) == end


@pytest.mark.parametrize("given, reason", [
    pytest.param("2026-12-10T09:30", "not a date or a time with a zone", id="time-without-zone"),
    pytest.param("tomorrow", "not a date or a time with a zone", id="words"),
    pytest.param("", "not a date or a time with a zone", id="empty"),
    pytest.param(None, "not a date or a time with a zone", id="none"),
    pytest.param("1900000000", "not a number", id="unix-seconds-as-text"),
    pytest.param(1900000000, "not a number", id="a-number"),
])
def test_anything_else_is_refused_saying_what_to_give(given, reason):
    with pytest.raises(ValueError, match=reason) as refused:
        pause_end(given)
    assert "2026-02-01" in str(refused.value)
