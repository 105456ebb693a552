"""Every pydantic message that reaches a person (an API body, a dead letter's reason, a command's error, a log
line) is worded by one helper: a validator's own words, never pydantic's "Value error, " before them."""

import json

import pytest

from schemas import EventError, data_schema_uri, decode_event
from services.ingest.errors import ContentError
from services.ingest.files import ReleaseFileError, parse_release
from services.ingest.search import parse_search_page


def _release_event(**extra):
    return json.dumps({
        "specversion": "1.0", "id": "rel-1/v1", "source": "/test", "type": "pledgewatch.release.published",
        "dataschema": data_schema_uri("pledgewatch.release.published", 1), "time": "2017-11-29T10:00:00Z",
        "data": {"release_id": "rel-1", "version": 1, "url": "https://example.org/r", "title": "T",
                 "published_at": "2017-11-29T00:00:00+00:00", "source": "test", "body": "We will act.",
                 "content_hash": "sha256:" + "0" * 64},
    } | extra)


def test_an_event_a_validator_refuses_is_dead_lettered_with_the_validators_words():
    with pytest.raises(EventError) as refused:
        decode_event(_release_event(**{"Bad-Name": "x"}))
    assert "'Bad-Name' is not a CloudEvents attribute name (a-z, 0-9)" in str(refused.value)
    assert "Value error" not in str(refused.value)


def test_a_search_page_that_is_none_names_the_field_at_fault():
    with pytest.raises(ContentError) as refused:
        parse_search_page({"results": [], "total": -1}, url="https://www.gov.uk/api/search.json")
    assert str(refused.value) == ("https://www.gov.uk/api/search.json: not a Search API page "
                                  "(total: Input should be greater than or equal to 0)")


def test_a_release_file_a_validator_refuses_says_the_validators_words(tmp_path):
    path = tmp_path / "r.json"
    raw = json.dumps({"id": "a b", "title": "T", "published_at": "2024-01-01T00:00:00Z", "body": "B"}).encode()
    with pytest.raises(ReleaseFileError) as refused:
        parse_release(path, raw)
    assert str(refused.value).startswith(f"{path}: id: ") and "Value error" not in str(refused.value)
