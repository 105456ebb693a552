"""``ingest:file-contents`` keeps a release file's fields only while they can be followed: those of its latest read.
A file edited again and again, moved and edited, reverted, or copied keeps two fields a release, not two an edit;
fields an earlier version wrote are swept once, in pages. The session's Redis."""

from __future__ import annotations

import asyncio
import logging

import pytest

from services.common.embedded_redis import EmbeddedRedis
from services.common.service import Runtime
from services.ingest import file_contents
from services.ingest.file_contents import FILE_CONTENTS, SWEEP_CURSOR, sweep_earlier_fields, sweep_until_done
from services.ingest.file_places import FilePlace
from services.ingest.file_releases import record_read
from services.ingest.files import parse_release
from services.ingest.identity import release_id_for
from services.ingest.service import IngestService
from services.ingest.state import publish_if_changed
from tests.integration.ingest.settled_files import write_settled

pytestmark = pytest.mark.integration

PLAN = "Border plan published\nThe UK will invest £5m in border checks by 1 March 2027.\n"
CHANGED = "Border plan published\nThe UK will invest £7m in border checks by 1 March 2027.\n"


def edit(n: int) -> str:
    return PLAN.replace("£5m", f"£{n}m")


async def contents(streams) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in (await streams.client.hgetall(streams.key(FILE_CONTENTS))).items()}


async def test_a_file_edited_again_and_again_keeps_the_fields_of_its_latest_text_alone(tmp_path, http_service,
                                                                                       streams, published):
    service, _ = http_service
    seeds = tmp_path / "seeds"
    path = seeds / "2026-12-01-plan.txt"
    for n in range(1, 7):
        await service.ingest_file(write_settled(path, edit(n)), within=[seeds])
    assert [r.version for r in await published()] == [1, 2, 3, 4, 5, 6]
    kept = await contents(streams)
    assert len(kept) == 2  # before: two for each of the six texts, for ever
    release = (await published())[-1]
    assert set(kept.values()) == {f"{release.release_id} 6 seeds//2026-12-01-plan.txt"}


async def test_a_file_moved_then_edited_keeps_only_its_latest_reads_fields_and_its_release(tmp_path, http_service,
                                                                                          streams, published):
    service, _ = http_service
    seeds = tmp_path / "seeds"
    path = write_settled(seeds / "2026-12-01-plan.txt", PLAN)
    await service.ingest_file(path, within=[seeds])
    moved = seeds / "2026" / path.name
    moved.parent.mkdir()
    path.rename(moved)
    await service.ingest_file(moved, within=[seeds])
    assert len(await published()) == 1  # the move publishes nothing
    await service.ingest_file(write_settled(moved, CHANGED), within=[seeds])
    first, changed = await published()
    assert (changed.release_id, changed.version) == (first.release_id, 2)
    assert set((await contents(streams)).values()) == {f"{first.release_id} 2 seeds//2026/2026-12-01-plan.txt"}
    assert len(await contents(streams)) == 2


async def test_a_file_reverted_to_an_earlier_text_is_still_carried_by_it_to_a_renamed_folder(tmp_path, watch,
                                                                                             streams, published):
    seeds = tmp_path / "seeds"
    path = write_settled(seeds / "2026-12-01-plan.txt", PLAN)
    for text in (PLAN, CHANGED, PLAN):
        write_settled(path, text)
        await watch(seeds)
    seeds.rename(tmp_path / "inbox")
    await watch(tmp_path / "inbox")
    releases = await published()
    assert [(r.release_id, r.version) for r in releases] == [(releases[0].release_id, v) for v in (1, 2, 3)]
    assert len(await contents(streams)) == 2


async def test_a_copy_keeps_its_release_when_its_original_has_moved_on_and_their_folder_is_renamed(
        tmp_path, watch, streams, published):
    """The original's next version drops the fields of its earlier text, not those the copy's read holds now."""
    seeds = tmp_path / "seeds"
    write_settled(seeds / "2026-12-01-plan.txt", PLAN)
    await watch(seeds)
    write_settled(seeds / "archive" / "2026-12-01-plan.txt", PLAN)  # the copy, read last: the text alone is its
    await watch(seeds)
    original, copy = await published()
    assert copy.release_id != original.release_id
    write_settled(seeds / "2026-12-01-plan.txt", CHANGED)
    await watch(seeds)
    seeds.rename(tmp_path / "inbox")
    await watch(tmp_path / "inbox")
    assert [(r.release_id, r.version) for r in await published()] == \
        [(original.release_id, 1), (copy.release_id, 1), (original.release_id, 2)]
    assert len(await contents(streams)) == 4


