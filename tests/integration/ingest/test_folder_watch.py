"""The folder watcher as ``pledgewatch run`` runs it: real files in tmp_path, the session's Redis."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from schemas import DeadLetterEvent
from schemas.streams import DEAD_LETTERS, EVENT_FIELD
from services.ingest import service as service_module
from services.ingest.folder import FolderScanner
from services.ingest.service import IngestService

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
IMPOSSIBLE = "2017-02-30"
BAD_DATE = f"---\ndate: {IMPOSSIBLE}\ntitle: A day that never was\n---\nThe UK will act.\n"
GOOD = "Border plan published\nThe UK will invest £5m in border checks.\n"


def write_settled(path: Path, text: str) -> Path:
    """Write ``path`` with an mtime in the past, so the watcher does not wait for it to settle."""
    path.write_text(text)
    past = time.time() - 5
    os.utime(path, (past, past))
    return path


async def dead_letters(streams) -> list:
    entries = await streams.client.xrange(streams.key(DEAD_LETTERS))
    return [DeadLetterEvent.model_validate_json(fields[EVENT_FIELD.encode()]).data for _, fields in entries]


async def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


@pytest.fixture
async def watching(settings, ingest_settings, tmp_path):
    """Start the ingest service watching a fresh folder; yields the folder (files go in before or after)."""
    folder = tmp_path / "releases"
    folder.mkdir()
    services = []

    async def start(**overrides) -> IngestService:
        """``overrides``: settings of this test's service (``poll_seconds``, ``force_polling``)."""
        service = IngestService(settings.model_copy(update=overrides), watch=[folder], ingest=ingest_settings,
                                sources=[])
        await service.start()
        await service.started()
        services.append(service)
        return service

    yield folder, start
    for service in services:
        await service.stop()


async def test_file_with_an_impossible_date_is_dead_lettered_once_and_the_file_after_it_is_published(
        watching, streams, published):
    folder, start = watching
    bad = write_settled(folder / "2017-01-01-a-bad.md", BAD_DATE)  # sorts first
    write_settled(folder / "2017-01-02-b-good.txt", GOOD)
    await start()

    async def one_published() -> bool:
        return len(await published()) == 1
    await wait_for(one_published)
    await asyncio.sleep(0.6)  # several more scans (poll_seconds is 0.1)
    [letter] = await dead_letters(streams)
    assert letter.stream == f"file:{bad}"
    assert letter.reason == f"{bad}:2: bad front matter: day is out of range for month: {IMPOSSIBLE!r} is not a real date; write YYYY-MM-DD"
    assert letter.payload == {"path": str(bad), "content": BAD_DATE}
    assert [r.title for r in await published()] == ["Border plan published"]


async def test_a_file_with_an_unknown_front_matter_key_is_dead_lettered_naming_it_and_the_known_keys(
        watching, streams, published):
    folder, start = watching
    text = "---\ntitle: Border plan\ncolour: red\n---\nThe UK will invest £5m in border checks.\n"
    bad = write_settled(folder / "2017-01-01-colour.md", text)
    await start()

    async def one_letter() -> bool:
        return len(await dead_letters(streams)) == 1
    await wait_for(one_letter)
    [letter] = await dead_letters(streams)
    assert letter.reason == (f"{bad}:3: bad front matter: unknown key 'colour' (known keys: date, language, locale, "
                             "published_at, source, title, url, withdrawn, withdrawn_notice)")
    assert letter.payload == {"path": str(bad), "content": text}  # nothing lost
    assert await published() == []


async def test_a_refused_file_left_as_it_is_is_not_dead_lettered_again_at_each_restart(watching, streams, published):
    """Before: every start of the watch found the same bad file and dead-lettered it once more."""
    folder, start = watching
    bad = write_settled(folder / "2017-01-01-a-bad.md", BAD_DATE)
    for _ in range(3):  # three runs, one after the other, over the same folder
        service = await start()
        await wait_for(lambda: _lettered(streams, 1))
        await asyncio.sleep(0.3)
        await service.stop()
    assert len(await dead_letters(streams)) == 1

    write_settled(bad, BAD_DATE.replace("title: A day", "title: Still a day"))  # changed, still refused
    await start()
    await wait_for(lambda: _lettered(streams, 2))
    write_settled(bad, GOOD)  # fixed: published; the same bad text again later is refused again
    await wait_for(lambda: _count(published, 1))
    write_settled(bad, BAD_DATE)
    await wait_for(lambda: _lettered(streams, 3))


