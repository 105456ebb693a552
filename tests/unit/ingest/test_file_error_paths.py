"""Every refusal of a release file names it by its path as given, never by its file:// URL."""

from pathlib import Path

import pytest

from services.ingest.files import ReleaseFileError, load_release, read_bytes


@pytest.mark.parametrize(("name", "content"), [
    ("2026-01-02-title-only.txt", "Just a title\n"),
    ("2026-01-02-empty-page.html", "<html><body><script>x()</script></body></html>"),
])
def test_a_file_with_no_body_text_is_named_by_its_path(tmp_path, monkeypatch, name, content):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cls").mkdir()
    (tmp_path / "cls" / name).write_text(content)
    with pytest.raises(ReleaseFileError) as caught:
        load_release(Path("cls") / name)  # as typed on a command line
    assert str(caught.value).startswith(f"cls/{name}: no body text (")
    assert "file://" not in str(caught.value)


class _GrowsOnceLookedAt(type(Path())):  # type: ignore[misc]
    """A file a writer appends to just after it is first looked at (its size taken, or opened)."""

    grown = False

    def _grow(self) -> None:
        if not _GrowsOnceLookedAt.grown:
            _GrowsOnceLookedAt.grown = True
            with open(str(self), "ab") as growing:
                growing.write(b"more text " * 10_000)

    def stat(self, **kwargs):
        info = super().stat(**kwargs)
        self._grow()
        return info

    def open(self, *args, **kwargs):
        handle = super().open(*args, **kwargs)
        self._grow()
        return handle


def test_a_file_that_grows_as_it_is_read_is_never_read_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(_GrowsOnceLookedAt, "grown", False)
    (tmp_path / "2026-01-02-notes.txt").write_text("Title\n\nA short text.\n")
    with pytest.raises(ReleaseFileError, match=r"over the 1000-byte limit"):
        read_bytes(_GrowsOnceLookedAt(tmp_path / "2026-01-02-notes.txt"), max_bytes=1000)
