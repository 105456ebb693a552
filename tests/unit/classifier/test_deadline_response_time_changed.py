"""A response time cut from one length to a shorter one ("halved from 48 hours to 24"): the labelling rules count
every response-time form, and the commitment is the new one, as "from £2bn to £2.6bn" is the new sum (published 10
May 2023). Hours rising ("from 9 hours to 17 hours") are more often hours of a day or a shift than a time to act."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2023, 5, 10)


@pytest.mark.parametrize(("sentence", "text", "duration"), [
    ("The time allowed to answer a complaint will be cut from 48 hours to 24.", "from 48 hours to 24", "PT24H"),
    ("Removal notices must now be met in 12 hours, halved from 24 hours to 12 hours.", "from 24 hours to 12 hours",
     "PT12H"),
    ("Hosts will have to act faster, from two hours to thirty minutes.", "from two hours to thirty minutes", "PT30M"),
], ids=["hours-to-a-number", "hours-to-hours", "hours-to-minutes"])
def test_a_response_time_changed_is_the_new_one(sentence: str, text: str, duration: str) -> None:
    changed = [found for found in find_deadlines(sentence, PUBLISHED) if found.text == text]
    assert [(found.type, found.min, found.max) for found in changed] == [("response_time", duration, duration)]


@pytest.mark.parametrize("sentence", [
    "The centre is open from 9 hours to 17 hours every weekday.",
    "Shifts will be extended from 8 hours to 12 hours.",
], ids=["opening-hours", "a-longer-shift"])
def test_hours_that_rise_are_no_response_time(sentence: str) -> None:
    assert [found for found in find_deadlines(sentence, PUBLISHED) if found.type == "response_time"] == []
