"""How a pydantic validation error reads in a message: shared by the event contracts and every service."""

from __future__ import annotations

from typing import Any


def readable_message(error: Any) -> str:
    """A pydantic error's message as every API, dead letter, command and log line words it: "unknown field"
    for a field the model does not have, and a validator's own words without pydantic's "Value error, "."""
    if error["type"] == "extra_forbidden":
        return "unknown field"
    return " ".join(str(error["msg"]).removeprefix("Value error, ").split())
