"""Every refusal of a release file names it by its path as given, never by its file:// URL."""

from pathlib import Path

import pytest

from services.ingest.files import ReleaseFileError, load_release


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
