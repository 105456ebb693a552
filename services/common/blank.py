"""A setting given as nothing, or only blanks (``PLEDGEWATCH_SOURCES=``, a line of ``.env.example`` uncommented as
it is), when its default is unset: it is unset, not a path ``.``, an empty secret or a bad value. When its default
is a value (``PLEDGEWATCH_SMTP_HOST=``), it is a bad setting: no host, prefix or name was meant."""

from __future__ import annotations


def none_if_blank(value: object) -> object:
    """None for a blank string, else ``value`` as it is (for a ``mode="before"`` field validator)."""
    return None if isinstance(value, str) and not value.strip() else value


def refuse_blank(value: str) -> str:
    """``value`` unless it is blank (for a field validator of a text setting whose default is a value)."""
    if not value.strip():
        raise ValueError("cannot be blank")
    return value
