"""The HTTP server as a client meets it: /openapi.json a valid OpenAPI document of every route and body,
client errors logged at WARNING (never ERROR), bodies past 4 MiB refused, unknown routes a JSON 404."""

from __future__ import annotations

import io
import logging
import socket
from unittest.mock import ANY

import aiohttp
from aiohttp.payload import AsyncIterablePayload
import pytest
from openapi_spec_validator import validate

from services.common import http as http_module
from services.common.auth import ApiAuth
from services.common.http import MAX_BODY, HttpServer

pytestmark = pytest.mark.integration


@pytest.fixture
def server(whole_api):
    return whole_api


async def test_openapi_document_is_valid_and_documents_every_route_and_body(server):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server}/openapi.json") as resp:
            assert resp.status == 200
            document = await resp.json()
    validate(document)
    paths = document["paths"]
    assert {"/healthz", "/releases", "/subscriptions", "/subscriptions/{id}", "/subscriptions/{id}/pause",
            "/subscriptions/{id}/resume", "/subscriptions/{id}/test", "/subscriptions/{id}/deadlines.ics",
            "/ledger/commitments", "/ledger/commitments/{key}", "/ledger/releases", "/ledger/releases/{release_id}",
            "/ledger/deadlines"} <= set(paths)
    filters = {p["name"] for p in paths["/ledger/commitments"]["get"]["parameters"]}
    assert {"counter_terrorism", "category", "kind", "actor", "keyword", "source", "min_confidence", "state",
            "due_after", "due_before", "q", "min_amount", "max_amount", "currency", "limit", "cursor"} == filters
    body = paths["/releases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ReleaseInput"}
    schemas = document["components"]["schemas"]
    assert {"ReleaseInput", "ReleaseAccepted", "Subscription", "ShownSubscription", "Filter", "WebhookChannel",
            "PauseRequest", "Errors", "CommitmentPage", "LedgerEntry", "ReleaseDetail", "DeadlinePage"} <= set(schemas)
    assert paths["/subscriptions/{id}"]["get"]["parameters"][0]["name"] == "id"


async def test_a_client_error_is_logged_at_warning_and_never_at_error(server, api_headers, caplog):
    caplog.set_level(logging.DEBUG)
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(f"{server}/subscriptions", json={"id": "x"}) as resp:
            assert resp.status == 422
        async with session.post(f"{server}/releases", data=b"not json") as resp:
            assert resp.status == 400
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "POST /subscriptions: 422 for 127.0.0.1" in warned
    assert "POST /releases: 400 for 127.0.0.1" in warned
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_body_past_the_bound_is_refused_with_a_json_413(server, api_headers):
    too_big = b"[" + b" " * MAX_BODY + b"]"

    async def chunks():
        yield too_big

    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(f"{server}/subscriptions", data=io.BytesIO(too_big)) as resp:  # says its length
            assert (resp.status, await resp.json()) == (413, {"errors": [{"field": "body", "message": f"over the {MAX_BODY}-byte limit"}]})
        async with session.post(f"{server}/subscriptions", data=AsyncIterablePayload(chunks())) as resp:  # chunked: read to the bound
            assert (resp.status, await resp.json()) == (413, {"errors": [{"field": "body", "message": f"over the {MAX_BODY}-byte limit"}]})


async def test_an_unknown_route_or_method_is_a_json_error(server, api_headers):
    """Before: an unknown path was told only "Not Found", in the field "request"."""
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.get(f"{server}/nowhere") as resp:
            assert (resp.status, await resp.json()) == (404, {"errors": [{"field": "path", "message": (
                "no route /nowhere: /openapi.json lists every route")}]})
        async with session.put(f"{server}/releases") as resp:
            assert resp.status == 405 and "POST" in resp.headers["Allow"]


async def test_a_kept_alive_connection_is_answered_without_waiting_for_an_ack(server, monkeypatch):
    """Before: Nagle stayed on for the server's sockets, so each answer's body after the first waited for
    the client's delayed ACK of its head: 40 ms or more per request. Judged by the option on the server's end
    of each connection, not by a time a busy machine could exceed."""
    nagle_off = []
    made = http_module._HeadInTime.connection_made

    def recording(protocol, transport):
        made(protocol, transport)
        nagle_off.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    monkeypatch.setattr(http_module._HeadInTime, "connection_made", recording)
    async with aiohttp.ClientSession() as session:
        for _ in range(3):
            async with session.get(f"{server}/healthz") as resp:
                await resp.read()
    assert nagle_off and all(nagle_off), nagle_off


