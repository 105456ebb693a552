"""A .md/.txt release's title, url and source in front matter are text: a list or a mapping is refused naming
its line, and a value YAML reads as a number or a yes/no is kept as the file writes it."""

import pytest

from services.ingest.files import ReleaseFileError, load_release

BODY = "The Home Office will invest £12m by March 2027.\n"


def _write(tmp_path, front: str):
    path = tmp_path / "2026-12-01-r.md"
    path.write_text(f"---\n{front}\n---\n{BODY}")
    return path


@pytest.mark.parametrize(("front", "told"), [
    ("title: [Counter-terrorism, funding]", "title [Counter-terrorism, funding] (a list)"),
    ("title:\n  - Counter-terrorism\n  - funding", "title - Counter-terrorism - funding (a list)"),
    ("source: {name: gov.uk}", "source {name: gov.uk} (key: value pairs)"),
    ("url: [https://www.gov.uk/x]", "url [https://www.gov.uk/x] (a list)"),
])
def test_a_list_or_a_mapping_is_refused_naming_its_line(tmp_path, front, told):
    path = _write(tmp_path, front)
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value) == (f"{path}:2: bad front matter: {told} is not text; write it on one line "
                                 "(quoted if it starts with '[' or '{' or holds ': ')")


@pytest.mark.parametrize(("front", "title"), [
    ("title: 2026", "2026"),
    ("title: 1.50", "1.50"),
    ("title: yes", "yes"),
    ("title: 2026-12-01", "2026-12-01"),
    ("title: Budget 2026: what it funds", None),  # not YAML: refused by the YAML reader, as before
])
def test_a_scalar_title_is_kept_as_the_file_writes_it(tmp_path, front, title):
    path = _write(tmp_path, front)
    if title is None:
        with pytest.raises(ReleaseFileError):
            load_release(path)
        return
    assert load_release(path).title == title


def test_a_scalar_source_is_kept_as_the_file_writes_it(tmp_path):
    assert load_release(_write(tmp_path, "title: T\nsource: 1.50")).source == "1.50"
