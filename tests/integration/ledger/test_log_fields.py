"""The ledger's line of a release version carries its id and version, and the ledger keys of the commitments it
added, changed or removed, as fields of JSON logs, as ingest's, the classifier's and the notifier's lines carry
theirs: one release, or one commitment, is found by field from ingest to the ledger. Real Redis."""

import json
import logging

import pytest

from schemas import ReleaseClassifiedEvent, decode_event
from schemas.streams import CLASSIFIED, EVENT_FIELD, LEDGER_GROUP
from services.common.logs import JsonFormatter
from services.common.streams import Entry
from services.ledger.service import LedgerService
from tests.unit.notifier.samples import BORDERS, FUNDING, PUBLISHED, release

pytestmark = pytest.mark.integration


async def _handle(service: LedgerService, settings, version) -> None:
    raw = ReleaseClassifiedEvent.wrap(version, id=f"{version.release_id}/v{version.version}", source="/test",
                                      time=PUBLISHED, subject=version.release_id).to_json()
    client, key = service.runtime.streams.client, settings.key(CLASSIFIED)
    await client.xadd(key, {EVENT_FIELD: raw})
    [[_, [(entry_id, fields)]]] = await client.xreadgroup(LEDGER_GROUP, "c1", {key: ">"})
    await service.on_release_classified(decode_event(raw), Entry(
        stream=key, group=LEDGER_GROUP, entry_id=entry_id.decode(), fields=fields))


def _lines(caplog) -> list[dict]:
    return [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.getMessage().startswith("ledger: gov")]


async def test_a_release_version_is_logged_with_its_ids_and_its_commitments_keys_as_fields(settings, caplog):
    caplog.set_level(logging.INFO, logger="services.ledger")
    service = LedgerService(settings)
    await service.start()
    try:
        await _handle(service, settings, release(FUNDING, BORDERS))
        await _handle(service, settings, release(FUNDING, version=2))
        await _handle(service, settings, release(FUNDING, version=2))  # delivered again: already read
    finally:
        await service.stop()
    first, second, again = _lines(caplog)
    assert (first["release_id"], first["version"], first["commitment_ids"]) == \
        ("gov-uk/iraq-2017", 1, ["c-funding", "c-borders"])
    assert (second["release_id"], second["version"], second["commitment_ids"]) == ("gov-uk/iraq-2017", 2, ["c-borders"])
    assert (again["release_id"], again["version"]) == ("gov-uk/iraq-2017", 2) and "commitment_ids" not in again
