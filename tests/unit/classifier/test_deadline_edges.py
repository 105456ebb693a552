"""Deadline forms read from the labelling rules: "before" a unit ends the day before it begins, and "for the period
beginning on X and ending on Y" is that span."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2023, 3, 28)


def _only(sentence: str):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert sentence[slice(*deadline.span)].strip() == deadline.text
    return deadline


@pytest.mark.parametrize(("sentence", "due"), [
    pytest.param("We asked the Commission to present a package before summer.", date(2023, 5, 31),
                 id="before-a-season"),
    pytest.param("The plan will be agreed before September.", date(2023, 8, 31), id="before-a-month"),
    pytest.param("The rules will be adopted before 2025.", date(2024, 12, 31), id="before-a-year"),
    pytest.param("The review will report before the end of 2024.", date(2024, 12, 31), id="before-the-end-of"),
    pytest.param("The review will report by summer.", date(2023, 8, 31), id="by-a-season-is-its-end"),
])
def test_before_a_unit_is_due_the_day_before_it_begins(sentence, due):
    deadline = _only(sentence)
    assert (deadline.type, deadline.due) == ("date", due)


@pytest.mark.parametrize(("sentence", "start", "end"), [
    pytest.param("The sections shall continue in operation for the period beginning on 30th June, 2023 and "
                 "ending on 29th June, 2024.", date(2023, 6, 30), date(2024, 6, 29),
                 id="period-beginning-and-ending-on"),
])
def test_spans_from_the_labelling_rules_are_periods(sentence, start, end):
    deadline = _only(sentence)
    assert (deadline.type, deadline.start, deadline.end, deadline.vague) == ("period", start, end, False)



@pytest.mark.parametrize(("sentence", "start", "end"), [
    pytest.param("The Prime Minister announced $150 million over five years beginning in 2015-2016.",
                 date(2015, 4, 1), date(2020, 3, 31), id="over-five-years-beginning-in-a-financial-year"),
    pytest.param("The fund will pay $40 million over four years, starting in 2024.", date(2024, 1, 1),
                 date(2027, 12, 31), id="over-four-years-starting-in-a-year"),
])
def test_years_that_begin_in_a_named_year_run_from_its_first_day(sentence, start, end):
    deadline = find_deadlines(sentence, date(2015, 5, 21))[0]
    assert (deadline.type, deadline.start, deadline.end) == ("period", start, end)


def test_a_month_just_past_is_when_something_happened():
    assert find_deadlines("In March, the illegal codes of practice came into force.", date(2025, 5, 8)) == []
    [deadline] = find_deadlines("The codes will come into force in March.", date(2025, 1, 8))
    assert deadline.due == date(2025, 3, 31)
