"""Shared fixtures: a real Redis for the session, and per-test keys under a unique prefix.

The session starts its own embedded redis-server (services/common/embedded_redis.py) so
the tests never depend on, or disturb, a Redis already on the machine. Set
PLEDGEWATCH_TEST_REDIS_URL to run them against another server instead.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from pathlib import Path

import pytest
import redis
from hypothesis import settings as hypothesis_settings

from services.common.embedded_redis import EmbeddedRedis, free_port
from services.common.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
API_TOKEN = "test-api-token-0123456789abcdef"  # every write to the HTTP APIs sends it (see api_headers)

# Hypothesis: "ci" (the default) keeps the suite near a minute; HYPOTHESIS_PROFILE=long runs every
# property and fuzz test without an explicit example count 50 times longer. No per-example deadline:
# properties check what comes out, not how fast, and a loaded machine made slow examples fail.
hypothesis_settings.register_profile("ci", max_examples=100, deadline=None)
hypothesis_settings.register_profile("long", max_examples=5000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_report_header() -> str:
    """Which build of the classifier's core the tests run against (setup.py)."""
    from services.classifier.core import build

    return f"classifier core: {build()} build"


@pytest.hookimpl(hookwrapper=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: object):  # type: ignore[no-untyped-def]
    """When a test times out while an event loop runs, print where each of its tasks waits (pytest-timeout
    prints the threads only, and a hung coroutine shows there as the loop's select)."""
    outcome = yield
    handler = signal.getsignal(signal.SIGALRM)
    if not callable(handler):
        return outcome

    def dump_tasks_then_fail(signum, frame):  # type: ignore[no-untyped-def]
        try:
            tasks = asyncio.all_tasks(asyncio.get_running_loop())
        except RuntimeError:  # no loop running: nothing to add
            tasks = set()
        for task in tasks:
            print(f"~~~~~~~~~~ asyncio task {task.get_name()} ~~~~~~~~~~", file=sys.stderr)
            for line in _awaiting(task.get_coro()):
                print(line, file=sys.stderr)
        handler(signum, frame)

    signal.signal(signal.SIGALRM, dump_tasks_then_fail)


