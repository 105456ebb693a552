"""A .md/.txt release states its language in front matter (``locale:`` or ``language:``)."""

import pytest

from services.classifier.core.classifier import classify
from services.ingest.files import ReleaseFileError, load_release

WELSH = "Bydd y Swyddfa Gartref yn buddsoddi £12m erbyn mis Mawrth 2027.\n"


@pytest.mark.parametrize("key", ["locale", "language"])
def test_a_welsh_markdown_file_is_classified_as_welsh(tmp_path, key):
    path = tmp_path / "2026-03-03-cy.md"
    path.write_text(f"---\n{key}: cy\ntitle: Buddsoddiad\n---\n{WELSH}")
    release = load_release(path)
    assert release.locale == "cy"
    assert classify(release).unsupported_reason == "language 'cy' is not supported"


def test_without_a_locale_a_file_is_english(tmp_path):
    path = tmp_path / "2026-03-03-en.md"
    path.write_text("---\ntitle: Investment\n---\nThe Home Office will invest £12m by March 2027.\n")
    assert load_release(path).locale == "en"


@pytest.mark.parametrize(("front", "message"), [
    ("locale: Welsh please", ":2: front matter locale 'Welsh please': not a language tag"),
    ("locale: 12", ":2: front matter locale 12: not a language tag"),
    ("title: T\nlanguage: c", ":3: front matter language 'c': not a language tag"),
    ("locale: cy\nlanguage: fr", ": front matter gives both locale: and language:; keep one"),
    ("locale: [cy]", ":2: front matter locale [cy] (a list): not a language tag"),
])
def test_a_bad_locale_is_refused_naming_its_line(tmp_path, front, message):
    path = tmp_path / "2026-03-03-bad.md"
    path.write_text(f"---\n{front}\n---\nTitle\n{WELSH}")
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert message in str(caught.value)
