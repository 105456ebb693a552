"""The text of `pledgewatch subscriptions reminders ID`, and its --limit."""

import argparse

import pytest

from pledgewatch.reminders_view import joined, limit_count, reminders_lines

REMINDER: dict = {"reminder_id": "rem-1", "fires_at": "2027-03-09T22:00:00+00:00",
            "fires_at_local": "2027-03-10T09:00:00+11:00", "offset": "P1D", "deadline_index": 0, "due": "2027-03-11",
            "commitment": {"id": "c-ports", "actor": "UK", "text": "The UK will deliver ports by March 2027."},
            "release": {"release_id": "gov-uk/iraq-2017", "version": 2, "title": "T", "url": "https://x"},
            "dropped": None}


def test_each_reminder_says_when_in_the_subscriptions_zone_and_utc_of_what_and_the_rest_are_counted():
    body = {"subscription": "desk", "timezone": "Australia/Sydney", "planned": 3, "more": 2, "reminders": [REMINDER]}
    assert reminders_lines(body, limit=1) == [
        "desk: 3 reminders planned, times in Australia/Sydney",
        "  2027-03-10 09:00 AEDT (2027-03-09 22:00 UTC)  P1D before 11 Mar 2027  c-ports "
        "\"The UK will deliver ports by March 2027.\"  (gov-uk/iraq-2017 v2)",
        "  … and 2 more (--limit 3 lists them)"]


def test_a_subscription_in_utc_is_shown_its_times_once_and_one_with_none_is_told_when_they_come():
    on_the_day = {**REMINDER, "offset": "P0D", "commitment": {**REMINDER["commitment"], "text": "x " * 50}}
    body = {"subscription": "desk", "timezone": "UTC", "planned": 1, "more": 0, "reminders": [on_the_day]}
    header, line = reminders_lines(body, limit=20)
    assert header == "desk: 1 reminder planned"
    assert line.startswith("  2027-03-09 22:00 UTC  on the day (P0D) 11 Mar 2027  c-ports \"x x")
    assert "…\"" in line  # a long sentence is cut short
    [none] = reminders_lines({**body, "planned": 0, "reminders": []}, limit=20)
    assert none.startswith("desk: no reminders planned (they are planned when it is sent a commitment")


@pytest.mark.parametrize("text", ["0", "1001", "many", "-3"])
def test_a_limit_out_of_bounds_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        limit_count(text)


def test_a_reminder_that_would_be_dropped_at_its_time_says_why():
    paused = {**REMINDER, "dropped": "desk paused until 2027-04-01T00:00:00+00:00"}
    body = {"subscription": "desk", "timezone": "UTC", "planned": 1, "more": 0, "reminders": [paused]}
    assert reminders_lines(body, limit=20)[1].endswith(
        "(gov-uk/iraq-2017 v2)  NOT SENT unless changed: desk paused until 2027-04-01T00:00:00+00:00")


def test_past_the_most_one_page_lists_the_hint_offers_all_of_them():
    body = {"subscription": "desk", "timezone": "UTC", "planned": 1500, "more": 500, "reminders": [REMINDER]}
    assert reminders_lines(body, limit=1000)[-1] == "  … and 500 more (--all lists them all)"
    assert reminders_lines(body, limit=600)[-1] == "  … and 500 more (--all lists them all)"
    assert reminders_lines(body, limit=500)[-1] == "  … and 500 more (--limit 1000 lists them)"


def test_the_pages_of_one_listing_are_one_answer_counted_as_the_last_page_counts():
    page = {"subscription": "desk", "timezone": "UTC", "planned": 3, "more": 1, "next_cursor": "Wz"}
    pages = [{**page, "reminders": [REMINDER, {**REMINDER, "reminder_id": "rem-2"}]},
             {**page, "planned": 4, "more": 0, "next_cursor": None, "reminders": [{**REMINDER, "reminder_id": "rem-3"}]}]
    answer = joined(pages)
    assert (answer["planned"], answer["more"], answer["next_cursor"]) == (4, 0, None)
    assert [r["reminder_id"] for r in answer["reminders"]] == ["rem-1", "rem-2", "rem-3"]


def test_what_a_release_wrote_cannot_send_escape_sequences_to_the_terminal():
    forged = {**REMINDER, "commitment": {**REMINDER["commitment"], "text": "ports\x9b2J by \x1b]0;owned\x07 March",
                                         "id": "c-\x1b[31m"},
              "release": {**REMINDER["release"], "release_id": "feed/\x9b1m"}, "dropped": "desk's filter no longer "
              "selects c-\x1b[31m"}
    line = reminders_lines({"subscription": "desk", "timezone": "UTC", "planned": 1, "more": 0,
                            "reminders": [forged]}, limit=20)[1]
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in line)
    assert '"ports\\x9b2J by \\x1b]0;owned\\x07 March"' in line and "(feed/\\x9b1m v2)" in line
    assert line.endswith("selects c-\\x1b[31m")
