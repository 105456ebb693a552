"""The JSON Schema of a subscription's filter (``Filter`` in ``/openapi.json``), as the API reads one (pure):
each list criterion by either of its names, never both, no blank entry, and a bound of money with its currency."""

from __future__ import annotations

from typing import Any

NOT_BLANK_PATTERN = r"\S"


def document_filter(schema: dict[str, Any], *, singular: dict[str, str], entries: dict[str, str]) -> None:
    """Complete pydantic's JSON Schema of ``Filter`` (in place): ``singular`` maps each list criterion to its other
    name, taken as well (pydantic documents only the first); ``entries`` maps the criteria of text entries to the
    pattern each entry must match (:data:`NOT_BLANK_PATTERN`: not blank)."""
    properties = schema["properties"]
    for name, pattern in entries.items():
        listed = next(branch for branch in properties[name]["anyOf"] if branch.get("type") == "array")
        listed["items"]["pattern"] = pattern
    for plural, one in singular.items():
        properties[one] = {**properties[plural], "title": one.capitalize(),
                           "description": f"{plural}, by the name the ledger's query gives it: give one of the two."}
    schema["not"] = {"anyOf": [{"required": [plural, one]} for plural, one in singular.items()]}
    # A bound given (not null) needs its currency; that it is not below the other, a schema cannot say.
    schema["dependentSchemas"] = {bound: {"anyOf": [
        {"properties": {bound: {"type": "null"}}},
        {"required": ["currency"], "properties": {"currency": {"type": "string"}}}]}
        for bound in ("min_amount", "max_amount")}
