"""Releases for the classifier's tests: the seed from ``seeds/``, or one sentence dated as given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from schemas import ReleasePublished
from services.classifier.core.sentences import split_sentences
from services.ingest.files import load_release
from tests.shipped_seeds import SEED_RELEASE

ROOT = Path(__file__).resolve().parents[3]
SEED = SEED_RELEASE


def release_of(body: str, published: str = "2017-11-29", *, title: str = "Press release", locale: str = "en",
               release_id: str = "rel-test") -> ReleasePublished:
    return ReleasePublished(
        release_id=release_id, version=1, url="https://www.gov.uk/test", title=title,
        published_at=datetime.fromisoformat(published).replace(tzinfo=timezone.utc), source="test",
        body=body, content_hash="sha256:" + "0" * 64, locale=locale,
    )


@pytest.fixture(scope="session")
def seed() -> ReleasePublished:
    return load_release(SEED)


@pytest.fixture
def make_release() -> Callable[..., ReleasePublished]:
    return release_of


@pytest.fixture(scope="session")
def labelled_sentences() -> list[str]:
    """Every sentence of the labelled releases under tests/data and of the seed: real text for checking
    that a fast path finds what the code it replaces finds."""
    texts = []
    files = sorted((ROOT / "tests" / "data" / "releases").glob("*.json")) + [SEED]
    for path in files:
        body = path.read_text(encoding="utf-8")
        texts += [body[s.start:s.end] for s in split_sentences(body)]
    return texts
