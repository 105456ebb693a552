"""A read answered without a token names this server in its Host header: a web page that points a name of its own
at 127.0.0.1 (DNS rebinding) is, to the browser, the same origin as the API on that port, and would otherwise read
every open read (subscriptions' email addresses among them) of a server no one else can reach."""

import aiohttp
import pytest
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry

from services.common.api import Routes
from services.common.auth import ApiAuth
from services.common.http import HttpServer

pytestmark = pytest.mark.integration

REBOUND = "rebound.attacker.example"


async def _nothing() -> None:
    return None


async def _statuses(settings, *requests: tuple[str, str, dict[str, str]]) -> list[int]:
    """The status of each ``(method, path, headers)`` sent to an HttpServer whose one route, ``/thing``, is an open
    read."""
    async def thing() -> JSONResponse:
        return JSONResponse({"subscribers": ["desk@example.org"]})

    routes = Routes()
    routes.add_api_route("/thing", thing, methods=["GET"])
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes(routes)
    server.add_metrics(CollectorRegistry(), refresh=_nothing)
    await server.start()
    statuses = []
    try:
        async with aiohttp.ClientSession() as session:
            for method, path, headers in requests:
                async with session.request(method, f"http://127.0.0.1:{server.port}{path}",
                                           headers=headers) as response:
                    statuses.append(response.status)
                    if response.status == 421:
                        message = (await response.json())["errors"][0]["message"]
                        assert REBOUND in message and "PLEDGEWATCH_ALLOWED_HOSTS" in message
    finally:
        await server.stop()
    return statuses


async def test_an_open_read_by_a_name_this_server_does_not_know_is_refused(settings):
    assert await _statuses(settings, ("GET", "/thing", {"Host": REBOUND}),
                           ("GET", "/thing", {"Host": f"{REBOUND}:8080"})) == [421, 421]


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "LOCALHOST.", "[::1]:8080", "10.0.0.5",
                                  "dash.localhost"])
async def test_an_address_or_the_loopback_name_is_answered(settings, host):
    assert await _statuses(settings, ("GET", "/thing", {"Host": host})) == [200]


async def test_the_token_health_and_names_allowed_are_answered_whatever_the_host(settings, api_headers):
    allowed = settings.model_copy(update={"allowed_hosts": ["dash.example.org"]})
    assert await _statuses(allowed, ("GET", "/thing", {"Host": REBOUND, **api_headers}),
                           ("GET", "/healthz", {"Host": REBOUND}), ("GET", "/metrics", {"Host": REBOUND}),
                           ("GET", "/thing", {"Host": "Dash.Example.org:443"})) == [200, 200, 200, 200]


async def test_a_star_allows_every_name(settings):
    assert await _statuses(settings.model_copy(update={"allowed_hosts": ["*"]}),
                           ("GET", "/thing", {"Host": REBOUND})) == [200]
