"""Deadline phrases resolve against the publication date (29 November 2017 here), never today."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2017, 11, 29)


def _only(sentence: str):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert sentence[slice(*deadline.span)].strip() == deadline.text
    return deadline


@pytest.mark.parametrize(("sentence", "due"), [
    pytest.param("The Home Office will publish the review by March 2018.", date(2018, 3, 31), id="by-month-year"),
    pytest.param("We will set out the next steps by the end of the year.", date(2017, 12, 31), id="end-of-the-year"),
    pytest.param("Every force will have a specialist unit by 2020.", date(2020, 12, 31), id="by-year"),
    pytest.param("The online chat service will be extended later this year.", date(2017, 12, 31), id="later-this-year"),
    pytest.param("Guidance will be published in June 2018.", date(2018, 6, 30), id="in-month-year"),
    pytest.param("The new offence will come into force in the autumn 2018.", date(2018, 11, 30), id="season-year"),
    pytest.param("The registry will open next spring.", date(2018, 5, 31), id="next-spring"),
    pytest.param("NATS will publish the notices on 17 April 2018.", date(2018, 4, 17), id="on-day-month-year"),
    pytest.param("Ministers will report back by the end of next year.", date(2018, 12, 31), id="end-of-next-year"),
    pytest.param("Applications must be made before 1 April 2018.", date(2018, 3, 31), id="before-a-day"),
    pytest.param("The Council extended the observer mission until 15 March 2019.", date(2019, 3, 15),
                 id="until-a-day-is-due-that-day"),
    pytest.param("The helpline will stay open until June 2018.", date(2018, 6, 30), id="until-a-month"),
    pytest.param("The council will discuss the findings tomorrow.", date(2017, 11, 30), id="tomorrow"),
    pytest.param("The Council renewed the panel for six months, until 30 April 2018.", date(2018, 4, 30),
                 id="a-duration-and-the-day-it-runs-until"),
    pytest.param("The summit on 3 April will agree the plan.", date(2018, 4, 3), id="day-months-ahead-next-year"),
    # before: the part of the year was read past, so each was due on 31 December, months late
    pytest.param("The system will be delivered by mid-2019.", date(2019, 6, 30), id="by-mid-year"),
    pytest.param("The plan will be published by early 2019.", date(2019, 4, 30), id="by-early-year"),
    pytest.param("The review will report in late 2018.", date(2018, 12, 31), id="in-late-year"),
])
def test_date_deadlines_are_due_at_the_end_of_the_named_unit(sentence, due):
    deadline = _only(sentence)
    assert (deadline.type, deadline.due) == ("date", due)


@pytest.mark.parametrize(("sentence", "start", "end"), [
    pytest.param("The UK will invest £10m over the next three years to build capability.",
                 date(2017, 11, 29), date(2020, 11, 29), id="over-the-next-three-years"),
    pytest.param("The adverts will run for six months on youth channels.",
                 date(2017, 11, 29), date(2018, 5, 29), id="for-six-months"),
    pytest.param("Grants will be paid between 2018 and 2021.", date(2018, 1, 1), date(2021, 12, 31),
                 id="between-years"),
    pytest.param("The grant will be paid for the period April to August 2018.", date(2018, 4, 1),
                 date(2018, 8, 31), id="month-range"),
    pytest.param("Airspace restrictions will apply from 13 July to 6 August (2018).", date(2018, 7, 13),
                 date(2018, 8, 6), id="day-range-year-in-brackets"),
    pytest.param("The panel will meet again in six months.", date(2017, 11, 29), date(2018, 5, 29),
                 id="in-six-months"),
    pytest.param("Ministers will review the scheme in two years' time.", date(2017, 11, 29), date(2019, 11, 29),
                 id="in-two-years-time"),
    pytest.param("Rates will be protected for 2018-19.", date(2018, 4, 1), date(2019, 3, 31), id="financial-year"),
    pytest.param("The fund will pay out close to $2 million over five years.", date(2017, 11, 29),
                 date(2022, 11, 29), id="over-five-years"),
])
def test_periods_start_and_end_on_resolved_days(sentence, start, end):
    deadline = _only(sentence)
    assert (deadline.type, deadline.start, deadline.end, deadline.vague) == ("period", start, end, False)


@pytest.mark.parametrize("sentence", [
    pytest.param("We will work with partners over the coming weeks.", id="coming-weeks"),
    pytest.param("Over the next several weeks and months, we will work with airlines.", id="several-weeks-and-months"),
    pytest.param("The minister will soon set out the new rules for landlords.", id="soon"),
    pytest.param("Further guidance for schools will follow shortly.", id="shortly"),
    pytest.param("A chair for the panel will be named in due course.", id="in-due-course"),
    pytest.param("Member States should ratify the protocol as soon as possible.", id="as-soon-as-possible"),
])
def test_vague_periods_have_no_end(sentence):
    deadline = _only(sentence)
    assert (deadline.type, deadline.end, deadline.vague) == ("period", None, True)


@pytest.mark.parametrize(("sentence", "low", "high", "anchor"), [
    pytest.param("Companies should remove content within one to two hours of release.", "PT1H", "PT2H", "release",
                 id="one-to-two-hours-words"),
    pytest.param("Platforms must take down terrorist content within 24 hours.", "PT24H", "PT24H", "unstated",
                 id="twenty-four-hours-digits"),
    pytest.param("Providers must act within the hour.", "PT1H", "PT1H", "unstated", id="within-the-hour"),
    pytest.param("Providers will have to remove content within one hour from receiving a removal order.",
                 "PT1H", "PT1H", "removal order", id="one-hour-from-an-event"),
    pytest.param("Platforms must remove terrorist content within one hour of receiving a removal order.",
                 "PT1H", "PT1H", "removal order", id="of-receiving-the-thing-received"),
    pytest.param("Firms must act within 24 hours of being notified by the regulator.", "PT24H", "PT24H",
                 "notification", id="of-being-notified"),
    pytest.param("Firms must respond within 48 hours of a request from police.", "PT48H", "PT48H", "request",
                 id="of-a-request"),
    pytest.param("Hosts must act within one hour upon receipt of a removal order.", "PT1H", "PT1H", "removal order",
                 id="upon-receipt-of"),
    pytest.param("Flagged videos should be blocked instantly.", "PT0S", "PT0S", "unstated", id="instantly"),
])
def test_response_times_are_durations_not_dates(sentence, low, high, anchor):
    deadline = _only(sentence)
    assert (deadline.type, deadline.min, deadline.max, deadline.anchor) == ("response_time", low, high, anchor)


@pytest.mark.parametrize("sentence", [
    pytest.param("Academies signing agreements from spring 2018 will have a clause.", id="a-start-is-no-deadline"),
    pytest.param("The fall of 28.3 per cent since 2003/04 is welcome.", id="past-financial-year"),
    pytest.param("No school will lose more than 1.5% compared to 2016-17.", id="comparison-year"),
    pytest.param("The advisers will answer calls each day between 2pm and 6pm.", id="clock-times"),
    pytest.param("The March budget set the figures.", id="bare-month-without-preposition"),
    pytest.param("In March 2013 the department took advice.", id="before-publication"),
    pytest.param("Ministers will build on the plan agreed at the summit on 2 October.", id="day-weeks-before-publication"),
    pytest.param("The unit, which the force set up in August last year, will grow.", id="month-last-year"),
    pytest.param("Building on the dialogues earlier this year, the minister will extend the offer.",
                 id="earlier-this-year-is-past"),
])
def test_phrases_that_are_not_deadlines(sentence):
    assert find_deadlines(sentence, PUBLISHED) == []


def test_relative_phrases_follow_the_publication_date_not_the_clock():
    [early] = find_deadlines("The review will finish this year.", date(2013, 1, 28))
    [late] = find_deadlines("The review will finish this year.", date(2024, 11, 16))
    assert (early.due, late.due) == (date(2013, 12, 31), date(2024, 12, 31))


GENERAL_FORMS_PUBLISHED = date(2023, 5, 10)


@pytest.mark.parametrize(("sentence", "expected"), [
    pytest.param("June 2026: services must publish their first transparency reports.",
                 ("date", "2026-06-30"), id="milestone-line-led-by-a-month"),
    pytest.param("Platforms must remove the content in under 12 hours.", ("response_time", "PT12H", "PT12H"),
                 id="in-under-twelve-hours"),
    pytest.param("Firms will have to take down the material an hour or two after upload.",
                 ("response_time", "PT1H", "PT2H"), id="an-hour-or-two-after-upload"),
    pytest.param("Companies must act within a day of notification.", ("response_time", "P1D", "P1D"),
                 id="within-a-day-of-notification"),
    pytest.param("Every trust will have the new scanners by 2025/26.", ("date", "2026-03-31"),
                 id="by-a-financial-year-slash"),
    pytest.param("The agency aims to cut waiting lists by the end of 2024-25.", ("date", "2025-03-31"),
                 id="by-the-end-of-a-financial-year"),
    pytest.param("Resurfacing starts in the summer and will be finished by the winter.", ("date", "2024-02-29"),
                 id="a-start-beside-an-end-is-not-the-deadline"),
    pytest.param("Building the depot will begin in 2024 and end in 2025.", ("date", "2025-12-31"),
                 id="start-year-beside-end-year"),
])
def test_deadline_forms_beyond_govuk_prose(sentence, expected):
    [deadline] = find_deadlines(sentence, GENERAL_FORMS_PUBLISHED)
    if deadline.type == "date":
        assert (deadline.type, deadline.due.isoformat()) == expected
    elif deadline.type == "period":
        assert (deadline.type, deadline.start.isoformat(), deadline.end.isoformat()) == expected
    else:
        assert (deadline.type, deadline.min, deadline.max) == expected


@pytest.mark.parametrize("sentence", [
    pytest.param("Providers will be required to keep records for five years.", id="retention"),
    pytest.param("The licence is valid for three years.", id="validity"),
    pytest.param("He was jailed for six years.", id="sentence-length"),
])
def test_a_duration_that_lasts_is_no_deadline(sentence):
    assert find_deadlines(sentence, GENERAL_FORMS_PUBLISHED) == []
