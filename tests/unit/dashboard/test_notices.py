"""The notice after a change: shown to the session that made it, with the words it was given, and to no other."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from services.dashboard.notices import Notice, notice_fragment, notice_query, shown_notice
from services.dashboard.sessions import Sessions

SESSIONS = Sessions.from_api_token("api-token-0123456789abcdef")
MINE = Sessions.new()


def _query(notice: str, **words: str) -> dict[str, str]:
    return dict(parse_qsl(notice_query(SESSIONS, MINE, notice, **words)))


def test_a_row_notice_reads_back_on_its_row_with_its_words():
    asked = _query("resubscribed", subscription="mail", address="desk@example.org")
    assert shown_notice(SESSIONS, MINE, asked) == Notice(
        on_rows={"mail": "desk@example.org subscribed again to ‘mail’: its email channels send to it again."})


@pytest.mark.parametrize(("notice", "subscription", "fragment"), [
    ("created", "desk", "#notice-desk"), ("paused", "desk", "#notice-desk"), ("resumed", "desk", "#notice-desk"),
    ("resubscribed", "mail", "#notice-mail"), ("signed-in", "", "#notice"), ("signed-out", "", "#notice"),
    ("gone", "desk", "#notice"),  # a notice of no row (a subscription no longer shown): the section's line
])
def test_a_change_goes_to_the_status_line_that_says_it(notice, subscription, fragment):
    """Before: only a resubscribe went to its row's status line; the others went to the section, their notice at
    the page's top."""
    assert notice_fragment(notice, subscription) == fragment


def test_a_page_notice_reads_back_at_the_top():
    assert shown_notice(SESSIONS, MINE, _query("signed-in")) == Notice("Signed in: you can now change subscriptions.")


@pytest.mark.parametrize("change", [
    pytest.param(lambda q: q | {"address": "anyone@example.org"}, id="address-changed"),
    pytest.param(lambda q: q | {"subscription": "other"}, id="subscription-changed"),
    pytest.param(lambda q: q | {"notice": "not-unsubscribed"}, id="notice-changed"),
    pytest.param(lambda q: {k: v for k, v in q.items() if k != "mac"}, id="mac-left-out"),
    pytest.param(lambda q: q | {"mac": "AAAAAAAAAAAAAAAAAAAAAA"}, id="mac-forged"),
    pytest.param(lambda q: q | {"mac": "ü"}, id="mac-not-ascii"),
    pytest.param(lambda q: dict(parse_qsl(notice_query(SESSIONS, Sessions.new(), "resubscribed",
                                                       subscription="mail", address="desk@example.org"))),
                 id="another-sessions"),
])
def test_a_notice_altered_or_made_for_another_session_is_not_shown(change):
    asked = _query("resubscribed", subscription="mail", address="desk@example.org")
    assert shown_notice(SESSIONS, MINE, change(asked)) == Notice()


def test_without_sessions_no_notice_is_shown():
    assert shown_notice(None, MINE, _query("signed-out")) == Notice()
