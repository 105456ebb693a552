"""The AsyncAPI 3.0 document of a pledgewatch app, as FastStream draws it and completed.

FastStream draws it from what the services declare: every stream a consumer group reads (its
subscribers) and every stream a service writes (:mod:`.publishers`), each with its event model. What
FastStream cannot know is filled in here: what the subscribers read (their handlers take the raw
entries, so that one entry that does not decode is dead-lettered alone, and FastStream sees no model in
them), the wire format (one field, ``__data__``, holding the CloudEvent: no headers, so no correlation
id) and, for an app with the notifier, the webhooks it POSTs. ``faststream docs gen`` and ``faststream
docs serve`` show the completed document too.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from faststream.specification import AsyncAPI
from pydantic.json_schema import models_json_schema

from schemas import AlertEvent, DigestEvent, DueThisWeekEvent, TestNotificationEvent
from schemas.streams import DEAD_LETTERS, DEFAULT_PREFIX, EVENT_FIELD, ORIGIN_FIELD
from schemas.topology import STREAM_EVENTS

CONTENT_TYPE = "application/cloudevents+json"
_REF = "#/components/schemas/{model}"

DESCRIPTION = f"""\
pledgewatch finds the commitments and deadlines in government press releases and alerts subscribers.
Four services talk only through Redis Streams: **ingest** writes `release.published` (and `source.quiet`
and `source.resumed` of polled sources), the **classifier** reads them and writes `release.classified`,
which the **notifier** and the **ledger** read, each in a group of its own; the notifier writes alerts,
reminders and the delivery audit trail, and POSTs alerts, digests, the week's deadlines and test
notifications to webhooks; each service dead-letters what it cannot process.

Wire format: each stream entry has one field, `{EVENT_FIELD}`, whose value is one CloudEvent 1.0
in structured mode as UTF-8 JSON (`XADD <stream> * {EVENT_FIELD} '<event JSON>'`); an entry of
`{DEAD_LETTERS}` has a second, `{ORIGIN_FIELD}` (where the letter came from, as `pledgewatch status` counts it;
absent from letters written before it, or by a writer that leaves it out). Every event names the
JSON Schema of its `data` in `dataschema` (the version is in the URI); the schemas are in `schemas/json/`.
Read a stream with a consumer group of your own (`XGROUP CREATE <stream> <group> 0 MKSTREAM`): read your
own pending entries first at every start, drop duplicates by the event's `id`, order one release's events
by its version, and delete the group when you retire it, as it holds back trimming (docs/CONTRACTS.md,
"Consuming a stream"). Stream keys start with the deployment's prefix (`{DEFAULT_PREFIX}` by default,
`PLEDGEWATCH_PREFIX`)."""

_WEBHOOK_HEADERS = {
    "type": "object",
    "properties": {
        "X-Pledgewatch-Alert-Id": {"type": "string",
                                   "description": "The event's id (an alert's, a digest's, a week's deadlines' "
                                                  "or a test's): the same on a resend; drop duplicates by it."},
        "X-Pledgewatch-Timestamp": {"type": "string", "pattern": "^[0-9]+$",
                                    "description": "Unix seconds when signed (with a secret only)."},
        "X-Pledgewatch-Signature": {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$",
                                    "description": "HMAC-SHA256 with the webhook's secret of "
                                                   "'<timestamp>.<raw body>' (with a secret only)."},
    },
    "required": ["X-Pledgewatch-Alert-Id"],  # on every POST; the timestamp and signature with a secret only
}
_WEBHOOK_MODES = ("Structured content mode by default: the whole CloudEvent as the body, `Content-Type: "
                  "application/cloudevents+json; charset=utf-8`. Binary mode (`content_mode: binary` on the "
                  "webhook, or `PLEDGEWATCH_WEBHOOK_CONTENT_MODE=binary`): each attribute as a `ce-<name>` "
                  "header and the event's `data` alone as the body (`application/json`). The signature covers "
                  "the body as sent, in both modes.")


def _add_schemas(events: tuple[type, ...], schemas: dict[str, Any]) -> list[dict[str, str]]:
    """``$ref``s to ``events``, their schemas (and those they use) added to ``schemas``."""
    _, top = models_json_schema([(cls, "serialization") for cls in events], ref_template=_REF)
    schemas.update(top.get("$defs", {}))
    return [{"$ref": _REF.format(model=cls.__name__)} for cls in events]


def _asyncapi_discriminators(node: Any) -> None:
    """pydantic writes OpenAPI's discriminator object; an AsyncAPI schema names the property alone."""
    if isinstance(node, dict):
        if isinstance(node.get("discriminator"), dict):
            node["discriminator"] = node["discriminator"]["propertyName"]
        for value in node.values():
            _asyncapi_discriminators(value)
    elif isinstance(node, list):
        for value in node:
            _asyncapi_discriminators(value)


