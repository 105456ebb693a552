"""The body of ``PATCH /subscriptions/{id}`` as ``/openapi.json`` documents it: a subscription's fields, none of
them required, since those given replace the stored ones and the rest are kept."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from .subscriptions import Subscription


def _nothing_required(schema: dict[str, Any]) -> None:
    schema.pop("required", None)


class SubscriptionChange(Subscription):
    """Some fields of a subscription, each checked as in a whole one: those given replace the stored ones. ``id``,
    when given, is the subscription's own (it cannot be changed)."""

    model_config = ConfigDict(json_schema_extra=_nothing_required)
