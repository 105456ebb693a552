"""Which release a release file's place names, in Redis (docs/decisions/0049).

A file is named by its place (:mod:`.file_places`), which a move of its folder keeps. What a place alone cannot
carry over is kept beside it:

- ``ingest:file-releases``: place -> release id, for a place whose file is a release named otherwise: a file
  published when files were named by their absolute path keeps that release (recorded the first time it is read
  where it was, so it keeps it after a move too); an unchanged file moved to a place of another name keeps its
  release; a file at a place whose release another file holds has a release of its own.
- ``ingest:file-contents``: a file's revision (its text and withdrawal), and its revision at its path inside its
  folder (``<revision> <path inside>``) -> ``<release id> <version> <place>``, the release, version and place it
  was last read as, kept for its release's latest read alone (:mod:`.file_contents`). A file at a new place
  holding the text of a release's latest version is that release when no watched file is left at the place it was
  last read at (its folder renamed, mounted under another name, or a file sent by ``pledgewatch ingest`` from
  elsewhere); with one there it is a copy, a release of its own.
- ``place`` in ``ingest:release:<id>``: the place the release's file was last read at. A release is one file's: a
  file at another place named by it while a watched file is at that place (a folder renamed, then another made
  under its old name) is a release of its own, rather than each file's text a version over the other's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from redis.asyncio.client import Pipeline

from schemas import ReleasePublished
from services.common.streams import Streams, as_text

from .file_contents import FILE_CONTENTS, contents_fields, queue_contents, record_contents, release_record
from .file_places import FilePlace
from .identity import release_id_for, revision_hash

FILE_RELEASES = "ingest:file-releases"

# whether a watched file is at the place now: a look at a folder, so run off the event loop
Holds = Callable[[FilePlace], bool]


async def file_release_id(streams: Streams, place: FilePlace, release: ReleasePublished, *, holds: Holds) -> str:
    """The release id of ``release``, read from the file at ``place`` and named by the file's absolute path
    (``release.release_id``, the id published for it before files were named by their place)."""
    found = await _named(streams, place, release, holds)
    holder = await streams.client.hget(release_record(streams, found), "place")
    if holder is None or as_text(holder) == str(place) or not await asyncio.to_thread(
            holds, FilePlace.parse(as_text(holder))):
        return found
    own = release_id_for(f"folder:{place}#{found}")
    await streams.client.hset(streams.key(FILE_RELEASES), str(place), own)
    return own


async def record_read(streams: Streams, place: FilePlace, release: ReleasePublished, version: int) -> None:
    """``release`` (its id the one published) was read at ``place`` as ``version``, its text unchanged."""
    await record_contents(streams, release.release_id, version, place, _revision(release))


def read_recorder(streams: Streams, place: FilePlace, release: ReleasePublished) -> Callable[[Pipeline, int], None]:
    """What records ``release``'s read at ``place`` in the transaction that publishes it (given the version): a
    process killed between the two left the version published and the read unrecorded, so the file, found later
    under another folder name, was not known as that release's and was published again as a new release."""
    return lambda pipe, version: queue_contents(pipe, streams, release.release_id, version, place,
                                                _revision(release))


async def _named(streams: Streams, place: FilePlace, release: ReleasePublished, holds: Holds) -> str:
    """The release ``place`` names: recorded for it, else its own if published, else the one its file's absolute
    path named, else the one moved here, else its own (new)."""
    client, places = streams.client, streams.key(FILE_RELEASES)
    kept = await client.hget(places, str(place))
    if kept is not None:
        return as_text(kept)
    own = place.release_id()
    if await client.exists(release_record(streams, own)):
        return own
    by_path = await client.exists(release_record(streams, release.release_id))
    found = release.release_id if by_path else await _moved_here(streams, place, release, holds)
    if found is None:
        return own
    await client.hset(places, str(place), found)
    return found


async def _moved_here(streams: Streams, place: FilePlace, release: ReleasePublished, holds: Holds) -> str | None:
    """The release whose latest version has ``release``'s text, when no watched file is left where it was last
    read: the one last read with that text at the same path inside its folder, else any last read with it (a
    folder renamed with a file and its copy in it: each file keeps its own release, not the last read's)."""
    last = next(filter(None, await streams.client.hmget(streams.key(FILE_CONTENTS),
                                                        contents_fields(_revision(release), place))), None)
    if last is None:
        return None
    release_id, version, read_at = as_text(last).split(" ", 2)
    if await asyncio.to_thread(holds, FilePlace.parse(read_at)):
        return None  # a copy beside it
    latest = await streams.client.hget(release_record(streams, release_id), "version")
    return release_id if latest is not None and as_text(latest) == version else None


def _revision(release: ReleasePublished) -> str:
    return revision_hash(release.content_hash, withdrawn=release.withdrawn, withdrawn_notice=release.withdrawn_notice)
