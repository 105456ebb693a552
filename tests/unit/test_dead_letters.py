"""Dead letters as ``pledgewatch dlq`` reads them: the original fields back, and which can be replayed."""

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledgewatch.dead_letters import (BASE64_PREFIX, Letter, brief, chosen_origins, original_fields,
                                      why_not_replayable)
from schemas import DeadLetter
from services.common.streams import printable_fields

utf8_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=64)  # no lone surrogates
field_values = st.binary(max_size=64) | utf8_text.filter(lambda t: not t.startswith(BASE64_PREFIX)).map(str.encode)


@given(st.dictionaries(utf8_text.filter(bool).map(str.encode), field_values, max_size=5))
def test_the_fields_a_dead_letter_keeps_come_back_byte_for_byte(fields):
    kept = printable_fields(fields)
    assert {k.encode(): v for k, v in original_fields(kept).items()} == fields


def test_a_text_value_that_only_looks_like_base64_stays_text():
    assert original_fields({"note": "base64:not base64!"}) == {"note": b"base64:not base64!"}
    assert original_fields({"note": "base64:aGVsbG8="}) == {"note": b"base64:aGVsbG8="}  # "hello" is UTF-8


def _letter(**fields):
    base = dict(stream="pledgewatch:releases", payload={}, reason="r", deliveries=0,
                at=datetime(2026, 12, 4, tzinfo=timezone.utc))
    return DeadLetter(**{**base, **fields})


@pytest.mark.parametrize(("letter", "expected"), [
    pytest.param(_letter(entry_id="1764867600000-0", group="classifier"), None, id="stream-entry"),
    pytest.param(_letter(stream="file:/in/x.txt", payload={"path": "/in/x.txt"}),
                 "a refused release file (/in/x.txt)", id="release-file"),
    pytest.param(_letter(stream="http:POST /releases"), "a refused POST /releases", id="post"),
    pytest.param(_letter(stream="feed:home-office"), "a refused entry of source 'home-office'", id="feed-entry"),
    pytest.param(_letter(stream="pledgewatch:classified", group="notifier",
                         payload={"subscription": "desk", "stage": "matching"}),
                 "subscription 'desk' was set aside", id="quarantine"),
    pytest.param(_letter(stream="pledgewatch:notifier:outbox", entry_id="job-1", group="notifier"),
                 None, id="delivery"),  # its job is queued again (the job kept with its channel's secrets)
    pytest.param(_letter(stream="pledgewatch:reminders", entry_id="rem-1/2027-01-01", group="notifier",
                         payload={"reminder": "{}"}), "a reminder that failed to fire", id="reminder"),
])
def test_only_a_letter_holding_a_stream_entry_can_be_replayed(letter, expected):
    reason = why_not_replayable(letter)
    assert reason is None if expected is None else reason.startswith(expected)


@pytest.mark.parametrize("name, chosen", [
    ("releases", "releases"), ("pledgewatch:releases", "releases"), ("notifier", "notifier"),
    ("pledgewatch:notifier:outbox", "notifier:outbox"), ("http", "http"), ("http:POST /releases", "http:POST /releases"),
    ("feed", "feed"), ("feed:home-office", "feed:home-office"), ("file:/in/x.txt", "file:/in/x.txt"),
    ("unreadable", "unreadable"),
])
def test_stream_names_as_status_counts_dead_letters_are_chosen_without_the_prefix(name, chosen):
    assert chosen_origins([name], "pledgewatch:") == {chosen}


@pytest.mark.parametrize("name", ["relases", "outbox", "Notifier", "nope:x", "other:releases", ""])
def test_a_name_no_dead_letter_comes_from_is_refused_with_the_known_ones(name):
    with pytest.raises(ValueError, match=rf"^--stream {name!r}: no dead letters come from there; known: releases, "):
        chosen_origins(["releases", name], "pledgewatch:")


_ALERT = ('{"alert_id": "new-d5d45ee2", "subscription_id": "desk", "kind": "new",'
          ' "release": {"release_id": "rel-29ef16ef780cee26", "version": 2}}')


@pytest.mark.parametrize("payload, named", [
    pytest.param({"job_id": "job-1", "subscription_id": "desk", "message": _ALERT},
                 "subscription desk: new-d5d45ee2 (release rel-29ef16ef780cee26 v2)", id="alert"),
    pytest.param({"job_id": "job-1", "subscription_id": "desk", "message": '{"digest_id": "digest-desk-1"}'},
                 "subscription desk: digest-desk-1", id="digest"),
    pytest.param({"job_id": "job-1", "subscription_id": "desk", "message": "not json"},
                 "subscription desk", id="unreadable message"),
])
def test_a_delivery_given_up_is_listed_with_its_alert_and_release(payload, named):
    """Before: "subscription desk" alone: which alert, of which release, only `dlq show` said."""
    letter = _letter(stream="pledgewatch:notifier:outbox", entry_id="job-1", group="notifier", payload=payload)
    assert brief(Letter("1-0", letter), "pledgewatch:")["from"] == named
