"""A release as read from its source, before ingest gives it a version (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from schemas import ReleasePublished

from .identity import release_id_for
from .release_urls import url_without_credentials


@dataclass(frozen=True)
class Draft:
    release: ReleasePublished
    # True: the source states when the release was first published (GOV.UK first_published_at, an
    # Atom <published> or RSS <pubDate>, a page's published-time meta, a file's date). False: its
    # published_at is only an edit or fetch time (<updated>, Last-Modified, now), so ingest keeps
    # the first version's instead and deadlines do not move with every edit.
    dated: bool


def as_release(draft: Draft, release_id: str | None) -> Draft:
    """``draft`` under ``release_id`` when given (the id its feed entry was published under before, its link
    having moved since), else as it is."""
    if release_id is None or release_id == draft.release.release_id:
        return draft
    return Draft(draft.release.model_copy(update={"release_id": release_id}), dated=draft.dated)


def not_another_entrys(draft: Draft, entry_key: str, taken: frozenset[str]) -> Draft:
    """``draft`` of a feed entry not known by its guid (``entry_key``), under an id of its own (its url and guid's)
    when the one its link names is in ``taken``: another entry of the feed, which moved away from the link and
    kept its id, holds it, and this one, posted at the link since, is another article."""
    if draft.release.release_id not in taken:
        return draft
    return as_release(draft, release_id_for(f"{draft.release.url}#{entry_key}"))


def without_credentials(draft: Draft, *, source_url: str) -> Draft:
    """``draft`` of a release read from the source configured at ``source_url``, its url without the source's
    credentials (:mod:`.release_urls`); its id, made from the address as fetched, kept, so that a release published
    with the key before is the same release."""
    url = url_without_credentials(draft.release.url, source_url=source_url)
    if url == draft.release.url:
        return draft
    return Draft(draft.release.model_copy(update={"url": url}), dated=draft.dated)