def _awaiting(coro: object) -> list[str]:
    """Where a suspended coroutine waits, outermost first, through what each awaits (a task's own stack
    shows only its outermost frame)."""
    lines = []
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None) or getattr(coro, "ag_frame", None)
        if frame is not None:
            lines.append(f"  {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None) or getattr(coro, "ag_await", None)
    return lines


@asynccontextmanager
async def served(app: object) -> AsyncIterator[int]:
    """The port of ``app`` (an aiohttp ``web.Application``) served on 127.0.0.1 for the block."""
    from aiohttp import web

    assert isinstance(app, web.Application)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary pledgewatch data folder for every test, never the user's: PLEDGEWATCH_HOME for this
    process and the commands it starts, and XDG_DATA_HOME (where the default folder lies on Linux) for a
    command started with the PLEDGEWATCH_ variables removed."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PLEDGEWATCH_HOME", str(home / "pledgewatch"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    monkeypatch.delenv("PLEDGEWATCH_DATA_DIR", raising=False)
    return home / "pledgewatch"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("PLEDGEWATCH_TEST_REDIS_URL")
    if external:
        yield external
        return
    with EmbeddedRedis(tmp_path_factory.mktemp("redis"), appendonly=False) as url:
        yield url


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def settings(redis_url: str, key_prefix: str, tmp_path: Path) -> Settings:
    """Settings for one test: its own key prefix, data folder and a free HTTP port."""
    return Settings(
        redis_url=redis_url, prefix=key_prefix, data_dir=tmp_path / "data", watch=[],
        http_port=0, poll_seconds=0.1, claim_idle_ms=500, max_deliveries=3, webhook_timeout=2.0,
        consumer=f"test-{uuid.uuid4().hex[:6]}", subscriptions=None,
        allow_private_targets=["127.0.0.0/8", "::1"],  # the tests' receivers listen on loopback
        api_token=API_TOKEN,
    )


@pytest.fixture
def api_headers(settings: Settings) -> dict[str, str]:
    """What a client of the HTTP APIs sends to write: ``Authorization: Bearer <the test token>``."""
    return {"Authorization": f"Bearer {settings.api_token_value}"}


@pytest.fixture
def frozen_port() -> Iterator[int]:
    """A port that takes connections and never answers (the kernel accepts them; nobody reads): a frozen Redis,
    a stopped process's HTTP API."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield listener.getsockname()[1]
    listener.close()


@pytest.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[tuple[EmbeddedRedis, str]]:
    """A Redis of the test's own, to stop or to freeze (:func:`frozen`); the server and its URL."""
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False, port=free_port())
    url = await server.start_from_loop()
    yield server, url
    if server.pid is not None:
        os.kill(server.pid, signal.SIGCONT)
    await asyncio.to_thread(server.stop)


@contextmanager
def _frozen(server: EmbeddedRedis) -> Iterator[None]:
    os.kill(server.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.pid, signal.SIGCONT)


@pytest.fixture
def frozen() -> Callable[[EmbeddedRedis], AbstractContextManager[None]]:
    """``with frozen(server):`` Redis stopped (SIGSTOP: its connections stay open, nothing is answered) inside the
    block."""
    return _frozen


@pytest.fixture
def seed_file() -> Path:
    return ROOT / "seeds" / "2017-11-29-uk-counterterror-iraq.txt"


@pytest.fixture
def docs_example():
    """``docs_example("verify_webhook")``: the module ``docs/examples/<name>.py``, loaded as a reader would."""
    def load(name: str):
        spec = importlib.util.spec_from_file_location(f"{name}_example", ROOT / "docs" / "examples" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return load


def _fixture_server_class():
    """``tests/fixtures/govuk/fixture_server.py``'s FixtureServer (a script, so loaded by path)."""
    name = "pledgewatch_govuk_fixture_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "fixtures" / "govuk" / "fixture_server.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name].FixtureServer


@pytest.fixture
async def govuk() -> AsyncIterator[object]:
    """A local stand-in for GOV.UK on 127.0.0.1 (feeds, Content API, Search API)."""
    server = _fixture_server_class()(items=0)
    await server.start()
    yield server
    await server.stop()


class ContractSchemas:
    """The committed JSON Schemas (``schemas/json``), each found by its ``$id``, checked with ``jsonschema``."""

    def __init__(self) -> None:
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource

        from schemas.generate import JSON_DIR

        self.documents = {}
        for path in sorted(JSON_DIR.rglob("*.json")):
            document = json.loads(path.read_text())
            self.documents[document["$id"]] = document
        self.registry = Registry().with_resources(
            (uri, Resource.from_contents(doc)) for uri, doc in self.documents.items())
        self._validator = Draft202012Validator

    def errors(self, uri: str, instance: object) -> list[str]:
        """Every way ``instance`` breaks the schema ``uri`` (empty when it is valid)."""
        validator = self._validator(self.documents[uri], registry=self.registry,
                                    format_checker=self._validator.FORMAT_CHECKER)
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                for e in validator.iter_errors(instance)]

    def event_errors(self, event: dict) -> list[str]:
        """An event against its type's event schema, and its ``data`` against the schema its ``dataschema``
        names."""
        from schemas import event_schema_uri, event_types

        cls = event_types()[event["type"]]
        errors = self.errors(event_schema_uri(cls.TYPE, cls.SCHEMA_VERSION), event)
        if "dataschema" in event:
            errors += [f"data/{e}" for e in self.errors(event["dataschema"], event["data"])]
        return errors

    def unrequired_fields(self, event: dict) -> list[str]:
        """The path of every field ``event`` carries, at any depth, that its type's event schema leaves optional
        where it stands: what a consumer would code for the absence of."""
        from schemas import event_schema_uri, event_types

        cls = event_types()[event["type"]]
        uri = event_schema_uri(cls.TYPE, cls.SCHEMA_VERSION)
        return unrequired_fields(self._validator(self.documents[uri], registry=self.registry), event)