async def test_a_refused_file_is_a_warning_not_an_error(watching, streams, caplog):
    """A file that is no release is the user's to fix, told at WARNING as other refused input is (a bad POST);
    ERROR is for what went wrong in pledgewatch. Before: every refused file was logged at ERROR."""
    folder, start = watching
    bad = write_settled(folder / "2017-01-01-a-bad.md", BAD_DATE)
    with caplog.at_level(logging.WARNING, logger="services.common.streams"):
        await start()
        await wait_for(lambda: _lettered(streams, 1))
    [record] = [r for r in caplog.records if r.getMessage().startswith(f"dead letter from file:{bad}")]
    assert record.levelno == logging.WARNING


async def test_a_refused_file_is_named_once_in_its_warning(watching, streams, caplog):
    """Before: ``dead letter from file:/x/empty.txt: /x/empty.txt: empty file``."""
    folder, start = watching
    empty = write_settled(folder / "empty.txt", "")
    with caplog.at_level(logging.WARNING):
        await start()
        await wait_for(lambda: _lettered(streams, 1))
    [line] = [r.getMessage() for r in caplog.records if "dead letter" in r.getMessage()]
    assert line == f"dead letter from file:{empty}: empty file"
    [letter] = await dead_letters(streams)
    assert letter.reason == f"{empty}: empty file"  # the letter itself names the file, as dlq show tells it


async def test_files_refused_before_are_one_info_line_at_a_restart_each_file_at_debug(watching, streams, caplog):
    """Before: one INFO line a file at every start, ``refused before, unchanged since``, 14 for 14 files."""
    folder, start = watching
    bad = [write_settled(folder / f"2017-01-0{day}-bad.md", BAD_DATE.replace("act", f"act {day}"))
           for day in (1, 2, 3)]
    service = await start()
    await wait_for(lambda: _lettered(streams, 3))
    await asyncio.sleep(0.3)
    await service.stop()
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="services.ingest"):
        await start()
        await wait_for(lambda: _logged(caplog, "refused before"))
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO and "refused before" in r.getMessage()]
    assert info == ["3 files refused before, unchanged since, not dead-lettered again "
                    "(see them: pledgewatch dlq list --stream file)"]
    debug = [r.getMessage() for r in caplog.records
             if r.levelno == logging.DEBUG and "refused before" in r.getMessage()]
    assert len(debug) == 3 and all(
        line.startswith(f"refused before, unchanged since, not dead-lettered again: {path}:2: bad front matter: ")
        for line, path in zip(sorted(debug), bad))
    assert len(await dead_letters(streams)) == 3


async def test_a_refused_file_fixed_in_the_folder_says_which_dead_letter_to_drop(watching, streams, published,
                                                                                caplog):
    """The letter of a file refused, then fixed and published, stays (the dead-letter stream is not ingest's to
    edit): the log says which one it is and how to drop it."""
    folder, start = watching
    latin1 = folder / "2017-01-01-latin1.txt"
    latin1.write_bytes("Caf\xe9 plan\nThe UK will invest £5m.\n".encode("latin-1"))
    os.utime(latin1, (time.time() - 5, time.time() - 5))
    await start()
    await wait_for(lambda: _lettered(streams, 1))
    [(letter_id, _)] = await streams.client.xrange(streams.key(DEAD_LETTERS))
    letter_id = letter_id.decode()
    with caplog.at_level(logging.INFO, logger="services.ingest"):
        write_settled(latin1, GOOD)
        await wait_for(lambda: _count(published, 1))
        await wait_for(lambda: _logged(caplog, "pledgewatch dlq drop"))
    [line] = [r.getMessage() for r in caplog.records if "pledgewatch dlq drop" in r.getMessage()]
    assert line == (f"{latin1}: published, fixed since it was refused; its dead letter stays until dropped: "
                    f"pledgewatch dlq drop {letter_id}")


