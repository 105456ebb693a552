"""Webhooks as the CloudEvents HTTP binding has them: structured mode by default, binary mode by a setting or
per subscription, each read back by the CloudEvents SDK as a receiver would, and signed over the body sent."""

import json

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http
from cloudevents.core.formats.json import JSONFormat
from cloudevents.v1.http import from_http as from_http_v1

from samples import release
from schemas.streams import ALERTS, EVENT_FIELD
from services.notifier import alert_effects
from services.notifier.channels.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration

DESK = """
subscriptions:
  - id: ct-desk
    filter: {{counter_terrorism: true}}
    channels:
      - webhook: {{url: "{url}", secret: "s3cret"{extra}}}
"""


async def _one_post(notifier, receiver, write_yaml, publish_classified, *, extra="", config=None):
    n = await notifier(subscriptions=write_yaml(DESK.format(url=receiver.url("hook"), extra=extra)),
                       config=config)
    await publish_classified(n.service, release())
    (_, headers, body, _), = await wait_for(lambda: receiver.hits("hook"), what="webhook POST")
    return {k.lower(): v for k, v in headers.items()}, body


def _signed(headers, body):
    return verify("s3cret", headers[TIMESTAMP_HEADER.lower()], body, headers[SIGNATURE_HEADER.lower()],
                  now=int(headers[TIMESTAMP_HEADER.lower()]))


async def test_a_webhook_is_a_structured_cloudevent_the_sdk_reads(notifier, receiver, write_yaml,
                                                                   publish_classified, contract_schemas):
    headers, body = await _one_post(notifier, receiver, write_yaml, publish_classified)

    assert headers["content-type"] == "application/cloudevents+json; charset=utf-8"
    assert not any(name.startswith("ce-") for name in headers)
    assert _signed(headers, body)
    event = from_http(HTTPMessage(headers=headers, body=body), JSONFormat())
    assert event.get_type() == "pledgewatch.alert"
    assert event.get_extension("schemaversion") is None
    assert event.get_dataschema() == "https://pledgewatch.org/schemas/pledgewatch.alert/v6/data.json"
    assert event.get_id() == headers["x-pledgewatch-alert-id"]
    assert event.get_data()["subscription_id"] == "ct-desk"
    legacy = from_http_v1(headers, body)
    assert legacy["type"] == "pledgewatch.alert" and legacy.data == event.get_data()
    assert contract_schemas.event_errors(json.loads(body)) == []


@pytest.mark.parametrize(("extra", "config"), [
    pytest.param(', content_mode: "binary"', None, id="per-subscription"),
    pytest.param("", fast_config(webhook_content_mode="binary"), id="by-the-setting"),
])
async def test_a_binary_mode_webhook_carries_ce_headers_and_the_data_as_its_body(
        notifier, receiver, write_yaml, publish_classified, contract_schemas, extra, config):
    headers, body = await _one_post(notifier, receiver, write_yaml, publish_classified, extra=extra, config=config)

    assert headers["content-type"] == "application/json"
    assert headers["ce-specversion"] == "1.0" and headers["ce-type"] == "pledgewatch.alert"
    assert headers["ce-id"] == headers["x-pledgewatch-alert-id"]
    assert _signed(headers, body)
    event = from_http(HTTPMessage(headers=headers, body=body), JSONFormat())
    assert event.get_type() == "pledgewatch.alert"
    assert event.get_source() == "/pledgewatch/notifier"
    assert event.get_data() == json.loads(body)
    assert from_http_v1(headers, body)["dataschema"] == headers["ce-dataschema"]
    assert contract_schemas.errors(headers["ce-dataschema"], json.loads(body)) == []


async def test_a_subscription_mode_overrides_the_setting(notifier, receiver, write_yaml, publish_classified):
    headers, _ = await _one_post(notifier, receiver, write_yaml, publish_classified,
                                 extra=', content_mode: "structured"',
                                 config=fast_config(webhook_content_mode="binary"))
    assert headers["content-type"] == "application/cloudevents+json; charset=utf-8"


@pytest.mark.parametrize("mode", ["structured", "binary"])
async def test_a_job_queued_without_its_rendered_event_is_posted_from_its_message(
        notifier, receiver, write_yaml, publish_classified, monkeypatch, mode):
    """Jobs queued by earlier versions carry no rendered event: the send renders it from the message, the event
    published on the alerts stream as it is."""
    jobs_for = alert_effects.jobs_for
    monkeypatch.setattr(alert_effects, "jobs_for", lambda sub, message, event_json=None: [
        job.model_copy(update={"event_json": None, "message": message.model_dump(mode="json")})
        for job in jobs_for(sub, message)])
    desk = DESK.format(url=receiver.url("hook"), extra=f', content_mode: "{mode}"')
    n = await notifier(subscriptions=write_yaml(desk))
    await publish_classified(n.service, release())
    (_, headers, body, _), = await wait_for(lambda: receiver.hits("hook"), what="webhook POST")
    headers = {k.lower(): v for k, v in headers.items()}
    streams = n.service.runtime.streams
    (_, entry), = await streams.client.xrange(streams.key(ALERTS))
    published = json.loads(entry[EVENT_FIELD.encode()])
    assert _signed(headers, body)
    if mode == "structured":
        assert json.loads(body) == published
    else:
        assert json.loads(body) == published["data"] and headers["ce-id"] == published["id"]


def _as_written_before_v6(event_json: bytes) -> bytes:
    """The structured event as the version before alert data schema v6 wrote it."""
    event = json.loads(event_json)
    event["dataschema"] = event["dataschema"].replace("/v6/", "/v5/")
    del event["data"]["cancelled_reminders"]
    return json.dumps(event).encode()


@pytest.mark.parametrize("mode", ["structured", "binary"])
async def test_a_job_queued_before_an_upgrade_is_posted_as_it_was_written(
        notifier, receiver, write_yaml, publish_classified, monkeypatch, mode):
    """A delivery queued by the version before (retried, or replayed from its dead letter, after the upgrade)
    keeps its data schema and data: docs/CONTRACTS.md tells consumers to keep the earlier schema for it."""
    jobs_for = alert_effects.jobs_for
    written: list[dict] = []

    def queued_before(sub, message, event_json=None):
        assert event_json is not None
        old = _as_written_before_v6(event_json)
        written.append(json.loads(old))
        return jobs_for(sub, message, event_json=old)

    monkeypatch.setattr(alert_effects, "jobs_for", queued_before)
    n = await notifier(subscriptions=write_yaml(DESK.format(url=receiver.url("hook"),
                                                            extra=f', content_mode: "{mode}"')))
    await publish_classified(n.service, release())
    (_, headers, body, _), = await wait_for(lambda: receiver.hits("hook"), what="webhook POST")
    headers = {k.lower(): v for k, v in headers.items()}
    old, = written
    assert old["dataschema"] == "https://pledgewatch.org/schemas/pledgewatch.alert/v5/data.json"
    assert _signed(headers, body)
    if mode == "structured":
        assert json.loads(body) == old
    else:
        assert headers["ce-dataschema"] == old["dataschema"] and json.loads(body) == old["data"]
