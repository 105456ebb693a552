"""The folder scanner survives hostile folders: symlink loops, links out of the folder, vanishing files."""

from __future__ import annotations

import os
import time
from pathlib import Path

from services.ingest.folder import FolderScanner

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

    def breaks_after_one(folders, skipped=None):
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
