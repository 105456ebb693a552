"""The settings a command runs with, or one line saying which variable is wrong."""

from __future__ import annotations

from services.common.settings import Settings


def load_settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's message names the bad variable
        raise SystemExit(f"bad configuration: {exc}") from None
