"""A release file keeps its release wherever its folder is: a watched folder moved, mounted at another path or
reached through a link publishes nothing again (a changed file is the next version of the same release), and ids
published while a file was named by its absolute path are kept. Real folders, the real watch, the session's Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from services.ingest.files import parse_release
from services.ingest.identity import release_id_for
from services.ingest.service import IngestService
from services.ingest.state import publish_if_changed
from tests.integration.ingest.settled_files import write_settled

pytestmark = pytest.mark.integration

PLAN = "Border plan published\nThe UK will invest £5m in border checks by 1 March 2027.\n"
CHANGED = "Border plan published\nThe UK will invest £7m in border checks by 1 March 2027.\n"
STATEMENT = "Port statement\nThe Home Office will invest £24m in port security by 31 March 2027.\n"


def pledgewatch_ingest(settings, *paths: Path) -> subprocess.CompletedProcess[str]:
    """``pledgewatch ingest PATH...`` on this test's Redis and prefix, as an operator runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update(REDIS_URL=settings.redis_url, PLEDGEWATCH_PREFIX=settings.prefix,
               PLEDGEWATCH_HOME=str(settings.data_dir))
    return subprocess.run([sys.executable, "-m", "pledgewatch.cli", "ingest", *map(str, paths)], capture_output=True,
                          text=True, env=env, timeout=60)


async def test_a_watched_folder_moved_elsewhere_publishes_nothing_again(tmp_path, watch, published):
    folder = tmp_path / "srv" / "seeds"
    write_settled(folder / "2026-12-01-plan.txt", PLAN)
    write_settled(folder / "2026" / "2026-12-02-ports.txt", STATEMENT)
    await watch(folder)
    first = await published()
    assert len(first) == 2

    moved = tmp_path / "data" / "seeds"
    moved.parent.mkdir()
    folder.rename(moved)
    await watch(moved)
    assert len(await published()) == 2  # before: both published again, as new releases

    write_settled(moved / "2026-12-01-plan.txt", CHANGED)
    await watch(moved)
    *_, changed = await published()
    plan = next(r for r in first if r.title == "Border plan published")
    assert (changed.release_id, changed.version) == (plan.release_id, 2)  # the next version of the same release
    assert changed.url == (moved / "2026-12-01-plan.txt").as_uri()  # where the file is now


async def test_a_folder_reached_through_a_link_that_now_leads_elsewhere_keeps_its_releases(tmp_path, watch,
                                                                                          published):
    disk = tmp_path / "disk1" / "seeds"
    write_settled(disk / "2026-12-01-plan.txt", PLAN)
    link = tmp_path / "seeds"
    link.symlink_to(disk)
    await watch(link)

    copy = tmp_path / "disk2" / "seeds"
    write_settled(copy / "2026-12-01-plan.txt", PLAN)  # copied to another disk; the link moved to it
    link.unlink()
    link.symlink_to(copy)
    await watch(link)
    assert len(await published()) == 1


async def test_ids_published_when_files_were_named_by_their_absolute_path_are_kept(tmp_path, watch, streams,
                                                                                  published):
    folder = tmp_path / "srv" / "seeds"
    path = write_settled(folder / "2026-12-01-plan.txt", PLAN)
    before = parse_release(path.absolute(), path.read_bytes())  # as the version before this one published it
    assert before.release_id == release_id_for(path.resolve().as_uri())
    await publish_if_changed(streams, before, kind="file")

    await watch(folder)  # the upgrade, in place
    assert len(await published()) == 1

    moved = tmp_path / "data" / "seeds"
    moved.parent.mkdir()
    folder.rename(moved)
    await watch(moved)
    assert len(await published()) == 1

    write_settled(moved / "2026-12-01-plan.txt", CHANGED)
    await watch(moved)
    *_, changed = await published()
    assert (changed.release_id, changed.version) == (before.release_id, 2)


