"""Every field the ledger's queries answer with is one ``/openapi.json`` documents as required where it stands, and
every answer validates: a client generated from the document codes for no absence that never happens."""

from __future__ import annotations

from datetime import date, datetime, timezone

import aiohttp
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tests.conftest import unrequired_fields
from tests.unit.notifier.samples import FUNDING, dated, release

pytestmark = pytest.mark.integration

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
async def ledger(ledger_served):
    async with ledger_served(now=NOW) as (service, server):
        await service.store.apply(release(FUNDING, dated("c-soon", date(2018, 2, 1))), now=NOW)
        yield server


@pytest.mark.parametrize(("path", "operation"), [
    ("/ledger/releases", "/ledger/releases"),
    ("/ledger/releases/gov-uk%2Firaq-2017", "/ledger/releases/{release_id}"),
    ("/ledger/commitments", "/ledger/commitments"),
    ("/ledger/commitments/c-funding", "/ledger/commitments/{key}"),
    ("/ledger/deadlines?due_after=2017-01-01", "/ledger/deadlines"),
])
async def test_every_field_answered_is_documented_as_required(ledger, path, operation):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{ledger}/openapi.json") as resp:
            document = await resp.json()
        async with session.get(ledger + path) as resp:
            assert resp.status == 200
            answer = await resp.json()
    schema = document["paths"][operation]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
    validator = Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]}, registry=registry)
    assert [e.message for e in validator.iter_errors(answer)] == []
    assert unrequired_fields(validator, answer) == []
