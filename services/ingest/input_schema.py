"""The JSON Schema of a posted release (``ReleaseInput`` in ``/openapi.json``), rule for rule as the API checks it
(pure).

Each string is stripped of whitespace at both ends before it is checked, so every pattern allows it there. What a
pattern cannot say is in the field's description: a publication time between 1900 and a day after now, and a
url's port within 0 to 65535.
"""

from __future__ import annotations

from typing import Any

from .links import RELEASE_ID

_NOT_ON_ONE_LINE = r"\x00-\x1f\x7f-\x9f\u2028\u2029"  # control characters and line or paragraph separators

ID_PATTERN = rf"^\s*{RELEASE_ID.pattern}\s*$"
# http or https, then a host: a user's name before an @ at most, and a first character that starts a host
WEB_URL_PATTERN = r"^\s*[Hh][Tt][Tt][Pp][Ss]?://([^/?#@\s]*@)?[^/?#:@\s]"
NOT_BLANK_PATTERN = r"\S"
SOURCE_PATTERN = (rf"^\s*([^\s{_NOT_ON_ONE_LINE}][^{_NOT_ON_ONE_LINE}]{{0,198}})?[^\s{_NOT_ON_ONE_LINE}]\s*$")


def _trimmed(pattern: str) -> str:
    """``pattern`` (anchored ``^…$``) allowing whitespace at both ends, as the value is stripped first."""
    return rf"^\s*({pattern.removeprefix('^').removesuffix('$')})\s*$"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def document_release_input(schema: dict[str, Any]) -> None:
    """Complete pydantic's JSON Schema of ``ReleaseInput`` (in place) with the rules its validators apply."""
    properties = schema["properties"]
    properties["id"].update(_nullable({"type": "string", "pattern": ID_PATTERN}))
    properties["url"].update(_nullable({"type": "string", "pattern": WEB_URL_PATTERN}))
    properties["source"].update(_nullable({"type": "string", "pattern": SOURCE_PATTERN}))
    properties["locale"]["pattern"] = _trimmed(properties["locale"]["pattern"])
    for name in ("title", "body"):
        properties[name]["pattern"] = NOT_BLANK_PATTERN
    published = properties["published_at"]
    published.pop("format", None)
    published.pop("type", None)
    published["anyOf"] = [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]
    schema["anyOf"] = [{"required": ["url"], "properties": {"url": {"type": "string"}}},
                       {"required": ["id"], "properties": {"id": {"type": "string"}}}]
    # a notice withdraws nothing alone: given, it needs "withdrawn" beside it (true withdraws, false restores)
    schema["if"] = {"required": ["withdrawn_notice"], "properties": {"withdrawn_notice": {"type": "string"}}}
    schema["then"] = {"required": ["withdrawn"]}