async def _logged(caplog, words: str) -> bool:
    return any(words in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)


async def _lettered(streams, n: int) -> bool:
    return len(await dead_letters(streams)) == n


async def _count(published, n: int) -> bool:
    return len(await published()) == n


async def test_unexpected_error_reading_a_file_is_dead_lettered_once_and_does_not_block_the_others(
        watching, streams, published, monkeypatch, caplog):
    folder, start = watching
    broken = write_settled(folder / "2017-01-01-a-broken.txt", GOOD.replace("Border", "Broken"))
    write_settled(folder / "2017-01-02-b-good.txt", GOOD)
    parse = service_module.parse_release

    def buggy_parse(path, raw, **kwargs):
        if path == broken:
            raise RuntimeError("parser bug")
        return parse(path, raw, **kwargs)

    monkeypatch.setattr(service_module, "parse_release", buggy_parse)
    with caplog.at_level(logging.ERROR, logger="services.ingest.service"):
        await start()

        async def one_published() -> bool:
            return len(await published()) == 1
        await wait_for(one_published)
        await asyncio.sleep(0.6)
    [letter] = await dead_letters(streams)
    assert letter.reason == f"{broken}: cannot be read as a release (RuntimeError: parser bug)"
    tracebacks = [r for r in caplog.records if r.name == "services.ingest.service" and r.exc_info]
    assert len(tracebacks) == 1 and str(broken) in tracebacks[0].getMessage()


async def test_a_file_whose_publish_failed_is_retried_on_the_next_scan(watching, streams, published, monkeypatch):
    folder, start = watching
    write_settled(folder / "2017-01-01-a.txt", GOOD)
    write_settled(folder / "2017-01-02-b.txt", GOOD.replace("£5m", "£6m").replace("Border", "Port"))
    publish, failures = service_module.publish_if_changed, []

    async def flaky_publish(streams, release, **kwargs):
        if not failures:
            failures.append(release.title)
            raise ConnectionError("Redis restarting")
        return await publish(streams, release, **kwargs)

    monkeypatch.setattr(service_module, "publish_if_changed", flaky_publish)
    await start()

    async def both_published() -> bool:
        return len(await published()) == 2
    await wait_for(both_published)
    assert failures == ["Border plan published"] and await dead_letters(streams) == []


@pytest.mark.parametrize("slow", ["scan", "parse"])
async def test_slow_disk_work_does_not_block_the_event_loop(watching, published, monkeypatch, slow):
    """The disk work (the folder's scan, a file's parse) goes on only once the event loop has run a callback
    meanwhile, which a loop held by that work could not."""
    folder, start = watching
    write_settled(folder / "2017-01-01-a.txt", GOOD)
    loop, served_meanwhile = asyncio.get_running_loop(), []

    def once_the_loop_served(work):
        def waiting(*args, **kwargs):
            if False not in served_meanwhile:  # held once is enough: not a wait at each call
                served = threading.Event()
                loop.call_soon_threadsafe(served.set)
                served_meanwhile.append(served.wait(30))
            return work(*args, **kwargs)
        return waiting

    if slow == "parse":
        monkeypatch.setattr(service_module, "parse_release", once_the_loop_served(service_module.parse_release))
    else:
        monkeypatch.setattr(FolderScanner, "changed", once_the_loop_served(FolderScanner.changed))
    await start()

    async def any_published() -> bool:
        return bool(await published())
    await wait_for(any_published, 60)
    assert served_meanwhile and all(served_meanwhile), "the event loop was held by the disk work"


async def published_titles(published) -> list[str]:
    return [r.title for r in await published()]


async def wait_for_titles(published, titles: list[str], timeout: float = 10.0) -> None:
    async def arrived() -> bool:
        return await published_titles(published) == titles
    await wait_for(arrived, timeout)


async def test_a_dropped_file_is_published_without_waiting_for_a_poll(watching, published):
    folder, start = watching
    await start(poll_seconds=30)  # a poll would take half a minute
    await asyncio.sleep(0.2)
    write_settled(folder / "2017-01-02-b-good.txt", GOOD)
    await wait_for_titles(published, ["Border plan published"], timeout=3)


