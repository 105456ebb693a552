"""General forms the labelling rules give a value, read as they give it (published 10 May 2023): a time of the
publication day, "in the short term", a funding term of years, and a further length of time before the day it
runs until."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2023, 5, 10)


def _read(sentence: str) -> list[tuple]:
    """Each deadline ``sentence`` writes: its text, type and values."""
    read = []
    for found in find_deadlines(sentence, PUBLISHED):
        assert sentence[slice(*found.span)].strip() == found.text
        if found.type == "date":
            read.append((found.text, "date", found.due))
        elif found.type == "period":
            read.append((found.text, "period", found.start, found.end))
        else:
            read.append((found.text, found.type, found.min, found.max))
    return read


@pytest.mark.parametrize(("sentence", "expected"), [
    pytest.param("This afternoon, the Home Secretary will announce the designation of the group.",
                 [("This afternoon", "date", PUBLISHED)], id="this-afternoon-leading"),
    pytest.param("The minister will brief reporters this afternoon at 2:00 PM.",
                 [("this afternoon", "date", PUBLISHED)], id="this-afternoon-at-a-time"),
    pytest.param("The Prime Minister will set out the plan in a speech this evening.",
                 [("this evening", "date", PUBLISHED)], id="this-evening"),
    pytest.param("The bill will be put to a vote tonight.", [("tonight", "date", PUBLISHED)], id="tonight"),
])
def test_a_time_of_the_publication_day_is_due_that_day(sentence, expected):
    assert _read(sentence) == expected


@pytest.mark.parametrize("sentence", [
    pytest.param("The Council this afternoon adopted resolutions extending three mandates.", id="adopted"),
    pytest.param("This evening the minister opened the new station.", id="opened"),
])
def test_a_time_of_the_publication_day_when_something_was_done_is_no_deadline(sentence):
    assert _read(sentence) == []


def test_in_the_short_term_is_a_vague_period_from_publication():
    [(text, kind, start, end)] = _read("In the short term, we will set up a response fund for the communities.")
    assert (text, kind, start, end) == ("In the short term", "period", PUBLISHED, None)


@pytest.mark.parametrize("sentence", [
    pytest.param("The council will offer short-term loans to small firms.", id="short-term-adjective"),
    pytest.param("Short term lets will need a licence.", id="short-term-noun"),
    pytest.param("In the short term and the long term, the plan will change.", id="short-and-long-term"),
])
def test_short_term_as_a_kind_of_thing_is_no_deadline(sentence):
    assert _read(sentence) == []


def test_a_funding_term_of_years_runs_from_publication():
    assert _read("$1.1 billion for the broadcaster, with five-year funding terms locked in.") == [
        ("five-year funding terms", "period", PUBLISHED, date(2028, 5, 10))]


@pytest.mark.parametrize(("sentence", "end", "until"), [
    pytest.param("The Council prolonged the regime for a further 12 months until 31 October 2024.",
                 date(2024, 5, 10), date(2024, 10, 31), id="ending-before-the-day"),
    pytest.param("The Government will extend the scheme for a further 12 months until 31 March 2024.",
                 date(2024, 3, 31), date(2024, 3, 31), id="cut-to-end-by-the-day"),
])
def test_a_further_length_before_the_day_it_runs_until_is_a_deadline_as_well_ending_by_that_day(sentence, end, until):
    [length, day] = _read(sentence)
    assert length == ("for a further 12 months", "period", PUBLISHED, end)
    assert day[1:] == ("date", until)


def test_a_plain_length_before_the_day_it_runs_until_is_that_day_alone():
    assert _read("The Council extended the mandate for nine months until 20 December.") == [
        ("until 20 December", "date", date(2023, 12, 20))]


@pytest.mark.parametrize(("sentence", "expected"), [
    pytest.param("The Council voted tonight to approve the budget, and the Mayor will sign it.", [],
                 id="will-in-the-next-clause"),
    pytest.param("Ministers said tonight that the Government will build 300,000 homes by 2030.",
                 [("by 2030", "date", date(2030, 12, 31))], id="will-in-what-was-said"),
    pytest.param("The Prime Minister, who will travel to Paris tomorrow, met the King this evening.",
                 [("tomorrow", "date", date(2023, 5, 11))], id="will-in-a-relative-clause"),
    pytest.param("The Minister will announce the plan this afternoon.", [("this afternoon", "date", PUBLISHED)],
                 id="will-in-its-own-clause"),
    pytest.param("The Minister will, this evening, set out the plan.", [("this evening", "date", PUBLISHED)],
                 id="set-apart-by-commas"),
])
def test_a_time_of_the_publication_day_is_due_only_when_its_own_clause_says_it_is_to_come(sentence, expected):
    assert _read(sentence) == expected


def test_a_funding_term_agreed_before_publication_is_no_period_from_it():
    assert _read("The Government will renegotiate the three-year funding settlement agreed in 2021.") == []


def test_a_time_that_opens_a_sentence_run_into_its_heading_is_of_the_clause_after_it():
    assert _read("Charity Linked to Funding of the Group This afternoon, the Treasury will announce the designation.") == [
        ("This afternoon", "date", PUBLISHED)]