async def _published_then_edited(tmp_path, streams, place: FilePlace):
    """The file at ``place`` published, then its edit: both releases, named by ``place``."""
    path = write_settled(tmp_path / "seeds" / "2026-12-01-plan.txt", PLAN)
    before = parse_release(path, path.read_bytes()).model_copy(update={"release_id": place.release_id()})
    after = parse_release(path, write_settled(path, CHANGED).read_bytes()).model_copy(
        update={"release_id": place.release_id()})
    await publish_if_changed(streams, before, kind="file", own_id=False)
    await publish_if_changed(streams, after, kind="file", own_id=False)
    return before, after


async def test_a_read_overtaken_by_a_later_version_writes_nothing_and_drops_nothing(tmp_path, streams):
    """Another replica that read the file before its edit records that read last: the later version's fields stay,
    and no field of a version already gone is written."""
    place = FilePlace("seeds", "2026-12-01-plan.txt")
    before, after = await _published_then_edited(tmp_path, streams, place)
    await record_read(streams, place, after, 2)
    latest = await contents(streams)
    await record_read(streams, place, before, 1)  # the other replica's, late
    assert await contents(streams) == latest


async def test_a_read_overtaken_by_a_later_version_at_another_place_leaves_the_later_reads_place(tmp_path, streams):
    """The file moved and edited: the replica that read it at its old place before the edit, recording that read
    last, leaves the record naming the place of the later version's read, with its fields. Before: the old place,
    so that a file made there later took the release."""
    old, new = FilePlace("seeds", "2026-12-01-plan.txt"), FilePlace("seeds", "2026/2026-12-01-plan.txt")
    before, after = await _published_then_edited(tmp_path, streams, old)
    await record_read(streams, new, after, 2)
    await record_read(streams, old, before, 1)  # the other replica's, late
    record = streams.key(f"ingest:release:{old.release_id()}")
    assert (await streams.client.hget(record, "place")).decode() == str(new)
    assert set((await contents(streams)).values()) == {f"{old.release_id()} 2 {new}"}


async def test_fields_an_earlier_version_wrote_are_swept_in_pages_and_the_current_ones_dropped_with_the_next_text(
        tmp_path, streams, published):
    place = FilePlace("seeds", "2026-12-01-plan.txt")
    path = write_settled(tmp_path / "seeds" / "2026-12-01-plan.txt", edit(1))
    release_id = place.release_id()
    hashes = []
    for n in range(1, 4):
        release = parse_release(path, write_settled(path, edit(n)).read_bytes()).model_copy(
            update={"release_id": release_id})
        await publish_if_changed(streams, release, kind="file", own_id=False)
        hashes.append(release.content_hash)
    table = streams.key(FILE_CONTENTS)
    earlier = {}  # as an earlier version wrote them: two fields a text read, none ever removed
    for n, text in enumerate(hashes, 1):
        earlier |= {f"{text} 2026-12-01-plan.txt": f"{release_id} {n} seeds//2026-12-01-plan.txt",
                    text: f"{release_id} {n} seeds//2026-12-01-plan.txt"}
    earlier[f"{hashes[2]} old/2026-12-01-plan.txt"] = f"{release_id} 3 seeds//old/2026-12-01-plan.txt"  # moved since
    gone = release_id_for("folder:gone//x.txt")
    earlier["sha256:0000 x.txt"] = f"{gone} 1 gone//x.txt"  # its record deleted by hand: never followed
    earlier["sha256:0001"] = "not a value of ours"
    earlier |= {f"sha256:{n:04} a.txt": f"{gone} {n} gone//a.txt" for n in range(2, 300)}  # past a small hash's
    await streams.client.hset(table, mapping=earlier)  # encoding, which HSCAN returns whole whatever COUNT says

    pages = 0
    while await sweep_earlier_fields(streams, count=50) >= 0:
        pages += 1
        assert pages < 1000
    assert pages >= 2 and await streams.client.get(streams.key(SWEEP_CURSOR)) == b"done"
    current = {f for f, v in earlier.items() if v.startswith(f"{release_id} 3 ")}
    assert set(await contents(streams)) == current  # those of the latest version are still followed
    assert await sweep_earlier_fields(streams) == -1  # once

    changed = parse_release(path, write_settled(path, CHANGED).read_bytes()).model_copy(
        update={"release_id": release_id})
    result = await publish_if_changed(streams, changed, kind="file", own_id=False)
    await record_read(streams, place, changed, result.version)
    assert set((await contents(streams)).values()) == {f"{release_id} 4 seeds//2026-12-01-plan.txt"}


