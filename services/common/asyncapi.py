"""The AsyncAPI 3.0 document of the three services, and its files in ``docs/``.

FastStream draws it from what the services declare: every stream a consumer group reads (its
subscribers) and every stream a service writes (:mod:`.publishers`), each with its event model. No
Redis is needed: the broker is built, never connected. Two things FastStream cannot know are filled
in here: what the subscribers read (their handlers take the raw entries, so that one entry that does
not decode is dead-lettered alone, and FastStream sees no model in them) and the wire format (one
field, ``__data__``, holding the CloudEvent: no headers, so no correlation id).

``python -m services.common.asyncapi`` (``make asyncapi``) writes ``docs/asyncapi.json``,
``docs/asyncapi.yaml`` and ``docs/asyncapi.html``; a test fails when the committed files drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from faststream.redis import RedisBroker
from faststream.specification import AsyncAPI
from pydantic.json_schema import models_json_schema

from pledgewatch import __version__
from schemas.streams import DEFAULT_PREFIX, EVENT_FIELD
from schemas.topology import STREAM_EVENTS

from .asyncapi_html import render_html
from .service import Service, attach_all, make_broker
from .settings import Settings

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
# What the document shows for values that differ per deployment.
DOCUMENTED_REDIS_URL = "redis://localhost:6379"
DOCUMENTED_CONSUMER = "<hostname>-<pid>"
CONTENT_TYPE = "application/cloudevents+json"
_REF = "#/components/schemas/{model}"

DESCRIPTION = f"""\
pledgewatch finds the commitments and deadlines in government press releases and alerts subscribers.
Three services talk only through Redis Streams: **ingest** writes `release.published`, the **classifier**
reads them and writes `release.classified`, the **notifier** reads those and writes alerts, reminders and
the delivery audit trail; each service dead-letters what it cannot process.

Wire format: each stream entry has exactly one field, `{EVENT_FIELD}`, whose value is one CloudEvent 1.0
in structured mode as UTF-8 JSON (`XADD <stream> * {EVENT_FIELD} '<event JSON>'`). Every event names the
JSON Schema of its `data` in `dataschema` (the version is in the URI); the schemas are in `schemas/json/`.
Read a stream with a consumer group of your own (`XGROUP CREATE <stream> <group> 0 MKSTREAM`). Stream keys
start with the deployment's prefix (`{DEFAULT_PREFIX}` by default, `PLEDGEWATCH_PREFIX`)."""


def documented_services(settings: Settings) -> list[Service]:
    """The three services as ``pledgewatch run`` runs them, built from defaults (no environment read)."""
    from services.classifier.service import ClassifierService
    from services.ingest.config import IngestSettings
    from services.ingest.service import IngestService
    from services.notifier.config import NotifierConfig
    from services.notifier.service import NotifierService

    return [IngestService(settings, ingest=IngestSettings.model_construct(), sources=[]),
            ClassifierService(settings), NotifierService(settings, config=NotifierConfig.model_construct())]


def build_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document, as JSON-ready data."""
    settings = Settings.model_construct(redis_url=DOCUMENTED_REDIS_URL, consumer=DOCUMENTED_CONSUMER)
    broker = make_broker(settings)
    attach_all(broker, documented_services(settings), settings)
    spec = AsyncAPI(broker, title="pledgewatch", version=__version__, description=DESCRIPTION,
                    license={"name": "MIT"}).to_specification()
    return complete(spec.to_jsonable(), prefix=settings.prefix)


def _stream_of(channel: dict[str, Any], prefix: str) -> str:
    return channel["bindings"]["redis"]["channel"].removeprefix(prefix)


def _event_payload(stream: str, schemas: dict[str, Any]) -> dict[str, Any]:
    """A ``$ref`` to the stream's event (or a ``oneOf`` of them), their schemas added to ``schemas``."""
    events = STREAM_EVENTS[stream]
    _, top = models_json_schema([(cls, "serialization") for cls in events], ref_template=_REF)
    schemas.update(top.get("$defs", {}))
    refs = [{"$ref": _REF.format(model=cls.__name__)} for cls in events]
    return refs[0] if len(refs) == 1 else {"oneOf": refs}


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


def complete(doc: dict[str, Any], *, prefix: str) -> dict[str, Any]:
    """``doc`` as FastStream drew it, with the subscribers' payloads and the wire format filled in."""
    doc["defaultContentType"] = CONTENT_TYPE
    schemas = doc["components"]["schemas"]
    messages = doc["components"]["messages"]
    for channel in doc["channels"].values():
        for ref in channel["messages"].values():
            message = messages[ref["$ref"].rsplit("/", 1)[1]]
            message.pop("correlationId", None)  # entries carry no headers
            if channel["bindings"]["redis"].get("method") == "xreadgroup":
                message["payload"] = _event_payload(_stream_of(channel, prefix), schemas)
    schemas.pop("EmptyPayload", None)
    _asyncapi_discriminators(schemas)
    # FastStream lists endpoints in no fixed order; sorted, the document changes only when the contract does.
    for section in (doc, doc["components"]):
        for name in ("channels", "operations", "messages", "schemas"):
            if name in section:
                section[name] = dict(sorted(section[name].items()))
    for server in doc["servers"].values():
        server["description"] = "Any Redis 6.2 or later (REDIS_URL); `pledgewatch run` starts an embedded one."
    return doc


def render_files(doc: dict[str, Any]) -> dict[str, str]:
    """``{file name in docs/: text}``."""
    return {"asyncapi.json": json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
            "asyncapi.yaml": yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100),
            "asyncapi.html": render_html(doc)}


def main() -> int:
    for name, text in render_files(build_document()).items():
        (DOCS_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {DOCS_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
