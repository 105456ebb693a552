"""POST /releases takes only http/https URLs and a published_at between 1900 and a day from now, and
answers 503 with a reason and Retry-After, never 500, while Redis cannot be reached."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from schemas.streams import DEAD_LETTERS
from services.common.embedded_redis import EmbeddedRedis
from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.ingest.service import FileRefused, IngestService

pytestmark = pytest.mark.integration

RELEASE = {"url": "https://www.gov.uk/government/news/x", "title": "Port security fund",
           "published_at": "2023-03-14T09:30:00+00:00", "body": "The UK will invest £24m."}
SOON = (datetime.now(timezone.utc) + timedelta(hours=20)).isoformat()


async def _post(url: str, body: dict, auth: dict[str, str]) -> tuple[int, dict, aiohttp.typedefs.LooseHeaders]:
    async with aiohttp.ClientSession(headers=auth) as session:
        async with session.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"}) as resp:
            return resp.status, await resp.json(), resp.headers


@pytest.mark.parametrize(("field", "value", "reason"), [
    pytest.param("url", "javascript:alert(1)", "only http and https URLs are allowed", id="javascript"),
    pytest.param("url", "ftp://files.example.org/release.txt", "only http and https URLs are allowed", id="ftp"),
    pytest.param("url", "file:///etc/passwd", "only http and https URLs are allowed", id="file"),
    pytest.param("url", "https://", "", id="no-host"),
    pytest.param("published_at", "2099-01-01T00:00:00+00:00", "is more than a day after now", id="2099"),
    pytest.param("published_at", "1899-12-31T23:59:59+00:00", "is before 1900-01-01", id="1899"),
    pytest.param("published_at", "0001-01-01T00:00:00+00:00", "is before 1900-01-01", id="year-1"),
])
async def test_bad_url_or_date_is_refused_with_a_reason_and_dead_lettered(http_service, streams, published,
                                                                       field, value, reason, api_headers):
    _, url = http_service
    status, answer, _ = await _post(url, {**RELEASE, field: value}, api_headers)
    assert status == 422 and any(e["field"] == field and reason in e["message"] for e in answer["errors"]), answer
    assert await published() == []
    assert await streams.client.xlen(streams.key(DEAD_LETTERS)) == 1


async def test_a_key_given_twice_is_refused_and_dead_lettered_not_read_as_its_last_value(http_service, streams,
                                                                                      published, api_headers):
    """Before: ``"url"`` given twice published the release under the second, the first dropped without a word."""
    _, url = http_service
    body = json.dumps(RELEASE)[:-1] + ', "url": "https://www.gov.uk/government/news/y"}'
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(url, data=body.encode()) as resp:
            assert (resp.status, await resp.json()) == (422, {"errors": [{"field": "url", "message": (
                "key 'url' given twice in one object: give each key once")}]})
    assert await published() == []
    [(_, letter)] = await streams.client.xrange(streams.key(DEAD_LETTERS))  # the body kept, with the reason
    assert b"key 'url' given twice" in b"".join(letter.values()) and b"news/y" in b"".join(letter.values())


async def test_a_withdrawal_notice_without_withdrawn_is_refused_not_published_live(http_service, streams, published,
                                                                                   api_headers):
    """Before: answered 202 and published the release live, the notice dropped: a client meaning to withdraw it
    was told it had published, and its subscribers kept every reminder."""
    _, url = http_service
    status, answer, _ = await _post(url, {**RELEASE, "withdrawn_notice": "Published in error."}, api_headers)
    assert (status, answer) == (422, {"errors": [{"field": "withdrawn_notice", "message": (
        'a notice alone withdraws nothing: add "withdrawn": true to withdraw the release, or leave the notice out')}]})
    assert await published() == []
    assert await streams.client.xlen(streams.key(DEAD_LETTERS)) == 1


@pytest.mark.parametrize("when", ["1900-01-01T00:00:00+00:00", SOON, "2023-03-14T09:30:00-05:00"])
async def test_dates_within_the_bounds_are_taken(http_service, published, when, api_headers):
    _, url = http_service
    status, answer, _ = await _post(url, {**RELEASE, "published_at": when, "url": "http://example.org/r"}, api_headers)
    assert status == 202, answer


async def test_redis_down_answers_503_with_a_reason_and_retry_after(settings, ingest_settings, tmp_path,
                                                                    api_headers):
    redis = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    redis_url = redis.start()
    service = IngestService(settings.model_copy(update={"redis_url": redis_url}), watch=[], ingest=ingest_settings,
                            sources=[])
    await service.start()
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes(service.routes())
    await server.start()
    try:
        redis.stop()
        for body in (RELEASE, {**RELEASE, "published_at": "not a date"}):  # a publish, and a dead letter
            status, answer, headers = await _post(f"http://127.0.0.1:{server.port}/releases", body, api_headers)
            assert status == 503, answer
            assert answer["errors"][0]["message"].startswith("service unavailable: cannot reach Redis")
            assert int(headers["Retry-After"]) > 0
    finally:
        await server.stop()
        await service.stop()
        redis.stop()


async def test_folder_file_dated_2099_is_dead_lettered_not_retried_forever(http_service, streams, published,
                                                                         tmp_path):
    service, _ = http_service
    path = tmp_path / "2099-01-01-ports.txt"
    path.write_text("Ports plan\n\nThe ministry will act by 2025.\n")
    refused = await service.ingest_file(path)
    assert isinstance(refused, FileRefused)
    assert refused.reason.startswith(f"{path}: published_at 2099-01-01T00:00:00+00:00 is more than a day after now (")
    letters = await streams.client.xrange(streams.key(DEAD_LETTERS))
    assert len(letters) == 1 and b"is more than a day after now" in letters[0][1][b"__data__"]
    assert await published() == []


@pytest.mark.parametrize(("field", "value", "reason"), [
    pytest.param("withdrawn", "yes", "withdrawn: Input should be a valid boolean", id="withdrawn-yes"),
    pytest.param("withdrawn", "true", "withdrawn: Input should be a valid boolean", id="withdrawn-true-string"),
    pytest.param("withdrawn", 1, "withdrawn: Input should be a valid boolean", id="withdrawn-one"),
    pytest.param("published_at", 1678786200, "published_at: ", id="published-at-a-number"),
    pytest.param("published_at", "1678786200", "published_at: ", id="published-at-digits"),
    pytest.param("organisations", ["Home Office", 7], "organisations.1: Input should be a valid string",
                 id="organisation-a-number"),
])
async def test_a_field_of_the_wrong_json_type_is_refused_naming_it_not_coerced(http_service, streams, published,
                                                                               field, value, reason, api_headers):
    _, url = http_service
    status, answer, _ = await _post(url, {**RELEASE, field: value}, api_headers)
    assert status == 422 and any(line.startswith(reason) for line in [f"{e['field']}: {e['message']}" for e in answer["errors"]]), answer
    assert await published() == []
    assert await streams.client.xlen(streams.key(DEAD_LETTERS)) == 1


async def test_json_types_as_documented_are_taken(http_service, published, api_headers):
    _, url = http_service
    body = {**RELEASE, "withdrawn": True, "withdrawn_notice": "Superseded", "organisations": ["Home Office"]}
    status, answer, _ = await _post(url, body, api_headers)
    assert status == 202, answer
    [release] = await published()
    assert (release.withdrawn, release.published_at) == (True, datetime(2023, 3, 14, 9, 30, tzinfo=timezone.utc))


@pytest.mark.parametrize("body", [[RELEASE], "a release", 7, None, True])
async def test_a_body_that_is_json_but_no_object_is_told_what_a_release_is(http_service, streams, published, body,
                                                                           api_headers):
    """Before: "request body: Input should be a valid dictionary or instance of ReleaseInput"."""
    _, url = http_service
    status, answer, _ = await _post(url, body, api_headers)
    assert (status, answer) == (422, {"errors": [{"field": "request body", "message":
        'not a JSON object; a release is {"title": …, "published_at": …, "body": …}'}]})
    assert await published() == []
    assert await streams.client.xlen(streams.key(DEAD_LETTERS)) == 1
