"""Which commitments of a release a subscription's filter selects. Pure."""

from __future__ import annotations

import re
from functools import lru_cache

from schemas.classified import Commitment, ReleaseClassified

from .subscriptions import Filter


def source_matches(patterns: list[str], source: str) -> bool:
    return any(source.startswith(p[:-1]) if p.endswith("*") else source == p for p in patterns)


def has_keyword(keywords: list[str], text: str) -> bool:
    return any(_keyword(k).search(text) for k in keywords)


@lru_cache(maxsize=4096)  # a filter's keywords are tried on every commitment of every release
def _keyword(keyword: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(keyword.strip())}(?!\w)", re.IGNORECASE)


FUNDING = "funding"


def in_categories(categories: set[str] | list, category: str, *, pledges_money: bool) -> bool:
    """Whether a commitment of ``category`` (its topic) is in ``categories``: ``funding`` also holds every
    commitment that pledges money, whatever its topic ("£30m for biometric equipment" is border security)."""
    return category in categories or (pledges_money and FUNDING in categories)


def commitment_matches(flt: Filter, commitment: Commitment, *, source: str) -> bool:
    """True when ``commitment``, of a release from ``source``, satisfies every criterion of ``flt``."""
    if flt.counter_terrorism and not commitment.counter_terrorism:
        return False
    if flt.categories is not None and not in_categories(flt.categories, commitment.category,
                                                        pledges_money=commitment.money is not None):
        return False
    if flt.kinds is not None and commitment.kind not in flt.kinds:
        return False
    if flt.actors is not None and not any(a.strip().lower() in commitment.actor.lower() for a in flt.actors):
        return False
    if flt.keywords is not None and not has_keyword(flt.keywords, commitment.text):
        return False
    if flt.sources is not None and not source_matches(flt.sources, source):
        return False
    return commitment.confidence >= flt.min_confidence


def matching_commitments(flt: Filter, release: ReleaseClassified) -> list[Commitment]:
    """The commitments of ``release`` that ``flt`` selects, in release order; none for a withdrawn one."""
    if release.withdrawn:
        return []
    return [c for c in release.commitments if commitment_matches(flt, c, source=release.source)]
