"""Which commitments of a release a subscription's filter selects. Pure."""

from __future__ import annotations

import re
from functools import lru_cache

from schemas.classified import Commitment, ReleaseClassified
from services.common.text_folding import folded

from .subscriptions import Filter


def source_matches(patterns: list[str], source: str) -> bool:
    return any(source.startswith(p[:-1]) if p.endswith("*") else source == p for p in patterns)


def has_keyword(keywords: list[str], text: str) -> bool:
    """Whether one of ``keywords`` is a whole word or phrase of ``text``, both compared :func:`folded`:
    ``Sinn Fein`` is found in "Sinn Féin", ``counter-terrorism`` in "counter\u2011terrorism"."""
    return has_folded_keyword(keyword_patterns(keywords), _folded(text))


def keyword_patterns(keywords: list[str]) -> list[re.Pattern[str]]:
    """What :func:`has_folded_keyword` looks for: each keyword :func:`folded`, as a whole word or phrase; one
    that folds to nothing (only dashes or accents) is in no text."""
    return [pattern for pattern in map(_keyword, keywords) if pattern is not None]


def has_folded_keyword(patterns: list[re.Pattern[str]], searched: str) -> bool:
    """Whether one of :func:`keyword_patterns` is in ``searched``, a text already :func:`folded`."""
    return any(pattern.search(searched) is not None for pattern in patterns)


@lru_cache(maxsize=4096)  # a filter's keywords are tried on every commitment of every release
def _keyword(keyword: str) -> re.Pattern[str] | None:
    words = _folded(keyword)
    return re.compile(rf"(?<!\w){re.escape(words)}(?!\w)") if words else None


def names_actor(actors: list[str], actor: str) -> bool:
    """Whether one of ``actors`` is a part of the name ``actor``, both compared :func:`folded`: ``sinn fein``
    names "Sinn Féin"."""
    return names_folded_actor(actor_parts(actors), _folded(actor))


def actor_parts(actors: list[str]) -> list[str]:
    """What :func:`names_folded_actor` looks for: each of ``actors`` :func:`folded`; one that folds to nothing
    (only dashes or accents) names no actor, where as an empty part it would name every one."""
    return [part for part in map(_folded, actors) if part]


def names_folded_actor(parts: list[str], named: str) -> bool:
    """Whether one of :func:`actor_parts` is in ``named``, a name already :func:`folded`."""
    return any(part in named for part in parts)


# Each subscriber with keywords or actors tries them on the same commitments: each text is folded once. The
# same cache folds a filter's entries, as few and as often tried.
_folded = lru_cache(maxsize=4096)(folded)


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
    if flt.actors is not None and not names_actor(flt.actors, commitment.actor):
        return False
    if flt.keywords is not None and not has_keyword(flt.keywords, commitment.text):
        return False
    if flt.sources is not None and not source_matches(flt.sources, source):
        return False
    if (money := flt.money) is not None and not (
            commitment.money is not None and money.matches(commitment.money.amount, commitment.money.currency)):
        return False
    return commitment.confidence >= flt.min_confidence


def matching_commitments(flt: Filter, release: ReleaseClassified) -> list[Commitment]:
    """The commitments of ``release`` that ``flt`` selects, in release order; none for a withdrawn one."""
    if release.withdrawn:
        return []
    return [c for c in release.commitments if commitment_matches(flt, c, source=release.source)]