@pytest.mark.parametrize("force_polling", [False, True], ids=["notified", "polling"])
async def test_a_file_written_in_parts_is_read_once_whole(watching, published, force_polling):
    folder, start = watching
    await start(force_polling=force_polling)
    await asyncio.sleep(0.2)
    path = folder / "2017-01-02-slow.txt"
    with path.open("w") as file:
        for part in ["Border plan published\n", "The UK will invest ", "£5m in border checks.\n"]:
            file.write(part)
            file.flush()
            await asyncio.sleep(0.15)  # a slow writer: each pause shorter than the settle time
    await wait_for_titles(published, ["Border plan published"])
    await asyncio.sleep(0.6)
    [release] = await published()
    assert release.body.endswith("£5m in border checks.")


async def test_a_writer_pausing_0_6_s_is_not_published_half_way_then_whole(watching, published):
    """Before: the settle time was 300 ms: the first half of the file was published (its alerts sent), then
    the whole as a second version 0.6 s later."""
    folder, start = watching
    await start()
    await asyncio.sleep(0.2)
    path = folder / "2026-12-05-slow2.txt"
    path.write_text("T\nThe Home Office will invest £11m ")
    await asyncio.sleep(0.6)
    with path.open("a") as file:
        file.write("in counter-terrorism boats by 1 August 2027.\n")
    await wait_for_titles(published, ["T"], timeout=5)
    await asyncio.sleep(0.5)
    [release] = await published()
    assert release.body.endswith("by 1 August 2027.")


async def test_a_changed_file_is_read_again_as_a_new_version(watching, published):
    folder, start = watching
    path = write_settled(folder / "2017-01-02-b-good.txt", GOOD)
    await start(poll_seconds=30)
    await wait_for_titles(published, ["Border plan published"])
    path.write_text(GOOD.replace("£5m", "£7m"))
    past = time.time() - 2
    os.utime(path, (past, past))
    # seen to change: it settles from then, not from its mtime (2 s), as a coarse mtime may not have moved
    await wait_for_titles(published, ["Border plan published"] * 2, timeout=5)
    assert [r.version for r in await published()] == [1, 2]


async def test_a_folder_moved_in_and_a_watched_folder_made_later_are_read(watching, published, tmp_path):
    folder, start = watching
    later = tmp_path / "later"
    service = await start(poll_seconds=0.2)
    service.scanner.folders.append(later)  # watched, but not there yet
    await asyncio.sleep(0.2)
    staging = tmp_path / "staging"
    staging.mkdir()
    write_settled(staging / "2017-01-02-b-good.txt", GOOD)
    staging.rename(folder / "moved-in")
    await wait_for_titles(published, ["Border plan published"], timeout=3)
    later.mkdir()
    await asyncio.sleep(0.5)
    write_settled(later / "2017-01-03-port.txt", GOOD.replace("Border", "Port"))
    await wait_for_titles(published, ["Border plan published", "Port plan published"], timeout=3)


async def test_hidden_and_temporary_files_are_not_read(watching, published):
    folder, start = watching
    await start()
    await asyncio.sleep(0.2)
    write_settled(folder / ".hidden.txt", GOOD)
    write_settled(folder / "2017-01-02-b.txt.part", GOOD)
    (folder / ".cache").mkdir()
    write_settled(folder / ".cache" / "2017-01-02-c.txt", GOOD)
    await asyncio.sleep(0.8)
    assert await published() == []


