"""The settings a command runs with, or one line saying which variable is wrong."""

from __future__ import annotations

from pydantic import ValidationError

from services.common.errors import bad_settings
from services.common.settings import Settings

from .errors import usage_error


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise usage_error(bad_settings(exc)) from None


def check_service_settings() -> None:
    """Every service's own settings read once, so that a bad one is reported before anything starts."""
    from services.ingest.config import IngestSettings
    from services.notifier.config import NotifierConfig

    for settings_class in (IngestSettings, NotifierConfig):
        try:
            settings_class()
        except ValidationError as exc:
            raise usage_error(bad_settings(exc)) from None
