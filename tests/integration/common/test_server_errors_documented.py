"""The server's own answers for any route (408 a body too slow, 413 past the body limit, 500, 503 while Redis is away)
are the one documented error shape, ``{"errors": [{"field", "message"}]}`` as JSON, and ``/openapi.json`` lists each
for every route it can come from, so that a client generated from the document reads them."""

from __future__ import annotations

import json

import aiohttp
import pytest
from fastapi import Request
from jsonschema import Draft202012Validator
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from services.common import http
from services.common.api import Routes
from services.common.auth import ApiAuth
from services.common.http import MAX_BODY, HttpServer
from tests.integration.common.test_http_slow_clients import TOKEN, _post_ten_bytes

pytestmark = pytest.mark.integration

FAILURES = {"/down": RedisConnectionError("refused"), "/refused": ResponseError("WRONGTYPE wrong kind of value"),
            "/broken": KeyError("a bug")}


def _failing(error: Exception):
    async def failing() -> None:
        raise error
    return failing


async def _echo(request: Request) -> dict:
    return {"length": len(await request.body())}


@pytest.fixture
async def served(monkeypatch):
    """An HttpServer with a route raising each of :data:`FAILURES` and one reading a body; yields (port, document)."""
    monkeypatch.setattr(http, "BODY_TIMEOUT_SECONDS", 0.3)
    routes = Routes()
    for path, error in FAILURES.items():
        routes.add_api_route(path, _failing(error), methods=["GET"])
    routes.add_api_route("/echo", _echo, methods=["POST"], openapi_extra={"requestBody": {
        "content": {"application/json": {"schema": {"type": "object"}}}}})
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth(TOKEN))
    server.add_routes(routes)
    await server.start()
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{server.port}/openapi.json") as resp:
            document = await resp.json()
    yield server.port, document
    await server.stop()


def _documented_problems(document: dict, method: str, path: str, status: int, body: object) -> list[str]:
    """How ``body`` breaks what the document says ``method path`` answers with ``status`` (missing: not listed)."""
    answer = document["paths"][path][method]["responses"].get(str(status))
    if answer is None:
        return [f"{method} {path} does not list {status}"]
    schema = answer["content"]["application/json"]["schema"]
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
    validator = Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]}, registry=registry)
    return [f"{method} {path} {status}: {e.message}" for e in validator.iter_errors(body)]


async def _post_in_part(port: int, length: int) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a POST saying its body is ``length`` bytes, of which ten arrive."""
    answer = await _post_ten_bytes(port, f"Content-Length: {length}\r\nConnection: close\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


async def test_each_answer_of_the_server_for_any_route_is_a_documented_json_error(served):
    """Before: 408, 413, 500 and 503 held a line of text each (``{"errors": ["service unavailable: …"]}``), where
    every other error is a ``{"field", "message"}``; an unexpected error was ``Internal Server Error`` as text/plain."""
    port, document = served
    base = f"http://127.0.0.1:{port}"
    answers = []
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as session:
        for path in FAILURES:
            async with session.get(base + path) as resp:
                answers.append(("get", path, resp.status, resp.headers["Content-Type"], await resp.read()))
    for length in (MAX_BODY + 1, 100):  # past the limit; within it, never arriving in full
        status, headers, body = await _post_in_part(port, length)
        answers.append(("post", "/echo", status, headers["content-type"], body))

    assert [(path, status) for _, path, status, _, _ in answers] == [
        ("/down", 503), ("/refused", 500), ("/broken", 500), ("/echo", 413), ("/echo", 408)]
    assert {content_type for _, _, _, content_type, _ in answers} == {"application/json"}
    bodies = [json.loads(raw) for _, _, _, _, raw in answers]
    assert [[error["field"] for error in body["errors"]] for body in bodies] == [
        ["server"], ["server"], ["server"], ["body"], ["body"]]
    assert bodies[0]["errors"][0]["message"] == "service unavailable: cannot reach Redis (ConnectionError); " \
                                                "try again later"
    assert bodies[3]["errors"][0]["message"] == f"over the {MAX_BODY}-byte limit"
    assert bodies[4]["errors"][0]["message"] == "not received in full within 0.3 s"
    problems = [p for (method, path, status, _, _), body in zip(answers, bodies)
                for p in _documented_problems(document, method, path, status, body)]
    assert problems == []


async def test_the_document_lists_the_servers_own_answers_for_every_route_they_can_come_from(whole_api):
    """413 for every route (a ``Content-Length`` past the limit is refused before any route reads the body), 408 for
    every route reading a body, 500 for every route but ``/healthz`` (which answers every failure of a check as its own
    503), 503 for every route but ``/metrics``; each as ``Errors``, whose every error is a ``{"field", "message"}``."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{whole_api}/openapi.json") as resp:
            document = await resp.json()
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            wanted = {"413"} | ({"400", "408"} if "requestBody" in operation else set())
            wanted |= set() if path == "/healthz" else {"500"}
            wanted |= set() if path == "/metrics" else {"503"}
            missing += [f"{method} {path} {status}" for status in sorted(wanted - set(operation["responses"]))]
    assert missing == []
    errors = document["components"]["schemas"]["Errors"]["properties"]["errors"]["items"]
    assert errors == {"$ref": "#/components/schemas/FieldError"}
