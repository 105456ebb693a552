"""Text that names no real day never escapes ``find_deadlines`` as an exception: "by 32 June" (a typo a release
may carry), a length that runs past the calendar. It is no deadline, and the rest of the sentence is still read.
A day the month it names lacks ("by 31 June") is due at that month's end."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2017, 11, 29)


@pytest.mark.parametrize("sentence", [
    pytest.param("The Home Office will publish the review by 32 June 2018.", id="a-day-no-month-has"),
    pytest.param("The mission will be extended from 30 to 31 April.", id="a-range-ending-on-a-missing-day"),
    pytest.param("The store will hold the samples for 9000 years.", id="a-length-past-the-calendar"),
    pytest.param("The programme will run over the next 99999 years.", id="a-coming-span-past-the-calendar"),
    pytest.param("Platforms must act within 10000000 weeks.", id="a-window-past-the-calendar"),
])
def test_a_date_the_calendar_lacks_is_no_deadline(sentence):
    assert find_deadlines(sentence, PUBLISHED) == []


@pytest.mark.parametrize(("sentence", "due"), [
    pytest.param("The Home Office will publish the review by 31 June 2018.", date(2018, 6, 30), id="a-day-june-lacks"),
    pytest.param("Bids must be in by 30 February.", date(2018, 2, 28), id="a-day-february-lacks"),
])
def test_a_day_the_month_lacks_is_due_at_the_months_end(sentence, due):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert deadline.due == due


def test_the_rest_of_the_sentence_is_still_read():
    [deadline] = find_deadlines("The review due by 32 June 2018 will be published by March 2019.", PUBLISHED)
    assert deadline.text == "by March 2019"


_PHRASES = st.tuples(
    st.sampled_from(["by", "until", "within", "over the next", "for a further", "in under", "from", "by the end of",
                     "over", "in"]),
    st.one_of(st.integers(0, 10**8).map(str), st.sampled_from(["1.5", "0.25", "two and a half", "a", "31", "30"])),
    st.sampled_from(["hours", "minutes", "days of notification", "weeks", "months", "years", "June", "February 2019",
                     "April", "to 31 April", "years beginning in 2015-16", "year"]),
).map(" ".join)


@given(st.lists(_PHRASES, min_size=1, max_size=3).map(", and ".join), st.dates(date(1990, 1, 1), date(2040, 12, 31)))
def test_deadline_reading_never_raises_and_its_spans_point_into_the_text(text, published):
    deadlines = find_deadlines(text, published, 7)
    for deadline in deadlines:
        assert text[deadline.span[0] - 7:deadline.span[1] - 7].strip() == deadline.text


@pytest.mark.parametrize(("sentence", "duration"), [
    pytest.param("Platforms must act within 1.5 hours.", "PT90M", id="decimal-hours"),
    pytest.param("Firms must respond within 2.5 days of notification.", "PT60H", id="decimal-days"),
    pytest.param("Content must come down in under 1.5 hours.", "PT90M", id="under-decimal-hours"),
])
def test_a_response_time_in_part_units_is_counted_in_the_next_smaller_unit(sentence, duration):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.min, deadline.max) == ("response_time", duration, duration)


@pytest.mark.parametrize("sentence", [
    pytest.param("The Home Office will invest £1m by 1 January 2100 to counter terrorism.", id="day-2100"),
    pytest.param("The Home Office will invest £1m by 1 January, 2100.", id="day-comma-2100"),
    pytest.param("The Home Office will invest £1m by 1 January 9999.", id="day-9999"),
    pytest.param("The Home Office will invest £1m by 1 January 10000.", id="day-10000"),
    pytest.param("The Home Office will invest £1m by 1 January 1899.", id="day-1899"),
    pytest.param("The new strategy will be published by spring 2100.", id="season-2100"),
    pytest.param("The new strategy will be published by the autumn of 2100.", id="season-of-2100"),
    pytest.param("The scheme will run from November to December 2100.", id="month-range-2100"),
    pytest.param("The scheme will run between 1 November and 3 December 2100.", id="day-range-2100"),
    pytest.param("The Home Office will invest £1m by 1 January (2100).", id="day-bracketed-2100"),
    pytest.param("The scheme will run by January 2100.", id="month-2100"),
    pytest.param("The scheme will run by 2100.", id="year-2100"),
])
def test_a_year_outside_1900_to_2099_makes_no_deadline_never_another_year(sentence):
    """The rules read years 1900-2099 only: one outside is not dropped to leave "by 1 January", due the next
    1 January after publication."""
    assert find_deadlines(sentence, date(2017, 6, 1)) == []


def test_the_same_dates_in_a_year_read_are_deadlines():
    texts = [d.text for d in find_deadlines(
        "It will invest £1m by 1 January 2099, publish by spring 2099 and run from January to March 2099.",
        date(2017, 6, 1))]
    assert texts == ["by 1 January 2099", "by spring 2099", "from January to March 2099"]
