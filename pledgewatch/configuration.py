"""The settings a command runs with, or one line saying which variable is wrong."""

from __future__ import annotations

from pydantic import ValidationError

from services.common.settings import Settings

from .errors import bad_settings_line, usage_error


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise usage_error(bad_settings_line(exc)) from None

