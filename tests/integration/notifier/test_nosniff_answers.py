"""Every answer of the HTTP server, whatever its kind (JSON, Atom, iCalendar, CSV, an HTML page) and whether a
route's or an error's, tells a browser not to guess its type (``X-Content-Type-Options: nosniff``): a JSON or CSV
answer holding a release's words is never run as a page or a script."""

import uuid

import aiohttp
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from notifier_harness import fast_config
from services.common.api import Routes
from services.common.auth import ApiAuth
from services.common.embedded_redis import free_port
from services.common.http import HttpServer
from services.common.service import build_app
from services.ledger.service import LedgerService
from services.notifier.service import NotifierService

pytestmark = pytest.mark.integration

DESK = "desk@example.org"


@pytest.fixture
async def served(settings, write_yaml):
    """The ledger and the notifier on one server, as ``pledgewatch run`` serves them, subscription "mail" emailing
    :data:`DESK`, one wrong token allowed; its address and the recipient's unsubscribe link."""
    path = write_yaml(f"subscriptions: [{{id: mail, channels: [{{email: {{to: ['{DESK}']}}}}]}}]")
    changed = settings.model_copy(update={"subscriptions": path, "consumer": f"n-{uuid.uuid4().hex[:6]}",
                                          "wrong_token_limit": 1})
    notifier = NotifierService(changed, config=fast_config(smtp_host="127.0.0.1", smtp_port=free_port()))
    app = build_app([LedgerService(changed), notifier], changed, title="pledgewatch")
    await app.start()
    base = f"http://127.0.0.1:{app.http.port}"
    yield base, base + "/unsubscribe/" + notifier.unsubscribe_links.token("mail", DESK)
    await app.stop()


async def _answer(method: str, url: str, **kw) -> tuple[int, str, str | None]:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, **kw) as resp:
            await resp.read()
            return resp.status, resp.content_type, resp.headers.get("X-Content-Type-Options")


@pytest.mark.parametrize(("method", "path", "status", "kind"), [
    pytest.param("GET", "/ledger/commitments", 200, "application/json", id="json"),
    pytest.param("GET", "/ledger/commitments.csv", 200, "text/csv", id="csv"),
    pytest.param("GET", "/subscriptions/mail/deadlines.ics", 200, "text/calendar", id="ics"),
    pytest.param("GET", "/subscriptions/mail/alerts.atom", 200, "application/atom+xml", id="atom"),
    pytest.param("GET", "/healthz", 200, "application/json", id="health"),
    pytest.param("GET", "/metrics", 200, "text/plain", id="metrics"),
    pytest.param("GET", "/openapi.json", 200, "application/json", id="openapi"),
    pytest.param("HEAD", "/ledger/commitments.csv", 200, "text/csv", id="head"),
    pytest.param("OPTIONS", "/ledger/commitments", 204, None, id="options"),
    pytest.param("GET", "/nowhere", 404, "application/json", id="404"),
    pytest.param("GET", "/ledger/commitments/", 404, "application/json", id="404-slash"),
    pytest.param("DELETE", "/ledger/commitments", 405, "application/json", id="405"),
    pytest.param("GET", "/ledger/commitments?limit=many", 422, "application/json", id="422"),
    pytest.param("GET", "/unsubscribe/not-a-token", 404, "text/html", id="unsubscribe-bad-link"),
])
async def test_every_kind_of_answer_says_nosniff(served, method, path, status, kind):
    base, _ = served
    answered, content_type, nosniff = await _answer(method, base + path)
    assert answered == status
    if kind is not None:
        assert content_type == kind
    assert nosniff == "nosniff"


async def test_the_unsubscribe_pages_say_nosniff(served):
    _, link = served
    assert await _answer("GET", link) == (200, "text/html", "nosniff")
    assert await _answer("POST", link, data={"List-Unsubscribe": "One-Click"}) == (200, "text/html", "nosniff")


async def test_a_refused_token_and_too_many_of_them_say_nosniff(served):
    base, _ = served
    wrong = {"Authorization": "Bearer wrong"}
    assert await _answer("POST", base + "/subscriptions", json={}, headers=wrong) == (401, "application/json", "nosniff")
    assert await _answer("POST", base + "/subscriptions", json={}, headers=wrong) == (429, "application/json", "nosniff")


async def test_a_redis_outage_and_an_unexpected_error_say_nosniff(settings):
    async def unreachable() -> None:
        raise RedisConnectionError("refused")

    async def broken() -> None:
        raise RuntimeError("a bug")

    routes = Routes()
    routes.add_api_route("/unreachable", unreachable, methods=["GET"])
    routes.add_api_route("/broken", broken, methods=["GET"])
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes(routes)
    await server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        assert await _answer("GET", base + "/unreachable") == (503, "application/json", "nosniff")
        status, _, nosniff = await _answer("GET", base + "/broken")
        assert (status, nosniff) == (500, "nosniff")
    finally:
        await server.stop()