async def test_the_service_sweeps_the_fields_an_earlier_version_wrote_once_it_runs(tmp_path, settings,
                                                                                   ingest_settings, streams):
    table = streams.key(FILE_CONTENTS)
    await streams.client.hset(table, "sha256:0000 x.txt", f"{release_id_for('folder:gone//x.txt')} 1 gone//x.txt")
    service = IngestService(settings, watch=[tmp_path], ingest=ingest_settings, sources=[])
    await service.start()
    await service.started()
    try:
        async with asyncio.timeout(10):
            while await streams.client.get(streams.key(SWEEP_CURSOR)) != b"done":
                await asyncio.sleep(0.05)
    finally:
        await service.stop()
    assert await streams.client.hlen(table) == 0


async def test_the_sweep_waits_out_a_redis_outage_saying_nothing_the_other_loops_do_not(settings, tmp_path, caplog,
                                                                                      monkeypatch):
    monkeypatch.setattr(file_contents, "SWEEP_RETRY_SECONDS", 0.05)
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    runtime = Runtime(settings.model_copy(update={"redis_url": await server.start_from_loop()}), source="/test")
    streams = await runtime.open()
    try:
        await asyncio.to_thread(server.kill)
        caplog.set_level(logging.DEBUG, logger=file_contents.__name__)
        sweep = asyncio.create_task(sweep_until_done(streams))
        async with asyncio.timeout(20):
            while not any("Redis unavailable" in r.getMessage() for r in caplog.records):
                await asyncio.sleep(0.05)
            await server.start_from_loop()
            await sweep
        assert await streams.client.get(streams.key(SWEEP_CURSOR)) == b"done"
    finally:
        await runtime.close()
        server.stop()
    assert not [r for r in caplog.records if r.name == file_contents.__name__ and r.levelno >= logging.WARNING]


@pytest.mark.parametrize("unreadable", ["[not json", '[true, {"a": 1}, null]'])
async def test_a_record_naming_its_fields_unreadably_still_takes_the_files_next_text(tmp_path, http_service, streams,
                                                                                     published, unreadable):
    """Before, for a list of other than field names: the script failed at each read, the file never recorded."""
    service, _ = http_service
    seeds = tmp_path / "seeds"
    first = await service.ingest_file(write_settled(seeds / "2026-12-01-plan.txt", PLAN), within=[seeds])
    assert first is not None
    await streams.client.hset(streams.key(f"ingest:release:{first.release_id}"), "contents_fields", unreadable)
    changed = await service.ingest_file(write_settled(seeds / "2026-12-01-plan.txt", CHANGED), within=[seeds])
    assert changed is not None and (changed.release_id, changed.version) == (first.release_id, 2)
    assert f"{first.release_id} 2 seeds//2026-12-01-plan.txt" in (await contents(streams)).values()


@pytest.mark.parametrize("unreadable", ["not a number", "3_000", ""])
async def test_a_record_whose_version_cannot_be_read_still_takes_the_read_and_says_which_record(tmp_path, streams,
                                                                                             caplog, unreadable):
    """Before: the script failed comparing nothing with a number, the read never recorded."""
    place = FilePlace("seeds", "2026-12-01-plan.txt")
    before, after = await _published_then_edited(tmp_path, streams, place)
    record = streams.key(f"ingest:release:{place.release_id()}")
    await streams.client.hset(record, "version", unreadable)
    caplog.set_level(logging.ERROR, logger=file_contents.__name__)
    await record_read(streams, place, after, 2)
    assert set((await contents(streams)).values()) == {f"{place.release_id()} 2 {place}"}
    (told,) = [r.getMessage() for r in caplog.records if r.name == file_contents.__name__]
    assert record in told and repr(unreadable) in told
