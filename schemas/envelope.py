"""The CloudEvents 1.0 envelope around every event, and strict decoding.

Every stream entry carries one event in structured mode: the CloudEvent
attributes and ``data`` as one JSON object. ``dataschema`` names the JSON Schema
of ``data``, its version in the URI; a consumer rejects a type or data schema it
does not know. Events written before ``dataschema`` carry the version in an
extension attribute ``schemaversion`` instead: still read, no longer written.
Other extension attributes (``traceparent``, say) are accepted and kept.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from .json_bounds import JSONBoundsError, loads_bounded
from .messages import readable_message

DataT = TypeVar("DataT", bound=BaseModel)

SPEC_VERSION = "1.0"
SCHEMA_BASE_URI = "https://pledgewatch.org/schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# CloudEvents: attribute names are lower-case ASCII letters and digits; extension values are strings,
# integers or booleans (a URI or a timestamp travels as a string). A null attribute is an absent one.
_ATTRIBUTE_NAME = re.compile(r"^[a-z0-9]+$")
_EXTENSION_VALUE_TYPES = ("string", "integer", "boolean")


def data_schema_uri(event_type: str, version: int) -> str:
    """The ``dataschema`` of ``event_type`` at ``version``: the ``$id`` of its data's JSON Schema."""
    return f"{SCHEMA_BASE_URI}/{event_type}/v{version}/data.json"


def event_schema_uri(event_type: str, version: int) -> str:
    """The ``$id`` of the JSON Schema of the whole event (envelope and data)."""
    return f"{SCHEMA_BASE_URI}/{event_type}/v{version}/event.json"


class FrozenModel(BaseModel):
    """Event data: immutable, and strict about unknown fields. Written whole (see ``CloudEvent.to_json``), so its
    JSON Schema, drawn in serialization mode, requires every field, those with a default too."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)


class EventError(ValueError):
    """An entry that is not a valid event of a known type and schema version."""


def _envelope_schema(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """The event's JSON Schema beyond what the fields say: the required CloudEvents attributes, the one
    ``dataschema`` this class reads (or the older ``schemaversion``), and extension attributes allowed."""
    event_type = getattr(cls, "TYPE", None)
    properties = schema.setdefault("properties", {})
    # dataschema, or schemaversion before it, is required through anyOf below, the other being absent; as written
    # (the serialization schema, which lists every attribute with a default), the subject is there too, though its
    # exclude_if keeps pydantic from listing it
    written = "datacontenttype" in schema.get("required", ())
    schema["required"] = sorted({*schema.get("required", ()), "specversion", "id", "source", "type",
                                 *(("subject",) if written else ())} - {"dataschema", "schemaversion"})
    schema["propertyNames"] = {"pattern": _ATTRIBUTE_NAME.pattern}
    schema["additionalProperties"] = {"type": [*_EXTENSION_VALUE_TYPES, "null"],
                                      "description": "A CloudEvents extension attribute (traceparent, ...)."}
    # to_json leaves a null subject out, and every event pledgewatch writes has one: as written, it is a string
    properties["subject"] = {key: value for key, value in properties.get("subject", {}).items()
                             if key not in ("anyOf", "default")} | {"type": "string"}
    properties["dataschema"] = {"type": "string", "format": "uri",
                                "description": "URI of the JSON Schema of data; its version is in the URI."}
    properties["schemaversion"] = {"type": "integer", "deprecated": True,
                                   "description": "The data schema version, as events written before "
                                                  "dataschema carry it; read, no longer written."}
    if event_type is not None:
        version = cls.SCHEMA_VERSION  # type: ignore[attr-defined]
        properties["dataschema"]["const"] = data_schema_uri(event_type, version)
        properties["schemaversion"]["const"] = version
        schema["anyOf"] = [{"required": ["dataschema"]}, {"required": ["schemaversion"]}]


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(cls: type[BaseModel]) -> frozenset[str]:
    """``cls``'s field names, looked up once per class (each ``model_fields`` access costs as much as a
    whole small event's validation otherwise)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(cls.model_fields)
    return names


def _absent(value: object) -> bool:
    """An optional attribute left out of the event as written: CloudEvents has no null attribute."""
    return value is None


