"""Ingest's line of a release published carries its id and version as fields of JSON logs. Real Redis."""

import json
import logging
from datetime import datetime, timezone

import pytest

from schemas import ReleasePublished
from services.common.logs import JsonFormatter
from services.ingest.identity import content_hash
from services.ingest.state import publish_if_changed

pytestmark = pytest.mark.integration

TEXT = "The Home Office will publish a new strategy by 30 June 2027."


async def test_a_published_release_is_logged_with_its_id_and_version_as_fields(streams, caplog):
    caplog.set_level(logging.INFO, logger="services.ingest")
    release = ReleasePublished(release_id="rel-9", version=1, url="https://www.gov.uk/r", title="Strategy",
                               published_at=datetime(2026, 12, 1, tzinfo=timezone.utc), source="ministry",
                               body=TEXT, content_hash=content_hash("Strategy", TEXT))
    assert (await publish_if_changed(streams, release, kind="feed")).published
    [line] = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.getMessage().startswith("published ")]
    assert (line["release_id"], line["version"]) == ("rel-9", 1)