async def test_two_watched_folders_holding_the_same_names_are_releases_apart(tmp_path, watch, published):
    press, statements = tmp_path / "press", tmp_path / "statements"
    a, b = tmp_path / "a" / "inbox", tmp_path / "b" / "inbox"  # the same folder name, in two places
    for folder, text in ((press, PLAN), (statements, STATEMENT), (a, CHANGED), (b, PLAN.replace("£5m", "£9m"))):
        write_settled(folder / "2026" / "2026-12-01-plan.txt", text)
    await watch(press, statements, a, b)
    assert len({r.release_id for r in await published()}) == 4


async def test_a_file_given_to_pledgewatch_ingest_keeps_its_release_when_its_folder_moves(tmp_path, http_service,
                                                                                          published):
    service, _ = http_service
    folder = tmp_path / "srv" / "seeds"
    path = write_settled(folder / "2026-12-01-plan.txt", PLAN)
    first = await service.ingest_file(path)
    again = await service.ingest_file(path)
    assert first is not None and again is not None and again.release_id == first.release_id
    assert not again.published

    moved = tmp_path / "data" / "seeds"
    moved.parent.mkdir()
    folder.rename(moved)
    after = await service.ingest_file(moved / "2026-12-01-plan.txt")
    assert after is not None and (after.release_id, after.published) == (first.release_id, False)
    assert len(await published()) == 1

    await service.ingest_file(write_settled(moved / "2026-12-01-plan.txt", CHANGED))
    *_, changed = await published()
    assert (changed.release_id, changed.version) == (first.release_id, 2)


async def test_a_file_given_to_pledgewatch_ingest_and_then_watched_is_one_release(tmp_path, http_service, watch,
                                                                                  published):
    service, _ = http_service
    folder = tmp_path / "seeds"
    sent = await service.ingest_file(write_settled(folder / "2026-12-01-plan.txt", PLAN))
    await watch(folder)
    assert sent is not None and [r.release_id for r in await published()] == [sent.release_id]


async def test_a_folder_given_to_pledgewatch_ingest_places_its_files_as_watching_it_does(tmp_path, settings, watch,
                                                                                       published):
    folder = tmp_path / "press"
    write_settled(folder / "2026" / "2026-12-01-plan.txt", PLAN)
    done = pledgewatch_ingest(settings, folder)
    assert done.returncode == 0 and done.stdout.startswith("published "), done.stderr
    await watch(folder)
    assert len(await published()) == 1


async def test_a_watched_folder_renamed_publishes_its_unchanged_files_nothing_and_a_changed_one_as_a_version(
        tmp_path, watch, published):
    """As ``make run`` watching ``seeds`` and docker compose mounting it at ``/inbox`` do, on one Redis."""
    seeds = tmp_path / "seeds"
    write_settled(seeds / "2026-12-01-plan.txt", PLAN)
    write_settled(seeds / "2026" / "2026-12-02-ports.txt", STATEMENT)
    await watch(seeds)
    first = {r.title: r.release_id for r in await published()}

    inbox = tmp_path / "inbox"
    seeds.rename(inbox)
    await watch(inbox)
    assert len(await published()) == 2

    write_settled(inbox / "2026-12-01-plan.txt", CHANGED)
    await watch(inbox)
    *_, changed = await published()
    assert (changed.release_id, changed.version) == (first["Border plan published"], 2)


async def test_a_copy_beside_its_original_in_the_watched_folders_is_a_release_of_its_own(tmp_path, watch, published):
    press, statements = tmp_path / "press", tmp_path / "statements"
    write_settled(press / "2026-12-01-plan.txt", PLAN)
    await watch(press)
    write_settled(statements / "2026-12-01-plan.txt", PLAN)
    write_settled(press / "archive" / "2026-12-01-plan.txt", PLAN)
    await watch(press, statements)
    assert len({r.release_id for r in await published()}) == 3