async def test_head_is_answered_like_get_without_a_body(server, api_headers):
    """Before: every route was GET only, so an uptime check's ``HEAD /healthz`` got 405."""
    async with aiohttp.ClientSession(headers=api_headers) as session:
        for path in ("/healthz", "/ledger/commitments", "/openapi.json"):
            async with session.get(f"{server}{path}") as got:
                body = await got.read()
            async with session.head(f"{server}{path}") as head:
                assert head.status == got.status == 200, path
                assert head.headers["Content-Type"] == got.headers["Content-Type"]
                assert int(head.headers["Content-Length"]) == len(body)
                assert await head.read() == b""
        async with session.head(f"{server}/releases") as resp:  # POST only: still not allowed
            assert resp.status == 405
    async with aiohttp.ClientSession() as anonymous:  # the token check treats HEAD as the read it is
        async with anonymous.get(f"{server}/subscriptions") as got, anonymous.head(f"{server}/subscriptions") as head:
            assert head.status == got.status


async def test_options_names_the_methods_of_a_path_and_404s_an_unknown_one(server, api_headers):
    """Before: every route answered ``OPTIONS`` with 405, and a 405's ``Allow`` named only the methods of the
    first route of its path (``GET`` for ``/subscriptions/{id}``, which also takes PUT, PATCH and DELETE)."""
    async with aiohttp.ClientSession() as anonymous:  # asking what a path allows needs no token
        for path, allowed in (("/healthz", "GET, HEAD, OPTIONS"), ("/releases", "OPTIONS, POST"),
                              ("/subscriptions", "GET, HEAD, OPTIONS, POST"),
                              ("/subscriptions/s-1", "DELETE, GET, HEAD, OPTIONS, PATCH, PUT")):
            async with anonymous.options(f"{server}{path}") as resp:
                assert resp.status == 204, path
                assert resp.headers["Allow"] == allowed, path
                assert await resp.read() == b""
        async with anonymous.options(f"{server}/no-such-path") as resp:
            assert resp.status == 404
            assert (await resp.json())["errors"]
    async with aiohttp.ClientSession(headers=api_headers) as session:  # a method not allowed names them all
        async with session.post(f"{server}/healthz") as resp:
            assert resp.status == 405
            assert resp.headers["Allow"] == "GET, HEAD, OPTIONS"
            assert (await resp.json())["errors"][0]["message"] == "/healthz does not take POST; it takes GET, HEAD, OPTIONS"
        async with session.post(f"{server}/subscriptions/s-1") as resp:  # not only the first route's GET
            assert resp.status == 405
            assert resp.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"


async def test_a_health_check_that_hangs_is_reported_unhealthy_instead_of_hanging_the_probe(settings):
    """Before: the checks ran one after another with no bound, so with Redis frozen (SIGSTOP) /healthz gave no
    answer at all, and a probe timing out says less than a 503 naming the check."""
    import asyncio

    from services.common.http import HEALTH_CHECK_SECONDS

    async def hangs() -> None:
        await asyncio.Event().wait()

    async def fine() -> None:
        pass

    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_check("frozen", hangs)
    http.add_check("other", fine)
    await http.start()
    try:
        timeout = aiohttp.ClientTimeout(total=HEALTH_CHECK_SECONDS + 10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(f"http://127.0.0.1:{http.port}/healthz") as resp:
                assert resp.status == 503
                assert await resp.json() == {"status": "unhealthy", "checks": {
                    "frozen": f"no answer within {HEALTH_CHECK_SECONDS:g} s", "other": "ok"}}
    finally:
        await http.stop()


async def _document(server):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server}/openapi.json") as resp:
            return await resp.json()


def _operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


async def test_every_error_is_documented_in_the_shape_it_is_served(server):
    """Before: FastAPI's own ``HTTPValidationError`` (``{"detail": [...]}``) documented the 422 of most routes,
    while every 422 is served as ``{"errors": [...]}``."""
    document = await _document(server)
    assert "HTTPValidationError" not in str(document)
    for path, method, operation in _operations(document):
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")) and path != "/healthz" and "application/json" in answer.get("content", {}):
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Errors"}, (method, path, status)


