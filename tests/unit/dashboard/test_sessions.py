"""Sign-in sessions and CSRF tokens: signed with a key from the API token, refused when altered."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from services.dashboard.sessions import Session, Sessions

NOW = datetime(2026, 12, 4, 12, tzinfo=timezone.utc)
SESSIONS = Sessions.from_api_token("api-token-0123456789abcdef")


def test_a_signed_in_session_reads_back_and_lapses_after_twelve_hours():
    session = Sessions.new(signed_in_until=Sessions.sign_in_ends(NOW))
    read = SESSIONS.read(SESSIONS.cookie(session))
    assert read == session
    assert read.signed_in(NOW + timedelta(hours=11, minutes=59))
    assert not read.signed_in(NOW + timedelta(hours=12))


def _altered_until(cookie: str) -> str:
    sid, _, mac = cookie.split(".")
    return f"{sid}.9999999999.{mac}"


@pytest.mark.parametrize("alter", [
    pytest.param(_altered_until, id="signed-in-time-raised"),
    pytest.param(lambda c: "x" + c, id="id-changed"),
    pytest.param(lambda c: c.rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAAAA", id="mac-forged"),
    pytest.param(lambda c: c.replace(".", ""), id="malformed"),
    pytest.param(lambda c: c + "é", id="not-ascii"),
    pytest.param(lambda c: Sessions.from_api_token("another-token-0123456789").cookie(SESSIONS.read(c)),
                 id="signed-with-another-token"),
])
def test_an_altered_or_foreign_cookie_is_no_session(alter):
    cookie = SESSIONS.cookie(Session("abc", int(NOW.timestamp())))
    assert SESSIONS.read(alter(cookie)) is None


def test_a_csrf_token_is_good_for_its_own_session_only():
    mine, theirs = Sessions.new(), Sessions.new()
    assert SESSIONS.csrf_matches(mine, SESSIONS.csrf(mine))
    assert not SESSIONS.csrf_matches(mine, SESSIONS.csrf(theirs))
    assert not SESSIONS.csrf_matches(mine, None)
    assert not SESSIONS.csrf_matches(mine, "ünïcode")


def test_a_visitor_not_signed_in_is_not():
    assert not Sessions.new().signed_in(NOW)
