"""Every pydantic message that reaches a person (an API body, a dead letter's reason, a command's error, a log
line) is worded by one helper: a validator's own words, never pydantic's "Value error, " before them."""

import json
import logging
from datetime import datetime, timezone

import pytest
from pydantic import BaseModel, field_validator

from schemas import EventError, data_schema_uri, decode_event
from services.ingest.errors import ContentError
from services.ingest.files import ReleaseFileError, parse_release
from services.ingest.search import parse_search_page
from services.notifier.quarantine import isolate
from services.notifier.reminder_migration import _read
from services.notifier.subscriptions import Subscription


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


class _Model(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def _named(cls, name: str) -> str:
        raise ValueError("a name is wanted\n  on one line")


def _sub(sub_id: str) -> Subscription:
    return Subscription.model_validate({"id": sub_id, "channels": ["console"]})


def test_a_subscription_set_aside_by_a_validation_error_is_told_on_one_line_in_the_validators_words():
    def step(sub: Subscription) -> None:
        if sub.id == "bad":
            _Model(name="x")

    _, (quarantined,) = isolate([_sub("good"), _sub("bad")], "matching", step)
    assert quarantined.reason == "matching failed: invalid _Model: name: a name is wanted on one line"
    _, (other,) = isolate([_sub("bad")], "matching", lambda sub: 1 / 0)
    assert other.reason == "matching failed: ZeroDivisionError: division by zero"


def test_a_stored_reminder_that_cannot_be_read_is_logged_on_one_line_in_the_validators_words(caplog):
    found: dict = {}
    with caplog.at_level(logging.ERROR, logger="services.notifier.reminder_migration"):
        _read(found, "r1", lambda: _Model(name="x"), now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert found == {}
    assert caplog.messages == ["reminder 'r1' stored by an earlier version cannot be read (invalid _Model: name: a "
                               "name is wanted on one line); left as it is"]
