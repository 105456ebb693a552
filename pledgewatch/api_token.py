"""The API token of a local ``pledgewatch run``: ``<data_dir>/api-token``, owner-only.

``pledgewatch run`` uses the configured token (PLEDGEWATCH_API_TOKEN or PLEDGEWATCH_API_TOKEN_FILE)
when there is one; otherwise the stored one, generated on the first run. The CLI clients find it
the same way, so they work against a local run with nothing to set.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from services.common.auth import validate_token
from services.common.settings import Settings

from .errors import CommandError
from .secret_file import generate_secret_file, read_secret_file

FILE_NAME = "api-token"


def token_path(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def _stored(settings: Settings) -> str | None:
    path = token_path(settings)
    text = read_secret_file(path, "the API token")
    if text is None:
        return None
    try:
        return validate_token(text)
    except ValueError as exc:
        raise CommandError(f"{path}: {exc}; delete it to have a new one made") from None


def ensure_api_token(settings: Settings) -> tuple[Settings, bool]:
    """``settings`` with an API token, and whether it was generated just now (and so never shown yet)."""
    if settings.api_token_value is not None:
        return settings, False
    token, generated = _stored(settings), False
    if token is None:
        token, generated = generate_secret_file(token_path(settings)), True
    return settings.model_copy(update={"api_token": SecretStr(token)}), generated


def find_api_token(settings: Settings, *, stored: bool = True) -> str | None:
    """The token a CLI client sends: the configured one, else (with ``stored``) that of a local run."""
    if settings.api_token_value is not None:
        return settings.api_token_value
    return _stored(settings) if stored else None


def announcement(settings: Settings, token: str | None) -> str:
    """What ``pledgewatch run`` prints at start about the token: the token itself only when just generated."""
    path = token_path(settings)
    if token is None:
        return (f"API token: in {path} (send it as Authorization: Bearer <token>; "
                "the pledgewatch commands find it by themselves)")
    return (f"API token generated, saved to {path} (owner-only) and shown this once:\n"
            f"    {token}\n"
            "Every write to the HTTP API needs it, e.g.\n"
            f'    curl -H "Authorization: Bearer $(cat {path})" ...\n'
            "`pledgewatch subscriptions ...` finds it by itself. "
            "Set PLEDGEWATCH_API_TOKEN or PLEDGEWATCH_API_TOKEN_FILE to choose your own.")
