"""Which earlier announcement a commitment repeats, as the notifier remembers them. Pure.

The notifier keeps an index of every commitment it has handled (``Announced``), written in the transaction
of its alerts, and links a commitment to the chain of an earlier one it repeats with the ledger's matcher
(:mod:`services.ledger.core.reannouncements`: same actor and money, or the same action in much the same
words). A chain is named by its first member. "Earlier" is in the order the notifier handled them, so a
commitment is never new twice whichever release arrived first; the dates a subscriber reads are sorted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property, lru_cache

from pydantic import AwareDatetime

from schemas.alerts import Announcement, Reannouncement
from schemas.classified import Commitment, ReleaseClassified
from schemas.envelope import FrozenModel
from services.ledger.core.reannouncements import (Likeness, alike, commitment_words, due_dates, index_keys,
                                                   likely_candidates,
                                                   likeness)

DATES_IN_WORDS = 4  # a re-announcement's words name this many dates at most; more would not be read
MAX_CHAIN = 100  # announcements of one chain read and shown, at most: a chain this long says it already


class Announced(FrozenModel):
    """What the notifier keeps of a commitment it handled, to recognise it when it is announced again."""

    release_id: str
    published_at: AwareDatetime
    chain: str  # the id of the chain's first commitment; its own id when it is the first
    commitment: Commitment

    @cached_property
    def announcement(self) -> Announcement:
        """The announcement it records, made once: a stored record (kept by :func:`read_announced`) is read
        again with each read naming its chain."""
        return Announcement(release_id=self.release_id, commitment_id=self.commitment.id,
                            published_at=self.published_at)

    @cached_property
    def likeness(self) -> Likeness:
        """The commitment's :func:`likeness`, worked out once: a stored record (kept by
        :func:`read_announced`) is compared with many commitments, read after read."""
        return likeness(self.commitment)


@lru_cache(maxsize=4096)  # records never change once written, and the likeliest candidates are read again and again
def read_announced(raw: bytes | None) -> Announced | None:
    """A stored record; None when there is none or it cannot be read (written by hand, or by a later model):
    the commitment then counts as not indexed and its record is written again, rather than the release
    being held up."""
    if raw is None:
        return None
    try:
        return Announced.model_validate_json(raw)
    except ValueError:  # pydantic's ValidationError is a ValueError
        return None


def announced_commitments(releases: Iterable[ReleaseClassified]) -> list[tuple[ReleaseClassified, Commitment]]:
    """Every commitment of ``releases`` that counts as announced: withdrawn releases announce nothing."""
    return [(r, c) for r in releases if not r.withdrawn for c in r.commitments]


@dataclass(frozen=True)
class Neighbours:
    """The announcements sharing index keys with a commitment: how many of its action words each shares
    (those sharing enough, see :func:`likely_candidates`), and which share its amount."""

    words: Mapping[str, int] = field(default_factory=dict)
    money: frozenset[str] = frozenset()
    # commitment id -> its candidates: asked of a new commitment for the records to read, then again to assign
    # its chain; ranking a common amount's hundreds of hits once is enough
    _ranked: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, commitment: Commitment) -> list[str]:
        """The ids worth comparing with ``commitment``, the likeliest first, ``MAX_CANDIDATES`` at most."""
        found = self._ranked.get(commitment.id)
        if found is None:
            words = len(commitment_words(commitment))  # its action-word keys (see :func:`index_keys`)
            ranked = likely_candidates(self.words, money_hits=self.money, words=words)
            found = self._ranked[commitment.id] = [c for c in ranked if c != commitment.id]
        return list(found)


def assign_chains(releases: Sequence[ReleaseClassified], *, stored: Mapping[str, Announced],
                  neighbours: Mapping[str, Neighbours]) -> dict[str, Announced]:
    """The record of each commitment of ``releases`` (handled in this order) not in ``stored``: the chain of
    the earliest published announcement it repeats, among ``stored`` (each commitment's ``neighbours`` found
    in the index, which must all be in it) and the commitments of the releases before it here; its own id
    when it repeats none. Commitments of one release never repeat each other."""
    added: dict[str, Announced] = {}
    run_members: dict[str, list[str]] = {}
    for release, c in announced_commitments(releases):
        if c.id in stored or c.id in added:
            continue
        keys = index_keys(c)
        near = neighbours.get(c.id) or Neighbours()
        with_run = [(k, run_members[k]) for k in keys if k in run_members]  # most keys no earlier one here has
        if with_run:
            words, money = Counter(near.words), set(near.money)
            for k, members in with_run:
                (money.update if k.startswith("m:") else words.update)(members)
            near = Neighbours(words=words, money=frozenset(money))
        found = near.candidates(c)
        like = likeness(c)
        earlier = [a for a in (added.get(cid) or stored.get(cid) for cid in found)
                   if a is not None and a.release_id != release.release_id and alike(a.likeness, like)]
        first = min(earlier, key=lambda a: (a.published_at, a.commitment.id), default=None)
        added[c.id] = Announced(release_id=release.release_id, published_at=release.published_at,
                                chain=c.id if first is None else first.chain, commitment=c)
        for key in keys:
            run_members.setdefault(key, []).append(c.id)
    return added


def written_twice(commitments: Sequence[Commitment]) -> dict[str, str]:
    """Each commitment of one release that writes again an earlier one of it (a summary and its paragraph): alike as
    :func:`assign_chains` compares announcements, and due the same days; its id -> the id of the first writing.
    Only commitments sharing an index key are compared. Across releases that is a re-announcement; within one
    release it is one commitment (see :func:`.planning.plan_alerts`)."""
    firsts: dict[str, str] = {}
    seen: dict[str, list[Commitment]] = {}  # index key -> first writings indexed under it, in order
    likes: dict[str, Likeness] = {}

    def like(c: Commitment) -> Likeness:
        if c.id not in likes:
            likes[c.id] = likeness(c)
        return likes[c.id]
    for c in commitments:
        keys = index_keys(c)
        near = {e.id: e for k in keys for e in seen.get(k, ())}  # each once, in the order first seen
        first = next((e for e in near.values() if due_dates(e) == due_dates(c) and alike(like(e), like(c))), None)
        if first is not None:
            firsts[c.id] = first.id
            continue
        for k in keys:
            seen.setdefault(k, []).append(c)
    return firsts


def unindexed(added: Mapping[str, Announced], known: Iterable[Announced]) -> set[str]:
    """The ids of ``added`` (in the order handled) the index's sets need not hold: each is alike
    (:func:`likeness`) an announcement of its own chain handled before it (among ``known``: stored, or added
    before it) and published no later, so that whatever would find it finds that one, and joins the same
    chain. A commitment announced again in the same words then grows no set of the index."""
    chains = {a.chain for a in added.values()}  # only an announcement of their chains can be alike one of them
    earliest: dict[tuple, datetime] = {}  # (chain, likeness) -> the earliest publication handled so far
    for a in [a for a in known if a.chain in chains and a.commitment.id not in added]:
        key = (a.chain, a.likeness)  # hashed and compared once when the record is no earlier (most are not)
        held = earliest.get(key)
        if held is None or a.published_at < held:
            earliest[key] = a.published_at
    out = set()
    for cid, a in added.items():
        key = (a.chain, a.likeness)
        held = earliest.get(key)
        if held is not None and held <= a.published_at:
            out.add(cid)
        else:
            earliest[key] = a.published_at
    return out


class Chain(list[Announcement]):
    """A chain's announcements, the earliest first, never changed once made; its plain words
    (:func:`announced_words`) worked out once: the commitments of a read's releases often share a chain, and
    each of their alerts repeats its words."""

    @cached_property
    def words(self) -> str:
        return announced_words(self)


def chain_announcements(stored: Iterable[Announcement], added: Iterable[Announced], chain: str) -> Chain:
    """The announcements of ``chain``: those stored and those added now, the earliest first, without repeats."""
    found = {a.commitment_id: a for a in stored}
    found.update((a.commitment.id, a.announcement) for a in added if a.chain == chain)
    return Chain(sorted(found.values(), key=lambda a: (a.published_at, a.commitment_id))[:MAX_CHAIN])


def reannouncement(commitment_id: str, chain: Sequence[Announcement], told: Mapping[str, str]
                   ) -> Reannouncement | None:
    """``commitment_id`` as a re-announcement when another announcement of its ``chain`` is in ``told`` (the
    subscriber's record, commitment id -> what it was told); None when the subscriber was told of none."""
    if not repeats_told(commitment_id, chain, told):
        return None
    words = chain.words if isinstance(chain, Chain) else announced_words(chain)
    return Reannouncement(commitment_id=commitment_id, announcements=list(chain), words=words)


def repeats_told(commitment_id: str, chain: Sequence[Announcement], told: Mapping[str, str]) -> bool:
    """Whether another announcement of ``commitment_id``'s ``chain`` is in ``told``."""
    return any(a.commitment_id != commitment_id and a.commitment_id in told for a in chain)


def announced_words(chain: Sequence[Announcement]) -> str:
    """:func:`times_announced` of ``chain``'s dates (in UTC): past :data:`DATES_IN_WORDS` announcements only the first
    and the latest are written, so only theirs are worked out (a chain holds up to ``MAX_CHAIN``)."""
    if len(chain) <= DATES_IN_WORDS:
        return times_announced([_day(a.published_at) for a in chain])
    return _first_and_latest(len(chain), _day(chain[0].published_at), _day(chain[-1].published_at))


def times_announced(days: Sequence[str]) -> str:
    """``announced 3 times: 29 Nov 2017, 14 Mar 2018, 2 Feb 2019``, one announcement a day of ``days`` (the
    first first); past :data:`DATES_IN_WORDS`, the first and the latest: ``announced 52 times, first on
    29 Nov 2017, latest on 21 Nov 2018``."""
    if len(days) <= DATES_IN_WORDS:
        return f"announced {len(days)} times: {', '.join(days)}"
    return _first_and_latest(len(days), days[0], days[-1])


def _first_and_latest(times: int, first: str, latest: str) -> str:
    return f"announced {times} times, first on {first}, latest on {latest}"


@lru_cache(maxsize=8192)  # a chain's dates are written again with each of its announcements, to each subscriber
def _day(at: datetime) -> str:
    return f"{at.astimezone(timezone.utc):%-d %b %Y}"
