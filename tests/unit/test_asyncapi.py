"""The AsyncAPI document in ``docs/`` is what the services declare, a valid AsyncAPI 3.0 document, and
complete: every stream, every reader and writer, every payload the real model."""

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from schemas import DigestEvent
from schemas.streams import ALL, DEFAULT_PREFIX
from schemas.topology import STREAM_EVENTS, WRITERS
from services.common.asyncapi import DOCS_DIR, build_document, render_files

OFFICIAL_SCHEMA = Path(__file__).parents[1] / "fixtures" / "asyncapi" / "asyncapi-3.0.0.schema.json"


@pytest.fixture(scope="module")
def document():
    return json.loads(json.dumps(build_document()))  # as a consumer reads it


def test_committed_asyncapi_files_match_the_services_and_models():
    for name, text in render_files(build_document()).items():
        committed = (DOCS_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"docs/{name} drifted from the services or models: run `make asyncapi`"


def test_the_document_is_valid_asyncapi_3(document):
    validator = Draft7Validator(json.loads(OFFICIAL_SCHEMA.read_text()))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(document)]
    assert document["asyncapi"] == "3.0.0" and errors == []


def test_an_invalid_document_is_refused_by_the_same_validator(document):
    broken = json.loads(json.dumps(document))
    next(iter(broken["operations"].values()))["action"] = "publish"  # AsyncAPI 2's word
    assert not Draft7Validator(json.loads(OFFICIAL_SCHEMA.read_text())).is_valid(broken)


def _operations(document):
    """``(service, action, stream, payload schema names)`` for every operation."""
    out = set()
    for name, operation in document["operations"].items():
        channel = document["channels"][operation["channel"]["$ref"].rsplit("/", 1)[1]]
        names = set()
        for ref in channel["messages"].values():
            payload = document["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]["payload"]
            schema = document["components"]["schemas"][payload["$ref"].rsplit("/", 1)[1]]
            arms = [payload] if "properties" in schema else schema["anyOf"]  # one event, or a union of them
            names |= {arm["$ref"].rsplit("/", 1)[1] for arm in arms}
        address = channel["address"] or "webhook"  # a webhook's address is each subscriber's URL
        out.add((name.split(":")[0], operation["action"], address.removeprefix(DEFAULT_PREFIX), frozenset(names)))
    return out


def test_every_stream_writer_and_reader_is_there_with_its_events(document):
    operations = _operations(document)
    expected_sends = {(service, "send", stream, frozenset(cls.__name__ for cls in STREAM_EVENTS[stream]))
                      for service, streams in WRITERS.items() for stream in streams}
    expected_sends.add(("notifier", "send", "webhook",
                        frozenset({"AlertEvent", "DigestEvent", "DueThisWeekEvent", "TestNotificationEvent"})))
    assert {op for op in operations if op[1] == "send"} == expected_sends
    assert {op[:3] for op in operations if op[1] == "receive"} == {
        ("classifier", "receive", "releases"), ("notifier", "receive", "classified"), ("ledger", "receive", "classified")}
    assert {op[3] for op in operations if op[2] == "releases"} == {frozenset({"ReleasePublishedEvent"})}
    assert {op[2] for op in operations} == {*ALL, "webhook"}


def test_the_description_names_every_service_and_every_webhook_message(document):
    description = " ".join(document["info"]["description"].split())
    for service in WRITERS:
        assert f"**{service}**" in description, service
    for message in ("alerts", "digests", "the week's deadlines", "test notifications"):
        assert message in description, message
    headers = json.dumps(document["components"]["messages"]["webhook:alert"]["headers"])
    for message in ("alert's", "digest's", "week's deadlines'", "test's"):
        assert message in headers, message


@pytest.mark.parametrize("kind", ["alert", "digest", "due_this_week", "test"])
def test_a_webhooks_id_header_is_required_as_every_post_carries_it(document, kind):
    headers = document["components"]["messages"][f"webhook:{kind}"]["headers"]
    # the timestamp and the signature come with a secret only
    assert headers.get("required") == ["X-Pledgewatch-Alert-Id"]


def test_every_payload_is_the_real_model(document):
    text = json.dumps(document)
    assert "EmptyPayload" not in text and "correlation_id" not in text
    schemas = document["components"]["schemas"]
    for cls in [*(cls for events in STREAM_EVENTS.values() for cls in events), DigestEvent]:
        assert set(schemas[cls.__name__]["properties"]) == set(cls.model_fields), cls.__name__
        assert schemas[cls.__name__]["properties"]["type"]["const"] == cls.TYPE
        data_model = cls.model_fields["data"].annotation
        assert set(schemas[data_model.__name__]["properties"]) == set(data_model.model_fields)


def test_the_html_page_fetches_nothing_and_shows_every_stream_and_event():
    page = (DOCS_DIR / "asyncapi.html").read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|(?:src|href)=\"(?:https?:)?//", page)
    for stream in ALL:
        assert f'id="stream-{DEFAULT_PREFIX}{stream}"' in page
    for cls in [*(cls for events in STREAM_EVENTS.values() for cls in events), DigestEvent]:
        assert f'id="schema-{cls.__name__}"' in page
    assert "X-Pledgewatch-Signature" in page


