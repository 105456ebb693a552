"""A unit of time named as the time something happened in is no deadline, as "earlier this year" is not;
"in time for" a season is due before it begins, as "before" one is (published 29 November 2023)."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2023, 11, 29)


@pytest.mark.parametrize("sentence", [
    pytest.param("So far this year, we have funded 20 new projects.", id="so-far-this-year"),
    pytest.param("We have already this year funded 20 new projects.", id="already-this-year"),
    pytest.param("We have funded 20 new projects this year so far.", id="this-year-so-far"),
    pytest.param("To date this year, 20 new projects have been funded.", id="to-date-this-year"),
    pytest.param("Police made 300 arrests this year alone.", id="this-year-alone"),
    pytest.param("Fourteen labs were found in the first two months of this year.", id="first-months-of-this-year"),
    pytest.param("Arrests rose by a third on the same period last year and will fall in the same period next "
                 "year.", id="same-period-next-year"),
    pytest.param("So far this month, 40 sites have been removed.", id="so-far-this-month"),
])
def test_time_gone_by_in_this_unit_is_no_deadline(sentence):
    assert find_deadlines(sentence, PUBLISHED) == []


@pytest.mark.parametrize("sentence", [
    "We will fund 20 new projects this year.",
    "This year, the initiative will fund 40 high-threat urban areas.",
    "The Commission will publish the guidance later this year.",
])
def test_this_year_as_the_commitments_time_is_still_read(sentence):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.due) == ("date", date(2023, 12, 31))


@pytest.mark.parametrize("sentence, due", [
    pytest.param("The heating upgrades will be finished in time for winter.", date(2023, 11, 30),
                 id="in-time-for-winter"),
    pytest.param("The new pitches will be ready in time for summer 2024.", date(2024, 5, 31),
                 id="in-time-for-summer-2024"),
    pytest.param("The new timetable will be ready in time for September.", date(2024, 8, 31),
                 id="in-time-for-september"),
])
def test_in_time_for_a_season_or_month_is_due_the_day_before_it_begins(sentence, due):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.due) == ("date", due)


@pytest.mark.parametrize("sentence, due", [
    pytest.param("Applications open in January and close in March.", date(2024, 3, 31), id="open-in-close-in"),
    pytest.param("The fund will open on 1 April and close on 30 June.", date(2024, 6, 30), id="open-on-close-on"),
    pytest.param("The scheme opens in February 2024 and runs until March 2027.", date(2027, 3, 31),
                 id="opens-runs-until"),
])
def test_when_a_window_opens_is_a_start_not_the_deadline(sentence, due):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.due) == ("date", due)


@pytest.mark.parametrize("sentence, dues", [
    pytest.param("The new centre will open in 2025.", [date(2025, 12, 31)], id="open-alone"),
    pytest.param("The consultation will stay open until March and report by June.",
                 [date(2024, 3, 31), date(2024, 6, 30)], id="open-until"),
])
def test_an_opening_that_is_the_commitment_or_runs_until_a_day_stays(sentence, dues):
    assert [d.due for d in find_deadlines(sentence, PUBLISHED)] == dues


@pytest.mark.parametrize("sentence, start, end", [
    pytest.param("The fund will provide £5 million in 2024 and 2025.", date(2024, 1, 1), date(2025, 12, 31),
                 id="in-two-years"),
    pytest.param("Grants will be paid in 2024, 2025 and 2026.", date(2024, 1, 1), date(2026, 12, 31),
                 id="in-three-years"),
    pytest.param("We will hold the summits across both 2024 and 2025.", date(2024, 1, 1), date(2025, 12, 31),
                 id="across-both"),
])
def test_years_that_follow_one_another_after_one_preposition_are_one_period(sentence, start, end):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.start, deadline.end) == ("period", start, end)


def test_years_apart_after_one_preposition_stay_the_first():
    assert [d.due for d in find_deadlines("Targets are set in 2025 and 2030.", PUBLISHED)] == [date(2025, 12, 31)]


@pytest.mark.parametrize("sentence", [
    "Schools will receive £1.3 billion in both this year and next year.",
    "Schools will receive £1.3 billion this year and next.",
    "Schools will receive £1.3 billion this year and next year.",
])
def test_this_year_and_next_is_one_period_to_the_end_of_next_year(sentence):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.start, deadline.end) == ("period", PUBLISHED, date(2024, 12, 31))


def test_this_year_and_next_years_budget_is_this_year():
    [deadline] = find_deadlines("The minister will set this year and next year's budget.", PUBLISHED)
    assert (deadline.text, deadline.due) == ("this year", date(2023, 12, 31))
