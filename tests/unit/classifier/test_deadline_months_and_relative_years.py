"""A month named relative to publication ("by next April", "April next year", "in April of next year"), a day
written in ISO form ("by 2027-03-31"), and a day the month lacks ("by 31 February 2027"), read as the labelling
rules read a calendar unit: due at its end (published 1 December 2026)."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2026, 12, 1)


def _dates(sentence: str, published: date = PUBLISHED) -> list[tuple[str, date]]:
    """Each deadline ``sentence`` writes: its text and the day it is due (or the end of its period)."""
    read = []
    for found in find_deadlines(sentence, published):
        assert sentence[slice(*found.span)].strip() == found.text
        read.append((found.text, found.due if found.type == "date" else found.end))
    return read


@pytest.mark.parametrize(("sentence", "expected"), [
    pytest.param("The UK will invest £5m by next April.", [("by next April", date(2027, 4, 30))], id="by-next-april"),
    pytest.param("The new fund will open next April.", [("next April", date(2027, 4, 30))], id="next-april"),
    pytest.param("The council will publish its plan this March.", [("this March", date(2027, 3, 31))],
                 id="this-march"),
    pytest.param("The review will report by the end of next March.",
                 [("by the end of next March", date(2027, 3, 31))], id="end-of-next-march"),
    pytest.param("The scheme will be launched April next year.", [("April next year", date(2027, 4, 30))],
                 id="month-next-year-bare"),
    pytest.param("The UK will invest £5m in April of next year.", [("in April of next year", date(2027, 4, 30))],
                 id="in-month-of-next-year"),
    pytest.param("The council will decide by March of next year.", [("by March of next year", date(2027, 3, 31))],
                 id="by-month-of-next-year"),
    pytest.param("Ministers will respond by 31 March of next year.",
                 [("by 31 March of next year", date(2027, 3, 31))], id="day-of-next-year"),
])
def test_a_month_named_relative_to_publication_is_due_at_its_end(sentence, expected):
    assert _dates(sentence) == expected


def test_next_month_name_is_the_next_one_not_yet_begun():
    assert _dates("The council will consult next April.", date(2027, 4, 10)) == [("next April", date(2028, 4, 30))]
    assert _dates("The council will consult next April.", date(2027, 2, 10)) == [("next April", date(2027, 4, 30))]


@pytest.mark.parametrize(("sentence", "expected"), [
    pytest.param("Providers must comply by 2027-03-31.", [("by 2027-03-31", date(2027, 3, 31))], id="iso-by"),
    pytest.param("The register will close on 2027-01-15.", [("on 2027-01-15", date(2027, 1, 15))], id="iso-on"),
])
def test_a_day_written_in_iso_form_is_due_then(sentence, expected):
    assert _dates(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    pytest.param("The UK will invest £1m by 31 February 2027.", [("by 31 February 2027", date(2027, 2, 28))],
                 id="31-february"),
    pytest.param("The council will report by the 30th of February.",
                 [("by the 30th of February", date(2027, 2, 28))], id="30th-of-february"),
    pytest.param("Councils must reply by February 30, 2028.", [("by February 30, 2028", date(2028, 2, 29))],
                 id="us-order-leap-year"),
    pytest.param("Providers must comply by 2027-02-30.", [("by 2027-02-30", date(2027, 2, 28))], id="iso"),
    pytest.param("The review will end by 31 June 2027.", [("by 31 June 2027", date(2027, 6, 30))], id="31-june"),
])
def test_a_day_the_month_lacks_is_due_at_the_months_end(sentence, expected):
    assert _dates(sentence) == expected


@pytest.mark.parametrize("sentence", [
    pytest.param("This may be the largest grant the council has made.", id="this-may-modal"),
    pytest.param("This march will be the largest the city has seen.", id="this-march-noun"),
    pytest.param("The list was published on 2026-11-02.", id="iso-gone-by"),
    pytest.param("Reference 2027-03-31 was filed.", id="iso-with-no-preposition"),
    pytest.param("The council will report by 32 March 2027.", id="a-day-no-month-has"),
    pytest.param("Providers must comply by 2027-13-01.", id="iso-month-13"),
])
def test_a_month_name_that_is_another_word_a_day_gone_by_or_none_is_no_deadline(sentence):
    assert _dates(sentence) == []


@pytest.mark.parametrize(("sentence", "expected"), [
    pytest.param("The review will report by the thirty-first of March.",
                 [("by the thirty-first of March", date(2027, 3, 31))], id="thirty-first"),
    pytest.param("Councils must reply by the first of April 2027.", [("by the first of April 2027", date(2027, 4, 1))],
                 id="first-with-year"),
    pytest.param("The fund will close before the fifteenth of January next year.",
                 [("before the fifteenth of January next year", date(2027, 1, 14))], id="before-fifteenth"),
])
def test_a_day_written_in_words_is_due_then(sentence, expected):
    assert _dates(sentence) == expected


@pytest.mark.parametrize("sentence", [
    pytest.param("The first of March marches was peaceful.", id="no-preposition"),
    pytest.param("On the second of November the minister visited Kent.", id="gone-by"),
])
def test_a_day_in_words_gone_by_or_with_no_preposition_is_no_deadline(sentence):
    assert _dates(sentence) == []


def test_a_day_in_words_no_month_has_is_no_deadline():
    assert _dates("The council will report by the thirty-second of March.") == []
