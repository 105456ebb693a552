"""The CloudEvents 1.0 envelope around every event, and strict decoding.

Every stream entry carries one event in structured mode: the CloudEvent
attributes and ``data`` as one JSON object. ``schemaversion`` is an extension
attribute; a consumer rejects a type or version it does not know.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from .json_bounds import JSONBoundsError, loads_bounded

DataT = TypeVar("DataT", bound=BaseModel)

SPEC_VERSION = "1.0"


class FrozenModel(BaseModel):
    """Event data: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class EventError(ValueError):
    """An entry that is not a valid event of a known type and schema version."""


class CloudEvent(BaseModel, Generic[DataT]):
    """CloudEvents 1.0 structured-mode envelope."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    TYPE: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int] = 1

    specversion: Literal["1.0"] = Field(default="1.0", description="CloudEvents spec version.")
    id: str = Field(description="Unique per event; the same event published twice keeps its id.")
    source: str = Field(description="URI-reference of the producer.", examples=["/pledgewatch/ingest"])
    type: str = Field(description="Event type, reverse-DNS style.")
    schemaversion: int = Field(strict=True, description="Version of this type's data schema.")
    time: AwareDatetime = Field(description="When the event was produced (UTC).")
    subject: str | None = Field(default=None, description="What the event is about, e.g. a release id.")
    datacontenttype: Literal["application/json"] = "application/json"
    data: DataT

    @classmethod
    def wrap(
        cls, data: DataT, *, id: str, source: str, time: datetime, subject: str | None = None
    ) -> "CloudEvent[DataT]":
        return cls(
            id=id,
            source=source,
            type=cls.TYPE,
            schemaversion=cls.SCHEMA_VERSION,
            time=time,
            subject=subject,
            data=data,
        )

    def to_json(self) -> bytes:
        """Structured-mode JSON. Unset optional attributes are left out, as CloudEvents asks; ``data`` is
        dumped whole, nulls included, so that every event decodes back to itself."""
        absent = {name for name in _OPTIONAL_ATTRIBUTES if getattr(self, name) is None}
        return self.model_dump_json(exclude=absent or None).encode()


_OPTIONAL_ATTRIBUTES = ("subject",)

_REGISTRY: dict[str, type[CloudEvent[Any]]] = {}


def register(cls: type[CloudEvent[Any]]) -> type[CloudEvent[Any]]:
    _REGISTRY[cls.TYPE] = cls
    return cls


def event_types() -> dict[str, type[CloudEvent[Any]]]:
    return dict(_REGISTRY)


def decode_event(raw: bytes | str, *, expect: tuple[type[CloudEvent[Any]], ...] = ()) -> CloudEvent[Any]:
    """Parse one stream entry's JSON into its event class.

    Raises :class:`EventError` with a one-line reason for anything that is not
    JSON (strict, UTF-8, within the bounds of :mod:`schemas.json_bounds`), not a
    CloudEvent, of an unknown or unexpected type, of an unknown schema version
    (an integer: ``true`` is not ``1``), or whose data does not validate.
    """
    try:
        obj = loads_bounded(raw)
    except JSONBoundsError as exc:
        raise EventError(str(exc)) from None
    if not isinstance(obj, dict):
        raise EventError("not a JSON object")
    event_type = obj.get("type")
    cls = _REGISTRY.get(event_type) if isinstance(event_type, str) else None
    if cls is None:
        raise EventError(f"unknown event type {event_type!r}")
    if expect and cls not in expect:
        wanted = ", ".join(sorted(c.TYPE for c in expect))
        raise EventError(f"unexpected event type {event_type!r} (this stream carries {wanted})")
    version = obj.get("schemaversion")
    if type(version) is not int or version != cls.SCHEMA_VERSION:
        raise EventError(
            f"unknown schema version {version!r} for {event_type} (supported: {cls.SCHEMA_VERSION})"
        )
    try:
        return cls.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "event"
        message = " ".join(first["msg"].split())
        raise EventError(
            f"invalid {event_type}: {where}: {message} ({exc.error_count()} error(s))"
        ) from None
