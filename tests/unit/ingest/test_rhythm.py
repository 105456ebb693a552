"""A source's rhythm: its usual gap between releases, when its silence counts as quiet, and what a stored
spell and a new judgement call for."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.ingest.rhythm import Change, QuietRules, Rhythm, Spell, judge, publication_gaps, transition

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
DAY = timedelta(days=1)
POLL = timedelta(minutes=5)
RULES = QuietRules(after=3, window=20, min_gaps=5)


def _daily(count: int) -> list[datetime]:
    return [T0 + DAY * i for i in range(count)]


def test_a_daily_source_is_quiet_after_three_silent_days_and_not_a_second_before():
    times = _daily(10)  # last release T0 + 9 days, usual gap one day
    last = times[-1]
    before = judge(times, now=last + 3 * DAY - timedelta(seconds=1), rules=RULES, resolution=POLL)
    at = judge(times, now=last + 3 * DAY, rules=RULES, resolution=POLL)
    assert before == Rhythm(last, DAY, None)
    assert at == Rhythm(last, DAY, last + 3 * DAY)


def test_the_usual_gap_is_the_median_so_one_long_holiday_does_not_move_it():
    times = _daily(8) + [T0 + DAY * 7 + timedelta(days=30), T0 + DAY * 7 + timedelta(days=31)]
    assert judge(times, now=times[-1], rules=RULES, resolution=POLL).usual_gap == DAY


def test_only_the_latest_gaps_of_the_window_count():
    weekly_then_daily = [T0 + timedelta(weeks=i) for i in range(10)]
    weekly_then_daily += [weekly_then_daily[-1] + DAY * i for i in range(1, 6)]
    rules = QuietRules(after=3, window=5, min_gaps=5)
    assert judge(weekly_then_daily, now=weekly_then_daily[-1], rules=rules, resolution=POLL).usual_gap == DAY


@pytest.mark.parametrize("releases, judged", [(5, False), (6, True)], ids=["4 gaps: not judged", "5 gaps: judged"])
def test_a_source_is_judged_only_once_it_has_the_minimum_of_gaps(releases, judged):
    times = _daily(releases)
    rhythm = judge(times, now=times[-1] + 365 * DAY, rules=RULES, resolution=POLL)
    assert rhythm.last_release == times[-1]
    assert rhythm.quiet is judged and (rhythm.usual_gap is not None) is judged


def test_releases_published_together_count_as_one_moment():
    """Five releases at 09:30 each day: the usual gap is a day, not zero."""
    times = [day + timedelta(seconds=s) for day in _daily(7) for s in (0, 20, 40, 60, 80)]
    assert publication_gaps(times, resolution=POLL) == [DAY - timedelta(seconds=0)] * 6
    assert judge(times, now=times[-1] + DAY, rules=RULES, resolution=POLL).quiet is False


def test_a_silence_longer_than_the_calendar_holds_is_never_quiet_and_never_an_error():
    times = [datetime(1900, 1, 1, tzinfo=timezone.utc) + timedelta(days=365 * 20 * i) for i in range(7)]
    rhythm = judge(times, now=times[-1], rules=QuietRules(after=1000, window=20, min_gaps=5), resolution=POLL)
    assert rhythm == Rhythm(times[-1], timedelta(days=365 * 20), None)


def test_a_source_that_never_published_has_no_rhythm():
    assert judge([], now=T0, rules=RULES, resolution=POLL) == Rhythm(None, None, None)


SPELL = Spell(quiet_since=T0 + 12 * DAY, last_release=T0 + 9 * DAY)


@pytest.mark.parametrize("spell, rhythm, change", [
    (None, Rhythm(T0, DAY, None), None),
    (None, Rhythm(T0, DAY, T0 + 3 * DAY), Change.QUIET),
    (None, Rhythm(T0, None, None), None),
    (SPELL, Rhythm(SPELL.last_release, DAY, SPELL.quiet_since), None),
    (SPELL, Rhythm(SPELL.last_release + 20 * DAY, DAY, None), Change.RESUMED),
    (SPELL, Rhythm(SPELL.last_release + 20 * DAY, DAY, SPELL.last_release + 23 * DAY), Change.RESUMED),
    (SPELL, Rhythm(SPELL.last_release, 5 * DAY, None), Change.CLEARED),
    (SPELL, Rhythm(None, None, None), Change.CLEARED),
], ids=["not quiet: nothing", "goes quiet", "not judged: nothing", "still quiet: nothing (once per spell)",
        "published again", "published again but long ago: resumed first", "rules changed: cleared",
        "history gone: cleared"])
def test_transition(spell, rhythm, change):
    assert transition(spell, rhythm) is change


# Publication times from 1900 (the earliest a release may state) to a day after T0, to the second.
_EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
_times = st.lists(st.integers(0, int((T0 + DAY - _EARLIEST).total_seconds())).map(
    lambda s: _EARLIEST + timedelta(seconds=s)), max_size=60)
_rules = st.builds(QuietRules, after=st.floats(1, 1000), window=st.integers(1, 30), min_gaps=st.integers(1, 30))
_resolution = st.integers(1, 86400).map(lambda s: timedelta(seconds=s))
_later = st.integers(0, 400 * 86400).map(lambda s: timedelta(seconds=s))


@given(_times, _rules, _resolution, _later, st.randoms())
def test_the_order_and_repeats_of_the_times_change_nothing(times, rules, resolution, later, random):
    now = max(times, default=T0) + later
    shuffled = times + times[: len(times) // 2]
    random.shuffle(shuffled)
    assert judge(shuffled, now=now, rules=rules, resolution=resolution) == judge(
        times, now=now, rules=rules, resolution=resolution)


@given(_times, _rules, _resolution, _later, _later)
def test_a_quiet_source_stays_quiet_from_the_same_moment_until_it_publishes(times, rules, resolution, later, more):
    now = max(times, default=T0) + later
    rhythm = judge(times, now=now, rules=rules, resolution=resolution)
    if rhythm.quiet:
        assert rhythm.quiet_since <= now
        assert rhythm.quiet_since == rhythm.last_release + rhythm.usual_gap * rules.after
        assert judge(times, now=now + more, rules=rules, resolution=resolution) == rhythm
        assert not judge([*times, now], now=now, rules=rules, resolution=resolution).quiet


@given(_times, _rules, _resolution, _later)
def test_a_judged_gap_is_never_shorter_than_the_resolution_and_an_unjudged_source_is_never_quiet(
        times, rules, resolution, later):
    rhythm = judge(times, now=max(times, default=T0) + later, rules=rules, resolution=resolution)
    gaps = publication_gaps(times, resolution=resolution)
    assert all(gap >= resolution for gap in gaps)
    if len(gaps) < rules.min_gaps:
        assert rhythm.usual_gap is None and not rhythm.quiet
    else:
        assert rhythm.usual_gap >= resolution


@given(_times, _rules, _resolution, _later, _later)
def test_one_spell_is_announced_once_and_ends_with_the_next_release(times, rules, resolution, later, gap):
    now = max(times, default=T0) + later
    rhythm = judge(times, now=now, rules=rules, resolution=resolution)
    if not rhythm.quiet:
        assert transition(None, rhythm) is None
        return
    assert transition(None, rhythm) is Change.QUIET
    spell = Spell(rhythm.quiet_since, rhythm.last_release)
    assert transition(spell, judge(times, now=now + gap, rules=rules, resolution=resolution)) is None
    published = now + gap
    assert transition(spell, judge([*times, published], now=published, rules=rules,
                                   resolution=resolution)) is Change.RESUMED
