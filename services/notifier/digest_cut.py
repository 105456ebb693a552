"""A digest listing only its first commitments, and what it leaves out: how many, and where each release's are.
Pure.

An email's HTML past a size is clipped by Gmail (:data:`.mail.DIGEST_HTML_BOUND`), its end hidden. A digest that
would be is sent with its first commitments in full (counter-terrorism ones first, as its summary ranks them), and
ends naming the releases it does not list all of, each with how many it leaves out and the page that has them all
(the release's on the dashboard, else the release's own address): nothing is left out without a word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schemas.alerts import Alert

from .digest import Digest
from .release_pages import ReleasePage
from .titles import title_line


@dataclass(frozen=True)
class NotListed:
    """A section of the digest with commitments not listed: its number (1 for the first), its release and that
    release's title, how many it leaves out, and where they all are."""

    number: int
    release_id: str
    title: str
    count: int
    page: str


@dataclass(frozen=True)
class DigestCut:
    alerts: tuple[Alert, ...]  # the sections listed, in the digest's order, a section's commitments perhaps not all
    numbers: tuple[int, ...]  # the number of each section listed (1 for the digest's first): its anchor
    not_listed: tuple[NotListed, ...]  # in the digest's order

    @property
    def listed(self) -> frozenset[int]:
        """The numbers of the sections the message has (anchors to link to)."""
        return frozenset(self.numbers)

    def words(self) -> str:
        """``25 more commitments, of 2 releases, are not listed here``."""
        more = sum(n.count for n in self.not_listed)
        releases = len({n.release_id for n in self.not_listed})
        return (f"{more} more commitment{'' if more == 1 else 's'}, of {releases} "
                f"release{'' if releases == 1 else 's'}, {'is' if more == 1 else 'are'} not listed here")


REASON = ("so that this email is not clipped by mail clients that show only the start of a long message "
          "(Gmail, past about 100 KB). Each release's page has them all:")


def where(alert: Alert, release_page: ReleasePage | None) -> str:
    """The page that has every commitment of ``alert``'s release: its page on the dashboard, else its own address."""
    return release_page(alert.release.release_id) if release_page is not None else alert.release.url


def cut_digest(digest: Digest, shown: int | None, release_page: ReleasePage | None) -> DigestCut:
    """``digest`` listing ``shown`` of its commitments (None: all of them): its counter-terrorism ones first, then
    the others, each in the digest's order, as its summary ranks them. A section is listed with the commitments it
    keeps, in its own order; one keeping none is left out, but one that never had any (a withdrawal, say) is listed:
    it leaves nothing out."""
    numbered = list(enumerate(digest.alerts, start=1))
    if shown is None:
        return DigestCut(tuple(digest.alerts), tuple(n for n, _ in numbered), ())
    ranked = sorted(((not c.counter_terrorism, number, i) for number, a in numbered
                     for i, c in enumerate(a.commitments)))
    kept = {(number, i) for _, number, i in ranked[:shown]}
    listed: list[tuple[int, Alert]] = []
    rest: list[NotListed] = []
    for number, alert in numbered:
        commitments = [c for i, c in enumerate(alert.commitments) if (number, i) in kept]
        if commitments or not alert.commitments:
            whole = len(commitments) == len(alert.commitments)
            listed.append((number, alert if whole else alert.model_copy(update={"commitments": commitments})))
        if len(commitments) < len(alert.commitments):
            rest.append(NotListed(number, alert.release.release_id, title_line(alert.release.title),
                                  len(alert.commitments) - len(commitments), where(alert, release_page)))
    return DigestCut(tuple(a for _, a in listed), tuple(n for n, _ in listed), tuple(rest))


def most_shown(total: int, size: Callable[[int | None], int], bound: int) -> int | None:
    """How many of ``total`` commitments a message of at most ``bound`` lists (None: all, it fits whole), by
    ``size``: how many commitments listed -> the message's size. 0 when even the message listing none is larger (a
    digest of many hundreds of releases, whose summary names each): then it lists none, and is clipped past its
    summary. A few sizes are measured: the whole, none, then from the size a commitment takes on average."""
    whole = size(None)
    if whole <= bound:
        return None
    bare = size(0)
    if bare > bound or total == 0:
        return 0
    each = max(1, (whole - bare) // total)
    shown = min(total - 1, (bound - bare) // each)
    while shown > 0 and (measured := size(shown)) > bound:
        shown = max(0, min(shown - 1, shown - (measured - bound) // each - 1))
    return shown