def _draft_07_tuples(node: Any) -> None:
    """pydantic writes a tuple with 2020-12's ``prefixItems``, which an AsyncAPI schema (draft 07 and more) does not
    know, and a tool would skip with what it constrains: in draft 07 a tuple is ``items`` as a list, and what may
    follow it ``additionalItems``."""
    if isinstance(node, dict):
        if isinstance(node.get("prefixItems"), list):
            rest = node.pop("items", None)
            node["items"] = node.pop("prefixItems")
            if rest is not None:
                node["additionalItems"] = rest
        for value in node.values():
            _draft_07_tuples(value)
    elif isinstance(node, list):
        for value in node:
            _draft_07_tuples(value)


def add_webhooks(doc: dict[str, Any]) -> None:
    """The notifier's webhook POSTs: an alert, a digest, a week's deadlines or a test, to each subscriber's URL."""
    events = (AlertEvent, DigestEvent, DueThisWeekEvent, TestNotificationEvent)
    refs = _add_schemas(events, doc["components"]["schemas"])
    messages = {}
    for kind, ref in zip(("alert", "digest", "due_this_week", "test"), refs):
        messages[kind] = {"$ref": f"#/components/messages/webhook:{kind}"}
        doc["components"]["messages"][f"webhook:{kind}"] = {
            "name": f"webhook:{kind}", "title": f"webhook {kind}", "contentType": CONTENT_TYPE,
            "headers": _WEBHOOK_HEADERS, "payload": ref}
    doc["servers"]["webhook-receiver"] = {
        "host": "hooks.example.org", "protocol": "https",
        "description": "A subscriber's own endpoint: the URL of a webhook channel of its subscription."}
    doc["channels"]["notifier:webhook"] = {
        "address": None, "servers": [{"$ref": "#/servers/webhook-receiver"}], "messages": messages,
        "description": "Each webhook channel's URL (http or https). " + _WEBHOOK_MODES}
    doc["operations"]["notifier:webhook"] = {
        "action": "send", "channel": {"$ref": "#/channels/notifier:webhook"},
        "messages": [{"$ref": f"#/channels/notifier:webhook/messages/{kind}"} for kind in messages],
        "bindings": {"http": {"method": "POST", "bindingVersion": "0.3.0"}},
        "description": "A 2xx answer is success; 5xx, 408, 425, 429 and timeouts are retried with backoff; "
                       "other answers end in a dead letter. Redirects are not followed. Delivered at least once "
                       "and in no set order (each POST is retried on its own): drop duplicates by the event's id; "
                       "order the alerts of one release by data.release.version (per data.subscription_id and "
                       "data.release.release_id), others by time."}


def complete(doc: dict[str, Any], *, prefix: str, webhooks: bool) -> dict[str, Any]:
    """``doc`` as FastStream drew it, with the subscribers' payloads, the wire format and (``webhooks``) the
    webhook POSTs filled in."""
    doc["defaultContentType"] = CONTENT_TYPE
    schemas = doc["components"]["schemas"]
    messages = doc["components"]["messages"]
    for channel in doc["channels"].values():
        for ref in channel["messages"].values():
            message = messages[ref["$ref"].rsplit("/", 1)[1]]
            message.pop("correlationId", None)  # entries carry no headers
            if channel["bindings"]["redis"].get("method") == "xreadgroup":
                stream = channel["bindings"]["redis"]["channel"].removeprefix(prefix)
                refs = _add_schemas(STREAM_EVENTS[stream], schemas)
                drawn = message.get("payload", {}).get("$ref", "")
                if drawn.startswith(_REF.format(model="")):  # FastStream's own schema of the handler's body
                    schemas.pop(drawn.rsplit("/", 1)[1], None)
                message["payload"] = refs[0] if len(refs) == 1 else {"oneOf": refs}
    schemas.pop("EmptyPayload", None)
    for server in doc["servers"].values():
        server["description"] = "Any Redis 6.2 or later (REDIS_URL); `pledgewatch run` starts an embedded one."
    if webhooks:
        add_webhooks(doc)
    _asyncapi_discriminators(schemas)
    _draft_07_tuples(schemas)
    # FastStream lists endpoints in no fixed order; sorted, the document changes only when the contract does.
    for section in (doc, doc["components"]):
        for name in ("channels", "operations", "messages", "schemas"):
            if name in section:
                section[name] = dict(sorted(section[name].items()))
    return doc


class CompletedSpecification:
    """A FastStream ``Specification`` over the completed document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    @property
    def title(self) -> str:
        return str(self.document["info"]["title"])

    def to_jsonable(self) -> dict[str, Any]:
        return self.document

    def to_json(self) -> str:
        return json.dumps(self.document, indent=2, ensure_ascii=False) + "\n"

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.document, sort_keys=False, allow_unicode=True, width=100)


class ContractAsyncAPI(AsyncAPI):
    """FastStream's AsyncAPI 3.0 factory, its document completed (see the module's docstring)."""

    def __init__(self, *brokers: Any, prefix: str, webhooks: bool, **options: Any) -> None:
        super().__init__(*brokers, description=DESCRIPTION, license={"name": "MIT"}, **options)
        self.prefix, self.webhooks = prefix, webhooks

    def to_specification(self) -> CompletedSpecification:  # type: ignore[override]
        drawn = super().to_specification().to_jsonable()
        return CompletedSpecification(complete(json.loads(json.dumps(drawn)), prefix=self.prefix,
                                               webhooks=self.webhooks))