@pytest.mark.parametrize("force_polling", [False, True], ids=["notified", "polling"])
async def test_files_of_another_type_are_told_once_each_those_found_at_the_start_in_one_line(watching, published,
                                                                                            caplog, force_polling):
    folder, start = watching
    write_settled(folder / "notes.docx", "PK")
    write_settled(folder / "report.pdf", "%PDF-1.7")
    write_settled(folder / ".report.pdf", "%PDF-1.7")
    caplog.set_level(logging.INFO, logger="services.ingest.service")
    await start(poll_seconds=0.1, force_polling=force_polling)

    def told() -> list[str]:
        return [r.getMessage() for r in caplog.records
                if r.name == "services.ingest.service" and "not read" in r.getMessage()]

    async def told_n(n: int) -> bool:
        return len(told()) >= n

    await wait_for(lambda: told_n(1))
    reads = "not read (pledgewatch reads .txt, .md, .json, .html, .htm)"
    assert told() == [f"{folder / 'notes.docx'}, {folder / 'report.pdf'}: {reads}"]
    later = write_settled(folder / "later.pdf", "%PDF-1.7")
    await wait_for(lambda: told_n(2))
    write_settled(later, "%PDF-1.7 changed")  # a change event: told already
    write_settled(folder / "draft.pdf.part", "%PDF")
    write_settled(folder / "2017-01-02-b.txt", GOOD)  # read: the events before it were handled
    await wait_for_titles(published, ["Border plan published"])
    await asyncio.sleep(0.3)
    assert told() == [f"{folder / 'notes.docx'}, {folder / 'report.pdf'}: {reads}", f"{later}: {reads}"]
    assert {r.levelno for r in caplog.records if "not read" in r.getMessage()} == {logging.INFO}


async def test_classify_command_reports_a_bad_date_without_a_traceback(tmp_path):
    bad = write_settled(tmp_path / "2017-01-01-bad.md", BAD_DATE)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pledgewatch.cli", "classify", str(bad), cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 1 and out == b""
    assert err.decode() == (f"error: {bad}:2: bad front matter: day is out of range for month: {IMPOSSIBLE!r} "
                            "is not a real date; write YYYY-MM-DD\n")


async def test_a_file_dropped_while_the_first_batch_is_handled_is_still_offered(tmp_path):
    """The first walk happens before the watch starts: a file written in between has no event, so the watch
    walks again once it is watching."""
    from services.ingest.folder import FolderScanner
    from services.ingest.watcher import FolderWatcher

    settled = time.time() - 5
    (tmp_path / "a.md").write_text("x")
    os.utime(tmp_path / "a.md", (settled, settled))
    watcher = FolderWatcher(FolderScanner([tmp_path]))
    batches = watcher.batches()
    assert [p.name for p in await batches.__anext__()] == ["a.md"]
    (tmp_path / "b.md").write_text("y")  # while the first batch is being ingested
    os.utime(tmp_path / "b.md", (settled, settled))
    assert [p.name for p in await files_offered(watcher, batches)] == ["b.md"]


async def files_offered(watcher, batches, timeout: float = 10.0) -> list[Path]:
    """The files of the batches up to the first that offers any (none if ``timeout`` passes); stops the watch."""
    seen: list[Path] = []

    async def drain():
        async for batch in batches:
            seen.extend(batch)
            if seen:
                return

    try:
        await asyncio.wait_for(drain(), timeout)
    except asyncio.TimeoutError:
        pass
    finally:
        watcher.stop()
        await batches.aclose()
    return seen


async def test_a_watched_folder_removed_and_made_again_is_watched_again(tmp_path):
    from services.ingest.folder import FolderScanner
    from services.ingest.watcher import FolderWatcher

    folder = tmp_path / "releases"
    folder.mkdir()
    watcher = FolderWatcher(FolderScanner([folder]), poll_seconds=0.05)
    batches = watcher.batches()
    assert await anext(batches) == []
    assert await anext(batches) == []  # watching
    folder.rmdir()
    await anext(batches)
    folder.mkdir()
    write_settled(folder / "a.md", "title: A\n\nSomething.\n")
    assert await files_offered(watcher, batches) == [folder / "a.md"]


async def test_a_watched_folder_not_there_at_the_start_is_said_to_be_awaited(settings, ingest_settings, tmp_path,
                                                                              caplog):
    """Before: a service started alone (`faststream run`, a container whose volume is missing) logged only
    `watching /inbox` for a folder that did not exist, and then nothing, as if it were watching it."""
    there, missing = tmp_path / "there", tmp_path / "missing"
    there.mkdir()
    service = IngestService(settings, watch=[there, missing], ingest=ingest_settings, sources=[])
    await service.start()
    try:
        with caplog.at_level(logging.INFO, logger=service_module.__name__):
            await service.started()
    finally:
        await service.stop()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [f"watching {missing}: no such folder yet; its files are read once it is made"]