def unrequired_fields(validator, instance: object) -> list[str]:
    """The path of every field ``instance`` carries, at any depth, that ``validator``'s schema leaves optional where
    it stands (a field one ``anyOf`` branch requires counts as required)."""
    found: list[str] = []

    def walk(schema: dict, instance: object, path: str, resolver) -> None:
        if "$ref" in schema:
            resolved = resolver.lookup(schema["$ref"])
            schema, resolver = {**schema, **resolved.contents}, resolved.resolver
        for branch in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
            if validator.evolve(schema=branch, _resolver=resolver).is_valid(instance):
                walk(branch, instance, path, resolver)
        if isinstance(instance, dict) and "properties" in schema:
            required = {*schema.get("required", ()),
                        *(name for branch in schema.get("anyOf", []) for name in branch.get("required", ()))}
            for name, value in instance.items():
                if name in schema["properties"]:
                    if name not in required:
                        found.append(f"{path}/{name}")
                    walk(schema["properties"][name], value, f"{path}/{name}", resolver)
        if isinstance(instance, list) and isinstance(schema.get("items"), dict):
            for index, item in enumerate(instance):
                walk(schema["items"], item, f"{path}/{index}", resolver)

    walk(validator.schema, instance, "", validator._resolver)
    return sorted(set(found))


def documented_answer(document: dict, method: str, path: str, status: str = "200"):  # type: ignore[no-untyped-def]
    """A validator of the answer ``document`` (an ``/openapi.json``) documents for ``method path`` with ``status``;
    with :func:`unrequired_fields`, what a client generated from it codes for."""
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    schema = document["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
    return Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]}, registry=registry)


# The answer headers a client reads (a feed's validators, a 401's challenge, a CSV page's next page and file name):
# each served must be documented beside the answer that carries it, or a client generated from the document
# does not read it.
READ_HEADERS = frozenset({"etag", "last-modified", "cache-control", "www-authenticate", "retry-after", "location",
                          "link", "content-disposition"})


def undocumented_headers(document: dict, method: str, path: str, status: int, served: object) -> list[str]:
    """``method path status name`` for each of :data:`READ_HEADERS` among ``served`` (an answer's header names)
    that ``document`` (``/openapi.json``) does not give that operation's answer of ``status``."""
    answer = document["paths"][path][method]["responses"][str(status)]
    documented = {name.lower() for name in answer.get("headers", {})}
    return [f"{method} {path} {status} {name}" for name in sorted({str(h).lower() for h in served} & READ_HEADERS)
            if name not in documented]


async def document_and_answer(session, method: str, path: str) -> tuple[dict, int, object]:  # type: ignore[no-untyped-def]
    """What ``session`` (an aiohttp session on a server's base URL, or given whole URLs) reads: ``/openapi.json``,
    then the status and JSON answer of ``method path``."""
    async with session.get("/openapi.json") as resp:
        document = await resp.json()
    async with session.request(method, path) as resp:
        return document, resp.status, await resp.json()


@pytest.fixture(scope="session")
def contract_schemas() -> ContractSchemas:
    return ContractSchemas()


class DocumentedBody:
    """The request body ``/openapi.json`` documents for one operation, judging a body as a client generated from
    the document would (formats checked)."""

    def __init__(self, document: dict, method: str, path: str) -> None:
        from jsonschema import Draft202012Validator
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        schema = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
        self._name = f"{method.upper()} {path}"
        self._validator = Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]}, registry=registry,
                                               format_checker=Draft202012Validator.FORMAT_CHECKER)

    def problems(self, body: object) -> list[str]:
        """Every way ``body`` breaks the documented schema (empty when it is valid)."""
        return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
                for e in self._validator.iter_errors(body)]

    def __repr__(self) -> str:  # short, as Hypothesis prints its arguments
        return f"DocumentedBody({self._name!r})"


@pytest.fixture
def documented_body() -> Callable[[str, str, str], Awaitable[DocumentedBody]]:
    """``await documented_body(server, "post", "/releases")``: that operation's body as ``server``'s
    ``/openapi.json`` documents it."""
    import aiohttp

    async def read(server: str, method: str, path: str) -> DocumentedBody:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{server}/openapi.json") as resp:
                return DocumentedBody(await resp.json(), method, path)
    return read


@pytest.fixture
async def browser():
    """Debian's chromium, headless, through Playwright. Without it the test skips, saying how to install it,
    unless PLEDGEWATCH_REQUIRE_BROWSER=1 (CI), where a missing browser fails it."""
    from services.dashboard.browser import CHROMIUM_ARGS, INSTALL_HINT, chromium_path

    path = chromium_path()
    if path is None:
        if os.environ.get("PLEDGEWATCH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no Chromium for the browser tests: {INSTALL_HINT}")
        pytest.skip(f"no Chromium: {INSTALL_HINT}")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        yield launched
        await launched.close()
