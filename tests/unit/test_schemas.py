"""The committed JSON Schemas match the models, and events decode strictly."""

import json
from datetime import datetime, timezone

import pytest

from schemas import EventError, ReleaseClassified, ReleasePublishedEvent, decode_event
from schemas.generate import committed as committed_schemas
from schemas.generate import render_all


def test_committed_json_schemas_match_the_models():
    wanted = render_all()
    committed = committed_schemas()
    assert committed.keys() == wanted.keys(), "run `make schemas`"
    for name, text in wanted.items():
        assert committed[name] == text, f"{name} drifted from its model: run `python -m schemas.generate`"


def _release_event(**overrides):
    """A release event as written before ``dataschema``: the version in ``schemaversion``."""
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


def _current_release_event(**overrides):
    event = json.loads(_release_event())
    del event["schemaversion"]
    event["dataschema"] = ReleasePublishedEvent.data_schema()
    event.update(overrides)
    return json.dumps(event)


def test_a_new_event_names_its_data_schema_and_no_schema_version():
    event = decode_event(_current_release_event())
    wire = json.loads(event.to_json())
    assert wire["dataschema"] == "https://pledgewatch.org/schemas/pledgewatch.release.published/v1/data.json"
    assert "schemaversion" not in wire


def test_an_event_written_before_dataschema_still_decodes_and_keeps_its_attribute():
    event = decode_event(_release_event())
    assert event.schemaversion == 1 and event.dataschema is None
    assert json.loads(event.to_json())["schemaversion"] == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param(_current_release_event(dataschema="https://pledgewatch.org/schemas/"
                                            "pledgewatch.release.published/v2/data.json"),
                     "unknown dataschema", id="unknown-dataschema"),
        pytest.param(_current_release_event(schemaversion=2), "unknown schema version 2", id="disagreeing-version"),
        pytest.param(_current_release_event(dataschema=None), "no dataschema", id="no-version-at-all"),
        pytest.param(_current_release_event(id=""), "invalid pledgewatch.release.published: id", id="empty-id"),
        pytest.param(_current_release_event(Trace="x"), "not a CloudEvents attribute name", id="bad-extension-name"),
        pytest.param(_current_release_event(Trace=None), "not a CloudEvents attribute name",
                     id="bad-extension-name-null"),  # the JSON Schema's propertyNames refuses it too
        pytest.param(_current_release_event(depth=1.5), "must be a string, integer or boolean",
                     id="float-extension"),
    ],
)
def test_events_of_an_unknown_data_schema_or_bad_attributes_are_rejected(raw, reason):
    with pytest.raises(EventError) as caught:
        decode_event(raw, expect=(ReleasePublishedEvent,))
    assert reason in str(caught.value)


def test_extension_attributes_are_accepted_and_kept():
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    event = decode_event(_current_release_event(traceparent=traceparent, sampled=True, hops=2, gone=None))
    assert event.extensions == {"traceparent": traceparent, "sampled": True, "hops": 2}
    assert decode_event(event.to_json()) == event


def _alert_event(**overrides):
    """An alert as the notifier wrote it at data schema v1, before ``changes``."""
    event = {
        "specversion": "1.0", "id": "a1", "source": "/pledgewatch/notifier", "type": "pledgewatch.alert",
        "dataschema": "https://pledgewatch.org/schemas/pledgewatch.alert/v1/data.json",
        "time": "2017-11-29T10:00:00Z", "datacontenttype": "application/json",
        "data": {
            "alert_id": "new-1", "subscription_id": "desk", "kind": "new", "commitments": [], "reminder": None,
            "changed": [], "elapsed": [], "created_at": "2017-11-29T10:00:00Z",
            "release": {"release_id": "rel-1", "version": 1, "title": "T", "url": "https://example.org/r",
                        "published_at": "2017-11-29T00:00:00+00:00", "source": "test"},
        },
    }
    event.update(overrides)
    return json.dumps(event)


def test_an_alert_of_data_schema_v1_still_decodes_and_alerts_are_written_at_v6():
    from schemas.alerts import AlertEvent

    event = decode_event(_alert_event())
    assert isinstance(event, AlertEvent) and event.data.changes == [] and event.data.reannounced == []
    assert AlertEvent.data_schema() == "https://pledgewatch.org/schemas/pledgewatch.alert/v6/data.json"
    assert decode_event(_alert_event(dataschema=None, schemaversion=1)).data.changes == []


