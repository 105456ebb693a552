"""A CloudEvent as an HTTP request, in either content mode of the CloudEvents HTTP binding. Pure.

Structured: the whole event as the body, ``Content-Type: application/cloudevents+json``. Binary: each
attribute as a ``ce-<name>`` header, ``datacontenttype`` as the ``Content-Type``, and ``data`` alone as the
body (receivers that only want the data read it as they would any JSON POST).
"""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import quote

from schemas import CloudEvent

ContentMode = Literal["structured", "binary"]

STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
HEADER_PREFIX = "ce-"

# HTTP binding 3.1.3.2: printable ASCII is sent as it is, but for space, '"' and '%'; the rest is
# percent-encoded UTF-8.
_HEADER_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in ' "%')


def _header_value(value: Any) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return quote(text, safe=_HEADER_SAFE)


def structured(event: CloudEvent[Any]) -> tuple[dict[str, str], bytes]:
    """Headers and body of ``event`` in structured mode."""
    return {"Content-Type": STRUCTURED_CONTENT_TYPE}, event.to_json()


def _headers(attributes: dict[str, Any]) -> dict[str, str]:
    """The binary-mode headers of an event's attributes (its structured-mode JSON without ``data``)."""
    attributes = dict(attributes)
    headers = {"Content-Type": attributes.pop("datacontenttype", "application/json")}
    headers.update((HEADER_PREFIX + name, _header_value(value)) for name, value in attributes.items())
    return headers


def binary(event: CloudEvent[Any]) -> tuple[dict[str, str], bytes]:
    """Headers and body of ``event`` in binary mode: the attributes exactly as structured mode writes them."""
    attributes = json.loads(event.to_json())
    del attributes["data"]
    return _headers(attributes), event.data.model_dump_json().encode()


def encode(event: CloudEvent[Any], mode: ContentMode) -> tuple[dict[str, str], bytes]:
    """Headers and body of ``event`` in content ``mode``."""
    return binary(event) if mode == "binary" else structured(event)


def encode_rendered(event_json: bytes, mode: ContentMode) -> tuple[dict[str, str], bytes]:
    """Headers and body, in content ``mode``, of the event already rendered as ``event_json`` (structured-mode
    JSON, as :meth:`CloudEvent.to_json` writes it): structured mode sends those bytes as they are, binary mode its
    attributes and data as written. Neither reads it through today's models: an event queued before an upgrade
    keeps its ``dataschema``, and its data must stay the data that schema describes."""
    if mode == "binary":
        attributes = json.loads(event_json)
        data = attributes.pop("data")
        return _headers(attributes), json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return {"Content-Type": STRUCTURED_CONTENT_TYPE}, event_json
