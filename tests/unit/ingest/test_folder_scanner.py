"""The folder scanner survives hostile folders: symlink loops, links out of the folder, vanishing files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from services.ingest.folder import FolderScanner, not_read_words, removed_words

GOOD = "Border plan published\nThe UK will invest £5m in border checks.\n"


def _settled(path: Path, text: str = GOOD) -> Path:
    path.write_text(text)
    past = time.time() - 5
    os.utime(path, (past, past))
    return path


def test_a_symlink_loop_does_not_stop_the_scan(tmp_path):
    watched = tmp_path / "watched"
    watched.mkdir()
    (watched / "loop.txt").symlink_to(watched / "loop.txt")  # stat() raises ELOOP
    good = _settled(watched / "release.txt")
    scanner = FolderScanner([watched])
    assert scanner.changed(time.time_ns()) == [good]
    assert any("loop.txt" in reason for _, reason in scanner.skipped)


def test_a_symlink_out_of_the_watched_folder_is_not_followed(tmp_path):
    outside = _settled(tmp_path / "secret.txt", "Private notes\nThe UK will do something private.\n")
    watched = tmp_path / "watched"
    watched.mkdir()
    (watched / "link.txt").symlink_to(outside)
    inside = _settled(watched / "inside.txt")
    (watched / "inner-link.txt").symlink_to(inside)  # a link that stays inside is fine
    scanner = FolderScanner([watched])
    assert sorted(scanner.changed(time.time_ns())) == sorted([inside, watched / "inner-link.txt"])
    assert any("link.txt" in path.name and "outside" in reason for path, reason in scanner.skipped)


def test_a_directory_symlink_loop_is_not_walked_forever(tmp_path):
    watched = tmp_path / "watched"
    (watched / "a").mkdir(parents=True)
    (watched / "a" / "again").symlink_to(watched, target_is_directory=True)
    good = _settled(watched / "a" / "release.txt")
    assert FolderScanner([watched]).changed(time.time_ns()) == [good]


def test_a_scan_that_fails_half_way_marks_nothing_seen(tmp_path, monkeypatch):
    """A failed scan must not lose the files it had already looked at: they are offered again."""
    watched = tmp_path / "watched"
    watched.mkdir()
    first, second = _settled(watched / "a.txt"), _settled(watched / "b.txt")
    scanner = FolderScanner([watched])
    from services.ingest import folder

    real = folder.candidate_files

    def breaks_after_one(folders, skipped=None, other=None, **options):
        for n, item in enumerate(real(folders)):
            if n == 1:
                raise OSError("the disk went away")
            yield item

    monkeypatch.setattr(folder, "candidate_files", breaks_after_one)
    try:
        scanner.changed(time.time_ns())
    except OSError:
        pass
    monkeypatch.setattr(folder, "candidate_files", real)
    assert sorted(scanner.changed(time.time_ns())) == [first, second]


def test_a_file_still_changing_waits_until_it_has_settled(tmp_path):
    watched = tmp_path / "watched"
    watched.mkdir()
    path = watched / "release.txt"
    path.write_text(GOOD)
    written = path.stat().st_mtime_ns
    scanner = FolderScanner([watched], settle_ns=300_000_000)
    assert scanner.changed_among([path], written + 100_000_000) == []
    assert scanner.due() == written + 300_000_000
    assert scanner.changed_among([], written + 200_000_000) == []  # not due yet
    assert scanner.changed_among([], written + 300_000_000) == [path]  # due: looked at with no new event
    assert scanner.due() is None and scanner.changed_among([path], written + 400_000_000) == []


def test_only_files_of_the_watched_folders_outside_hidden_folders_are_offered(tmp_path):
    watched = tmp_path / "watched"
    (watched / ".git").mkdir(parents=True)
    (watched / "sub").mkdir()
    hidden = _settled(watched / ".git" / "release.txt")
    elsewhere = _settled(tmp_path / "release.txt")
    inner = _settled(watched / "sub" / "release.txt")
    scanner = FolderScanner([watched])
    assert scanner.changed_among([hidden, elsewhere, watched / "sub"], time.time_ns()) == [inner]


def test_a_forgotten_file_is_offered_again_at_its_retry_time_and_a_deleted_one_is_dropped(tmp_path):
    watched = tmp_path / "watched"
    watched.mkdir()
    first, second = _settled(watched / "a.txt"), _settled(watched / "b.txt")
    scanner = FolderScanner([watched])
    now = time.time_ns()
    assert sorted(scanner.changed(now)) == [first, second]
    scanner.forget(first, retry_at_ns=now + 1_000)
    scanner.forget(second, retry_at_ns=now + 1_000)
    second.unlink()
    assert scanner.changed_among([], now) == []
    assert scanner.changed_among([], now + 1_000) == [first]
    assert scanner.due() is None


def test_a_changed_path_is_named_as_under_its_folder_as_configured_even_by_its_real_path(tmp_path, monkeypatch):
    from services.ingest.watcher import FolderWatcher

    (tmp_path / "real").mkdir()
    (tmp_path / "inbox").symlink_to(tmp_path / "real", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    folder = Path("inbox")
    roots = {folder.absolute(): folder, folder.resolve(): folder}
    assert FolderWatcher.local(tmp_path / "inbox" / "a.txt", roots) == Path("inbox/a.txt")
    assert FolderWatcher.local(tmp_path / "real" / "sub" / "b.txt", roots) == Path("inbox/sub/b.txt")
    assert FolderWatcher.local(tmp_path / "elsewhere.txt", roots) is None


def test_files_of_another_type_are_noted_not_offered_hidden_and_temporary_ones_not_even_noted(tmp_path):
    watched = tmp_path / "watched"
    (watched / "sub").mkdir(parents=True)
    release_file = _settled(watched / "release.txt")
    pdf, docx = _settled(watched / "report.pdf", "%PDF-1.7"), _settled(watched / "sub" / "notes.DOCX", "PK")
    for quiet in (".report.pdf", "report.pdf.part", "report.pdf~"):
        _settled(watched / quiet, "x")
    scanner = FolderScanner([watched])
    assert scanner.changed(time.time_ns()) == [release_file]
    assert scanner.other == [pdf, docx]
    later = _settled(watched / "later.pdf", "%PDF-1.7")
    assert scanner.changed_among([later, watched / "gone.pdf", watched / ".later.pdf"], time.time_ns()) == []
    assert scanner.other == [later]


@pytest.mark.parametrize(("names", "line"), [
    pytest.param(["seeds/report.pdf"], "seeds/report.pdf: not read (pledgewatch reads .txt, .md, .json, .html, "
                                       ".htm)", id="one"),
    pytest.param(["a.pdf", "b.docx"], "a.pdf, b.docx: not read (pledgewatch reads .txt, .md, .json, .html, .htm)",
                 id="two"),
    pytest.param([f"{n}.pdf" for n in range(12)],
                 "0.pdf, 1.pdf, 2.pdf, 3.pdf, 4.pdf, 5.pdf, 6.pdf, 7.pdf, 8.pdf, 9.pdf and 2 more: not read "
                 "(pledgewatch reads .txt, .md, .json, .html, .htm)", id="many-counted"),
])
def test_files_not_read_are_told_in_one_line(names, line):
    assert not_read_words([Path(n) for n in names]) == line


def test_a_writer_pausing_longer_than_the_old_300_ms_is_not_read_half_way_by_default(tmp_path):
    """Before: a file settled once unchanged for 300 ms, so a writer pausing 0.6 s had its first half published
    (alerts sent on the cut text), then the whole as a second version."""
    watched = tmp_path / "watched"
    watched.mkdir()
    path = watched / "2026-12-05-slow2.txt"
    path.write_text("T\nThe Home Office will invest £11m ")
    written = path.stat().st_mtime_ns
    scanner = FolderScanner([watched])
    assert scanner.changed_among([path], written + 100_000_000) == []
    assert scanner.changed_among([], written + 700_000_000) == []  # the writer is still paused
    assert scanner.due() == written + 2_000_000_000


def test_a_file_that_grows_under_an_unchanged_mtime_waits_from_when_it_was_seen_to_change(tmp_path):
    """A file system that keeps mtimes to the second or two (FAT, SMB) may leave a growing file's mtime as it
    was: its size changing is a change too, and the settle time counts from when it was seen."""
    watched = tmp_path / "watched"
    watched.mkdir()
    path = watched / "release.txt"
    path.write_text("Border plan published\n")
    now = time.time_ns()
    os.utime(path, ns=(now - 500_000_000, now - 500_000_000))
    mtime = path.stat().st_mtime_ns
    scanner = FolderScanner([watched], settle_ns=1_000_000_000)
    assert scanner.changed_among([path], now) == []
    with path.open("a") as file:
        file.write("The UK will invest £5m in border checks.\n")
    os.utime(path, ns=(mtime, mtime))  # the mtime as it was
    assert scanner.changed_among([path], now + 400_000_000) == []
    assert scanner.due() == now + 1_400_000_000  # not mtime + 1 s: the stamp changed at now + 0.4 s
    assert scanner.changed_among([], mtime + 1_000_000_000) == []
    assert scanner.changed_among([], now + 1_400_000_000) == [path]
    with path.open("a") as file:  # changed again after it was offered, the mtime still the same
        file.write("More.\n")
    os.utime(path, ns=(mtime, mtime))
    assert scanner.changed_among([path], now + 2_000_000_000) == []
    assert scanner.changed_among([], now + 3_000_000_000) == [path]


@pytest.mark.parametrize("name", ["a.txt.part", "a.txt.tmp", "a.txt~", "a.txt.crdownload", "a.txt.swp", ".a.txt",
                                  "a.txt.filepart", "a.txt.partial", "a.txt.download", "a.txt.opdownload",
                                  "#a.txt#", "~$a.txt", "a.txt.swo", ".~lock.a.txt#", ".goutputstream-X1Y2"])
def test_temporary_names_of_downloaders_and_editors_are_ignored(name):
    from services.ingest.folder import ignored_name

    assert ignored_name(name)
    assert not ignored_name("a.txt") and not ignored_name("2026-12-05-plan.md")


def test_a_folder_given_twice_is_watched_once_as_first_given(tmp_path, monkeypatch):
    watched = tmp_path / "d"
    watched.mkdir()
    (tmp_path / "alias").symlink_to(watched, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    release_file = _settled(Path("d") / "release.txt")
    _settled(watched / "report.pdf", "%PDF-1.7")
    scanner = FolderScanner([Path("d"), Path("d/"), Path("./d"), watched, Path("e/../d"), Path("alias"),
                             Path("other")])
    assert scanner.folders == [Path("d"), Path("other")]  # the same folder however written, in the order given
    assert scanner.changed(time.time_ns()) == [release_file]
    assert scanner.other == [Path("d/report.pdf")]  # told once, not once a time the folder was given


def test_a_folder_inside_another_given_is_walked_with_it_not_again(tmp_path, monkeypatch):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "dx").mkdir()  # beside d, not inside it
    monkeypatch.chdir(tmp_path)
    release_file = _settled(Path("d") / "sub" / "release.txt")
    _settled(Path("d") / "sub" / "report.pdf", "%PDF-1.7")
    scanner = FolderScanner([Path("d/sub"), Path("dx"), Path("d")])
    assert scanner.folders == [Path("dx"), Path("d")]  # the walk of d reads d/sub
    assert scanner.changed(time.time_ns()) == [release_file]
    assert scanner.other == [Path("d/sub/report.pdf")]


def test_a_hidden_folder_inside_another_given_is_watched_itself(tmp_path, monkeypatch):
    """The walk of d passes over d/.drafts (a hidden folder): given too, it is watched, not dropped as walked."""
    (tmp_path / "d" / ".drafts").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    draft = _settled(Path("d") / ".drafts" / "release.txt")
    scanner = FolderScanner([Path("d"), Path("d/.drafts")])
    assert scanner.folders == [Path("d"), Path("d/.drafts")]
    assert scanner.changed(time.time_ns()) == [draft]


def test_a_link_to_a_folder_is_not_walked_and_is_named_as_other_links_left_out_are(tmp_path):
    watched, elsewhere = tmp_path / "watched", tmp_path / "elsewhere"
    (watched / "inner").mkdir(parents=True)
    elsewhere.mkdir()
    _settled(elsewhere / "release.txt")
    good = _settled(watched / "inner" / "release.txt")
    (watched / "more").symlink_to(elsewhere, target_is_directory=True)
    (watched / "inner-again").symlink_to(watched / "inner", target_is_directory=True)
    (watched / ".hidden-link").symlink_to(elsewhere, target_is_directory=True)
    scanner = FolderScanner([watched])
    assert scanner.changed(time.time_ns()) == [good]
    assert scanner.skipped == [
        (watched / "inner-again", f"a link to the folder {watched / 'inner'}: links to folders are not walked"),
        (watched / "more", f"a link to the folder {elsewhere}: links to folders are not walked")]
    dropped = watched / "dropped"
    dropped.symlink_to(elsewhere, target_is_directory=True)
    assert scanner.changed_among([dropped], time.time_ns()) == []  # dropped in while watched: told the same
    assert scanner.skipped == [(dropped, f"a link to the folder {elsewhere}: links to folders are not walked")]


def test_the_data_folder_inside_a_watched_folder_is_not_read(tmp_path):
    """Before: a data folder (PLEDGEWATCH_HOME) inside a watched folder had its run.json read as a release file,
    refused and dead-lettered at every start (it changes at each), and any release file put there published."""
    watched = tmp_path / "watched"
    data = watched / "home"
    data.mkdir(parents=True)
    run_json = _settled(data / "run.json", '{"pid": 1}')
    _settled(data / "notes.txt")
    good = _settled(watched / "release.txt")
    scanner = FolderScanner([watched], excluded=[data])
    assert scanner.changed(time.time_ns()) == [good]
    assert scanner.changed_among([_settled(run_json, '{"pid": 2}'), data], time.time_ns()) == []


def test_the_ingest_service_leaves_its_data_folder_out_of_the_folders_it_watches(tmp_path, monkeypatch):
    from services.common.settings import Settings
    from services.ingest.service import IngestService

    watched = tmp_path / "watched"
    (watched / "home").mkdir(parents=True)
    monkeypatch.setenv("PLEDGEWATCH_HOME", str(watched / "home"))
    monkeypatch.setenv("PLEDGEWATCH_WATCH", str(watched))
    _settled(watched / "home" / "run.json", '{"pid": 1}')
    good = _settled(watched / "release.txt")
    service = IngestService(Settings(), sources=[])
    assert service.scanner.changed(time.time_ns()) == [good]


@pytest.mark.parametrize("full_scan", [False, True], ids=["told-of-it", "polling"])
def test_a_file_read_and_then_deleted_is_noted_as_removed(tmp_path, full_scan):
    """Before: a release file deleted from the watched folder went without a word, though its release stays
    published and reminded of."""
    good = _settled(tmp_path / "2026-12-07-plan.txt")
    never_read = tmp_path / "2026-12-07-draft.txt.part"
    never_read.write_text(GOOD)
    scanner = FolderScanner([tmp_path])
    assert scanner.changed(time.time_ns()) == [good]
    assert scanner.removed == []
    good.unlink()
    never_read.unlink()
    now = time.time_ns()
    assert (scanner.changed(now) if full_scan else scanner.changed_among([good, never_read], now)) == []
    assert scanner.removed == [good]
    assert (scanner.changed(now) if full_scan else scanner.changed_among([good], now)) == []
    assert scanner.removed == []  # told once


@pytest.mark.parametrize(("name", "how"), [
    ("r.txt", ": to withdraw the release, put the file back with `withdrawn: true` in its front matter"),
    ("r.md", ": to withdraw the release, put the file back with `withdrawn: true` in its front matter"),
    ("r.json", ': to withdraw the release, put the file back with "withdrawn": true'),
    ("r.html", ': to withdraw the release, put the file back with <meta name="withdrawn" content="true"> in its '
               "<head>"),
    ("r.htm", ': to withdraw the release, put the file back with <meta name="withdrawn" content="true"> in its '
              "<head>"),
    ("r.pdf", ""),
])
def test_a_removed_file_is_told_to_withdraw_nothing(name, how):
    assert removed_words(Path("seeds") / name) == (
        f"seeds/{name}: removed from the watched folder; its release stays as published, its reminders planned "
        f"(a file removed withdraws nothing{how})")
