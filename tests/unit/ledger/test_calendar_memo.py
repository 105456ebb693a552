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
