"""When a source has gone quiet: its usual gap between releases, and whether it has published nothing for
``after`` times that gap.

Pure: the publication times and ``now`` are arguments, all timezone-aware. Releases less than a source's
poll interval apart (``resolution``) count as one moment, since a poll cannot tell them apart and a burst
of releases published together would otherwise make the usual gap near zero.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum


@dataclass(frozen=True)
class QuietRules:
    after: float = 3.0  # quiet once the silence reaches this many usual gaps
    window: int = 20  # the usual gap is the median of (at most) this many latest gaps
    min_gaps: int = 5  # a source with fewer gaps than this is not judged


@dataclass(frozen=True)
class Rhythm:
    """What a source's publication times say at one moment."""

    last_release: datetime | None  # None: no release recorded yet
    usual_gap: timedelta | None  # None: fewer gaps than the rules need to judge
    quiet_since: datetime | None  # when the silence reached ``after`` usual gaps; None: not quiet

    @property
    def quiet(self) -> bool:
        return self.quiet_since is not None


@dataclass(frozen=True)
class Spell:
    """A quiet spell as stored: the moment it began, and the last release before it."""

    quiet_since: datetime
    last_release: datetime


class Change(str, Enum):
    QUIET = "quiet"  # a spell begins: announce it
    RESUMED = "resumed"  # the source published again: announce it, the spell ends
    CLEARED = "cleared"  # the spell ends without a release (the rules changed, or the history is gone)


def publication_gaps(times: Iterable[datetime], *, resolution: timedelta) -> list[timedelta]:
    """The gaps between a source's publication moments, oldest first.

    ``times`` in any order, repeats allowed. A time less than ``resolution`` after the moment before it
    belongs to that moment, so every gap is at least ``resolution``."""
    moments: list[datetime] = []
    for time in sorted(set(times)):
        if not moments or time - moments[-1] >= resolution:
            moments.append(time)
    return [later - earlier for earlier, later in zip(moments, moments[1:])]


def judge(times: Iterable[datetime], *, now: datetime, rules: QuietRules, resolution: timedelta) -> Rhythm:
    """The source's rhythm at ``now``: its last release, its usual gap (the median of its latest
    ``rules.window`` gaps, once it has ``rules.min_gaps``) and, when it has published nothing for
    ``rules.after`` usual gaps, the moment that silence began to count as quiet."""
    times = list(times)
    if not times:
        return Rhythm(None, None, None)
    last = max(times)
    gaps = publication_gaps(times, resolution=resolution)
    if len(gaps) < rules.min_gaps:
        return Rhythm(last, None, None)
    usual = statistics.median(gaps[-rules.window:])
    try:
        threshold = last + usual * rules.after
    except OverflowError:  # a silence longer than the calendar holds: never reached
        return Rhythm(last, usual, None)
    return Rhythm(last, usual, threshold if now >= threshold else None)


def transition(spell: Spell | None, rhythm: Rhythm) -> Change | None:
    """What the stored ``spell`` (None: not quiet) and the ``rhythm`` judged now call for: a spell begins, a
    spell ends because the source published again, a spell ends without a release, or nothing."""
    if spell is None:
        return Change.QUIET if rhythm.quiet else None
    if rhythm.last_release is None:
        return Change.CLEARED
    if rhythm.last_release > spell.last_release:
        return Change.RESUMED
    return None if rhythm.quiet else Change.CLEARED