class CloudEvent(BaseModel, Generic[DataT]):
    """CloudEvents 1.0 structured-mode envelope."""

    model_config = ConfigDict(frozen=True, extra="allow", json_schema_extra=_envelope_schema,
                              json_schema_serialization_defaults_required=True)

    TYPE: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int] = 1  # the version written
    READ_VERSIONS: ClassVar[tuple[int, ...]] = (1,)  # the versions read: earlier data must decode as this model

    specversion: Literal["1.0"] = Field(default="1.0", description="CloudEvents spec version.")
    id: str = Field(min_length=1, description="Unique per event; the same event published twice keeps its id.")
    source: str = Field(min_length=1, description="URI-reference of the producer.", examples=["/pledgewatch/ingest"])
    type: str = Field(description="Event type, reverse-DNS style.")
    dataschema: str | None = Field(default=None, exclude_if=_absent, description="URI of the JSON Schema of data.")
    schemaversion: int | None = Field(default=None, strict=True, exclude_if=_absent,
                                      description="Deprecated: see dataschema.")
    time: AwareDatetime = Field(description="When the event was produced (UTC).")
    subject: str | None = Field(default=None, exclude_if=_absent, description=(
        "What the event is about: a release id, a subscription id, a source's name, a stream; every event "
        "pledgewatch writes has one."))
    datacontenttype: Literal["application/json"] = "application/json"
    data: DataT

    @model_validator(mode="before")
    @classmethod
    def _extension_attributes(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        kept, fields = {}, _field_names(cls)
        for name, attribute in value.items():
            if name not in fields:
                if not isinstance(name, str) or not _ATTRIBUTE_NAME.match(name):
                    raise ValueError(f"{name!r} is not a CloudEvents attribute name (a-z, 0-9)")
                if attribute is None:
                    continue
                if not isinstance(attribute, (str, int)):  # bool is an int
                    raise ValueError(f"extension attribute {name!r} must be a string, integer or boolean")
            kept[name] = attribute
        return kept

    @classmethod
    def data_schema(cls) -> str:
        """The ``dataschema`` this event type is written with."""
        return data_schema_uri(cls.TYPE, cls.SCHEMA_VERSION)

    @classmethod
    def wrap(
        cls, data: DataT, *, id: str, source: str, time: datetime, subject: str
    ) -> "CloudEvent[DataT]":
        return cls(
            id=id,
            source=source,
            type=cls.TYPE,
            dataschema=cls.data_schema(),
            time=time.astimezone(timezone.utc),  # the contract's UTC, whatever zone the data writes its times in
            subject=subject,
            data=data,
        )

    @property
    def extensions(self) -> dict[str, Any]:
        """The extension attributes the event came with (``traceparent``, ...)."""
        return dict(self.model_extra or {})

    def to_json(self) -> bytes:
        """Structured-mode JSON. Unset optional attributes are left out, as CloudEvents asks (each one's own
        ``exclude_if``: no set of names to exclude built and matched for every event); ``data`` is dumped whole,
        nulls included, so that every event decodes back to itself."""
        return self.__pydantic_serializer__.to_json(self)

_REGISTRY: dict[str, type[CloudEvent[Any]]] = {}


def register(cls: type[CloudEvent[Any]]) -> type[CloudEvent[Any]]:
    _REGISTRY[cls.TYPE] = cls
    return cls


def event_types() -> dict[str, type[CloudEvent[Any]]]:
    return dict(_REGISTRY)


def _schema_problem(obj: dict[str, Any], cls: type[CloudEvent[Any]]) -> str | None:
    """Why the event's data schema is not the one ``cls`` reads, or None when it is."""
    event_type, dataschema, version = cls.TYPE, obj.get("dataschema"), obj.get("schemaversion")
    uris = {data_schema_uri(event_type, v): v for v in cls.READ_VERSIONS}
    supported = ", ".join(uris)
    if dataschema is not None and (not isinstance(dataschema, str) or dataschema not in uris):
        return f"unknown dataschema {dataschema!r} for {event_type} (supported: {supported})"
    if version is None and dataschema is None:
        return f"no dataschema for {event_type} (supported: {supported})"
    if version is not None and (type(version) is not int or version not in cls.READ_VERSIONS):
        versions = ", ".join(map(str, cls.READ_VERSIONS))
        return f"unknown schema version {json.dumps(version)} for {event_type} (supported: {versions})"  # as sent
    if version is not None and dataschema is not None and uris[dataschema] != version:
        return f"schemaversion {version} disagrees with dataschema {dataschema!r}"
    return None


def decode_event(raw: bytes | str, *, expect: tuple[type[CloudEvent[Any]], ...] = ()) -> CloudEvent[Any]:
    """Parse one stream entry's JSON into its event class.

    Raises :class:`EventError` with a one-line reason for anything that is not
    JSON (strict, UTF-8, within the bounds of :mod:`schemas.json_bounds`), not a
    CloudEvent, of an unknown or unexpected type, of an unknown ``dataschema`` (or,
    for events written before it, ``schemaversion``: an integer, ``true`` is not
    ``1``), or whose data does not validate.
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
    problem = _schema_problem(obj, cls)
    if problem is not None:
        raise EventError(problem)
    try:
        return cls.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "event"
        message = readable_message(first)
        raise EventError(
            f"invalid {event_type}: {where}: {message} ({exc.error_count()} error(s))"
        ) from None