async def test_a_file_sent_from_elsewhere_and_then_dropped_into_the_watched_folder_is_one_release(
        tmp_path, http_service, watch, published):
    service, _ = http_service
    sent = await service.ingest_file(write_settled(tmp_path / "drafts" / "2026-12-01-plan.txt", PLAN))
    write_settled(tmp_path / "seeds" / "2026-12-01-plan.txt", PLAN)
    await watch(tmp_path / "seeds")
    assert sent is not None and [r.release_id for r in await published()] == [sent.release_id]


async def test_an_earlier_text_of_a_release_in_a_renamed_folder_is_not_taken_for_that_release(tmp_path, watch,
                                                                                              published):
    """Its release has moved on: were the file made a version of it, the release's latest text would be undone."""
    seeds = tmp_path / "seeds"
    path = write_settled(seeds / "2026-12-01-plan.txt", PLAN)
    await watch(seeds)
    write_settled(path, CHANGED)
    await watch(seeds)
    write_settled(path, PLAN)
    seeds.rename(tmp_path / "inbox")
    await watch(tmp_path / "inbox")
    assert [r.version for r in await published()] == [1, 2, 1]


async def test_a_file_named_by_its_place_takes_a_new_version_whatever_source_it_gives_now(tmp_path, http_service,
                                                                                          published):
    """Its release id is ingest's, not one the file gives: the rule of a release named by id is not its."""
    service, _ = http_service
    path = write_settled(tmp_path / "seeds" / "2026-12-01-plan.txt", f"---\nsource: press-office\n---\n{PLAN}")
    first = await service.ingest_file(path)
    second = await service.ingest_file(write_settled(path, f"---\nsource: home-office\n---\n{CHANGED}"))
    assert first is not None and second is not None and (second.release_id, second.version) == (first.release_id, 2)
    assert [r.source for r in await published()] == ["press-office", "home-office"]


async def test_a_file_moved_inside_its_watched_folder_keeps_its_release(tmp_path, watch, published):
    seeds = tmp_path / "seeds"
    path = write_settled(seeds / "2026-12-01-plan.txt", PLAN)
    await watch(seeds)
    (seeds / "2026").mkdir()
    path.rename(seeds / "2026" / path.name)
    await watch(seeds)
    assert len(await published()) == 1


async def test_a_folder_made_again_under_the_name_another_was_renamed_from_holds_releases_of_its_own(
        tmp_path, watch, published):
    """Its files are not versions of the renamed folder's, which would each publish the other's text again at
    every start."""
    seeds, inbox = tmp_path / "seeds", tmp_path / "inbox"
    write_settled(seeds / "2026-12-01-plan.txt", PLAN)
    await watch(seeds)
    seeds.rename(inbox)
    await watch(inbox)
    write_settled(seeds / "2026-12-01-plan.txt", STATEMENT)
    for _ in range(3):
        await watch(inbox, seeds)
    releases = await published()
    assert [(r.title, r.version) for r in releases] == [("Border plan published", 1), ("Port statement", 1)]
    assert releases[0].release_id != releases[1].release_id


async def test_a_file_sent_from_a_folder_named_as_a_watched_one_is_not_the_watched_files_release(
        tmp_path, settings, ingest_settings, watch, published):
    seeds = tmp_path / "srv" / "seeds"
    write_settled(seeds / "2026-12-01-plan.txt", PLAN)
    await watch(seeds)
    command = IngestService(settings.model_copy(update={"watch": [seeds]}), watch=[], ingest=ingest_settings,
                            sources=[])  # as `pledgewatch ingest` makes it, PLEDGEWATCH_WATCH naming the folder
    await command.start()
    try:
        sent = await command.ingest_file(write_settled(tmp_path / "old" / "seeds" / "2026-12-01-plan.txt", STATEMENT))
    finally:
        await command.stop()
    await watch(seeds)
    assert [(r.title, r.version) for r in await published()] == [("Border plan published", 1), ("Port statement", 1)]
    assert sent is not None and sent.release_id != (await published())[0].release_id


