"""The answers every route may give besides its own, written into the OpenAPI document in one place.

A route documents what it answers itself (its model, its 404, its 409). What the server's middleware and
exception handlers answer for any route is added here, from the same rules they follow: the token
(:func:`~services.common.auth.needs_token`), the name a read without it must be asked under
(:meth:`~services.common.auth.ApiAuth.host_refusal`), a request body's bounds, Redis unavailable; every
error is the one ``Errors`` shape it is served in, never FastAPI's own ``HTTPValidationError``; and a model
FastAPI could document only as "an object" (its serializer returns a dict) is documented by its fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from .api import COMPONENTS, Errors, component_schemas
from .auth import ANY_HOST_PATHS, OPEN_PATHS, OPEN_PREFIXES, needs_token
from .conditional import NOT_MODIFIED, VALIDATOR_HEADERS

SCHEME = "bearerToken"
# What pydantic's serialization schema says of a model whose serializer returns a dict (one leaving unset fields
# out): anything at all. Under the model's name, it stood for the bodies and answers of that model too.
ANYTHING = {"additionalProperties": True, "type": "object"}
ERRORS = {"application/json": {"schema": {"$ref": COMPONENTS + "Errors"}}}
_FASTAPI_ERRORS = ("HTTPValidationError", "ValidationError")
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before asking again.",
                                "schema": {"type": "integer"}}}

TOKEN_ANSWERS = {
    "401": ("No API token, or a wrong one (with `WWW-Authenticate: Bearer`).", {"WWW-Authenticate": {
        "description": "`Bearer realm=\"pledgewatch\"`; `, error=\"invalid_token\"` added for a wrong token "
                       "(RFC 6750).",
        "schema": {"type": "string"}}}),
    "429": ("Too many wrong API tokens from this address lately: refused until `Retry-After`.", _RETRY_AFTER),
}
HOST_ANSWER = {"421": ("Asked without the API token under a name that is not this server's "
                       "(`PLEDGEWATCH_ALLOWED_HOSTS`).", {})}
BODY_ANSWERS = {
    "400": ("The body is not JSON, or is past the JSON bounds (nested deeper than 32 levels, an integer of "
            "more than 19 digits).", {}),
    "408": ("The body was not received in full within 60 s of the request's head (field `body`).", {}),
}
# Refused by its Content-Length before a route reads the body, whatever the route.
ANY_BODY_ANSWER = {"413": ("The body is over 4 MiB (field `body`).", {})}
SERVER_ANSWERS = {
    "500": ("The server failed (field `server`): Redis refused a command as wrong, or an unexpected error; a bug "
            "of the server's, logged; not worth a retry.", {}),
    "503": ("Redis cannot be reached, cannot take the work for now, or did not answer in time (field `server`).",
            _RETRY_AFTER),
}
# FastAPI's own 422, which it lists for every route with a parameter or a body, whether or not it can fail.
_FASTAPI_422 = "Validation Error"
# Answered 200 while Redis is out of reach, without what could not be read (decision 0083): never that 503.
SERVED_WITHOUT_REDIS = frozenset({"/metrics"})


def complete(document: dict[str, Any], models: Sequence[type[BaseModel]]) -> dict[str, Any]:
    """``document`` with its security scheme, each operation's ``security``, the answers any route may give, and
    the schema of each of ``models`` (the bodies routes read themselves, and what they answer) it lacks."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_ERRORS:
        schemas.pop(name, None)
    for name, schema in component_schemas([*models, Errors]).items():
        if schemas.get(name, ANYTHING) == ANYTHING:
            schemas[name] = schema
    document["components"]["securitySchemes"] = {SCHEME: {
        "type": "http", "scheme": "bearer",
        "description": "The API token (`PLEDGEWATCH_API_TOKEN`). Every write needs it; reads too when "
                       "`PLEDGEWATCH_OPEN_READS=false`."}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            _complete_operation(path, method, operation)
    return document


def _validated(operation: dict[str, Any]) -> bool:
    """Whether FastAPI checks something of the requests ``operation`` takes: a body, or a parameter with bounds, a
    pattern or a type narrower than text (a path parameter of any text is whatever the path holds)."""
    return "requestBody" in operation or any(
        {key: value for key, value in parameter.get("schema", {}).items() if key not in ("title", "description")}
        != {"type": "string"} for parameter in operation.get("parameters", []))


def _complete_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    always = needs_token(method, path, open_reads=True)
    sometimes = needs_token(method, path, open_reads=False)
    operation["security"] = [{SCHEME: []}] if always else [{}, {SCHEME: []}] if sometimes else []
    answers = operation.setdefault("responses", {})
    for answer in answers.values():
        if "HTTPValidationError" in str(answer.get("content")):
            answer["content"] = ERRORS
    if answers.get("422", {}).get("description") == _FASTAPI_422 and not _validated(operation):
        del answers["422"]  # a path of any text, and nothing else read: nothing FastAPI could refuse
    added = dict(ANY_BODY_ANSWER) | ({} if path in OPEN_PATHS else SERVER_ANSWERS)  # a health check: its own 503
    if path in SERVED_WITHOUT_REDIS:
        added.pop("503")
    if sometimes:
        added |= TOKEN_ANSWERS
    if not always and not (path in OPEN_PATHS or path in ANY_HOST_PATHS or path.startswith(OPEN_PREFIXES)):
        added |= HOST_ANSWER
    if "requestBody" in operation:
        added |= BODY_ANSWERS
    if str(NOT_MODIFIED) in answers and "200" in answers:  # a conditional read: its validators beside the body
        answers["200"].setdefault("headers", {}).update(VALIDATOR_HEADERS)
    for status, (description, headers) in added.items():
        answer = answers.setdefault(status, {"description": description, "content": ERRORS})
        if headers:
            answer.setdefault("headers", {}).update(headers)
