"""Deadline phrase families added for the labelling rules: spans of financial years, calendar ranges,
academic years, "the 10th May", and starts that are not deadlines. Published 29 November 2017."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2017, 11, 29)


@pytest.mark.parametrize(("sentence", "start", "end"), [
    pytest.param("Councils will receive £40m across 2018-19 and 2019-20 for road repairs.",
                 date(2018, 4, 1), date(2020, 3, 31), id="two-financial-years"),
    pytest.param("The agency will fund research projects during 2018-2020.", date(2018, 1, 1), date(2020, 12, 31),
                 id="during-calendar-range"),
    pytest.param("The 2018-2020 programme will focus on fewer, larger projects.", date(2018, 1, 1),
                 date(2020, 12, 31), id="bare-calendar-range"),
    pytest.param("Every primary school will get extra funding for the next academic year.", date(2018, 9, 1),
                 date(2019, 8, 31), id="next-academic-year"),
    pytest.param("Grants will be paid in both this year and next year.", date(2017, 11, 29), date(2018, 12, 31),
                 id="this-year-and-next"),
])
def test_periods(sentence, start, end):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.start, deadline.end) == ("period", start, end)


def test_an_academic_or_school_year_named_by_its_years_runs_from_september_not_as_a_financial_year():
    for sentence in ("Every school will get the funding for the 2018/19 academic year.",
                     "Schools will be paid in the 2018-19 school year.",
                     "The places will be funded in the academic year 2018-19."):
        [deadline] = find_deadlines(sentence, PUBLISHED, year_starts=4)
        assert (deadline.type, deadline.start, deadline.end) == ("period", date(2018, 9, 1), date(2019, 8, 31)), sentence


def test_the_ordinal_day_before_a_month_is_a_date():
    [deadline] = find_deadlines("Schools will receive the money by the 10th May.", PUBLISHED)
    assert (deadline.type, deadline.due, deadline.text) == ("date", date(2018, 5, 10), "by the 10th May")


@pytest.mark.parametrize("sentence", [
    pytest.param("Starting in 2018-19, £6m a year will become available through the fund.", id="starting-in"),
    pytest.param("Funding rises in the wake of this year's floods.", id="this-years-possessive"),
])
def test_phrases_that_are_not_the_commitments_deadline(sentence):
    assert find_deadlines(sentence, PUBLISHED) == []


@pytest.mark.parametrize(("sentence", "year_starts", "expected"), [
    pytest.param("The ministry will spend $8m on patrols in 2018-19.", 7, ("period", "2018-07-01", "2019-06-30"),
                 id="july-year"),
    pytest.param("The ministry will spend $8m on patrols in 2018-19.", 4, ("period", "2018-04-01", "2019-03-31"),
                 id="april-year"),
    pytest.param("Every depot will be rebuilt by 2019/20.", 7, ("date", "2020-06-30"), id="by-a-july-year"),
    pytest.param("The bureau's Fiscal Year 2019 request includes $40 million for training.", 10,
                 ("period", "2018-10-01", "2019-09-30"), id="us-fiscal-year-named-by-its-end"),
    pytest.param("The agency will receive $3 million in FY2019.", 10, ("period", "2018-10-01", "2019-09-30"),
                 id="fy-abbreviation"),
    pytest.param("In Fiscal Year (FY) 2019, the agency will provide $3 million for patrols.", 10,
                 ("period", "2018-10-01", "2019-09-30"), id="fiscal-year-with-its-abbreviation-in-brackets"),
    pytest.param("The fund will pay out $3 million by the end of this financial year.", 7, ("date", "2018-06-30"),
                 id="this-financial-year-in-a-year-from-july"),
    pytest.param("The grants will be awarded next financial year.", 10, ("date", "2019-09-30"),
                 id="next-financial-year-in-a-year-from-october"),
    pytest.param("The fund will pay out $3 million next financial year.", 4, ("date", "2019-03-31"),
                 id="next-financial-year-in-a-year-from-april"),
    pytest.param("The grants awarded this fiscal year will fund 40 new officers.", 10, ("date", "2018-09-30"),
                 id="this-fiscal-year-in-a-year-from-october"),
    pytest.param("The depots will be rebuilt by the end of next fiscal year.", 4, ("date", "2019-03-31"),
                 id="end-of-next-fiscal-year-in-a-year-from-april"),
])
def test_financial_years_end_where_the_publishers_own_year_ends(sentence, year_starts, expected):
    [deadline] = find_deadlines(sentence, PUBLISHED, year_starts=year_starts)
    if deadline.type == "date":
        assert (deadline.type, deadline.due.isoformat()) == expected
    else:
        assert (deadline.type, deadline.start.isoformat(), deadline.end.isoformat()) == expected


def test_this_financial_year_is_the_one_holding_publication_in_the_publishers_own_year():
    [deadline] = find_deadlines("The grants will be awarded this financial year.", date(2018, 8, 15), year_starts=10)
    assert (deadline.type, deadline.due) == ("date", date(2018, 9, 30))


@pytest.mark.parametrize(("sentence", "due"), [
    pytest.param("The depot will be ready by end-2018.", date(2018, 12, 31), id="by-end-year"),
    pytest.param("The survey is due by end March.", date(2018, 3, 31), id="by-end-month"),
    pytest.param("The pilot will run through September 2018.", date(2018, 9, 30), id="through-a-month"),
    pytest.param("The grants will run through 2019.", date(2019, 12, 31), id="through-a-year"),
    pytest.param("Bids must be in by the deadline of 9 February.", date(2018, 2, 9), id="deadline-of-a-day"),
    pytest.param("The deadline for bids is 9 February 2018.", date(2018, 2, 9), id="deadline-is-a-day"),
    pytest.param("The new register will be live by Q2 2018.", date(2018, 6, 30), id="by-a-quarter"),
    pytest.param("Trials will finish in the third quarter of 2018.", date(2018, 9, 30), id="in-the-third-quarter"),
    pytest.param("Councils will be consulted in the first half of 2018.", date(2018, 6, 30), id="first-half-of-a-year"),
    pytest.param("Training will be complete by the end of the second half of 2019.", date(2019, 12, 31),
                 id="end-of-the-second-half"),
])
def test_calendar_forms_are_due_at_the_end_of_their_unit(sentence, due):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.due) == ("date", due)


@pytest.mark.parametrize("sentence", [
    "The 2018-19 Budget will provide $12 million for regional police stations.",
    "The 2018-19 State Government's record $1.2 billion policing budget will fund 300 more officers.",
], ids=["the-budget", "words-between"])
def test_the_financial_year_naming_a_budget_is_its_period_as_in_the_budget_is(sentence):
    # before: no deadline (only "in the 2018-19 Budget" was read)
    [deadline] = find_deadlines(sentence, PUBLISHED, year_starts=7)
    assert (deadline.type, deadline.text, deadline.start.isoformat(), deadline.end.isoformat()) == \
        ("period", "2018-19", "2018-07-01", "2019-06-30")


def test_a_financial_year_naming_something_else_is_read_as_before():
    assert find_deadlines("The 2018-19 figures show crime fell.", PUBLISHED, year_starts=7) == []


@pytest.mark.parametrize(("sentence", "text"), [
    ("The service will be funded to 2018-19.", "to 2018-19"),
    ("Funding will continue until 2018-19.", "until 2018-19"),
    ("The scheme will run through 2018/19.", "through 2018/19"),
], ids=["to", "until", "through"])
def test_until_a_financial_year_is_due_on_its_last_day_as_by_one_is(sentence, text):
    # before: no deadline
    [deadline] = find_deadlines(sentence, PUBLISHED, year_starts=7)
    assert (deadline.type, deadline.text, deadline.due.isoformat()) == ("date", text, "2019-06-30")


def test_a_run_of_financial_years_is_not_due_at_its_last():
    assert find_deadlines("The service will be funded from 2017-18 to 2019-20.", PUBLISHED, year_starts=7) == []


@pytest.mark.parametrize("sentence", [
    "No school will lose more than 1.5% per pupil in its budget compared to 2017-18.",
    "Spending rises by 4% relative to 2017-18.",
], ids=["compared-to", "relative-to"])
def test_a_financial_year_compared_to_is_no_deadline(sentence):
    assert find_deadlines(sentence, PUBLISHED, year_starts=7) == []


def test_up_to_a_financial_year_is_due_on_its_last_day():
    [deadline] = find_deadlines("The service will be funded up to 2018-19.", PUBLISHED, year_starts=7)
    assert (deadline.type, deadline.text, deadline.due.isoformat()) == ("date", "to 2018-19", "2019-06-30")


@pytest.mark.parametrize("sentence", [
    "The Home Office will raise spending to 2028-29 levels.",
    "Councils will get £5m, bringing the total to 2028-29 targets.",
], ids=["to-levels", "to-targets"])
def test_a_financial_year_naming_a_level_after_to_is_no_deadline(sentence):
    assert find_deadlines(sentence, PUBLISHED, year_starts=4) == []
