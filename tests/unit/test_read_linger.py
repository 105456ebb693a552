"""When a consumer starts its next read: at once for a lone entry, after a short linger while entries come close."""

import pytest

from services.common.read_linger import ReadLinger


def _read(linger: ReadLinger, ids: list[str], *, started: float) -> None:
    linger.started(started)
    linger.returned(ids)


def test_entries_two_milliseconds_apart_make_the_next_read_wait_out_the_linger():
    linger = ReadLinger(6, read_count=64)
    _read(linger, ["1000-0"], started=10.0)
    _read(linger, ["1002-0"], started=10.002)
    assert linger.delay(10.0035) == pytest.approx(0.0045)  # 6 ms after the last read began, 1.5 ms into it
    assert linger.delay(10.009) == 0.0  # handling took longer than the linger: read at once


def test_a_read_of_several_close_entries_makes_the_next_wait():
    linger = ReadLinger(6, read_count=64)
    _read(linger, ["1000-0", "1001-0", "1001-1", "1003-0"], started=5.0)
    assert linger.delay(5.001) == pytest.approx(0.005)


@pytest.mark.parametrize("gap_ms", [4, 20, 1000])
def test_an_entry_further_from_the_last_than_half_the_linger_is_followed_by_a_read_at_once(gap_ms):
    """At 50 releases/s entries come 20 ms apart: each is read as it comes, as with no linger."""
    linger = ReadLinger(6, read_count=64)
    _read(linger, ["1000-0"], started=1.0)
    _read(linger, [f"{1000 + gap_ms}-0"], started=1.0 + gap_ms / 1000)
    assert linger.delay(1.0 + gap_ms / 1000) == 0.0


def test_the_first_entry_read_and_several_far_apart_are_followed_by_a_read_at_once():
    linger = ReadLinger(6, read_count=64)
    _read(linger, ["1000-0"], started=1.0)
    assert linger.delay(1.0) == 0.0
    _read(linger, ["2000-0", "2030-0", "2060-0"], started=2.1)
    assert linger.delay(2.1) == 0.0


def test_a_full_read_is_followed_by_a_read_at_once():
    """The rest of a backlog is read as fast as it is handled."""
    linger = ReadLinger(6, read_count=4)
    _read(linger, ["1000-0", "1000-1", "1000-2", "1000-3"], started=1.0)
    assert linger.delay(1.0) == 0.0


def test_an_empty_read_ends_the_linger():
    linger = ReadLinger(6, read_count=64)
    _read(linger, ["1000-0", "1001-0"], started=1.0)
    _read(linger, [], started=1.001)
    assert linger.delay(1.002) == 0.0


def test_no_linger_never_waits():
    linger = ReadLinger(0, read_count=64)
    _read(linger, ["1000-0", "1000-1"], started=1.0)
    assert linger.delay(1.0) == 0.0


def test_a_pair_in_the_same_millisecond_among_entries_five_apart_starts_no_linger():
    """A writer that fell behind catches up with two entries at once: at 200/s they still come 5 ms apart."""
    linger = ReadLinger(6, read_count=64)
    for n, ms in enumerate(range(1000, 1030, 5)):
        _read(linger, [f"{ms}-0"], started=1.0 + n * 0.005)
    _read(linger, ["1035-0", "1035-1"], started=1.04)
    assert linger.delay(1.04) == 0.0


def test_a_burst_after_a_quiet_spell_makes_the_next_read_wait():
    linger = ReadLinger(6, read_count=64)
    _read(linger, ["1000-0"], started=1.0)
    _read(linger, [f"9000-{n}" for n in range(10)], started=9.0)
    assert linger.delay(9.001) == pytest.approx(0.005)
