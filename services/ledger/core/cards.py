"""A ledger entry's card: the little the queries look at, kept apart from the whole entry so that every
query can be answered from memory. Pure."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cached_property

from services.notifier.reminders import due_date

from .entries import LedgerEntry
from services.common.text_folding import folded


@dataclass(frozen=True)
class Card:
    key: str
    release_id: str
    source: str
    published: float  # the release version that first held it, as a POSIX timestamp
    state: str
    kind: str
    category: str
    counter_terrorism: bool
    confidence: float
    actor: str  # lowercased, as are text and title: the queries compare without case
    text: str
    title: str
    due: tuple[int, ...]  # the ordinal days its deadlines fall due (dated ones only)
    chain: str | None
    pledges_money: bool = False  # money named: a card read back from before this field counts as none
    amount: float | None = None  # its money's, in the currency's units (None: none, or a card from before)
    currency: str | None = None  # ISO 4217

    @cached_property
    def searchable(self) -> str:
        """What free text is looked for in: the actor, the text and the release's title, each :func:`folded` (a
        phrase is not found across two of them)."""
        return "\n".join((self.folded_actor, folded(self.text), folded(self.title)))

    @cached_property
    def folded_actor(self) -> str:
        """The actor :func:`folded`: what an actor filter looks in (kept, being short; tried on every card)."""
        return folded(self.actor)

    @property
    def folded_text(self) -> str:
        """The text :func:`folded`, read from :attr:`searchable` (kept once per card)."""
        searchable = self.searchable
        return searchable[searchable.index("\n") + 1:searchable.rindex("\n")]

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> "Card":
        data = json.loads(raw)
        data["due"] = tuple(data["due"])
        return cls(**data)


def card_of(entry: LedgerEntry) -> Card:
    c = entry.commitment
    return Card(key=entry.key, release_id=entry.release_id, source=entry.source,
                published=entry.published_at.timestamp(), state=entry.state.value, kind=c.kind.value,
                category=c.category.value, counter_terrorism=c.counter_terrorism, confidence=c.confidence,
                actor=c.actor.lower(), text=" ".join(c.text.lower().split()), title=entry.title.lower(),
                due=tuple(day.toordinal() for day in map(due_date, c.deadlines) if day is not None),
                chain=entry.chain, pledges_money=c.money is not None,
                amount=c.money.amount if c.money else None, currency=c.money.currency if c.money else None)