def test_an_alert_or_digest_of_data_schema_v5_still_decodes_without_cancelled_reminders():
    from schemas.digest import DigestEvent

    v5 = json.loads(_alert_event(dataschema="https://pledgewatch.org/schemas/pledgewatch.alert/v5/data.json"))
    assert decode_event(json.dumps(v5)).data.cancelled_reminders == []
    digest = {**v5, "type": DigestEvent.TYPE, "id": "digest-1",
              "dataschema": "https://pledgewatch.org/schemas/pledgewatch.digest/v5/data.json",
              "data": {"digest_id": "digest-1", "subscription_id": "s", "since": None,
                       "until": "2017-11-30T08:00:00Z", "alerts": [v5["data"]], "created_at": "2017-11-30T08:00:00Z"}}
    assert decode_event(json.dumps(digest)).data.alerts[0].cancelled_reminders == []


def test_an_alert_of_data_schema_v2_still_decodes_without_reannouncements():
    from schemas.alerts import AlertEvent

    v2 = json.loads(_alert_event(dataschema="https://pledgewatch.org/schemas/pledgewatch.alert/v2/data.json"))
    v2["data"].update(kind="changed", changes=[{"commitment_id": "c2", "previous_id": "c1", "changes": [
        {"field": "money", "before": "£10m", "after": "£8m", "words": "money £10m → £8m"}]}])
    event = decode_event(json.dumps(v2))
    assert isinstance(event, AlertEvent) and event.data.reannounced == []
    assert event.data.changes[0].changes[0].words == "money £10m → £8m"


def test_an_alert_or_digest_of_data_schema_v3_still_decodes_without_a_withdrawal_notice():
    from schemas.digest import DigestEvent

    v3 = json.loads(_alert_event(dataschema="https://pledgewatch.org/schemas/pledgewatch.alert/v3/data.json"))
    v3["data"].update(kind="reannounced", changes=[], reannounced=[])
    assert decode_event(json.dumps(v3)).data.withdrawn_notice is None
    digest = {**v3, "type": DigestEvent.TYPE, "id": "digest-1",
              "dataschema": "https://pledgewatch.org/schemas/pledgewatch.digest/v3/data.json",
              "data": {"digest_id": "digest-1", "subscription_id": "desk", "since": None,
                       "until": "2017-11-30T08:00:00Z", "created_at": "2017-11-30T08:00:00Z", "alerts": [v3["data"]]}}
    assert decode_event(json.dumps(digest)).data.alerts[0].withdrawn_notice is None


def test_a_classified_release_of_data_schema_v1_still_decodes_without_a_withdrawal_notice():
    from schemas import ReleaseClassifiedEvent

    event = json.loads(ReleaseClassifiedEvent.wrap(ReleaseClassified(
        release_id="r", version=2, classifier_version="t", url="https://example.org/r", title="T",
        published_at=datetime(2017, 11, 29, tzinfo=timezone.utc), source="s", withdrawn=True,
        is_counter_terrorism=False, counter_terrorism_score=0.0), id="r/v2", source="/t",
        time=datetime(2017, 11, 29, tzinfo=timezone.utc), subject="r").to_json())
    assert event["dataschema"].endswith("/pledgewatch.release.classified/v2/data.json")
    del event["data"]["withdrawn_notice"]
    event["dataschema"] = "https://pledgewatch.org/schemas/pledgewatch.release.classified/v1/data.json"
    decoded = decode_event(json.dumps(event))
    assert decoded.data.withdrawn and decoded.data.withdrawn_notice is None


@pytest.mark.parametrize(("overrides", "reason"), [
    pytest.param({"dataschema": "https://pledgewatch.org/schemas/pledgewatch.alert/v7/data.json"},
                 "unknown dataschema", id="v7"),
    pytest.param({"schemaversion": 2}, "disagrees with dataschema", id="disagreeing-version"),
    pytest.param({"dataschema": ["v1"]}, "unknown dataschema", id="not-a-string"),
])
def test_an_alert_of_an_unknown_or_contradictory_data_schema_is_refused(overrides, reason):
    with pytest.raises(EventError, match=reason):
        decode_event(_alert_event(**overrides))
