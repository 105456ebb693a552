"""The committed JSON Schemas are draft 2020-12 schemas a standard validator accepts, and every event the
models can make validates against them: the whole event, and its ``data`` against its ``dataschema``."""

import json
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from schemas import event_schema_uri, event_types

from model_strategies import for_model, for_type

_ID = st.text(min_size=1, max_size=20)


def _written(event_type: str, data: st.DataObject) -> dict:
    """Any event of ``event_type`` as pledgewatch writes it (every writer names its subject)."""
    cls = event_types()[event_type]
    body = data.draw(for_model(cls.model_fields["data"].annotation))
    event = cls.wrap(body, id=data.draw(_ID), source=data.draw(_ID), time=data.draw(for_type(datetime)),
                     subject=data.draw(_ID))
    return json.loads(event.to_json())


def test_every_schema_is_a_valid_draft_2020_12_schema(contract_schemas):
    assert len(contract_schemas.documents) == 2 * len(event_types())
    for uri, schema in contract_schemas.documents.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", uri
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("event_type", sorted(event_types()))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_event_validates_against_its_schemas(contract_schemas, event_type, data):
    assert contract_schemas.event_errors(_written(event_type, data)) == []


@pytest.mark.parametrize("event_type", sorted(event_types()))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_field_an_event_is_written_with_is_required_by_its_schema(contract_schemas, event_type, data):
    # A field every event carries, marked optional, makes each consumer code for an absence that never happens.
    assert contract_schemas.unrequired_fields(_written(event_type, data)) == []


def _dead_letter(**changes):
    event = {"specversion": "1.0", "id": "d-1", "source": "/pledgewatch/ingest", "type": "pledgewatch.dead_letter",
             "dataschema": "https://pledgewatch.org/schemas/pledgewatch.dead_letter/v1/data.json",
             "time": "2026-11-24T09:00:00Z", "subject": "pledgewatch:releases", "datacontenttype": "application/json",
             "data": {"stream": "pledgewatch:releases", "payload": {}, "reason": "r", "deliveries": 0,
                      "at": "2026-11-24T09:00:00Z", "entry_id": None, "group": None}}
    event.update(changes)
    return {k: v for k, v in event.items() if v is not ...}


_DEAD_LETTER_SCHEMA = event_schema_uri("pledgewatch.dead_letter", 1)


@pytest.mark.parametrize("event", [
    pytest.param(_dead_letter(), id="as-written"),
    pytest.param(_dead_letter(traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                 id="with-traceparent-extension"),
    pytest.param(_dead_letter(dataschema=..., schemaversion=1), id="written-before-dataschema"),
])
def test_valid_events_validate(contract_schemas, event):
    assert contract_schemas.errors(_DEAD_LETTER_SCHEMA, event) == []


@pytest.mark.parametrize(("event", "complaint"), [
    pytest.param(_dead_letter(specversion=...), "'specversion' is a required property", id="no-specversion"),
    pytest.param(_dead_letter(type=...), "'type' is a required property", id="no-type"),
    pytest.param(_dead_letter(id=...), "'id' is a required property", id="no-id"),
    pytest.param(_dead_letter(source=...), "'source' is a required property", id="no-source"),
    pytest.param(_dead_letter(dataschema=...), "is not valid under any of the given schemas", id="no-version"),
    pytest.param(_dead_letter(dataschema="https://pledgewatch.org/schemas/pledgewatch.dead_letter/v2/data.json"),
                 "was expected", id="other-dataschema"),
    pytest.param(_dead_letter(subject=...), "'subject' is a required property", id="no-subject"),
    pytest.param(_dead_letter(datacontenttype=...), "'datacontenttype' is a required property",
                 id="no-datacontenttype"),
    pytest.param(_dead_letter(data={"stream": "s", "payload": {}, "reason": "r", "deliveries": 0,
                                    "at": "2026-11-24T09:00:00Z"}),
                 "'entry_id' is a required property", id="a-null-field-left-out-of-data"),
    pytest.param(_dead_letter(TraceParent="x"), "does not match", id="extension-name-not-lower-case"),
    pytest.param(_dead_letter(depth={"a": 1}), "is not of type", id="extension-value-an-object"),
    pytest.param(_dead_letter(data={"stream": "s", "payload": {}, "reason": "r", "deliveries": 0,
                                    "at": "2026-11-24T09:00:00Z", "colour": "red"}),
                 "Additional properties are not allowed", id="unknown-field-in-data"),
])
def test_invalid_events_are_refused(contract_schemas, event, complaint):
    errors = contract_schemas.errors(_DEAD_LETTER_SCHEMA, event)
    assert any(complaint in e for e in errors), errors


def test_the_wire_format_example_is_a_whole_valid_event(contract_schemas):
    # docs/CONTRACTS.md's XADD line, copied as it is, must give an entry every reader takes.
    from pathlib import Path

    from schemas import decode_event

    contracts = (Path(__file__).parents[2] / "docs" / "CONTRACTS.md").read_text(encoding="utf-8")
    line = next(line for line in contracts.splitlines() if line.startswith("XADD pledgewatch:releases * __data__ '"))
    raw = line.split(" __data__ ", 1)[1].removeprefix("'").removesuffix("'")
    event = json.loads(raw)
    assert contract_schemas.event_errors(event) == []
    assert decode_event(raw.encode()).data.release_id == event["data"]["release_id"]