def test_the_wire_format_names_the_second_field_of_a_dead_letter_entry(document):
    # Before: "each stream entry has exactly one field", while every dead-letters entry also carries `origin`,
    # so a consumer checking the fields by the document refused every dead letter.
    from schemas.streams import DEAD_LETTERS, ORIGIN_FIELD

    description = " ".join(document["info"]["description"].split())
    assert "exactly one field" not in description
    assert f"`{ORIGIN_FIELD}`" in description and f"`{DEAD_LETTERS}`" in description


def test_the_groups_a_run_tidies_are_those_its_services_read(document):
    # A run tidies only these groups (pledgewatch/runner.py): every other group on its Redis is a consumer's own.
    from schemas.streams import GROUPS

    bindings = [(channel.get("bindings") or {}).get("redis", {}) for channel in document["channels"].values()]
    read = {(redis["channel"].removeprefix(DEFAULT_PREFIX), redis["groupName"])
            for redis in bindings if redis.get("method") == "xreadgroup"}
    assert read == {(stream, group) for stream, names in GROUPS.items() for group in names}


# Keywords of JSON Schema drafts after 07: an AsyncAPI 3.0 payload schema (its default schemaFormat, a superset of
# draft 07) does not know them, so a tool reading the document skips each one and what it constrains.
_AFTER_DRAFT_07 = {"prefixItems", "$defs", "dependentRequired", "dependentSchemas", "unevaluatedProperties",
                   "unevaluatedItems", "$anchor", "$dynamicRef", "$dynamicAnchor", "minContains", "maxContains"}


def _keywords(node, inside_properties=False):
    if isinstance(node, dict):
        for key, value in node.items():
            if not inside_properties:
                yield key
            yield from _keywords(value, inside_properties=key == "properties" and not inside_properties)
    elif isinstance(node, list):
        for value in node:
            yield from _keywords(value)


def test_the_payload_schemas_use_only_draft_07_keywords(document):
    assert set(_keywords(document["components"]["schemas"], inside_properties=True)) & _AFTER_DRAFT_07 == set()


def test_a_span_is_two_offsets_to_a_tool_reading_the_document_as_draft_07(document):
    # Before: a span was written with 2020-12's prefixItems, which a draft-07 reader skips: any two values passed.
    evidence = {"allOf": [{"$ref": "#/components/schemas/Evidence"}], "components": document["components"]}
    validator = Draft7Validator(evidence)
    assert validator.is_valid({"term": "Daesh", "span": [186, 191]})
    assert not validator.is_valid({"term": "Daesh", "span": ["186", "191"]})
    assert not validator.is_valid({"term": "Daesh", "span": [186, 191, 200]})
