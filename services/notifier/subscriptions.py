"""Subscriptions: who wants which commitments, through which channels, and when.

Pure models and validation, shared by the YAML file, the HTTP API and the CLI.
Every bad field is reported with its path (``filter.categories.0``) and a message; every value
is bounded (:mod:`.bounds`: sizes, durations, times of day, pause dates, URLs).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, time
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import (AfterValidator, AliasChoices, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field,
                      GetJsonSchemaHandler, ValidationError, ValidationInfo, WithJsonSchema, field_validator,
                      model_serializer, model_validator)

from schemas.classified import Category, Kind
from services.common.errors import readable_message
from services.common.money import (AMOUNT_PATTERN, ANY_DOLLAR, CURRENCIES, MAX_AMOUNT_TEXT, MAX_BELOW_MIN, SIGNS,
                                   AmountRange, amount_of, bounds_problem, currency_code)
from services.common.shown_urls import HIDDEN, is_shown_form
from services.common.text_folding import folded
from services.common.url_hosts import sendable_url_problem

from .addresses import mailbox, parse_address, sendable_address
from .bounds import (MAX_CHANNELS, MAX_ITEMS, MAX_REMINDERS, MAX_TEXT, MAX_URL, http_url_problem,
                     pause_end, pause_problem, time_of_day, time_zone_problem)
from .addresses import MAX_TEXT as MAX_ADDRESS
from .durations import MAX_TEXT as MAX_DURATION
from .durations import duration_words, parse_duration
from .filter_schema import NOT_BLANK_PATTERN, document_filter
from .redaction import redact_channel
from .subscription_schema import (ADDRESS_PATTERN, APPRISE_URL_PATTERN, DURATION_PATTERN, SOMETHING_TO_LOOK_FOR,
                                  TIME_ZONE_PATTERN, WEBHOOK_URL_PATTERN, any_case, one_or_many, written_alone)
from .sent_back import shown_secret_message, shown_url_message

DEFAULT_REMINDERS = ("P30D", "P7D", "P1D", "P0D")
SUBSCRIPTION_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SUBSCRIPTION_ID_WORDS = "a letter or digit, then letters, digits, '.', '_' or '-' (at most 64 characters)"
Entry = Annotated[str, Field(max_length=MAX_TEXT)]


def _email_address(text: str, info: ValidationInfo) -> str:
    """Refused when given; one stored before its display name was checked is read back, and kept when its
    subscription is paused, resumed or changed otherwise (it is mailed under its display name made plain)."""
    if info.context is None or text in _addresses(info.context.get("kept", [])):
        sendable_address(text)
    else:
        parse_address(text)
    return text  # kept as written; parsed again where it is sent


EmailAddress = Annotated[str, AfterValidator(_email_address)]
# Read and shown as HH:MM (bounds.time_of_day), never as JSON Schema's "time" (HH:MM:SS with an offset), which the
# routes refuse.
TimeOfDay = Annotated[time, WithJsonSchema(
    {"type": "string", "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$", "examples": ["08:00"]})]
# Given as a date alone or a time with its zone (bounds.pause_end); kept and shown as the time it reads as.
PauseEnd = Annotated[AwareDatetime, WithJsonSchema(
    {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}, mode="validation")]


_Value = TypeVar("_Value")


def _refused(problem: Callable[[_Value], str | None], value: _Value) -> _Value:
    """``value`` when ``problem(value)`` finds nothing wrong with it; else ValueError with the reason."""
    reason = problem(value)
    if reason:
        raise ValueError(reason)
    return value


def _given(kind: type[bool] | type[float], value: Any, info: ValidationInfo) -> Any:
    """``value``, when given (validated with a context: :func:`parse_subscription`), must be a real boolean or
    number (an int is a number), not text that looks like one: each decides what is sent. Without a context
    (stored JSON, a ledger query's text parameters) pydantic's usual conversions apply."""
    if info.context is None:
        return value
    if kind is bool:
        ok, expected = isinstance(value, bool), "true or false"
    else:
        ok, expected = isinstance(value, (int, float)) and not isinstance(value, bool), "a number"
    if not ok:
        shown = json.dumps(value, default=str)
        raise ValueError(f"expected {expected}, not {shown if len(shown) <= 40 else shown[:39] + '…'}")
    return value


GivenBool = Annotated[bool, BeforeValidator(partial(_given, bool))]
GivenNumber = Annotated[float, BeforeValidator(partial(_given, float))]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Each list criterion's other name, as the ledger's query parameters spell it (one value each): taken as well.
SINGULAR = {"categories": "category", "kinds": "kind", "actors": "actor", "keywords": "keyword", "sources": "source"}


def _either(field: str) -> AliasChoices:
    return AliasChoices(field, SINGULAR[field])


def spelled_twice(names: Any) -> str | None:
    """Why ``names`` (a filter's keys, or a query's parameters) give one list criterion by both its names, or
    None when none does."""
    for field, singular in SINGULAR.items():
        if field in names and singular in names:
            return f"{singular} and {field} are one criterion: give one of them"
    return None


NOTHING_TO_LOOK_FOR = "is only dashes or accents: it would select nothing"


def looks_for_nothing(entry: str) -> bool:
    """Whether ``entry``, an actor or a keyword, folds to nothing (:func:`folded`): matched folded, it selects
    no commitment."""
    return folded(entry) == ""


# A bound of a filter's money: a number, or its text with a scale (``10m``), kept as the amount it reads as.
Amount = Annotated[float, BeforeValidator(amount_of), WithJsonSchema({"anyOf": [
    {"type": "number", "minimum": 0},
    {"type": "string", "pattern": AMOUNT_PATTERN, "maxLength": MAX_AMOUNT_TEXT, "examples": ["10m", "1.5bn"]}]})]
# A currency: its code in any case, or its sign (``£``); the sign ``$`` alone is any dollar, refused naming them.
_CURRENCY_WRITINGS = (*CURRENCIES, *(sign for sign, code in SIGNS.items() if code != ANY_DOLLAR))
Currency = Annotated[str, AfterValidator(currency_code), WithJsonSchema(
    {"type": "string", "pattern": r"^\s*" + any_case(_CURRENCY_WRITINGS)[1:-1] + r"\s*$", "examples": ["GBP"]})]


class Filter(_Strict):
    """Every given criterion must hold (AND); within a list any value matches (OR). Each list criterion is also
    taken by its singular name (``keyword``), as the ledger's query names it; it is written out by its own."""

    model_config = ConfigDict(json_schema_extra=lambda schema: document_filter(
        schema, singular=SINGULAR, entries={"actors": SOMETHING_TO_LOOK_FOR, "keywords": SOMETHING_TO_LOOK_FOR,
                                            "sources": NOT_BLANK_PATTERN}))

    counter_terrorism: GivenBool = Field(default=False, description="true: only counter-terrorism commitments.")
    categories: list[Category] | None = Field(default=None, max_length=MAX_ITEMS,
                                              validation_alias=_either("categories"))
    kinds: list[Kind] | None = Field(default=None, max_length=MAX_ITEMS, validation_alias=_either("kinds"))
    actors: list[Entry] | None = Field(default=None, max_length=MAX_ITEMS, validation_alias=_either("actors"),
                                       description="A part of the actor's name, without case or accents; not only "
                                                   "dashes or accents.")
    keywords: list[Entry] | None = Field(default=None, max_length=MAX_ITEMS, validation_alias=_either("keywords"),
                                         description="Whole words of the commitment text, without case or accents; "
                                                     "a hyphen or dash as a space; not only dashes or accents.")
    sources: list[Entry] | None = Field(default=None, max_length=MAX_ITEMS, validation_alias=_either("sources"),
                                        description="Release sources (exact, or a prefix ending in '*').")
    min_confidence: GivenNumber = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)
    min_amount: Amount | None = Field(default=None, description=(
        "Its money is at least this amount, in `currency` (needed with it): a number, such as 10000000, or with "
        "its scale, 10m (k, m, bn, …)."))
    max_amount: Amount | None = Field(default=None, description=(
        "Its money is at most this amount, in `currency` (needed with it), written as `min_amount`; not less "
        "than `min_amount`."))
    currency: Currency | None = Field(default=None, validate_default=True, description=(
        f"Its money is in this currency (ISO 4217, any case): {', '.join(CURRENCIES)}, or its sign, £, € or US$ "
        "(kept as its code; $ alone, any of four dollars, is refused naming them); alone, every commitment of money "
        "in it. Amounts in two currencies are never compared."))

    @field_validator("max_amount")
    @classmethod
    def _not_below_min(cls, high: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("min_amount")
        if high is not None and low is not None and high < low:
            raise ValueError(MAX_BELOW_MIN)
        return high

    @field_validator("currency")
    @classmethod
    def _bounds_in_it(cls, currency: str | None, info: ValidationInfo) -> str | None:
        """Bounds without their currency are refused here, naming it (a bound refused is not looked at)."""
        problem = bounds_problem(low=info.data.get("min_amount"), high=info.data.get("max_amount"),
                                 currency=currency)
        if problem is not None:
            raise ValueError(problem[1])
        return currency

    @property
    def money(self) -> AmountRange | None:
        """The range of amounts it selects, or None when it selects by no money."""
        return None if self.currency is None else AmountRange(self.currency, self.min_amount, self.max_amount)

    @model_validator(mode="before")
    @classmethod
    def _one_name_each(cls, data: Any) -> Any:
        if isinstance(data, dict) and (problem := spelled_twice(data)):
            raise ValueError(problem)
        return data

    @model_serializer(mode="wrap")
    def _set_only(self, handler: Any) -> dict[str, Any]:
        """Only the criteria that select something: an unset list, ``counter_terrorism: false`` and
        ``min_confidence: 0`` select every commitment and are left out (``false`` is no filter, not "not
        counter-terrorism")."""
        unset = {"counter_terrorism": False, "min_confidence": 0}
        return {k: v for k, v in handler(self).items() if v is not None and not (k in unset and v == unset[k])}

    @field_validator("actors", "keywords", "sources")
    @classmethod
    def _no_blank(cls, values: list[str] | None) -> list[str] | None:
        if values is not None and any(not v.strip() for v in values):
            raise ValueError("entries must not be blank")
        return values

    @field_validator("actors", "keywords")
    @classmethod
    def _something_to_look_for(cls, values: list[str] | None, info: ValidationInfo) -> list[str] | None:
        """Refused when given; one stored before this check is read back, and selects nothing, and is kept when
        its subscription is paused, resumed or changed otherwise (the context's ``kept_filter``)."""
        if values is None or info.context is None:
            return values
        kept = getattr(info.context.get("kept_filter"), info.field_name or "", None) or []
        for place, value in enumerate(values, 1):
            if looks_for_nothing(value) and value not in kept:
                raise ValueError(f"entry {place} ({value!r}) {NOTHING_TO_LOOK_FOR}")
        return values


class ConsoleChannel(_Strict):
    type: Literal["console"] = "console"


class WebhookChannel(_Strict):
    type: Literal["webhook"] = "webhook"
    url: Annotated[str, AfterValidator(partial(_refused, http_url_problem))] = Field(
        description="http or https URL that receives a signed JSON POST, with a host, no space or control "
                    "character; a host of digits and dots must be an IPv4 address written a.b.c.d; port 0 is refused; "
                    "a private or loopback address only where PLEDGEWATCH_ALLOW_PRIVATE_TARGETS allows it. A URL as "
                    "shown (`https://host/***`) stands only for the stored URL of this subscription's channel.",
        json_schema_extra={"pattern": WEBHOOK_URL_PATTERN, "maxLength": MAX_URL})
    secret: str | None = Field(default=None, min_length=1, max_length=1024,
                               description="HMAC-SHA256 key; unsigned when absent. `***` (a secret as shown) stands "
                                           "only for the stored secret of this subscription's channel.")
    content_mode: Literal["structured", "binary"] | None = Field(
        default=None, description="CloudEvents HTTP content mode: the whole event as the body (structured) or "
                                  "ce-* headers and the data as the body (binary); unset: "
                                  "PLEDGEWATCH_WEBHOOK_CONTENT_MODE.")

    @field_validator("url")
    @classmethod
    def _sendable(cls, url: str, info: ValidationInfo) -> str:
        """Refused when given; one stored before this check is read back (its sends fail, with the reason), and
        kept when its subscription is paused, resumed or changed otherwise."""
        if info.context is None or url in _webhook_urls(info.context.get("kept", [])):
            return url
        return _refused(sendable_url_problem, url)


def _email_schema(schema: dict[str, Any]) -> None:
    schema["properties"]["to"].update(items={"type": "string", "maxLength": MAX_ADDRESS, "pattern": ADDRESS_PATTERN},
                                      uniqueItems=True)
    one_or_many(schema, "to")


class EmailChannel(_Strict):
    model_config = ConfigDict(json_schema_extra=_email_schema)

    type: Literal["email"] = "email"
    to: list[EmailAddress] = Field(min_length=1, max_length=MAX_ITEMS,
                                   description='Recipient addresses: jane@example.org or "Jane Doe" <jane@example.org> '
                                               "(one alone, or a list), each mailbox once in the subscription's email "
                                               "channels; an internationalised address is taken, one holding a "
                                               "character shown as nothing or as a space is not.")

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("to")
    @classmethod
    def _each_mailbox_once(cls, to: list[str], info: ValidationInfo) -> list[str]:
        """A mailbox given twice (whatever the case or display name) is refused; one stored twice before this
        check existed is kept once."""
        keys = [mailbox(text) for text in to]
        firsts = [keys.index(key) for key in keys]
        repeats = [(i, first) for i, first in enumerate(firsts) if first != i]
        if not repeats:
            return to
        if info.context is None:  # read back from Redis, not given
            return [text for i, text in enumerate(to) if firsts[i] == i]
        i, first = repeats[0]
        raise ValueError(f"recipient {i + 1} ({to[i]}) is recipient {first + 1} again ({to[first]}): "
                         "each message would be sent to it twice")


class AppriseChannel(_Strict):
    type: Literal["apprise"] = "apprise"
    url: str = Field(max_length=MAX_URL, json_schema_extra={"pattern": APPRISE_URL_PATTERN},
                     description="An Apprise URL of one service Apprise understands: slack://…, workflows://… "
                                 "(Teams; msteams:// is retired), discord://…, tgram://…, ntfy://…")

    @field_validator("url")
    @classmethod
    def _known_service(cls, url: str) -> str:
        if "://" not in url:
            raise ValueError("not an Apprise URL (expected scheme://…, e.g. ntfy://topic)")
        from .channels.chat import apprise_url_problem  # lazily: Apprise is slow to import

        problem = apprise_url_problem(url)
        if problem:
            raise ValueError(problem)
        return url


Channel = Annotated[Union[ConsoleChannel, WebhookChannel, EmailChannel, AppriseChannel],
                    Field(discriminator="type")]
CHANNEL_TYPES = ("console", "webhook", "email", "apprise")


def _channel_input(item: Any) -> Any:
    """Accept ``console``, ``{webhook: {url: …}}`` and ``{type: webhook, url: …}``."""
    if isinstance(item, str):
        return {"type": item}
    if isinstance(item, dict) and len(item) == 1 and "type" not in item:
        (kind, params), = item.items()
        if kind in CHANNEL_TYPES:
            if params is None:
                return {"type": kind}
            if isinstance(params, str):  # webhook: URL, apprise: URL, email: address
                return {"type": kind, "to" if kind == "email" else "url": params}
            return {"type": kind, **params} if isinstance(params, dict) else item
    return item


def channel_public(channel: BaseModel, *, redact: bool = True) -> dict[str, Any] | str:
    """The YAML/API form of a channel: ``{webhook: {url: "https://***@host/p?token=***", secret: "***"}}``;
    with ``redact=False`` (storage only) the real URL and secret."""
    params = channel.model_dump(exclude_none=True)
    if redact:
        params = redact_channel(params)
    params.pop("type", None)
    return {channel.type: params} if params else channel.type  # type: ignore[attr-defined]


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _shown_channel_schema(cls: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a channel of ``cls`` as :func:`channel_public` shows it, and as written in its place
    (:func:`_channel_input`: ``{"webhook": "https://…"}``, ``{"console": {}}``)."""
    schema = cls.model_json_schema()
    kind = cls.model_fields["type"].default
    params = {name: value for name, value in schema["properties"].items() if name != "type"}
    required = [name for name in schema.get("required", []) if name != "type"]
    shown = {"type": "object", "properties": params, "additionalProperties": False, "required": required}
    written = written_alone({"type": "object", "title": f"Shown{cls.__name__}", "properties": {kind: shown},
                             "required": [kind], "additionalProperties": False},
                            kind, required[0] if required else None)
    if not params:
        return {"anyOf": [{"type": "string", "const": kind}, written], "title": f"Shown{cls.__name__}"}
    return written


class AlsoAsShown:
    """A channel's JSON Schema: written ``{"type": "webhook", …}`` or as the API shows it, ``{"webhook": {…}}``
    (``"console"``), the form every answer gives and a body may send back (:func:`channel_public`)."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        shown = [_shown_channel_schema(kind) for kind in (ConsoleChannel, WebhookChannel, EmailChannel, AppriseChannel)]
        return {"anyOf": [handler(core_schema), *shown]}


def channels_summary(public: Iterable[dict[str, Any] | str]) -> str:
    """Channels as the API shows them (:func:`channel_public`), on one line: ``webhook https://…; email a@x.org``."""
    out = []
    for shown in public:
        if isinstance(shown, str):
            out.append(shown)
            continue
        (kind, params), = shown.items()
        target = params.get("url") or ", ".join(params.get("to", [])) if isinstance(params, dict) else ""
        out.append(f"{kind} {target}".strip())
    return "; ".join(out)


TimeZone = Annotated[str, Field(max_length=64, json_schema_extra={"pattern": TIME_ZONE_PATTERN}),
                     AfterValidator(partial(_refused, time_zone_problem))]


def _weekday_any_case(schema: dict[str, Any]) -> None:
    weekday = schema["properties"]["weekday"]
    listed = {key: weekday.pop(key) for key in ("enum", "type")}
    weekday["anyOf"] = [listed, {"type": "string", "pattern": any_case(WEEKDAYS)}]


class DueThisWeek(_Strict):
    """Once a week, at ``at`` on ``weekday`` in ``time_zone``: one message listing the deadlines of the
    commitments the filter selects that fall due in the seven days from that day."""

    model_config = ConfigDict(json_schema_extra=_weekday_any_case)

    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = Field(
        default="monday", description="The day it is sent, the first of its seven days (any case; shown in lower "
                                      "case).")
    at: TimeOfDay = Field(default=time(8, 0), description="Time of day (HH:MM) in time_zone.",
                          json_schema_extra={"default": "08:00"})
    time_zone: TimeZone | None = Field(
        default=None, description="IANA time zone name, e.g. Europe/London; unset: the subscription's timezone.")

    @field_validator("weekday", mode="before")
    @classmethod
    def _any_case(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("at", mode="before")
    @classmethod
    def _hh_mm(cls, value: Any) -> time:
        try:
            return time_of_day(value)
        except ValueError:
            raise ValueError("expected a time of day as HH:MM (in time_zone), 00:00 to 23:59") from None

    def zone(self, subscription_zone: str) -> str:
        """The time zone its moments are in: its own, else its subscription's."""
        return self.time_zone or subscription_zone

    @model_serializer(mode="wrap")
    def _hh_mm_out(self, handler: Any, info: Any) -> dict[str, Any]:
        data = handler(self)
        if data.get("time_zone", ...) is None:
            del data["time_zone"]  # the subscription's
        if info.mode == "json":
            data["at"] = self.at.strftime("%H:%M")
        return data


class Subscription(_Strict):
    id: str = Field(pattern=SUBSCRIPTION_ID, description=SUBSCRIPTION_ID_WORDS.capitalize() + ".")
    filter: Filter = Field(default_factory=Filter)
    channels: list[Annotated[Channel, AlsoAsShown]] = Field(
        min_length=1, max_length=MAX_CHANNELS, json_schema_extra={"uniqueItems": True},
        description="Each channel once (written in either form); a URL or secret as shown stands for the stored one.")
    mode: Literal["immediate", "digest"] = "immediate"
    timezone: TimeZone = Field(
        default="UTC", description="IANA time zone name (one the server's time zone data has), e.g. "
                                   "Australia/Sydney: the daily digest, the weekly "
                                   "message and the reminders go out at their times in it, and an alert's day "
                                   "words (due today, tomorrow) count its days.")
    digest_at: TimeOfDay = Field(default=time(8, 0), description="Time of the daily digest (HH:MM) in timezone.",
                                 json_schema_extra={"default": "08:00"})
    reminders: list[str] = Field(default_factory=lambda: list(DEFAULT_REMINDERS), max_length=MAX_REMINDERS,
                                 description="ISO 8601 durations (at most P5Y) before each due date; "
                                             "P0D is the day itself. Each moment once (P7D and P1W are one).",
                                 json_schema_extra={"uniqueItems": True, "items": {
                                     "type": "string", "maxLength": MAX_DURATION, "pattern": DURATION_PATTERN}})
    paused_until: PauseEnd | None = Field(
        default=None, description="A date alone (00:00 UTC of that day) or a time with its zone; before 2100, "
                                  "not in the past when set. Shown as the time, e.g. 2026-12-10T00:00:00Z.")
    reannouncements: GivenBool = Field(default=True, description="false: a commitment that announces again one "
                                  "already told is not sent at all (true: it is, marked as a re-announcement).")
    due_this_week: DueThisWeek | None = Field(
        default=None, description="A weekly message of the deadlines falling due in the coming seven days; "
                                  "true for Mondays at 08:00 in timezone, false or null for none.",
        json_schema_extra=lambda schema: schema["anyOf"].insert(1, {"type": "boolean"}))

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("channels"), list):
            data = {**data, "channels": [_channel_input(c) for c in data["channels"]]}
        return data

    @field_validator("due_this_week", mode="before")
    @classmethod
    def _on_or_off(cls, value: Any) -> Any:
        """``true``: every default (Mondays, 08:00, the subscription's timezone); ``false``: none."""
        if value is True:
            return {}
        return None if value is False else value

    @field_validator("digest_at", mode="before")
    @classmethod
    def _hh_mm(cls, value: Any, info: ValidationInfo) -> time:
        # the file is read without YAML 1.1's base 60: 08:30 stays text. The time is in the subscription's zone
        # (UTC when it gives none), named when it is a zone (timezone is checked before digest_at)
        zone = info.data.get("timezone")
        return time_of_day(value, zone="the subscription's timezone" + (f" ({zone})" if zone else ""))

    @field_validator("paused_until", mode="before")
    @classmethod
    def _pause_end(cls, value: Any) -> datetime | None:
        return None if value is None else pause_end(value)  # read as every pause route reads it

    @field_validator("paused_until")
    @classmethod
    def _pause_range(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        problem = pause_problem(value, now=(info.context or {}).get("now")) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("channels")
    @classmethod
    def _each_once(cls, channels: list[Channel], info: ValidationInfo) -> list[Channel]:
        """A channel given twice is refused; one stored twice before this check existed is kept once."""
        for i, channel in enumerate(channels):
            if channel in channels[:i]:
                if info.context is None:  # read back from Redis, not given
                    return [c for j, c in enumerate(channels) if c not in channels[:j]]
                raise ValueError(f"channel {i + 1} is channel {channels.index(channel) + 1} again: "
                                 "every message would be sent twice")
        if info.context is not None and _emails(channels) != _emails(info.context.get("kept", [])):
            _each_mailbox_in_one_channel(channels)  # given or changed, not only carried along
        return channels

    @field_validator("reminders")
    @classmethod
    def _durations(cls, values: list[str], info: ValidationInfo) -> list[str]:
        """An offset given twice, or two naming the same moment (``P7D`` and ``P1W``, ``PT0S`` and ``P0D``), is
        refused; a subscription stored with such offsets before this check is read back with the first of them."""
        moments = [parse_duration(value) for value in values]
        for j, moment in enumerate(moments):
            if moment in moments[:j]:
                if info.context is None:  # read back from Redis, not given
                    return [value for k, value in enumerate(values) if moments[k] not in moments[:k]]
                i = moments.index(moment)
                when = f"{words} before each due date" if (words := duration_words(values[i])) else "on the due day"
                raise ValueError(f"offset {j + 1}, {values[j]!r}, is offset {i + 1}, {values[i]!r}, again (both "
                                 f"{when}): every reminder would be sent twice")
        return values

    @model_serializer(mode="wrap")
    def _public(self, handler: Any, info: Any) -> dict[str, Any]:
        data = handler(self)
        if not data["filter"]:
            del data["filter"]  # no filter: every commitment
        if data.get("due_this_week", ...) is None:
            del data["due_this_week"]  # off
        if data.get("timezone") == "UTC":
            del data["timezone"]  # the default: as written before subscriptions had a time zone
        if info.mode == "json":
            redact = not (info.context or {}).get("secrets", False)
            data["channels"] = [channel_public(c, redact=redact) for c in self.channels]
            data["digest_at"] = self.digest_at.strftime("%H:%M")
        return data

    def stored(self) -> str:
        """JSON with secrets, for Redis."""
        return self.model_dump_json(context={"secrets": True})


def _emails(channels: list[Channel]) -> list[Channel]:
    return [channel for channel in channels if isinstance(channel, EmailChannel)]


def _addresses(channels: Sequence[Channel]) -> set[str]:
    return {text for channel in channels if isinstance(channel, EmailChannel) for text in channel.to}


def _webhook_urls(channels: Sequence[Channel]) -> set[str]:
    return {channel.url for channel in channels if isinstance(channel, WebhookChannel)}


def _each_mailbox_in_one_channel(channels: list[Channel]) -> None:
    """ValueError when two email channels of one subscription name the same mailbox."""
    seen: dict[str, tuple[int, int, str]] = {}
    for c, channel in enumerate(channels):
        for r, text in enumerate(channel.to if isinstance(channel, EmailChannel) else []):
            first = seen.setdefault(mailbox(text), (c, r, text))
            if first[0] != c:
                raise ValueError(f"recipient {r + 1} of channel {c + 1} ({text}) is recipient {first[1] + 1} of "
                                 f"channel {first[0] + 1} again ({first[2]}): each message would be sent to it twice")


class SubscriptionError(ValueError):
    """Invalid subscription input, with one message per bad field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors))


# What every reader of a subscriptions file says of one that is not there, after its path: the services started
# alone, `pledgewatch run` and the subscriptions commands.
NO_SUBSCRIPTIONS_FILE = "no such subscriptions file (give the path of a YAML file)"


def no_subscriptions_file(path: Path | str) -> SubscriptionError:
    """The error of a subscriptions file ``path`` that is not there."""
    return SubscriptionError([{"field": str(path), "message": NO_SUBSCRIPTIONS_FILE}])


def is_no_subscriptions_file(error: dict[str, str]) -> bool:
    """Whether ``error`` (one of a :class:`SubscriptionError`'s) is that of a file that is not there."""
    return error["message"] == NO_SUBSCRIPTIONS_FILE


def field_errors(exc: ValidationError, *, prefix: str = "") -> list[dict[str, str]]:
    """``[{field, message}]`` from a pydantic error, with channel paths made readable."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        if len(loc) >= 3 and loc[0] == "channels" and loc[2] in CHANNEL_TYPES:
            del loc[2]  # channels.0.webhook.url -> channels.0.url
        message = readable_message(err)
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            message = f"unknown channel type; expected one of {', '.join(CHANNEL_TYPES)}"
        elif err["type"] == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == SUBSCRIPTION_ID:
            message = f"an id is {SUBSCRIPTION_ID_WORDS}"  # pydantic's own message shows the regex
        field = ".".join(loc) or "subscription"
        out.append({"field": prefix + field, "message": message})
    return out


def refused_targets(sub: "Subscription", url_refusal: Callable[[str], str | None],
                    kept: Sequence[Channel] = ()) -> list[dict[str, str]]:
    """An error (``field``, ``message``) for each webhook or Apprise channel of ``sub`` whose URL would be
    refused at every send (``url_refusal``: the outbound policy's judgement of an IP-literal host, which a
    self-hosted Apprise service's URL names as a webhook's does); a URL already stored in ``kept`` is not
    judged again."""
    stored = {channel.url for channel in kept if isinstance(channel, (WebhookChannel, AppriseChannel))}
    return [{"field": f"channels.{i}.url", "message": reason} for i, channel in enumerate(sub.channels)
            if isinstance(channel, (WebhookChannel, AppriseChannel)) and channel.url not in stored
            and (reason := _url_refusal(url_refusal, channel.url))]


def _url_refusal(url_refusal: Callable[[str], str | None], url: str) -> str | None:
    try:
        return url_refusal(url)
    except ValueError:  # an Apprise URL urllib cannot split (Apprise took it): judged when it is sent
        return None


def parse_subscription(data: Any, *, where: str = "", now: datetime | None = None,
                       kept: Sequence[Channel] = (), kept_filter: Filter | None = None) -> Subscription:
    """Validate one subscription; raise :class:`SubscriptionError` listing every bad field.
    With ``now`` (aware), a ``paused_until`` before it is refused too (new input, not a stored pause).
    ``kept``: the channels already stored for it; the checks made only of new input (a mailbox in two email
    channels, a webhook URL no request can go to) are not made again of them, so a subscription stored before
    such a check can still be paused, resumed or changed in its other fields; ``kept_filter``: the filter stored
    for it, whose actors and keywords of only dashes or accents are kept so too."""
    if not isinstance(data, dict):
        raise SubscriptionError([{"field": where.rstrip(".") or "subscription", "message": "expected a mapping"}])
    try:
        return Subscription.model_validate(data, context={"now": now, "kept": list(kept), "kept_filter": kept_filter})
    except ValidationError as exc:
        raise SubscriptionError(field_errors(exc, prefix=where)) from None


def file_entry(index: int | None, item: Any) -> str:
    """An entry of the file's ``subscriptions:`` list, as its errors name it: its place, and its id when it
    gives one (``subscriptions.3 ('desk-eu')``); index None: the file's one subscription, a mapping of its
    fields without ``subscriptions:`` (``subscription ('desk-eu')``)."""
    sub_id = item.get("id") if isinstance(item, dict) else None
    place = "subscription" if index is None else f"subscriptions.{index}"
    return place + (f" ({sub_id!r})" if isinstance(sub_id, str) else "")


FILE_SHAPES = "'subscriptions:' and a list, or one subscription's fields"


def _found(doc: Any) -> str:
    """What a file holds instead of a mapping, in words."""
    if isinstance(doc, bool):
        return "true or false"
    if isinstance(doc, (int, float)):
        return "a number"
    return "a string" if isinstance(doc, str) else f"a {type(doc).__name__}"


def file_entries(doc: Any) -> list[tuple[int | None, Any]]:
    """The subscriptions of a file's content, each with its place (None: the file's one subscription), by the one
    rule every reader of a subscriptions file follows: a mapping with the key ``subscriptions`` holds the list of
    them under it, and nothing else; any other mapping is one subscription's fields; an empty file (or
    ``subscriptions:`` alone) holds none. Anything else is a :class:`SubscriptionError`; an error about the file
    as a whole has the field ``""``."""
    if doc is None:
        return []
    if isinstance(doc, list):
        raise SubscriptionError([{"field": "", "message": "a list at the top: put it under 'subscriptions:'"}])
    if not isinstance(doc, dict):
        raise SubscriptionError([{"field": "", "message": f"expected {FILE_SHAPES}; found {_found(doc)}"}])
    if "subscriptions" not in doc:
        return [(None, doc)]
    beside = [{"field": str(key), "message": "unknown key beside 'subscriptions:', which a file holds alone"}
              for key in doc if key != "subscriptions"]
    if beside:
        raise SubscriptionError(beside)
    items = doc["subscriptions"]
    if items is None:  # "subscriptions:" and nothing
        return []
    if not isinstance(items, list):
        raise SubscriptionError([{"field": "subscriptions", "message": "expected a list"}])
    return list(enumerate(items))


def entry_prefix(index: int | None, item: Any) -> str:
    """What an error of an entry's field starts with: ``subscriptions.3 ('desk-eu'): `` for an entry that gives
    its id, ``subscriptions.3.`` for one that does not, nothing for the file's one subscription without one."""
    named = isinstance(item, dict) and isinstance(item.get("id"), str)
    entry = file_entry(index, item)
    return f"{entry}: " if named else "" if index is None else f"{entry}."


def entry_errors(entries: list[tuple[int | None, Any]]) -> list[list[dict[str, str]]]:
    """For each entry, what is wrong with it as a part of the file, before its fields are judged: not a mapping,
    or an id an entry before it has."""
    seen: dict[str, str] = {}
    out = []
    for index, item in entries:
        where = entry_prefix(index, item)
        if not isinstance(item, dict):
            out.append([{"field": where.rstrip(".") or "subscription", "message": "expected a mapping"}])
            continue
        sub_id = item.get("id")
        if isinstance(sub_id, str) and sub_id in seen:
            out.append([{"field": f"{where}id", "message": f"duplicate id {sub_id!r} ({seen[sub_id]} has it too)"}])
            continue
        if isinstance(sub_id, str):
            seen[sub_id] = f"subscriptions.{index}"
        out.append([])
    return out


def parse_file_document(doc: Any, *, older: Callable[[list[dict[str, str]]], None] | None = None
                        ) -> list[Subscription]:
    """The YAML file's content, in either shape :func:`file_entries` takes; every error in every entry reported.
    With ``older``, an entry refused only by the checks of new input (a mailbox in two email channels, a
    webhook URL no request can go to, two reminder offsets naming one moment), as a file written before them may
    be, is taken as written (each moment reminded once), and its errors passed to ``older``."""
    entries = file_entries(doc)
    subs, errors = [], []
    for (i, item), wrong in zip(entries, entry_errors(entries)):
        # subscriptions.3 ('desk-eu'): url, subscriptions.3.url, subscription ('desk-eu'): url, url
        where = entry_prefix(i, item)
        if wrong and not isinstance(item, dict):
            errors.extend(wrong)
            continue
        try:
            sub = parse_subscription(item, where=where)
        except SubscriptionError as exc:
            taken = _as_written_before(item, where=where) if older is not None else None
            if taken is None:
                errors.extend(exc.errors)
                errors.extend(wrong)
                continue
            older(exc.errors)
            sub = taken
        errors.extend(wrong)
        if shown := shown_parts(sub, where=where):
            errors.extend(shown)
            continue
        subs.append(sub)
    if errors:
        raise SubscriptionError(errors)
    return subs


def shown_parts(sub: Subscription, *, where: str = "") -> list[dict[str, str]]:
    """An error for each channel URL or ``secret`` of a file's subscription written as a read shows it, part of it
    hidden (copied from `pledgewatch subscriptions show`): a file has no stored channel for it to stand for, and
    every alert would go to ``https://hooks.example.org/***`` or be signed with ``***``."""
    errors = []
    for i, channel in enumerate(sub.channels):
        url, secret = getattr(channel, "url", None), getattr(channel, "secret", None)
        if isinstance(url, str) and is_shown_form(url):
            errors.append({"field": f"{where}channels.{i}.url",
                           "message": shown_url_message(url, channel.type, stored=False)})
        if secret == HIDDEN:
            errors.append({"field": f"{where}channels.{i}.secret", "message": shown_secret_message(stored=False)})
    return errors


def _as_written_before(item: dict[str, Any], *, where: str) -> Subscription | None:
    """``item`` as a subscription stored before the checks of new input reads back (two offsets naming one moment
    kept once), when only those checks refuse it; else None."""
    try:
        as_stored = Subscription.model_validate(item)
        given = {**item, "reminders": as_stored.reminders} if "reminders" in item else item
        return parse_subscription(given, where=where, kept=as_stored.channels)
    except (ValidationError, SubscriptionError):
        return None


# Stored once in a system that starts with no subscription (store.SubscriptionStore.store_console_once).
CONSOLE_SUBSCRIPTION = Subscription(id="console", channels=[ConsoleChannel()])
