"""What a digest holds, counted for the summary at its top. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from .digest import Digest
from .titles import title_line


@dataclass(frozen=True)
class SummaryEntry:
    """One section of the digest: its number (1 for the first, as its anchor says), its release's title and how
    many commitments it lists, how many of them counter-terrorism."""

    number: int
    title: str
    commitments: int
    counter_terrorism: int


@dataclass(frozen=True)
class DigestSummary:
    releases: int
    commitments: int  # distinct: a commitment in two alerts of one release counts once
    counter_terrorism: int
    entries: tuple[SummaryEntry, ...]  # those with a counter-terrorism commitment first, else in the digest's order


def digest_summary(digest: Digest) -> DigestSummary:
    """The counts of ``digest`` and one entry per alert, counter-terrorism first."""
    entries = [SummaryEntry(number, title_line(a.release.title), len(a.commitments),
                            sum(c.counter_terrorism for c in a.commitments))
               for number, a in enumerate(digest.alerts, start=1)]
    listed = {(a.release.release_id, c.id): c.counter_terrorism for a in digest.alerts for c in a.commitments}
    return DigestSummary(releases=len({a.release.release_id for a in digest.alerts}), commitments=len(listed),
                         counter_terrorism=sum(listed.values()),
                         entries=tuple(sorted(entries, key=lambda e: e.counter_terrorism == 0)))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_words(summary: DigestSummary) -> str:
    """``2 releases, 5 commitments (3 counter-terrorism)``."""
    return (f"{_count(summary.releases, 'release')}, {_count(summary.commitments, 'commitment')} "
            f"({summary.counter_terrorism} counter-terrorism)")


def entry_words(entry: SummaryEntry) -> str:
    """``3 commitments, 1 counter-terrorism``; ``1 commitment``."""
    ct = f", {entry.counter_terrorism} counter-terrorism" if entry.counter_terrorism else ""
    return f"{_count(entry.commitments, 'commitment')}{ct}"
