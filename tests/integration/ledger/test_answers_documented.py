"""Every field the ledger's queries answer with is one ``/openapi.json`` documents as required where it stands, and
every answer validates: a client generated from the document codes for no absence that never happens."""

from __future__ import annotations

from datetime import date, datetime, timezone

import aiohttp
import pytest

from tests.conftest import document_and_answer, documented_answer, undocumented_headers, unrequired_fields
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
    async with aiohttp.ClientSession(ledger) as session:
        document, status, answer = await document_and_answer(session, "GET", path)
    assert status == 200
    validator = documented_answer(document, "get", operation)
    assert [e.message for e in validator.iter_errors(answer)] == []
    assert unrequired_fields(validator, answer) == []


async def test_the_headers_of_a_page_of_commitments_as_csv_are_documented(ledger):
    """Before: ``/ledger/commitments.csv`` served the next page in ``Link`` (and its file name in
    ``Content-Disposition``), as API.md says, but ``/openapi.json`` gave its 200 no headers: a client generated
    from the document did not read the next page."""
    path = "/ledger/commitments.csv"
    async with aiohttp.ClientSession(ledger) as session:
        async with session.get("/openapi.json") as resp:
            document = await resp.json()
        async with session.get(f"{path}?limit=1") as resp:
            assert resp.status == 200 and "Link" in resp.headers and "Content-Disposition" in resp.headers
            served = set(resp.headers)
    assert undocumented_headers(document, "get", path, 200, served) == []
