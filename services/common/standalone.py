"""The app of one service started alone (``faststream run services.<name>.app:app``).

FastStream's command prints any exception raised while it imports or starts an app with a full
traceback. A service started alone instead says in one line on stderr what is wrong and exits 1:
a bad setting or file while the module is imported; while it starts, an HTTP address it cannot listen on or a
Redis that does not answer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence

from faststream import FastStream
from pydantic import ValidationError

from .errors import StartupError, bad_settings
from .logs import setup_logging
from .service import Service, build_app
from .settings import Settings


def standalone_app(make_services: Callable[[Settings], Sequence[Service]], *, title: str,
                   file_errors: Mapping[type[Exception], str] | None = None) -> FastStream:
    """``make_services(settings)`` on one app; ``file_errors`` are the service's own errors about the file a
    setting names (error type: variable), whose message is the whole story once it names the variable."""
    file_errors = file_errors or {}
    try:
        settings = Settings()
        settings.require_redis_url()
        setup_logging(settings.log_level, settings.log_format)
        return build_app(make_services(settings), settings, title=title, on_startup_error=exit_with_one_line)
    except ValidationError as exc:
        raise SystemExit(f"error: {title}: {bad_settings(exc)}") from None
    except StartupError as exc:
        raise SystemExit(f"error: {title}: {exc}") from None
    except tuple(file_errors) as exc:
        raise SystemExit(f"error: {title}: {_naming_the_setting(exc, file_errors)}") from None


def _naming_the_setting(exc: Exception, file_errors: Mapping[type[Exception], str]) -> str:
    """``PLEDGEWATCH_SOURCES: sources.yaml: not YAML …`` for an error about the file the variable names (its
    message starts with the path); an error about something else (two feeds of one name) as it is."""
    variable = next(variable for kind, variable in file_errors.items() if isinstance(exc, kind))
    path = os.environ.get(variable, "").strip()
    return f"{variable}: {exc}" if path and str(exc).startswith(path) else str(exc)


def exit_with_one_line(exc: StartupError) -> None:
    # Raised from here, even SystemExit reaches FastStream's task group and is printed with a traceback.
    # Nothing has started yet (the services start one by one, and this is the first that failed).
    sys.stderr.write(f"error: {exc}\n")
    sys.stderr.flush()
    os._exit(1)