def _after(barrier: asyncio.Barrier, call):
    """``call``, once every party of ``barrier`` has reached it."""
    async def waiting(*args, **kwargs):
        await barrier.wait()
        return await call(*args, **kwargs)
    return waiting


async def test_one_file_refused_by_two_ingesters_at_once_keeps_both_its_letters(settings, ingest_settings, tmp_path,
                                                                               streams, monkeypatch):
    """The watched folder's and `pledgewatch ingest`'s refusals of one file at once: each letter is kept for
    the file, to be named when it is fixed. Before: each read the ids kept, then wrote them with its own, so
    one id was lost."""
    path = write_settled(tmp_path / "2017-01-01-bad.md", BAD_DATE)
    ingesters = [IngestService(settings, watch=[], ingest=ingest_settings, sources=[]) for _ in range(2)]
    both_refusing = asyncio.Barrier(len(ingesters))
    for ingester in ingesters:
        await ingester.runtime.open()
        monkeypatch.setattr(ingester.runtime.streams, "dead_letter_input",
                            _after(both_refusing, ingester.runtime.streams.dead_letter_input))
    try:
        # Each has read that the file was not refused before either writes its letter: refused at once.
        await asyncio.wait_for(asyncio.gather(*(ingester.ingest_file(path) for ingester in ingesters)), 30)
        letters = {i.decode() for i, _ in await streams.client.xrange(streams.key(DEAD_LETTERS))}
        assert len(letters) == 2
        write_settled(path, GOOD)
        assert set((await ingesters[0].ingest_file(path)).letters_left) == letters
    finally:
        for ingester in ingesters:
            await ingester.runtime.close()


async def test_a_fixed_file_whose_letter_was_dropped_already_names_no_letter_to_drop(settings, ingest_settings,
                                                                                     tmp_path, streams):
    """Before: a letter dropped (or replayed, or trimmed) before the file was fixed was still named, "its dead
    letter stays until dropped: pledgewatch dlq drop ID", a command that then fails: no such dead letter."""
    from services.common.dead_letter_counts import LetterDeleter

    path = write_settled(tmp_path / "2017-01-01-bad.md", BAD_DATE)
    ingester = IngestService(settings, watch=[], ingest=ingest_settings, sources=[])
    await ingester.runtime.open()
    try:
        await ingester.ingest_file(path)
        [(letter_id, _)] = await streams.client.xrange(streams.key(DEAD_LETTERS))
        assert await LetterDeleter(streams.client, streams.key(DEAD_LETTERS)).drop([letter_id.decode()]) == [True]
        write_settled(path, GOOD)
        published = await ingester.ingest_file(path)
        assert published.published and published.letters_left == ()
        assert published.fixed_words() == ""
    finally:
        await ingester.runtime.close()


async def test_an_html_file_given_the_withdrawn_meta_publishes_its_release_withdrawn(watching, published):
    """Before: a release of a watched .html file could not be withdrawn (its meta was not read, and deleting the
    file withdraws nothing)."""
    folder, start = watching
    page = ("<html><head><title>Port fund</title>{meta}</head><body><article><h1>Port fund</h1>"
            "<p>The UK will invest £24m in port security by 1 June 2027.</p></article></body></html>")
    path = write_settled(folder / "2026-12-05-port.html", page.format(meta=""))
    await start(poll_seconds=30)
    await wait_for_titles(published, ["Port fund"])
    path.write_text(page.format(meta='<meta name="withdrawn" content="true">'
                                     '<meta name="withdrawn_notice" content="Replaced by the ports programme.">'))
    past = time.time() - 2
    os.utime(path, (past, past))
    await wait_for_titles(published, ["Port fund"] * 2, timeout=5)
    first, last = await published()
    assert (last.release_id, last.version, last.withdrawn) == (first.release_id, 2, True)
    assert last.withdrawn_notice == "Replaced by the ports programme." and not first.withdrawn
