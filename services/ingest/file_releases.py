"""Which release a release file's place names, in Redis (docs/decisions/0047).

A file is named by its place (:mod:`.file_places`), which a move of its folder keeps. Two records carry over what
a place alone cannot:

- ``ingest:file-releases``: place -> release id, for a place whose file was published under another id: a file
  published when files were named by their absolute path keeps that release (recorded the first time it is read
  where it was, so it keeps it after a move too), and so does an unchanged file whose folder took another name.
- ``ingest:file-contents``: a file's revision (its text and withdrawal) -> ``<release id> <version> <folder>``, the
  release, version and folder it was last read as. A file at a new place holding the text of a release's latest
  version, read last in a folder that is not watched now (renamed, mounted under another name, or a file sent by
  ``pledgewatch ingest`` from elsewhere), is that release; in a folder still watched it is a copy: a release of its
  own.
"""

from __future__ import annotations

from collections.abc import Collection

from schemas import ReleasePublished
from services.common.streams import Streams, as_text

from .file_places import FilePlace
from .identity import revision_hash

FILE_RELEASES = "ingest:file-releases"
FILE_CONTENTS = "ingest:file-contents"


async def file_release_id(streams: Streams, place: FilePlace, release: ReleasePublished, *,
                          watched: Collection[str]) -> str:
    """The release id of ``release``, read from the file at ``place``, named by the file's absolute path
    (``release.release_id``: the id published for it before files were named by their place); ``watched``: the
    labels of the folders watched now."""
    client, places = streams.client, streams.key(FILE_RELEASES)
    kept = await client.hget(places, str(place))
    if kept is not None:
        return as_text(kept)
    own = place.release_id()
    if await client.exists(_record(streams, own)):
        return own
    by_path = await client.exists(_record(streams, release.release_id))
    found = release.release_id if by_path else await _moved_here(streams, release, watched)
    if found is None:
        return own
    await client.hset(places, str(place), found)
    return found


async def record_content(streams: Streams, place: FilePlace, release: ReleasePublished, version: int) -> None:
    """``release`` (its id the one published) was read at ``place`` as ``version``, whether published or not."""
    await streams.client.hset(streams.key(FILE_CONTENTS), _revision(release),
                              f"{release.release_id} {version} {place.folder}")


async def _moved_here(streams: Streams, release: ReleasePublished, watched: Collection[str]) -> str | None:
    """The release whose latest version has ``release``'s text, last read in a folder not watched now."""
    last = await streams.client.hget(streams.key(FILE_CONTENTS), _revision(release))
    if last is None:
        return None
    release_id, version, folder = as_text(last).split(" ", 2)
    if folder in watched:
        return None  # a copy beside it
    latest = await streams.client.hget(_record(streams, release_id), "version")
    return release_id if latest is not None and as_text(latest) == version else None


def _record(streams: Streams, release_id: str) -> str:
    return streams.key(f"ingest:release:{release_id}")


def _revision(release: ReleasePublished) -> str:
    return revision_hash(release.content_hash, withdrawn=release.withdrawn, withdrawn_notice=release.withdrawn_notice)
