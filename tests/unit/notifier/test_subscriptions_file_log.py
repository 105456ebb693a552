"""A broken subscriptions file is reported once per edit, not at every look; its repair is reported too."""

import logging
import os

import pytest

from services.notifier.store import FileSubscriptions
from services.notifier.subscriptions import SubscriptionError

GOOD = "subscriptions: [{id: one, channels: [console]}]"


class _Looks:
    """The file as the notifier looks at it: once per call, a recheck period apart."""

    def __init__(self, path):
        self.clock = [100.0]
        self.file = FileSubscriptions(path, monotonic=lambda: self.clock[0])

    def look(self, times: int = 1) -> list[str]:
        for _ in range(times):
            self.clock[0] += 1.5
            ids = [s.id for s in self.file.current()]
        return ids


def _edit(path, text: str, mtime: float) -> None:
    path.write_text(text)
    os.utime(path, (mtime, mtime))  # a new mtime, whatever the file system's resolution


def _watched(tmp_path, caplog) -> tuple:
    """A good file, and the notifier looking at it, its log captured."""
    path = tmp_path / "subs.yaml"
    _edit(path, GOOD, 1_000)
    caplog.set_level(logging.INFO, logger="services.notifier.store")
    return path, _Looks(path)


def _errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_broken_edit_is_logged_once_however_often_the_file_is_looked_at(tmp_path, caplog):
    path, looks = _watched(tmp_path, caplog)
    _edit(path, "subscriptions: [{id: one, channels: [console], filter: {colour: red}}]", 2_000)
    assert looks.look(5) == ["one"]
    assert len(_errors(caplog)) == 1 and "unknown field" in _errors(caplog)[0]
    _edit(path, "subscriptions: [{id: one, channels: [pigeon]}]", 3_000)  # changed, still broken
    assert looks.look(5) == ["one"]
    assert len(_errors(caplog)) == 2 and "unknown channel type" in _errors(caplog)[1]
    _edit(path, "subscriptions: [{id: two, channels: [console]}]", 4_000)
    assert looks.look(3) == ["two"]
    assert any("valid again" in r.getMessage() and "1 subscription" in r.getMessage() for r in caplog.records)
    assert len(_errors(caplog)) == 2


def test_a_deleted_file_is_logged_once_and_its_return_taken(tmp_path, caplog):
    path, looks = _watched(tmp_path, caplog)
    path.unlink()
    assert looks.look(5) == ["one"]
    assert len(_errors(caplog)) == 1 and "no such subscriptions file" in _errors(caplog)[0]
    _edit(path, "subscriptions: [{id: two, channels: [console]}]", 2_000)
    assert looks.look(3) == ["two"]
    assert len(_errors(caplog)) == 1


def test_a_file_that_could_not_be_read_is_read_once_it_can_be_even_with_the_same_mtime(tmp_path, caplog):
    path, looks = _watched(tmp_path, caplog)
    path.unlink()
    path.mkdir()  # in the file's place: seen (stat), not readable
    os.utime(path, (2_000, 2_000))
    size_unreadable = path.stat().st_size
    assert looks.look(3) == ["one"]
    assert len(_errors(caplog)) == 1 and "cannot read it" in _errors(caplog)[0]
    path.rmdir()
    text = "subscriptions: [{id: two, channels: [console]}]"
    _edit(path, text + "\n" * (len(text) == size_unreadable), 2_000)  # readable now, its mtime unchanged
    assert looks.look() == ["two"]


OLDER_FILE = """subscriptions:
  - id: two-channels
    channels: [{email: a@x.org}, {email: {to: [A@x.org, b@x.org]}}]
  - id: hook
    channels: [{webhook: 'http://127.1/in'}]
"""


def test_entries_written_before_the_checks_of_new_channels_are_taken_each_with_a_warning(tmp_path, caplog):
    path = tmp_path / "subs.yaml"
    path.write_text(OLDER_FILE)
    caplog.set_level(logging.WARNING, logger="services.notifier.store")
    assert [s.id for s in FileSubscriptions(path).current()] == ["two-channels", "hook"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and not _errors(caplog)
    assert "subscriptions.0 ('two-channels'): channels: recipient 1 of channel 2 (A@x.org)" in warnings[0]
    assert "subscriptions.1 ('hook'): channels.0.url: host '127.1'" in warnings[1]


def test_an_entry_with_any_other_error_still_refuses_the_file(tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text(OLDER_FILE + "    mode: weekly\n")
    with pytest.raises(SubscriptionError) as caught:
        FileSubscriptions(path)
    # before: no file named at startup, where `pledgewatch run` names it
    assert str(caught.value).startswith(f"{path}: subscriptions.1 ('hook'): channels.0.url: host '127.1'")
    assert str(caught.value).endswith("; subscriptions.1 ('hook'): mode: Input should be 'immediate' or 'digest'")
