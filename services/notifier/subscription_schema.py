"""What a subscription's JSON Schema (``Subscription`` in ``/openapi.json``) says of its values beyond their types
(pure): the checks of :mod:`.subscriptions` and :mod:`.bounds` that a pattern, an enum, a length or ``uniqueItems``
can say, each no stricter than the check itself, so that a body the schema refuses is one the API refuses. The rest
(a time zone that exists, a pause not in the past, an Apprise URL its service understands, a private address) their
descriptions say."""

from __future__ import annotations

from typing import Any

# bounds.http_url_problem: http or https (any case), a host, no space or control character anywhere.
_NOT_IN_URL = r"\x00-\x20\x7f-\x9f"
WEBHOOK_URL_PATTERN = (rf"^[Hh][Tt][Tt][Pp][Ss]?://(?:[^{_NOT_IN_URL}/?#@]*@)?[^{_NOT_IN_URL}/?#@:]"
                       rf"[^{_NOT_IN_URL}]*$")
APPRISE_URL_PATTERN = "://"  # scheme://…, as every Apprise URL is written
# An IANA name as zoneinfo finds one: parts of letters, digits, '_', '+' and '-', joined by '/'.
TIME_ZONE_PATTERN = r"^[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*$"
# durations.parse_duration, without its bound (at most P5Y), which the description gives.
DURATION_PATTERN = r"^P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$"
# addresses.parse_address: an address holds an '@' and no line break or other control character.
ADDRESS_PATTERN = r"^[^\x00-\x1f\x7f]*@[^\x00-\x1f\x7f]*$"
# text_folding.folded: an actor or keyword of nothing but spaces, hyphens, dashes and accents folds to nothing.
SOMETHING_TO_LOOK_FOR = (r"[^\s\-\u2010\u2011\u2012\u2013\u2014\u2212"
                         r"\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def any_case(words: tuple[str, ...]) -> str:
    """A pattern of any of ``words`` (letters), in any case: ``[Mm][Oo][Nn]…``."""
    return "^(?:" + "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in word) for word in words) + ")$"


def one_or_many(schema: dict[str, Any], field: str) -> None:
    """``field`` of ``schema`` (an array) taken as one of its items too, as the API takes ``to: "a@b.org"``."""
    listed = schema["properties"][field]
    description = listed.pop("description", None)
    title = listed.pop("title", None)
    schema["properties"][field] = {"anyOf": [listed, listed["items"]],
                                   **({"description": description} if description else {}),
                                   **({"title": title} if title else {})}


def written_alone(shown: dict[str, Any], kind: str, one: str | None) -> dict[str, Any]:
    """The schema of a channel written ``{kind: …}`` (``shown``, its parameters' object), widened to what the API
    takes in its place: its one parameter ``one`` alone (``{"webhook": "https://…"}``, ``{"email": "a@b.org"}``), or,
    for a channel of none, ``null`` or ``{}``."""
    params = shown["properties"][kind]
    alone = {"type": ["object", "null"], "maxProperties": 0} if one is None else _single(params["properties"][one])
    shown["properties"][kind] = {"anyOf": [params, alone]} if one is not None else alone
    return shown


def _single(schema: dict[str, Any]) -> dict[str, Any]:
    """One value of a parameter's schema: an item of an array, or one of a choice."""
    if "anyOf" in schema:  # one_or_many's
        return next(branch for branch in schema["anyOf"] if branch.get("type") != "array")
    return {key: value for key, value in schema.items() if key not in ("description", "title")}
