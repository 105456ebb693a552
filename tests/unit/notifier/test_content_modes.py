"""A CloudEvent as an HTTP request in both content modes, read back by the CloudEvents SDK to the same event."""

import json
from datetime import datetime, timezone

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http
from cloudevents.core.formats.json import JSONFormat

from schemas import DeadLetter, DeadLetterEvent, decode_event
from services.notifier.channels.content_modes import STRUCTURED_CONTENT_TYPE, binary, encode, structured

AT = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def _event(subject="rel-1", **extensions):
    letter = DeadLetter(stream="pledgewatch:releases", payload={"__data__": "{}"}, reason="r", deliveries=1, at=AT)
    event = DeadLetterEvent.wrap(letter, id="d-1", source="/pledgewatch/ingest", time=AT, subject=subject)
    return decode_event(json.dumps({**json.loads(event.to_json()), **extensions}))


def test_structured_mode_is_the_whole_event_as_cloudevents_json():
    event = _event()
    headers, body = structured(event)
    assert headers == {"Content-Type": STRUCTURED_CONTENT_TYPE}
    assert body == event.to_json()


@pytest.mark.parametrize("subject", [
    pytest.param("rel-1", id="plain"),
    pytest.param('a "quoted" 100% subject', id="space-quote-percent"),
    pytest.param("Département — été", id="non-ascii"),
])
def test_binary_mode_headers_are_percent_encoded_and_read_back_whole(subject):
    event = _event(subject, traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", sampled=True)
    headers, body = binary(event)
    assert all(value.isascii() and " " not in value and '"' not in value for value in headers.values())
    assert headers["Content-Type"] == "application/json"
    assert headers["ce-sampled"] == "true"
    assert json.loads(body) == json.loads(event.to_json())["data"]
    read = from_http(HTTPMessage(headers=headers, body=body), JSONFormat())
    assert read.get_subject() == subject
    assert read.get_extension("traceparent") == event.extensions["traceparent"]
    assert read.get_time() == AT
    assert read.get_dataschema() == event.dataschema


def test_both_modes_carry_the_same_attributes_and_data():
    event = _event(traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    as_structured = from_http(HTTPMessage(*encode(event, "structured")), JSONFormat())
    as_binary = from_http(HTTPMessage(*encode(event, "binary")), JSONFormat())
    assert as_structured.get_attributes() == as_binary.get_attributes()
    assert as_structured.get_data() == as_binary.get_data()
