"""The API token of a local ``pledgewatch run``: ``<data_dir>/api-token``, owner-only.

``pledgewatch run`` uses the configured token (PLEDGEWATCH_API_TOKEN or PLEDGEWATCH_API_TOKEN_FILE)
when there is one; otherwise the stored one, generated on the first run. The CLI clients find it
the same way, so they work against a local run with nothing to set.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from services.common.auth import validate_token
from services.common.settings import Settings

from .errors import CommandError

FILE_NAME = "api-token"


def token_path(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def _stored(settings: Settings) -> str | None:
    path = token_path(settings)
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read the API token ({type(exc).__name__}); "
                         "delete it to have a new one made") from None
    try:
        return validate_token(text)
    except ValueError as exc:
        raise CommandError(f"{path}: {exc}; delete it to have a new one made") from None


def _generate(path: Path) -> str:
    token = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only from the start, and never over a file another process just made.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(token + "\n")
    return token


def ensure_api_token(settings: Settings) -> tuple[Settings, bool]:
    """``settings`` with an API token, and whether it was generated just now (and so never shown yet)."""
    if settings.api_token_value is not None:
        return settings, False
    token, generated = _stored(settings), False
    if token is None:
        token, generated = _generate(token_path(settings)), True
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
