"""A calendar polled again with nothing changed is not made again; any change of what it is made from makes it."""

from __future__ import annotations

from services.ledger.calendar_memo import CalendarMemo


def test_the_same_inputs_give_the_calendar_made_before_and_any_other_input_makes_it_again():
    made: list[str] = []

    def make(label: str):
        return lambda: made.append(label) or label.encode()

    memo = CalendarMemo(size=2)
    assert memo.calendar([b'{"a":1}'], ["desk", ["P7D"]], make("first")) == b"first"
    assert memo.calendar([b'{"a":1}'], ["desk", ["P7D"]], make("again")) == b"first"
    assert memo.calendar([b'{"a":2}'], ["desk", ["P7D"]], make("entry")) == b"entry"
    assert memo.calendar([b'{"a":1}'], ["desk", ["P1D"]], make("offsets")) == b"offsets"
    assert memo.calendar([b'{"a":1}', b'{"b":1}'], ["desk", ["P7D"]], make("more")) == b"more"
    assert made == ["first", "entry", "offsets", "more"]
    assert memo.calendar([b'{"a":1}'], ["desk", ["P7D"]], make("forgotten")) == b"forgotten"  # two kept: the latest


def test_the_calendars_kept_are_bounded_in_bytes_the_oldest_let_go_first_and_one_past_the_bound_never_kept():
    made: list[str] = []

    def make(label: str, size: int):
        return lambda: made.append(label) or label.encode().ljust(size, b" ")

    memo = CalendarMemo(size=64, budget=100)
    memo.calendar([b"1"], ["desk"], make("a", 40))
    memo.calendar([b"2"], ["desk"], make("b", 40))
    memo.calendar([b"3"], ["desk"], make("c", 40))  # 120 bytes: the oldest goes
    assert memo.kept_bytes() <= 100
    memo.calendar([b"2"], ["desk"], make("b again", 40))
    memo.calendar([b"1"], ["desk"], make("a again", 40))
    memo.calendar([b"4"], ["desk"], make("huge", 101))
    memo.calendar([b"4"], ["desk"], make("huge again", 101))
    assert made == ["a", "b", "c", "a again", "huge", "huge again"]
    assert memo.kept_bytes() <= 100