async def test_openapi_says_which_operations_need_the_token(server):
    """Before: no security scheme and no ``security`` anywhere; a write's 401 and 429 mostly undocumented."""
    document = await _document(server)
    validate(document)
    assert document["components"]["securitySchemes"] == {
        "bearerToken": {"type": "http", "scheme": "bearer", "description": ANY}}
    for path, method, operation in _operations(document):
        if path == "/healthz" or path.startswith("/unsubscribe/"):
            assert operation["security"] == [], (method, path)
            assert "401" not in operation["responses"], (method, path)
            assert path != "/healthz" or set(operation["responses"]) == {"200", "413", "503"}  # 413: its Content-Length
        elif method == "GET":  # open unless PLEDGEWATCH_OPEN_READS=false
            assert operation["security"] == [{}, {"bearerToken": []}], (method, path)
            assert {"401", "429"} <= set(operation["responses"]), (method, path)
        else:
            assert operation["security"] == [{"bearerToken": []}], (method, path)
            assert {"401", "429"} <= set(operation["responses"]), (method, path)
        assert "503" in operation["responses"], (method, path)
        if "requestBody" in operation:
            assert {"400", "408", "413"} <= set(operation["responses"]), (method, path)


async def test_every_status_a_client_meets_is_documented_for_its_operation(server, api_headers):
    """Each answer of a few requests any client may send, against the operation /openapi.json gives for it."""
    paths = (await _document(server))["paths"]
    sub = {"id": "doc-1", "channels": [{"console": {}}]}
    asked = [  # (method, the path as sent, its template, headers, body)
        ("POST", "/subscriptions", "/subscriptions", {}, sub),  # no token: 401
        ("POST", "/subscriptions", "/subscriptions", api_headers, b"{x"),  # not JSON: 400
        ("PUT", "/subscriptions/doc-2", "/subscriptions/{id}", api_headers, {**sub, "id": "doc-2"}),  # made: 201
        ("PUT", "/subscriptions/doc-2", "/subscriptions/{id}", api_headers, {**sub, "id": "doc-2"}),  # replaced: 200
        ("PUT", "/subscriptions/doc-3", "/subscriptions/{id}", api_headers, {"id": "doc-3", "mode": "x"}),  # 422
        ("GET", "/subscriptions/nosuch", "/subscriptions/{id}", {"Host": "rebound.example"}, None),  # 421
        ("GET", "/ledger/releases?limit=0", "/ledger/releases", {}, None),  # 422
        ("POST", "/ledger/backtest", "/ledger/backtest", api_headers, b"[" * 40),  # too deep: 400
        ("DELETE", "/subscriptions/nosuch", "/subscriptions/{id}", api_headers, None),  # 404
    ]
    async with aiohttp.ClientSession() as session:
        for method, sent, template, headers, body in asked:
            payload = {"data": body} if isinstance(body, bytes) else {"json": body} if body is not None else {}
            async with session.request(method, f"{server}{sent}", headers=headers, **payload) as resp:
                documented = paths[template][method.lower()]["responses"]
                assert str(resp.status) in documented, (method, sent, resp.status, sorted(documented))


async def test_a_subscription_created_says_where_it_is(server, api_headers):
    """Before: ``201 Created`` with no ``Location``, from POST and from a PUT that made the subscription."""
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(f"{server}/subscriptions", json={"id": "loc-1", "channels": [{"console": {}}]}) as resp:
            assert resp.status == 201
            assert resp.headers["Location"] == "/subscriptions/loc-1"
        async with session.get(f"{server}{resp.headers['Location']}") as resp:
            assert (resp.status, (await resp.json())["id"]) == (200, "loc-1")
        made = {"id": "loc-2", "channels": [{"console": {}}]}
        async with session.put(f"{server}/subscriptions/loc-2", json=made) as resp:
            assert resp.status == 201
            assert resp.headers["Location"] == "/subscriptions/loc-2"
        async with session.put(f"{server}/subscriptions/loc-2", json=made) as resp:  # replaced, not made
            assert resp.status == 200 and "Location" not in resp.headers
        async with session.get(f"{server}/openapi.json") as resp:
            paths = (await resp.json())["paths"]
    for method in ("post", "put"):
        operation = paths["/subscriptions" if method == "post" else "/subscriptions/{id}"][method]
        assert "Location" in operation["responses"]["201"]["headers"], method


