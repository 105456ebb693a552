"""A release as read from its source, before ingest gives it a version (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from schemas import ReleasePublished


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
