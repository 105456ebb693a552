"""The committed JSON Schemas match the models, and events decode strictly."""

import json

import pytest

from schemas import EventError, ReleasePublishedEvent, decode_event
from schemas.generate import JSON_DIR, render_all


def test_committed_json_schemas_match_the_models():
    wanted = render_all()
    committed = {p.name: p.read_text() for p in JSON_DIR.glob("*.json")}
    assert committed.keys() == wanted.keys(), "run `python -m schemas.generate`"
    for name, text in wanted.items():
        assert committed[name] == text, f"{name} drifted from its model: run `python -m schemas.generate`"


def _release_event(**overrides):
    event = {
        "specversion": "1.0", "id": "rel-1/v1", "source": "/test", "type": "pledgewatch.release.published",
        "schemaversion": 1, "time": "2017-11-29T10:00:00Z", "datacontenttype": "application/json",
        "data": {
            "release_id": "rel-1", "version": 1, "url": "https://example.org/r", "title": "T",
            "published_at": "2017-11-29T00:00:00+00:00", "source": "test", "body": "We will act.",
            "content_hash": "sha256:" + "0" * 64,
        },
    }
    event.update(overrides)
    return json.dumps(event)


def test_a_valid_event_decodes_to_its_class():
    event = decode_event(_release_event(), expect=(ReleasePublishedEvent,))
    assert isinstance(event, ReleasePublishedEvent)
    assert event.data.published_at.tzinfo is not None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param(b"{not json", "not JSON", id="not-json"),
        pytest.param(b"[1, 2]", "not a JSON object", id="not-an-object"),
        pytest.param(_release_event(type="x.unknown"), "unknown event type 'x.unknown'", id="unknown-type"),
        pytest.param(_release_event(schemaversion=2), "unknown schema version 2", id="unknown-version"),
        pytest.param(_release_event(data={"release_id": "r"}), "invalid pledgewatch.release.published: data.",
                     id="missing-fields"),
        pytest.param(b"\xff\xfe", "not JSON", id="not-utf8"),
    ],
)
def test_bad_entries_are_rejected_with_a_reason(raw, reason):
    with pytest.raises(EventError, match=None) as caught:
        decode_event(raw, expect=(ReleasePublishedEvent,))
    assert reason in str(caught.value)


def test_an_event_of_another_type_is_unexpected_on_this_stream():
    from schemas import ReleaseClassifiedEvent

    with pytest.raises(EventError, match="unexpected event type"):
        decode_event(_release_event(), expect=(ReleaseClassifiedEvent,))
