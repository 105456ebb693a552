"""A feed's conditional reads (RFC 9110 13): entity tags compared weakly for If-None-Match and strongly for
If-Match, ``*``, the dates' three forms, and the order in which the preconditions are evaluated (13.2.2)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.common.conditional import (NOT_MODIFIED, PRECONDITION_FAILED, Validators, entity_tags, http_date,
                                         parse_http_date, precondition, strong_etag)

TAG = '"abc"'
MODIFIED = datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)
AT, BEFORE, AFTER = "Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:36 GMT", "Sun, 06 Nov 1994 08:49:38 GMT"
LATER = datetime(1994, 11, 7, tzinfo=timezone.utc)  # the server's clock, past every date given


def outcome(validators: Validators = Validators(TAG, MODIFIED), *, now: datetime = LATER,
            **headers: str | list[str]) -> int | None:
    given = {name.replace("_", "-"): [v] if isinstance(v, str) else v for name, v in headers.items()}
    return precondition(lambda name: given.get(name, []), validators, now=now)


@pytest.mark.parametrize(("field", "header", "answer"), [
    pytest.param("if_none_match", '"abc"', NOT_MODIFIED, id="same"),
    pytest.param("if_none_match", 'W/"abc"', NOT_MODIFIED, id="weak-form-of-the-same"),
    pytest.param("if_none_match", '"x", "abc"', NOT_MODIFIED, id="one-of-many"),
    pytest.param("if_none_match", ["\"x\"", "\"abc\""], NOT_MODIFIED, id="one-of-two-headers"),
    pytest.param("if_none_match", "*", NOT_MODIFIED, id="any"),
    pytest.param("if_none_match", '"abd"', None, id="other"),
    pytest.param("if_none_match", "abc", None, id="unquoted"),
    pytest.param("if_none_match", '"a,b", "abc"', NOT_MODIFIED, id="a-comma-inside-a-tag"),
    pytest.param("if_none_match", '"x", , "abc"', NOT_MODIFIED, id="an-empty-member"),
    pytest.param("if_none_match", ', "abc",', NOT_MODIFIED, id="empty-members-at-either-end"),
    pytest.param("if_match", '"abc"', None, id="if-match-same"),
    pytest.param("if_match", 'W/"abc"', PRECONDITION_FAILED, id="if-match-weak-never-matches"),
    pytest.param("if_match", "*", None, id="if-match-any"),
    pytest.param("if_match", ',"abc"', None, id="if-match-after-an-empty-member"),
    pytest.param("if_match", '"abd"', PRECONDITION_FAILED, id="if-match-other"),
])
def test_if_none_match_is_compared_weakly_if_match_strongly_and_star_is_any(field, header, answer):
    assert outcome(**{field: header}) == answer


@pytest.mark.parametrize(("header", "answer"), [
    pytest.param(AT, NOT_MODIFIED, id="same-second"),
    pytest.param(AFTER, NOT_MODIFIED, id="later"),
    pytest.param(BEFORE, None, id="earlier"),
    pytest.param("Sunday, 06-Nov-94 08:49:37 GMT", NOT_MODIFIED, id="rfc-850"),
    pytest.param("Sun Nov  6 08:49:37 1994", NOT_MODIFIED, id="asctime"),
    pytest.param("yesterday", None, id="no-date-ignored"),
    pytest.param("Sun, 06 Nov 1994 09:49:37 +0100", None, id="not-gmt-ignored"),
    pytest.param([AT, AT], None, id="twice-ignored"),
])
def test_if_modified_since_takes_the_three_date_forms_and_ignores_anything_else(header, answer):
    assert outcome(if_modified_since=header) == answer


def test_if_none_match_wins_over_if_modified_since():
    assert outcome(if_none_match='"other"', if_modified_since=AFTER) is None
    assert outcome(if_none_match=TAG, if_modified_since=BEFORE) == NOT_MODIFIED


def test_a_failed_if_match_is_412_before_anything_else_and_if_unmodified_since_only_without_it():
    assert outcome(if_match='"other"', if_none_match=TAG) == PRECONDITION_FAILED
    assert outcome(if_unmodified_since=BEFORE) == PRECONDITION_FAILED
    assert outcome(if_unmodified_since=AT) is None
    assert outcome(if_match=TAG, if_unmodified_since=BEFORE) is None  # ignored beside If-Match


def test_without_a_known_time_the_dates_are_ignored():
    assert outcome(Validators(TAG), if_modified_since=AFTER) is None
    assert outcome(Validators(TAG), if_unmodified_since=BEFORE) is None


def test_tags_dates_and_the_etag_of_a_body():
    assert entity_tags('W/"a", "b"') == [(True, '"a"'), (False, '"b"')] and entity_tags(" * ") is None
    assert http_date(MODIFIED.replace(microsecond=5)) == AT and parse_http_date([AT]) == MODIFIED
    assert strong_etag(b"a") == strong_etag(b"a") != strong_etag(b"b") and strong_etag(b"a").startswith('"')


def test_last_modified_is_never_after_the_answers_date_and_a_304_sends_only_the_validators_and_caching():
    from datetime import timedelta

    from services.common.conditional import conditional_answer
    ahead = Validators(TAG, MODIFIED + timedelta(seconds=1))  # Redis's clock a second ahead of this host's
    answer = conditional_answer(lambda name: [], b"x", ahead, media_type="text/calendar", now=MODIFIED)
    assert (answer.status_code, answer.headers["last-modified"]) == (200, AT)
    # and judged by the time itself: an answer one second later than what the client holds is no 304
    assert conditional_answer(lambda name: [AT] if name == "if-modified-since" else [], b"x", ahead,
                              media_type="text/calendar", now=MODIFIED).status_code == 200
    held = conditional_answer(lambda name: [TAG] if name == "if-none-match" else [], b"x", ahead,
                              media_type="text/calendar", now=MODIFIED)
    assert (held.status_code, held.body, dict(held.headers)) == (
        NOT_MODIFIED, b"", {"etag": TAG, "cache-control": "private, no-cache"})


def test_an_if_modified_since_later_than_now_is_ignored():
    """RFC 9110 13.1.3: a date later than the server's clock is invalid. Answered 304, a client whose clock is
    ahead (sending its own time rather than the Last-Modified it was given) was told of no change until then."""
    from datetime import timedelta

    from services.common.conditional import conditional_answer
    answer = conditional_answer(lambda name: [AFTER] if name == "if-modified-since" else [], b"x",
                                Validators(TAG, MODIFIED), media_type="text/calendar", now=MODIFIED)
    assert answer.status_code == 200
    assert outcome(if_modified_since=AFTER, now=MODIFIED) is None
    assert outcome(if_modified_since=AT, now=MODIFIED) == NOT_MODIFIED  # the second of now is no later
    assert outcome(if_modified_since=AFTER, now=MODIFIED + timedelta(seconds=1)) == NOT_MODIFIED
