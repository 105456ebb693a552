"""Days written YYYY-MM-DD, and the reason one names no day."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.ingest.calendar_days import calendar_day


@pytest.mark.parametrize(
    ("text", "message"),
    [pytest.param("2018-02-30", "2018-02-30 is not a real date (February 2018 has 28 days)", id="february"),
     pytest.param("2024-02-30", "2024-02-30 is not a real date (February 2024 has 29 days)", id="leap-year"),
     pytest.param("2018-04-31", "2018-04-31 is not a real date (April 2018 has 30 days)", id="april"),
     pytest.param("2018-13-01", "2018-13-01 is not a real date (there is no month 13)", id="month-13"),
     pytest.param("2018-01-00", "2018-01-00 is not a real date (January 2018 has 31 days)", id="day-0"),
     pytest.param("0000-01-01", "0000-01-01 is not a real date (there is no year 0)", id="year-0"),
     pytest.param("1/2/2018", "'1/2/2018' is not a date; write YYYY-MM-DD", id="slashes")],
)
def test_a_day_that_does_not_exist_is_refused_with_the_reason(text, message):
    with pytest.raises(ValueError) as caught:
        calendar_day(text)
    assert str(caught.value) == message


@given(st.dates())
def test_every_real_day_reads_back(day):
    assert calendar_day(day.isoformat()) == day


@given(st.text(max_size=12))
def test_any_text_is_a_day_or_a_value_error(text):
    try:
        assert isinstance(calendar_day(text), date)
    except ValueError:
        pass
