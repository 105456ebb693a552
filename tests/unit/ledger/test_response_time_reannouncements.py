"""Response times in the re-announcement matcher: a commitment with another response time is another commitment,
however alike the words; the same response time in other units is the same one."""

from __future__ import annotations

import pytest

from schemas.classified import Commitment, DateDeadline, ResponseTimeDeadline
from services.ledger.core.reannouncements import response_times, same_commitment


def _removal(within: str, shortest: str, longest: str | None = None, *, anchor: str = "notification",
             cid: str = "c-removal") -> Commitment:
    """A demand as the classifier reads it from "The Home Office said platforms must remove terrorist content
    within 1 hour of being notified." (``within`` is "1 hour", ``shortest`` "PT1H")."""
    rule = f"within {within} of being notified" if anchor == "notification" else f"within {within}"
    text = f"The Home Office said platforms must remove terrorist content {rule}."
    deadline = ResponseTimeDeadline(min=shortest, max=longest or shortest, anchor=anchor, text=rule,
                                    span=(text.index(rule), text.index(rule) + len(rule)))
    return Commitment(id=cid, text=text, span=(0, len(text)), kind="demand", actor="platforms",
                      category="online_content", counter_terrorism=True, confidence=0.9, deadlines=[deadline])


@pytest.mark.parametrize(("first", "second"), [
    pytest.param(("1 hour", "PT1H"), ("5 hours", "PT5H"), id="1-or-5-hours"),
    pytest.param(("one hour", "PT1H"), ("24 hours", "PT24H"), id="in-words-or-digits"),
    pytest.param(("30 minutes", "PT30M"), ("1 hour", "PT1H"), id="minutes-or-an-hour"),
    pytest.param(("a day", "P1D"), ("a week", "P1W"), id="a-day-or-a-week"),
    pytest.param(("one to two hours", "PT1H", "PT2H"), ("2 hours", "PT2H"), id="a-range-or-its-longest"),
])
def test_one_actor_demanding_other_response_times_makes_two_commitments(first, second):
    """Before: a response time is no due date and no quantity, and the words are the same, so "within 1 hour"
    and, in a later release, "within 5 hours" were one chain, and a subscriber opted out of re-announcements
    never heard of the changed pledge."""
    a, b = _removal(*first, cid="c-first"), _removal(*second, cid="c-second")
    assert not same_commitment(a, b) and not same_commitment(b, a)


@pytest.mark.parametrize("again", [
    pytest.param(("1 hour", "PT1H"), id="as-written"),
    pytest.param(("60 minutes", "PT60M"), id="in-minutes"),
    pytest.param(("3600 seconds", "PT3600S"), id="in-seconds"),
    pytest.param(("an hour", "PT1H"), id="an-hour"),
])
def test_the_same_response_time_in_other_units_is_the_same_commitment(again):
    first, second = _removal("one hour", "PT1H", cid="c-first"), _removal(*again, cid="c-again")
    assert same_commitment(first, second) and same_commitment(second, first)


def test_a_day_is_24_hours_and_a_week_7_days():
    assert same_commitment(_removal("a day", "P1D", cid="c-day"), _removal("24 hours", "PT24H", cid="c-24h"))
    assert same_commitment(_removal("a week", "P1W", cid="c-week"), _removal("7 days", "P7D", cid="c-7d"))
    assert response_times(_removal("a day", "P1D")) == response_times(_removal("1,440 minutes", "PT1440M"))


def test_a_restatement_naming_no_response_time_is_left_to_the_words():
    """As with quantities and money: a restatement often leaves the time out, and the words still decide."""
    first = _removal("1 hour", "PT1H")
    plain = first.model_copy(update={"id": "c-plain", "deadlines": [],
                                     "text": "The Home Office said platforms must remove terrorist content."})
    dated = first.model_copy(update={"id": "c-dated", "deadlines": [
        DateDeadline.model_validate({"due": "2027-06-01", "text": "by June 2027", "span": (0, 12)})]})
    assert same_commitment(first, plain) and same_commitment(plain, first)
    assert same_commitment(first, dated)


def test_the_event_a_response_time_runs_from_is_left_to_the_words():
    """The classifier names the event only where the text does ("unstated" otherwise): a restatement that leaves
    it out is the same commitment when the words say so."""
    assert same_commitment(_removal("1 hour", "PT1H"), _removal("one hour", "PT1H", anchor="unstated", cid="c-b"))


def test_an_unreadable_stored_duration_is_compared_as_written():
    """The schema's pattern lets "P" and "PT" through: a stored record holding one is compared, never a failure."""
    assert response_times(_removal("?", "P")) == frozenset({("P", "P")})
    assert not same_commitment(_removal("?", "P"), _removal("1 hour", "PT1H", cid="c-b"))
