"""The bodies the subscriptions API reads beside a whole subscription, as ``/openapi.json`` documents them: a
change (``PATCH``), a subscription's fields none of which is required, since those given replace the stored ones
and the rest are kept; and a pause's end."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from .subscriptions import Subscription


def _nothing_required(schema: dict[str, Any]) -> None:
    schema.pop("required", None)


class SubscriptionChange(Subscription):
    """Some fields of a subscription, each checked as in a whole one: those given replace the stored ones. ``id``,
    when given, is the subscription's own (it cannot be changed)."""

    model_config = ConfigDict(json_schema_extra=_nothing_required)


class PauseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    until: AwareDatetime | date = Field(description="A time with its zone, or a date alone: the start of that day, "
                                        "00:00 UTC; not in the past, and before 2100.",
                                        examples=["2026-02-01T09:00:00Z", "2026-02-01"])
