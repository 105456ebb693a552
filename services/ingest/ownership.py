"""Who a release named by its id belongs to (pure).

Ingest derives most release ids (from a URL, a GOV.UK ``content_id``), and the same URL is the same
release whichever source reads it. An ``id`` given in ``POST /releases`` or a ``.json`` file names the
release outright, so it could name any release: such a release takes a new version only from the way in
(:data:`~services.common.metrics.SourceKind`) and the source name that first published it. A release's
record keeps both (``kind``, ``source``); a record written before it kept them is judged by its url.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas import ReleasePublished

from .admission import ReleaseRefused
from .identity import release_id_for

WAYS_IN = {"file": "a watched file", "http": "POST /releases", "feed": "a feed", "page": "a page",
           "backfill": "the GOV.UK backfill"}
_NAMING = ("file", "http")  # the ways in whose sender may name the release by id
_BY_URL = (("file:", "file"), ("urn:pledgewatch:", "http"))  # what an old record's url says of its way in


class ReleaseOwned(ReleaseRefused):
    """A release named by id that another source published; the message names it."""


@dataclass(frozen=True)
class Owner:
    kind: str | None  # None: not known (a record from before, with a web url)
    source: str | None

    def describe(self) -> str:
        way = WAYS_IN.get(self.kind or "", "another way in")
        return f"{way} (source {self.source!r})" if self.source else way


def recorded_owner(kind: bytes | None, source: bytes | None, url: bytes | None) -> Owner | None:
    """The owner a release's record names (its ``kind``, ``source`` and ``url`` fields); ``None``: no record."""
    if url is None and kind is None:
        return None
    if kind is None:
        link = (url or b"").decode()
        kind_text = next((k for prefix, k in _BY_URL if link.startswith(prefix)), None)
        return Owner(kind=kind_text, source=None)
    return Owner(kind=kind.decode(), source=source.decode() if source is not None else None)


def named_by_id(release: ReleasePublished, kind: str) -> bool:
    """Whether the sender named ``release`` by an id of its own rather than letting ingest derive it."""
    return kind in _NAMING and release.release_id != release_id_for(release.url)


def check_owner(release: ReleasePublished, kind: str, owner: Owner | None, *, own_id: bool | None = None) -> None:
    """Raise :class:`ReleaseOwned` when ``release``, named by id, would be a new version of ``owner``'s. ``own_id``:
    whether its sender named it (None: :func:`named_by_id` judges; a file named by its place did not)."""
    if owner is None or not (named_by_id(release, kind) if own_id is None else own_id):
        return
    if owner.kind in (None, kind) and owner.source in (None, release.source):
        return
    problem = (f"release {release.release_id!r} belongs to {owner.describe()}; a release named by id takes new "
               f"versions only from the way in and source that first published it (this one: "
               f"{WAYS_IN.get(kind, kind)}, source {release.source!r})")
    raise ReleaseOwned(f"id: {problem}", field="id", problem=problem)
