"""Every event the services emit in a whole-pipeline run validates against its committed JSON Schema (the
event's, and its data's through ``dataschema``), and so does every webhook body; and every field they carry is
one the schema requires, so that no consumer codes for an absence that never happens."""

import asyncio
import json
import shutil
import time
from pathlib import Path

import pytest

from pledgewatch.runner import build_all
from schemas.streams import ALL, EVENT_FIELD, RELEASES

pytestmark = pytest.mark.e2e

# What this run makes each stream carry at least: a release, its classification, an alert, its delivery,
# and dead letters from ingest (an empty file) and from the classifier (an entry that is no event).
EXPECTED = {"releases", "classified", "alerts", "deliveries", "dead-letters"}


async def _until(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not await predicate() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def test_every_emitted_event_and_webhook_validates_against_its_schema(
        settings, tmp_path, receiver, ct_desk_subscriptions, seed_file, contract_schemas):
    _, posts = receiver
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    app = build_all(settings.model_copy(update={"watch": [inbox], "subscriptions": ct_desk_subscriptions("s3")}))
    await app.start()
    try:
        client = next(s for s in app.services if s.name == "ingest").runtime.streams.client
        shutil.copy(seed_file, inbox / seed_file.name)
        (inbox / "2026-01-01-empty.txt").write_bytes(b"")
        foreign = await client.xadd(settings.key(RELEASES), {EVENT_FIELD: b'{"type": "nothing we know"}'})

        async def everything_there():
            lengths = {name: await client.xlen(settings.key(name)) for name in EXPECTED}
            return posts and all(lengths.values()) and lengths["dead-letters"] >= 2
        await _until(everything_there)

        events = {name: [json.loads(fields[EVENT_FIELD.encode()])
                         for entry_id, fields in await client.xrange(settings.key(name)) if entry_id != foreign]
                  for name in ALL}
    finally:
        await app.stop()

    assert {name for name, found in events.items() if found} >= EXPECTED
    emitted = [event for found in events.values() for event in found]
    problems = {event["id"]: contract_schemas.event_errors(event) for event in emitted}
    assert {event_id: errors for event_id, errors in problems.items() if errors} == {}
    assert all("schemaversion" not in event and event["dataschema"] for event in emitted)
    assert {event["source"] for event in events["dead-letters"]} >= {"/pledgewatch/ingest", "/pledgewatch/classifier"}
    for post in posts:
        assert contract_schemas.event_errors(json.loads(post["body"])) == []
    headers = json.loads((Path(__file__).parents[2] / "docs" / "asyncapi.json").read_text())[
        "components"]["messages"]["webhook:alert"]["headers"]
    assert all(set(headers["required"]) <= set(post["headers"]) for post in posts)
    bodies = [json.loads(post["body"]) for post in posts]
    optional = {event["id"]: contract_schemas.unrequired_fields(event) for event in emitted + bodies}
    assert {event_id: fields for event_id, fields in optional.items() if fields} == {}