async def test_a_method_a_path_does_not_take_is_a_405_before_any_token_is_asked_for(server):
    """Before: without a token, ``DELETE /releases`` was a 401 asking for one, and with it a 405: a client fixing
    its token learnt only then that the method was wrong. The 405 said only "Method Not Allowed"."""
    async with aiohttp.ClientSession() as anonymous:
        for method, path, allowed in (("DELETE", "/releases", "OPTIONS, POST"),
                                      ("POST", "/ledger/commitments", "GET, HEAD, OPTIONS"),
                                      ("PUT", "/subscriptions", "GET, HEAD, OPTIONS, POST")):
            async with anonymous.request(method, f"{server}{path}") as resp:
                assert resp.status == 405, (method, path)
                assert resp.headers["Allow"] == allowed
                assert await resp.json() == {"errors": [{"field": "method", "message": (
                    f"{path} does not take {method}; it takes {allowed}")}]}


async def test_an_unknown_query_parameter_of_the_releases_list_is_refused(server):
    """Before: ``/ledger/releases?page=2`` answered the first page, as if ``page`` were understood, where
    ``/ledger/commitments`` and ``/ledger/deadlines`` refuse a parameter they do not know."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server}/ledger/releases?page=2") as resp:
            assert resp.status == 422
            assert await resp.json() == {"errors": [{"field": "page", "message": (
                "not a query parameter (known: cursor, limit, published_after, published_before, q, withdrawn)")}]}


async def test_the_plural_name_of_a_filter_the_releases_list_does_not_take_is_refused(server):
    """``sources`` and ``categories`` are other names of ``source`` and ``category``, filters of the commitments
    and deadlines: ``/ledger/releases``, which takes neither, answered them with every release, as if understood."""
    async with aiohttp.ClientSession() as session:
        for name in ("sources", "categories"):
            async with session.get(f"{server}/ledger/releases?{name}=govuk-home-office") as resp:
                assert resp.status == 422, name
                assert (await resp.json())["errors"][0]["field"] == name
        async with session.get(f"{server}/ledger/commitments?sources=govuk-home-office") as resp:
            assert resp.status == 200, await resp.text()


async def test_the_ledger_lists_parameters_are_documented_with_the_bounds_and_values_served(server):
    """Before: ``q`` and ``cursor`` of ``/ledger/commitments`` and ``/ledger/deadlines`` were documented without
    the 200 and 500 characters past which they are refused, and ``category``, ``kind`` and ``state`` without the
    values they take."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server}/openapi.json") as resp:
            paths = (await resp.json())["paths"]
        async with session.get(f"{server}/ledger/commitments", params={"q": "a" * 201}) as resp:
            assert (resp.status, (await resp.json())["errors"][0]["field"]) == (422, "q")
    for path in ("/ledger/commitments", "/ledger/deadlines"):
        parameters = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert parameters["q"]["schema"]["anyOf"][0]["maxLength"] == 200, path
        assert parameters["cursor"]["schema"]["anyOf"][0]["maxLength"] == 500, path
        assert "border_security" in parameters["category"]["description"], path
        assert "demand" in parameters["kind"]["description"], path
        assert "withdrawn" in parameters["state"]["description"], path


async def test_a_subscriptions_body_and_answer_are_documented_field_by_field(server):
    """Before: ``Subscription``, ``ShownSubscription``, ``Filter`` and ``DueThisWeek`` were each documented as
    ``{"type": "object", "additionalProperties": true}``, anything at all: their serialization schemas, which
    pydantic cannot derive past the serializer that leaves out unset fields, took the names of the models
    every body and answer of ``/subscriptions`` refers to."""
    schemas = (await _document(server))["components"]["schemas"]
    assert {"id", "filter", "channels", "mode", "reminders", "timezone"} <= set(schemas["Subscription"]["properties"])
    assert schemas["Subscription"]["additionalProperties"] is False
    assert {"origin", "overrides"} <= set(schemas["ShownSubscription"]["properties"])
    assert {"counter_terrorism", "categories", "min_confidence"} <= set(schemas["Filter"]["properties"])
    assert "properties" in schemas["DueThisWeek"]
    assert [name for name, schema in schemas.items() if "properties" not in schema and "enum" not in schema] == []


