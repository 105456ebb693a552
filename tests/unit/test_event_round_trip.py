"""Every event survives its own wire format: ``decode_event(event.to_json()) == event``."""

import json
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import PeriodDeadline, ReleaseClassifiedEvent, ReleasePublished, decode_event, event_types
from services.classifier.core.classifier import classify
from services.notifier.digest import Digest
from services.notifier.messages import message_json

from model_strategies import for_model, for_type

_TEXT = st.text(max_size=20)
_NON_EMPTY = st.text(min_size=1, max_size=20)  # CloudEvents: id and source are non-empty


def _events_of(cls):
    data_type = cls.model_fields["data"].annotation
    return st.builds(
        lambda data, id, source, time, subject: cls.wrap(data, id=id, source=source, time=time, subject=subject),
        for_model(data_type), _NON_EMPTY, _NON_EMPTY, for_type(datetime), st.none() | _TEXT,
    )


@pytest.mark.parametrize("event_type", sorted(event_types()))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_event_type_decodes_to_what_was_encoded(event_type, data):
    event = data.draw(_events_of(event_types()[event_type]))
    assert decode_event(event.to_json()) == event


def test_a_vague_period_keeps_its_null_end_on_the_wire():
    """A required field whose value is None must stay in the JSON, or the event no longer decodes."""
    release = ReleasePublished(
        release_id="rel-vague", version=1, url="https://www.gov.uk/test", title="Guidance",
        published_at=datetime(2020, 3, 1, tzinfo=timezone.utc), source="test", content_hash="sha256:" + "0" * 64,
        body="The department will publish new guidance for schools over the coming weeks.",
    )
    event = ReleaseClassifiedEvent.wrap(classify(release), id="rel-vague/v1/classified", source="/test",
                                        time=release.published_at, subject=release.release_id)
    periods = [d for c in event.data.commitments for d in c.deadlines if isinstance(d, PeriodDeadline)]
    assert periods and periods[0].end is None
    assert decode_event(event.to_json()) == event
    assert json.loads(event.to_json())["data"]["commitments"][0]["deadlines"][0]["end"] is None


def test_an_absent_subject_is_left_out_of_the_envelope():
    # pledgewatch writes every event with a subject; one read without (another producer's) is written back without
    cls = event_types()["pledgewatch.dead_letter"]
    data_type = cls.model_fields["data"].annotation
    letter = data_type(stream="s", payload={}, reason="r", deliveries=0, at=datetime(2020, 1, 1, tzinfo=timezone.utc))
    event = cls(id="x", source="/t", type=cls.TYPE, dataschema=cls.data_schema(), time=letter.at, data=letter)
    wire = json.loads(event.to_json())
    assert "subject" not in wire


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(digest=for_model(Digest))
def test_a_digest_webhook_body_carries_its_alerts_whole(digest):
    """Each alert in a digest body validates as the alert contract, null fields included."""
    body = json.loads(message_json(digest))
    assert Digest.model_validate(body["data"]) == digest


@pytest.mark.parametrize("event_type", sorted(event_types()))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_events_wire_text_leaves_out_only_its_absent_attributes(event_type, data):
    """Each absent optional attribute left out (by its own ``exclude_if``), every other attribute written in the
    model's order, ``data`` whole with its nulls."""
    event = data.draw(_events_of(event_types()[event_type]))
    event = event.model_copy(update=data.draw(st.sampled_from(
        [{}, {"dataschema": None}, {"schemaversion": 1, "dataschema": None}, {"subject": None}])))
    absent = {name for name in ("subject", "dataschema", "schemaversion") if getattr(event, name) is None}
    wire = json.loads(event.to_json())
    assert list(wire) == [name for name in type(event).model_fields if name not in absent]
    assert wire["data"] == json.loads(event.data.model_dump_json())
    assert event.to_json() == event.model_dump_json().encode()


def test_an_events_extension_attributes_are_written_after_its_own():
    event = decode_event(json.dumps({
        "specversion": "1.0", "id": "r/v1", "source": "/ingest", "type": "pledgewatch.release.published",
        "time": "2017-11-29T10:00:00Z", "subject": "r", "traceparent": "00-abc-def-01",
        "dataschema": "https://pledgewatch.org/schemas/pledgewatch.release.published/v1/data.json",
        "data": json.loads(ReleasePublished(
            release_id="r", version=1, url="https://www.gov.uk/r", title="T", body="Text.",
            published_at=datetime(2017, 11, 29, tzinfo=timezone.utc), source="gov.uk",
            content_hash="sha256:" + "0" * 64).model_dump_json())}))
    wire = json.loads(event.to_json())
    assert list(wire)[-1] == "traceparent" and "schemaversion" not in wire
    assert decode_event(event.to_json()) == event
