"""POST /releases takes exactly the bodies its documented request schema (``/openapi.json``) describes: a body
the schema admits is published (202), one it refuses is refused (422), field by field (Hypothesis)."""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings

from tests.documented_bodies import ABSENT, assert_taken_as_documented, changed_bodies

pytestmark = pytest.mark.integration

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


_BODIES = changed_bodies(RELEASE, FIELDS, most=3)


@pytest.fixture
async def documented(http_service, documented_body):
    url = http_service[1]
    return url, await documented_body(url.removesuffix("/releases"), "post", "/releases")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=_BODIES)
async def test_a_body_is_taken_exactly_when_its_documented_schema_admits_it(documented, api_headers, body):
    await assert_taken_as_documented(*documented, api_headers, body, taken=(202, 409))  # 409: an id another source's release has, not a shape
