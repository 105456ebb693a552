"""A route lists ``422`` in ``/openapi.json`` only where it can answer it: where it reads something the client
gives that can be refused (a query or path parameter, a request body)."""

from __future__ import annotations

import aiohttp
import pytest

pytestmark = pytest.mark.integration


def _can_refuse(operation: dict) -> bool:
    """Whether ``operation`` reads a request body, or a parameter whose value can be refused: one with bounds, a
    pattern or a type narrower than text, or one its 422 names as the field it refuses (an address holding a
    character no address may). A path parameter of any text (a subscription's id) is whatever the path holds:
    nothing to refuse."""
    if "requestBody" in operation:
        return True
    told = operation["responses"]["422"].get("description", "")
    return any(f"field `{parameter['name']}`" in told or {
        key: value for key, value in parameter.get("schema", {}).items() if key not in ("title", "description")
    } != {"type": "string"} for parameter in operation.get("parameters", []))


async def test_every_route_that_lists_422_reads_something_it_can_refuse(whole_api):
    """Before: routes with nothing to validate listed FastAPI's 422, which they never answer, so a client
    generated from the document coded for a validation error that never comes."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{whole_api}/openapi.json") as resp:
            document = await resp.json()
    never = [f"{method.upper()} {path}" for path, operations in document["paths"].items()
             for method, operation in operations.items()
             if "422" in operation.get("responses", {}) and not _can_refuse(operation)]
    assert never == []



@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/subscriptions/{id}"), ("DELETE", "/subscriptions/{id}"), ("POST", "/subscriptions/{id}/resume"),
    ("POST", "/subscriptions/{id}/test"), ("GET", "/subscriptions/{id}/alerts.atom"),
    ("GET", "/subscriptions/{id}/deadlines.ics"), ("GET", "/subscriptions/{id}/unsubscribed"),
])
async def test_a_route_of_a_subscription_answers_any_id_it_is_given_as_one_it_has_or_not(whole_api, api_headers,
                                                                                         method, path):
    """What the routes no longer listing 422 answer to the ids least like one: 404, never 422."""
    async with aiohttp.ClientSession(headers=api_headers) as session:
        for sub_id in ("x" * 5000, "%E2%80%AE%00", "a%20b", "-"):
            async with session.request(method, whole_api + path.replace("{id}", sub_id)) as resp:
                assert resp.status == 404, (sub_id, await resp.text())
