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
