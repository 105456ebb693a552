"""POST /releases takes exactly the bodies its documented request schema (``/openapi.json``) describes: a body
the schema admits is published (202), one it refuses is refused (422), field by field (Hypothesis)."""

from __future__ import annotations

import json

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

pytestmark = pytest.mark.integration

ABSENT = object()

# Each field's values: good ones, and each way the API refuses one; ABSENT leaves the field out.
FIELDS = {
    "id": [ABSENT, None, "post-1", "rel.2_b-3", " padded-id ", "", "-starts-with-a-dash", "has/a/slash",
           "x" * 200, "x" * 201, 5],
    "url": [ABSENT, None, "https://www.gov.uk/government/news/x", " http://example.org/a b ", "HTTPS://EXAMPLE.ORG",
            "https://user@example.org/x", "ftp://example.org/x", "www.gov.uk/x", "https://", "https:///x",
            "https://:443/x", "", 7],
    "title": [ABSENT, "Port security fund", "  padded  ", "", "   ", 1],
    "body": [ABSENT, "The UK will invest £24m.", "", " \n ", ["a"]],
    "published_at": [ABSENT, "2023-03-14T09:30:00+00:00", "2023-03-14T09:30:00Z", "2023-03-14",
                     "2023-03-14T09:30:00", "yesterday", "2023-13-14", 1678786200, None],
    "source": [ABSENT, None, "gov.uk", "canada.ca (via newswire.ca)", "  padded  ", "x" * 200, "x" * 201, "",
               "   ", "two\nlines", "tab\there", 3],
    "locale": [ABSENT, "en", "fr-CA", " cy ", "english!", "", 3],
    "document_type": [ABSENT, None, "press_release", 2],
    "organisations": [ABSENT, [], ["Home Office"], "Home Office", [1]],
    "withdrawn": [ABSENT, True, False, "yes", 1, None],
    "withdrawn_notice": [ABSENT, None, "Replaced.", 2],
    "colour": [ABSENT, "red"],  # a field the API does not know: ignored, as a .json release file's
}


RELEASE = {"url": "https://www.gov.uk/government/news/x", "title": "Port security fund",
           "published_at": "2023-03-14T09:30:00+00:00", "body": "The UK will invest £24m."}


def _body(changes: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in {**RELEASE, **changes}.items() if value is not ABSENT}


# A good release with one to three of its fields changed, so that bodies either side of every rule come up.
_BODIES = st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=3, unique=True).flatmap(
    lambda names: st.fixed_dictionaries({name: st.sampled_from(FIELDS[name]) for name in names})).map(_body)


class Documented:
    """POST /releases's URL, and how its documented request body judges a body."""

    def __init__(self, url: str, document: dict) -> None:
        schema = document["paths"]["/releases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
        self.url = url
        self._validator = Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]}, registry=registry,
                                               format_checker=Draft202012Validator.FORMAT_CHECKER)

    def problems(self, body: object) -> list[str]:
        return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
                for e in self._validator.iter_errors(body)]

    def __repr__(self) -> str:
        return f"Documented({self.url!r})"


@pytest.fixture
async def documented(http_service) -> Documented:
    url = http_service[1]
    async with aiohttp.ClientSession() as session:
        async with session.get(url.removesuffix("/releases") + "/openapi.json") as resp:
            return Documented(url, await resp.json())


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=_BODIES)
async def test_a_body_is_taken_exactly_when_its_documented_schema_admits_it(documented, api_headers, body):
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(documented.url, data=json.dumps(body).encode()) as resp:
            status, answer = resp.status, await resp.json()
    documented_problems = documented.problems(body)
    assert status in (202, 409, 422), answer  # 409: an id another source's release has (not a body's shape)
    assert (status != 422) == (documented_problems == []), (body, answer, documented_problems)
