"""The classifier publishes one release.classified per release version, however often and however
concurrently the release is delivered (a reclaimed backlog entry racing its first delivery)."""

import asyncio

import pytest

from schemas import ReleasePublishedEvent, decode_event
from schemas.streams import CLASSIFIED, CLASSIFIER_GROUP, EVENT_FIELD, RELEASES
from services.classifier.service import ClassifierService
from services.common.streams import Entry

pytestmark = pytest.mark.integration

RELEASE = {
    "specversion": "1.0", "id": "rel-1/v1", "source": "/test", "type": "pledgewatch.release.published",
    "schemaversion": 1, "time": "2017-11-29T10:00:00Z",
    "data": {"release_id": "rel-1", "version": 1, "url": "https://example.org/r", "title": "T",
             "published_at": "2017-11-29T00:00:00+00:00", "source": "test",
             "body": "The UK will invest £10m over the next three years.", "content_hash": "sha256:" + "0" * 64},
}


@pytest.fixture
async def classifier(settings):
    service = ClassifierService(settings)
    await service.start()
    yield service
    await service.stop()


async def _delivered(service, settings) -> tuple[ReleasePublishedEvent, Entry]:
    import json

    streams = service.runtime.streams
    raw = json.dumps(RELEASE)
    await streams.client.xadd(settings.key(RELEASES), {EVENT_FIELD: raw})
    [[_, [(entry_id, fields)]]] = await streams.client.xreadgroup(CLASSIFIER_GROUP, "c1", {settings.key(RELEASES): ">"})
    entry = Entry(stream=settings.key(RELEASES), group=CLASSIFIER_GROUP, entry_id=entry_id.decode(), fields=fields)
    return decode_event(raw), entry


async def test_concurrent_deliveries_of_one_release_publish_one_classified_event(classifier, settings):
    """Five handlers of the same entry all reach their commit before any commit lands (as a reclaimed backlog
    entry racing its first delivery can): still one event, and the entry acknowledged."""
    event, entry = await _delivered(classifier, settings)
    streams = classifier.runtime.streams
    commit, waiting, all_there = streams.commit, [], asyncio.Event()

    async def commit_together(*args, **kwargs):
        waiting.append(1)
        if len(waiting) == 5:
            all_there.set()
        await all_there.wait()
        return await commit(*args, **kwargs)

    streams.commit = commit_together
    await asyncio.wait_for(asyncio.gather(*(classifier.on_release_published(event, entry) for _ in range(5))), 10)
    assert await streams.client.xlen(settings.key(CLASSIFIED)) == 1
    pending = await streams.client.xpending(settings.key(RELEASES), CLASSIFIER_GROUP)
    assert pending["pending"] == 0


async def test_a_redelivered_release_is_acknowledged_without_a_second_event(classifier, settings):
    event, entry = await _delivered(classifier, settings)
    await classifier.on_release_published(event, entry)
    await classifier.on_release_published(event, entry)
    assert await classifier.runtime.streams.client.xlen(settings.key(CLASSIFIED)) == 1
