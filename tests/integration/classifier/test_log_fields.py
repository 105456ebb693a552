"""The classifier's line of a release carries its id and version as fields of JSON logs, as ingest's and the
notifier's do: one release is found by field from ingest to each delivery. Real Redis."""

import json
import logging

import pytest

from schemas import decode_event
from schemas.streams import CLASSIFIER_GROUP, EVENT_FIELD, RELEASES
from services.classifier.service import ClassifierService
from services.common.logs import JsonFormatter
from services.common.streams import Entry

pytestmark = pytest.mark.integration

EVENT = json.dumps({
    "specversion": "1.0", "id": "rel-7/v2", "source": "/test", "type": "pledgewatch.release.published",
    "dataschema": "https://pledgewatch.org/schemas/pledgewatch.release.published/v1/data.json",
    "time": "2026-12-01T10:00:00Z",
    "data": {"release_id": "rel-7", "version": 2, "url": "https://www.gov.uk/r", "title": "Strategy",
             "published_at": "2026-12-01T00:00:00+00:00", "source": "test",
             "body": "The Home Office will publish a new strategy by 30 June 2027.",
             "content_hash": "sha256:" + "1" * 64},
})


async def test_a_classified_release_is_logged_with_its_id_and_version_as_fields(settings, caplog):
    caplog.set_level(logging.INFO, logger="services.classifier")
    service = ClassifierService(settings)
    await service.start()
    try:
        client, key = service.runtime.streams.client, settings.key(RELEASES)
        await client.xadd(key, {EVENT_FIELD: EVENT})
        [[_, [(entry_id, fields)]]] = await client.xreadgroup(CLASSIFIER_GROUP, "c1", {key: ">"})
        await service.on_release_published(decode_event(EVENT), Entry(
            stream=key, group=CLASSIFIER_GROUP, entry_id=entry_id.decode(), fields=fields))
    finally:
        await service.stop()
    [line] = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.getMessage().startswith("classified ")]
    assert (line["release_id"], line["version"]) == ("rel-7", 2)
