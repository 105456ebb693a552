"""The dead letters' counts as `status` and `dlq list` show them, and a letter as one line: pure."""

from datetime import datetime, timezone

import pytest

from pledgewatch.dead_letter_queue import Counts
from pledgewatch.dead_letters import Letter, Unreadable, brief, brief_line
from schemas import DeadLetter
from services.common.dead_letter_counts import by_origin, counts_key, overcounted
from services.common.dead_letter_recount import changed_counts, tally


@pytest.mark.parametrize("counted, total, shown", [
    ({b"http": b"2", b"feed": b"5"}, 7, {"feed": 5, "http": 2}),
    ({"feed": "5"}, 8, {"feed": 5, "uncounted": 3}),
    ({b"feed": b"0", b"file": b"1"}, 1, {"file": 1}),
    ({}, 0, {}),
], ids=["most-first", "by-hand-or-older", "zero-left-out", "none"])
def test_the_counts_show_most_first_and_what_no_writer_counted(counted, total, shown):
    assert by_origin(counted, total) == shown
    assert list(by_origin(counted, total)) == list(shown)


def test_the_counts_live_beside_the_stream_under_its_prefix():
    assert counts_key("pledgewatch:dead-letters") == "pledgewatch:dead-letters:counts"
    assert counts_key("test-1:dead-letters") == "test-1:dead-letters:counts"


@pytest.mark.parametrize("origins, total", [
    (None, 9), ({"feed"}, 5), ({"feed", "http"}, 7), ({"releases"}, 0),
    ({"feed:home-office"}, None), ({"unreadable"}, None), ({"feed", "http:POST /releases"}, None),
], ids=["all", "one-origin", "two-origins", "none-of-it", "one-source", "unreadable", "origin-and-source"])
def test_an_origins_count_is_known_only_for_whole_origins(origins, total):
    counts = Counts(9, {"feed": 5, "http": 2, "unreadable": 2})
    assert counts.of(origins) == total


@pytest.mark.parametrize("origins, total, least", [
    (None, 9, None), ({"feed"}, None, 5), ({"releases"}, None, 0), ({"feed:home-office"}, None, None),
], ids=["all", "one-origin", "none-counted", "one-source"])
def test_with_letters_not_counted_yet_an_origins_count_is_unknown_and_its_counted_letters_the_least(
        origins, total, least):
    """Before: ``of({"feed"})`` was 5 though any of the 2 letters not counted may be feed's."""
    counts = Counts(9, {"feed": 5, "http": 2, "uncounted": 2})
    assert counts.of(origins) == total
    if origins is not None:
        assert counts.counted(origins) == least


def test_a_letter_is_one_line_with_its_origin_and_who_gave_up_and_its_reason_cut():
    letter = Letter("1796404253607-0", DeadLetter(
        stream="pledgewatch:releases", entry_id="1-0", group="classifier", payload={}, reason="bad\n  " + "x" * 200,
        deliveries=4, at=datetime(2026, 12, 4, 17, 10, 53, tzinfo=timezone.utc)))
    line = brief_line(brief(letter, "pledgewatch:"))
    assert line.startswith("  1796404253607-0  2026-12-04T17:10:53Z  releases  classifier  bad xxx")
    assert line.endswith("x…") and len(line.split("classifier  ")[1]) == 120
    filed = Letter("2-0", DeadLetter(stream="file:/in/a.txt", payload={}, reason="/in/a.txt: empty file",
                                     deliveries=0, at=datetime(2026, 12, 4, tzinfo=timezone.utc)))
    assert brief_line(brief(filed, "pledgewatch:")) == (
        "  2-0  2026-12-04T00:00:00Z  file  /in/a.txt  /in/a.txt: empty file")
    assert brief_line(brief(Unreadable("3-0", "no __data__ field"), "pledgewatch:")) == (
        "  3-0  (unreadable: no __data__ field)")


@pytest.mark.parametrize("counted, total, over", [
    ({b"file": b"1", b"notifier": b"1"}, 0, 2),
    ({"feed": "5"}, 8, 0),
    ({"feed": "3", "http": "0"}, 3, 0),
], ids=["ghosts", "uncounted-is-no-excess", "exact"])
def test_counts_above_the_letters_are_told_by_how_many(counted, total, over):
    assert overcounted(counted, total) == over


def test_a_recount_names_the_origins_whose_count_changed_before_and_after():
    before = {b"classified": b"2", b"file": b"1", b"feed": b"2"}
    assert changed_counts(before, {"classified": 1, "feed": 2, "http": 1}) == [
        ("classified", 2, 1), ("file", 1, 0), ("http", 0, 1)]
    assert changed_counts({"feed": "2"}, {"feed": 2}) == []


def test_a_recount_counts_every_letter_by_its_field_or_as_python_reads_it_and_keeps_the_unnamed_ones():
    from schemas.streams import EVENT_FIELD, ORIGIN_FIELD
    entries = [(b"1-0", {EVENT_FIELD.encode(): b"{}", ORIGIN_FIELD.encode(): b"feed"}),
               (b"2-0", {b"junk": b"by hand"}),
               (b"3-0", {EVENT_FIELD.encode(): b"not json"})]
    counts, later = tally(entries, "p:")
    assert counts == {"feed": 1, "unreadable": 2}
    assert later == {"2-0": "unreadable", "3-0": "unreadable"}


def test_a_delivery_given_up_on_names_its_subscription_where_a_letter_names_who_gave_up():
    """Before: `dlq list` showed `notifier  notifier`, the origin twice, and not which subscription's endpoint
    kept failing."""
    delivery = Letter("4-0", DeadLetter(
        stream="pledgewatch:notifier:outbox", entry_id="job-1", group="notifier",
        payload={"job_id": "job-1", "subscription_id": "desk", "channel": "{}", "message": "{}"},
        reason="webhook https://hooks.example.org/x: HTTP 500 (attempt 6 of 6)", deliveries=6,
        at=datetime(2026, 12, 4, tzinfo=timezone.utc)))
    assert brief_line(brief(delivery, "pledgewatch:")) == (
        "  4-0  2026-12-04T00:00:00Z  notifier  subscription desk  "
        "webhook https://hooks.example.org/x: HTTP 500 (attempt 6 of 6)")
