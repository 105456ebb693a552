"""Common ways of writing a deadline, each resolved as the labelling rules read it (published 10 May 2023)."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2023, 5, 10)


def _read(sentence: str) -> tuple:
    """The one deadline ``sentence`` writes: its type and values (the text it spans must be its own)."""
    deadlines = find_deadlines(sentence, PUBLISHED)
    assert len(deadlines) == 1, deadlines
    found = deadlines[0]
    assert sentence[slice(*found.span)].strip() == found.text
    if found.type == "date":
        return found.type, found.due
    if found.type == "period":
        return found.type, found.start, found.end
    return found.type, found.min, found.max


_DUE_ON = {
    # a month and day with no year: the next such day
    "by-month-day": ("Agencies must submit their plans by June 30.", date(2023, 6, 30)),
    "on-month-ordinal-day": ("The rule takes effect on July 4th.", date(2023, 7, 4)),
    "until-month-day-next-year": ("The waiver remains in place until January 31.", date(2024, 1, 31)),
    "by-weekday-month-day": ("Comments are due by Friday, June 16.", date(2023, 6, 16)),
    # a month, season or part of this or next year: the end of that part
    "month-next-year": ("The strategy will be published by June next year.", date(2024, 6, 30)),
    "end-of-month-next-year": ("The review will report by the end of March next year.", date(2024, 3, 31)),
    "season-of-next-year": ("The new rules will be laid in the spring of next year.", date(2024, 5, 31)),
    "season-next-year": ("The new rules will be laid in spring next year.", date(2024, 5, 31)),
    "month-this-year": ("The first grants will be paid in September this year.", date(2023, 9, 30)),
    "early-next-year": ("The scheme will open early next year.", date(2024, 4, 30)),
    "mid-next-year": ("The depot will be finished by mid-next year.", date(2024, 6, 30)),
    "quarter-of-this-year": ("Trials will start in the third quarter of this year.", date(2023, 9, 30)),
    "half-of-next-year": ("The fund will open in the first half of next year.", date(2024, 6, 30)),
    # each was read as another day
    "on-or-before-a-day": ("Returns must be filed on or before 30 June.", date(2023, 6, 30)),
    "a-day-of-next-year": ("The review will report by 31 March next year.", date(2024, 3, 31)),
    "a-day-of-this-year": ("The scheme closes on 1 September this year.", date(2023, 9, 1)),
    "the-end-of-the-year-named": ("Every site will be connected by the end of the year 2025.", date(2025, 12, 31)),
    "the-year-named": ("The line will open in the year 2026.", date(2026, 12, 31)),
    # a timetable line led by a season or part of a year
    "timetable-season": ("Spring 2024: services must complete their risk assessments.", date(2024, 5, 31)),
    "timetable-early-year": ("Early 2024: we will consult on further measures.", date(2024, 4, 30)),
    "timetable-mid-year": ("Mid-2024 – the register of categorised services.", date(2024, 6, 30)),
    "timetable-quarter": ("Q1 2024: guidance for platforms.", date(2024, 3, 31)),
}


@pytest.mark.parametrize(("sentence", "due"), _DUE_ON.values(), ids=_DUE_ON.keys())
def test_the_day_a_deadline_is_due(sentence, due):
    assert _read(sentence) == ("date", due)


def test_a_month_and_day_just_past_is_when_something_happened():
    assert find_deadlines("The attack on May 3 killed four people.", PUBLISHED) == []


@pytest.mark.parametrize("sentence", [
    "The government will publish its response within weeks.",
    "Ministers will act within days.",
])
def test_within_units_with_no_number_is_a_vague_period(sentence):
    # before: read as one week or one day
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.start, deadline.end, deadline.vague) == ("period", PUBLISHED, None, True)


_YEARS_FROM = {  # each was read from publication
    "years-from-a-financial-year": ("The Government will provide $20 million over four years from 2023-24.",
                                    date(2023, 4, 1), date(2027, 3, 31)),
    "years-from-a-year": ("The fund will pay out €8 million over three years from 2024.",
                          date(2024, 1, 1), date(2026, 12, 31)),
}


@pytest.mark.parametrize(("sentence", "start", "end"), _YEARS_FROM.values(), ids=_YEARS_FROM.keys())
def test_years_from_a_year_run_from_its_first_day(sentence, start, end):
    assert _read(sentence) == ("period", start, end)


@pytest.mark.parametrize("sentence", [
    "The Secretary shall submit the plan by the end of fiscal year 2024.",
    "Every airport must have the new scanners by FY2024.",
])
def test_by_a_named_fiscal_year_is_due_on_its_last_day(sentence):
    # before: read as the whole year, a period
    [deadline] = find_deadlines(sentence, PUBLISHED, year_starts=10)
    assert (deadline.type, deadline.due) == ("date", date(2024, 9, 30))


@pytest.mark.parametrize("sentence", ["Leaders will meet on June 4-5.", "Leaders will meet on June 4 and 5, 2024."])
def test_the_first_of_days_written_as_a_range_is_not_the_deadline(sentence):
    assert all(deadline.due != date(2023, 6, 4) for deadline in find_deadlines(sentence, PUBLISHED))


_RANGES_OF_A_NAMED_YEAR = {
    # a range of days or months followed by "this year" or "next year" is one period in that year, as "by 31 March
    # next year" is one day: the year names when the range falls, it is no deadline of its own
    "days-this-year": ("Events will take place between 8 June and 31 August this year.",
                       date(2023, 6, 8), date(2023, 8, 31)),
    "days-next-year": ("Events will take place between 8 June and 31 August next year.",
                       date(2024, 6, 8), date(2024, 8, 31)),
    "months-this-year": ("The review will run from June to September this year.", date(2023, 6, 1), date(2023, 9, 30)),
    "months-next-year": ("The pilot will run from January to March next year.", date(2024, 1, 1), date(2024, 3, 31)),
}


@pytest.mark.parametrize(("sentence", "start", "end"), _RANGES_OF_A_NAMED_YEAR.values(),
                         ids=_RANGES_OF_A_NAMED_YEAR.keys())
def test_a_range_of_this_or_next_year_is_one_period_in_it(sentence, start, end):
    assert _read(sentence) == ("period", start, end)


_A_UNIT_AND_A_TIME_IN_IT = {
    # "this year" or "next month" written beside a day or a range of days within it names the same time: the day
    # is the deadline, the unit no second one
    "next-month-then-day": ("The summit will be held next month, on 12 June.", ("date", date(2023, 6, 12))),
    "next-month-day": ("The summit will be held next month on 12 June.", ("date", date(2023, 6, 12))),
    "this-year-then-range": ("Events will take place this year, between 8 June and 31 August.",
                             ("period", date(2023, 6, 8), date(2023, 8, 31))),
    "next-week-then-day": ("The minister will visit Samoa next week, on 16 May.", ("date", date(2023, 5, 16))),
}


@pytest.mark.parametrize(("sentence", "reading"), _A_UNIT_AND_A_TIME_IN_IT.values(), ids=_A_UNIT_AND_A_TIME_IN_IT.keys())
def test_this_or_next_unit_beside_a_time_within_it_is_no_second_deadline(sentence, reading):
    assert _read(sentence) == reading


@pytest.mark.parametrize("sentence", [
    "The fund will open next month and close on 30 September.",  # not beside it
    "The money will be spent this year, and the hall finished by 31 March 2025.",  # not within it
])
def test_a_unit_apart_from_a_day_or_beyond_it_stays(sentence):
    assert len(find_deadlines(sentence, PUBLISHED)) == 2


@pytest.mark.parametrize(("sentence", "text"), [
    ("Events will take place between 8 June and 31 August.", "between 8 June and 31 August"),
    ("The codes will be laid in September.", "in September"),
    ("Bids close on Aug. 31, 2023.", "on Aug. 31, 2023"),  # the full stop of an abbreviation is the month's
])
def test_a_month_name_ending_a_sentence_leaves_out_its_full_stop(sentence, text):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert deadline.text == text


@pytest.mark.parametrize("sentence", [
    "The service will be funded for an additional three years.",
    "The mission's mandate is renewed for additional three years.",
    "The programme will run for a further three years.",
    "The programme will run for another three years.",
])
def test_an_additional_span_runs_from_publication_as_a_further_one_does(sentence):
    # before: "an additional three years" was no deadline
    assert _read(sentence) == ("period", PUBLISHED, date(2026, 5, 10))


@pytest.mark.parametrize(("sentence", "due"), [
    ("Later in the year, the council will publish its new housing plan.", date(2023, 12, 31)),
    ("The second round of grants will open later in the month.", date(2023, 5, 31)),
], ids=["later-in-the-year", "later-in-the-month"])
def test_later_in_the_unit_is_due_at_its_end_as_later_this_unit_is(sentence, due):
    # before: no deadline
    assert _read(sentence) == ("date", due)


def test_earlier_in_the_year_is_when_something_happened():
    assert find_deadlines("Earlier in the year, the council published its housing plan.", PUBLISHED) == []


@pytest.mark.parametrize(("sentence", "due"), [
    ("The conference will be held in Geneva from 5 to 8 August.", date(2023, 8, 8)),
    ("Ministers will meet in Oslo on 16-17 June 2023.", date(2023, 6, 17)),
    ("The summit will take place on 3 and 4 December.", date(2023, 12, 4)),
], ids=["from-day-to-day-month", "day-hyphen-day-month-year", "day-and-day-month"])
def test_days_of_one_month_are_due_on_the_last(sentence, due):
    # before: no deadline (the last day had no preposition of its own)
    assert _read(sentence) == ("date", due)


def test_days_of_one_month_gone_by_are_when_something_happened():
    assert find_deadlines("Ministers met in Oslo on 2-3 May.", PUBLISHED) == []


@pytest.mark.parametrize(("sentence", "end"), [
    ("The scheme will receive a further year of funding.", date(2024, 5, 10)),
    ("The council will fund the pilot for another year.", date(2024, 5, 10)),
    ("Ministers agreed a two-year extension of the programme.", date(2025, 5, 10)),
    ("The board approved a six-month renewal of the licence scheme.", date(2023, 11, 10)),
], ids=["a-further-year", "another-year", "two-year-extension", "six-month-renewal"])
def test_a_further_unit_or_an_extension_runs_from_publication(sentence, end):
    # before: no deadline
    assert _read(sentence) == ("period", PUBLISHED, end)


@pytest.mark.parametrize(("sentence", "end"), [
    ("The mandate of the mission is extended for two and a half years.", date(2025, 11, 10)),
    ("Over the next one and a half years, the council will rebuild ten schools.", date(2024, 11, 10)),
], ids=["for-two-and-a-half-years", "over-the-next-one-and-a-half-years"])
def test_units_and_a_half_run_from_publication_as_whole_units_do(sentence, end):
    # before: no deadline
    assert _read(sentence) == ("period", PUBLISHED, end)
