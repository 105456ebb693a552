"""The classifier publishes one release.classified per release version, however often and however
concurrently the release is delivered (a reclaimed backlog entry racing its first delivery)."""

import asyncio
import itertools
import threading
import time

import pytest

from schemas import ReleasePublishedEvent, decode_event
from schemas.streams import CLASSIFIED, CLASSIFIER_GROUP, EVENT_FIELD, RELEASES
from services.classifier import service as classifier_service
from services.classifier.core import classify
from services.classifier.budget import INLINE_BODY_CHARS
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
    commit, waiting, all_there = streams.commit_once_many, [], asyncio.Event()

    async def commit_together(*args, **kwargs):
        waiting.append(1)
        if len(waiting) == 5:
            all_there.set()
        await all_there.wait()
        return await commit(*args, **kwargs)

    streams.commit_once_many = commit_together
    await asyncio.wait_for(asyncio.gather(*(classifier.on_release_published(event, entry) for _ in range(5))), 10)
    assert await streams.client.xlen(settings.key(CLASSIFIED)) == 1
    pending = await streams.client.xpending(settings.key(RELEASES), CLASSIFIER_GROUP)
    assert pending["pending"] == 0


async def test_a_redelivered_release_is_acknowledged_without_a_second_event(classifier, settings):
    event, entry = await _delivered(classifier, settings)
    await classifier.on_release_published(event, entry)
    await classifier.on_release_published(event, entry)
    assert await classifier.runtime.streams.client.xlen(settings.key(CLASSIFIED)) == 1


async def test_a_batch_publishes_once_per_release_version_and_acknowledges_every_entry(classifier, settings):
    import json

    streams = classifier.runtime.streams
    second = json.loads(json.dumps(RELEASE))
    second["id"], second["data"]["release_id"] = "rel-2/v1", "rel-2"
    for raw in (RELEASE, second, RELEASE):  # the first release twice in one read
        await streams.client.xadd(settings.key(RELEASES), {EVENT_FIELD: json.dumps(raw)})
    [[_, delivered]] = await streams.client.xreadgroup(CLASSIFIER_GROUP, "c1", {settings.key(RELEASES): ">"})
    items = [(decode_event(fields[EVENT_FIELD.encode()]),
              Entry(stream=settings.key(RELEASES), group=CLASSIFIER_GROUP, entry_id=entry_id.decode(), fields=fields))
             for entry_id, fields in delivered]
    await classifier.on_releases_published(items)
    published = [decode_event(f[EVENT_FIELD.encode()]).data.release_id
                 for _, f in await streams.client.xrange(settings.key(CLASSIFIED))]
    assert published == ["rel-1", "rel-2"]
    assert (await streams.client.xpending(settings.key(RELEASES), CLASSIFIER_GROUP))["pending"] == 0


async def test_a_big_release_is_classified_off_the_event_loop_within_its_budget(settings, monkeypatch):
    """Classifying a big release must not stall every other task of the process (health checks, the
    other services of `pledgewatch run`), and stops at its time budget with the reason.

    Each look at the clock while reading waits for the event loop to run a callback, and then says the
    budget is spent: reading goes on in the middle of the release only if the loop is free meanwhile."""
    import json

    big = json.loads(json.dumps(RELEASE))
    sentence = "It was important that the report was published last year. "
    big["data"]["body"] = sentence * (INLINE_BODY_CHARS // len(sentence) + 1)
    classifier = ClassifierService(settings.model_copy(update={"classify_budget_seconds": 5}))
    loop, served_while_reading = asyncio.get_running_loop(), []

    def classify_watched(release, *, model=None, budget_seconds=None, clock=time.monotonic):
        looks = itertools.count()

        def clock_after_the_loop_served() -> float:
            if next(looks) == 0:  # the first look sets the deadline
                return clock()
            served = threading.Event()
            loop.call_soon_threadsafe(served.set)
            served_while_reading.append(served.wait(30))
            return clock() + budget_seconds + 1
        return classify(release, model=model, budget_seconds=budget_seconds, clock=clock_after_the_loop_served)

    monkeypatch.setattr(classifier_service, "classify", classify_watched)
    await classifier.start()
    try:
        await _classify_big(classifier, settings, big)
    finally:
        await classifier.stop()
    assert served_while_reading == [True], "the event loop was held while the release was read"


async def _classify_big(classifier, settings, big):
    import json

    streams = classifier.runtime.streams
    await streams.client.xadd(settings.key(RELEASES), {EVENT_FIELD: json.dumps(big)})
    [[_, [(entry_id, fields)]]] = await streams.client.xreadgroup(CLASSIFIER_GROUP, "c1", {settings.key(RELEASES): ">"})
    entry = Entry(stream=settings.key(RELEASES), group=CLASSIFIER_GROUP, entry_id=entry_id.decode(), fields=fields)
    await asyncio.wait_for(classifier.on_release_published(decode_event(json.dumps(big)), entry), 60)
    assert await streams.client.xlen(settings.key(CLASSIFIED)) == 1
    [(_, out)] = await streams.client.xrange(settings.key(CLASSIFIED))
    assert "stopped at the time budget of 5 s" in decode_event(out[EVENT_FIELD.encode()]).data.unsupported_reason