async def test_a_copy_beside_its_original_in_a_folder_given_to_pledgewatch_ingest_is_a_release_of_its_own(
        tmp_path, settings, published):
    """As it is in a watched folder: were the copy taken for its original's release, each file's text would be
    published over the other's at every run once one of them changed."""
    folder = tmp_path / "drafts"
    write_settled(folder / "2026-12-01-plan.txt", PLAN)
    copy = write_settled(folder / "archive" / "2026-12-01-plan.txt", PLAN)
    assert pledgewatch_ingest(settings, folder).returncode == 0
    assert len({r.release_id for r in await published()}) == 2

    write_settled(copy, CHANGED)
    for _ in range(2):
        assert pledgewatch_ingest(settings, folder).returncode == 0
    assert [r.version for r in await published()] == [1, 1, 2]


async def test_a_copy_beside_its_original_sent_by_pledgewatch_ingest_is_a_release_of_its_own(tmp_path, http_service,
                                                                                             published):
    service, _ = http_service
    original = await service.ingest_file(write_settled(tmp_path / "drafts" / "2026-12-01-plan.txt", PLAN))
    copy = await service.ingest_file(write_settled(tmp_path / "drafts" / "2026-12-01-plan-copy.txt", PLAN))
    assert original is not None and copy is not None and copy.release_id != original.release_id


async def test_whether_a_file_is_left_at_a_place_is_looked_up_off_the_event_loop(tmp_path, http_service, monkeypatch):
    """A look at a folder can hang (a network mount), and the loop is every service's in `pledgewatch run`."""
    from services.ingest import service as ingest_service
    loop_thread, looked = threading.get_ident(), []
    real = ingest_service.holds_a_file

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        looked.append(threading.get_ident() != loop_thread)
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest_service, "holds_a_file", watched)
    service, _ = http_service
    await service.ingest_file(write_settled(tmp_path / "seeds" / "2026-12-01-plan.txt", PLAN))
    (tmp_path / "seeds").rename(tmp_path / "inbox")
    await service.ingest_file(tmp_path / "inbox" / "2026-12-01-plan.txt")
    assert looked and all(looked)


async def test_files_sent_from_two_folders_of_one_name_outside_the_watched_ones_are_releases_apart(
        tmp_path, http_service, published):
    """Nothing says one of those folders is the other moved: named by their own folder's name alone, the second
    file was published as a version of the first, its commitments told as changes of the first's."""
    service, _ = http_service
    first = await service.ingest_file(write_settled(tmp_path / "alice" / "drafts" / "2026-12-01-plan.txt", PLAN))
    second = await service.ingest_file(write_settled(tmp_path / "bob" / "drafts" / "2026-12-01-plan.txt", STATEMENT))
    assert first is not None and second is not None and second.release_id != first.release_id
    assert [r.version for r in await published()] == [1, 1]


async def test_a_renamed_folder_holding_a_file_and_its_copy_publishes_neither_again(tmp_path, watch, published):
    """Each keeps its own release: the text alone would give both the release of whichever was read last."""
    seeds = tmp_path / "seeds"
    write_settled(seeds / "2026-12-01-plan.txt", PLAN)
    write_settled(seeds / "2026-12-01-plan-copy.txt", PLAN)
    await watch(seeds)
    first = {r.url.rsplit("/", 1)[1]: r.release_id for r in await published()}
    assert len(set(first.values())) == 2

    seeds.rename(tmp_path / "inbox")
    await watch(tmp_path / "inbox")
    assert len(await published()) == 2  # before: one of them published again as a new release

    for name in first:
        write_settled(tmp_path / "inbox" / name, CHANGED.replace("£7m", f"£{len(name)}m"))
    await watch(tmp_path / "inbox")
    assert {r.url.rsplit("/", 1)[1]: (r.release_id, r.version) for r in (await published())[2:]} == \
        {name: (release_id, 2) for name, release_id in first.items()}