async def test_a_path_with_a_trailing_slash_is_a_404_naming_the_route_not_a_redirect(server, api_headers):
    """Before: ``/subscriptions/`` and every other route's path with a slash added answered 307 with an absolute
    ``Location: http://<Host>/subscriptions``: behind an HTTPS proxy not trusted for forwarded headers, a client
    was pointed at plain HTTP (its body sent there again, in clear), and none of it was documented."""
    behind_a_proxy = {**api_headers, "Host": "pledgewatch.example.org"}
    async with aiohttp.ClientSession() as session:
        for method, path, headers in (("GET", "/subscriptions/", behind_a_proxy),
                                      ("POST", "/subscriptions/", behind_a_proxy),
                                      ("PUT", "/subscriptions/s-1/", behind_a_proxy),
                                      ("GET", "/ledger/commitments/?limit=1", {}),
                                      ("POST", "/releases/", {}),  # told before any token is asked for, as a 405
                                      ("HEAD", "/healthz/", {}),
                                      ("GET", "/ledger/releases/", {}),  # no empty release id
                                      ("OPTIONS", "/subscriptions//", {})):
            async with session.request(method, f"{server}{path}", headers=headers, json={},
                                       allow_redirects=False) as resp:
                assert (resp.status, resp.headers.get("Location")) == (404, None), (method, path)
                if method != "HEAD":
                    route = path.partition("?")[0].rstrip("/")
                    assert await resp.json() == {"errors": [{"field": "path", "message": (
                        f"no route {path.partition('?')[0]}: the route is {route}, without the trailing slash")}]}
        async with session.get(f"{server}/ledger/releases/gov-uk/x/") as resp:  # a slash within a value: its route's
            assert (await resp.json())["errors"][0]["field"] == "release_id"
        async with session.get(f"{server}/nowhere/") as resp:  # no route without the slash either
            assert await resp.json() == {"errors": [{"field": "path", "message": (
                "no route /nowhere/: /openapi.json lists every route")}]}


TWICE = "given twice in one object: give each key once"


async def test_a_json_body_with_a_key_given_twice_is_refused_naming_the_key_and_where(server, api_headers):
    """Before: ``{"id": "a", "id": "b"}`` was read as its last value, silently, by every route taking a JSON body
    (the YAML subscriptions file refuses a key given twice); what a client meant could not be told."""
    sub = '{"id": "dup-1", "channels": [{"console": {}}]}'
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.put(f"{server}/subscriptions/dup-1", data=sub) as resp:
            assert resp.status == 201
            before = await resp.json()
        release = ('{"url": "https://www.gov.uk/x", "title": "A", "published_at": "2023-03-14T09:30:00+00:00", '
                   '"body": "The UK will invest £24m.", "title": "B"}')
        for method, path, body, field in (
                ("POST", "/subscriptions", '{"id": "a", "channels": [{"console": {}}], "id": "b"}', "id"),
                ("PUT", "/subscriptions/dup-1", '{"id": "dup-1", "channels": [{"webhook": {"url": '
                 '"https://hooks.example.org/a", "secret": "s", "url": "https://hooks.example.org/b"}}]}',
                 "channels.0.webhook.url"),
                ("PATCH", "/subscriptions/dup-1", '{"mode": "digest", "filter": {"keywords": ["a"], '
                 '"counter_terrorism": true, "keywords": ["b"]}}', "filter.keywords"),
                ("POST", "/subscriptions/dup-1/pause", '{"until": "2099-01-01", "until": "2099-02-01"}', "until"),
                ("POST", "/releases", release, "title"),
                ("POST", "/ledger/backtest", '{"since": "2026-01-01T00:00:00Z", "filter": {}, '
                 '"since": "2020-01-01T00:00:00Z"}', "since"),
                ("POST", "/subscriptions", '{"id": "esc", "\\u0069d": "b"}', "id"),  # the same key, escaped
        ):
            async with session.request(method, f"{server}{path}", data=body.encode()) as resp:
                key = field.rpartition(".")[2]
                assert (resp.status, await resp.json()) == (422, {"errors": [{"field": field, "message": (
                    f"key {key!r} {TWICE}")}]}), (method, path)
        async with session.get(f"{server}/subscriptions/dup-1") as resp:  # nothing of the refused bodies taken
            assert await resp.json() == before
        async with session.post(f"{server}/subscriptions", data=b'{"id": "same", "channels": [{"console": {}}], '
                                b'"filter": {"keywords": ["id: a", "id: a"]}}') as resp:  # a value twice is no key
            assert resp.status == 201, await resp.text()
