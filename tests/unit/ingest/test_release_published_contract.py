"""What ingest writes in a release's ``url`` and ``published_at`` is what the contract's descriptions of them say,
which a consumer reads in ``schemas/json/data/release.published.v1.json``."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from schemas.release import ReleasePublished
from services.ingest.files import ReleaseInput, parse_piped_text, parse_release

DESCRIPTION = ReleasePublished.model_fields["url"].description or ""


def _scheme_of(url: str) -> str:
    return url.split(":", 1)[0] + ":" if not url.startswith("urn:") else ":".join(url.split(":", 2)[:2]) + ":"


def test_each_url_form_ingest_writes_is_named_in_the_contract(tmp_path: Path):
    path = tmp_path / "2026-12-05-port-fund.txt"
    path.write_text("Port fund\n\nThe UK will invest £2m.\n", encoding="utf-8")
    written = {
        "file": parse_release(path, path.read_bytes()).url,
        "posted by id": ReleaseInput(id="post-1", title="Port fund", published_at="2026-12-05",
                                     body="The UK will invest £2m.").to_release(source="http").url,
        "piped": parse_piped_text(b"Port fund\n\nThe UK will invest \xc2\xa32m.\n",
                                  published_at=datetime(2026, 12, 5, tzinfo=timezone.utc)).url,
    }
    assert written["posted by id"] == "urn:pledgewatch:post-1"
    for way, url in written.items():
        assert _scheme_of(url) in DESCRIPTION, f"{way}: {url}"


def test_a_release_dated_by_a_day_alone_is_at_midnight_utc_and_the_contract_says_how_to_read_it(tmp_path: Path):
    # Before: published_at was "Publication time" alone: a consumer showed "00:00 UTC", a time the publisher never
    # gave, where pledgewatch's own messages read exactly midnight UTC as a date alone (decision 0023).
    path = tmp_path / "2026-12-05-port-fund.txt"
    path.write_text("Port fund\n\nThe UK will invest £2m.\n", encoding="utf-8")
    assert parse_release(path, path.read_bytes()).published_at == datetime(2026, 12, 5, tzinfo=timezone.utc)
    description = ReleasePublished.model_fields["published_at"].description or ""
    assert "00:00:00 UTC" in description and "date alone" in description
