"""Failures an operator can act on, and how a settings error reads as one line."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from schemas.messages import readable_message

ENV_PREFIX = "PLEDGEWATCH_"
# Fields read from a variable other than PLEDGEWATCH_<FIELD>.
_ENV_NAMES = {"redis_url": "REDIS_URL", "data_dir": "PLEDGEWATCH_HOME"}
# Their values are never repeated in a message.
_SECRET_WORDS = ("token", "password", "secret", "redis_url")
_ABOUT_SECRETS = ("wrong_token_",)  # named for a secret, holding none: their values are repeated


class StartupError(RuntimeError):
    """A service cannot start, for a reason one line says (no Redis, no REDIS_URL, a bad file)."""


def field_errors(exc: ValidationError, *, whole: str = "body") -> list[dict[str, str]]:
    """One ``{"field": "field.path", "message": …}`` per validation error, as the HTTP APIs answer them;
    ``whole`` names an error of the whole input."""
    return [{"field": ".".join(str(p) for p in e["loc"]) or whole, "message": readable_message(e)}
            for e in exc.errors()]


def field_problems(exc: ValidationError, *, whole: str = "body") -> list[str]:
    """One ``field.path: message`` line per validation error; ``whole`` names an error of the whole input."""
    return [f"{e['field']}: {e['message']}" for e in field_errors(exc, whole=whole)]


def failure_text(exc: BaseException) -> str:
    """What went wrong, on one line, for a log line or a dead letter's reason: ``Type: message``; a pydantic
    error as ``invalid Model: field: message; …``, not its block of lines with "Value error, " and a link."""
    if isinstance(exc, ValidationError):
        text = f"invalid {exc.title}: {'; '.join(field_problems(exc, whole=exc.title))}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def env_name(field: str) -> str:
    """The environment variable a settings field is read from."""
    return _ENV_NAMES.get(field) or (field if field.isupper() else ENV_PREFIX + field.upper())


def settings_problem(exc: ValidationError, options: Mapping[str, str] | None = None) -> str:
    """``PLEDGEWATCH_SMTP_PORT='abc': Input should be a valid integer`` for each error, on one line; a variable
    that is the default of a command-line option in ``options`` (variable: option) is told with it."""
    reasons = []
    for error in exc.errors():
        message = readable_message(error)
        if not error["loc"] or _section_only(error["loc"]):  # a check across settings: its message names them
            reasons.append(message)
            continue
        field = _field(error["loc"])
        variable = env_name(field)
        value = error.get("input")
        secret = any(word in field.lower() for word in _SECRET_WORDS) and not field.lower().startswith(_ABOUT_SECRETS)
        shown = f"={value!r}" if isinstance(value, str | int | float) and not secret else ""
        option = f" (the default of `{options[variable]}`)" if options and variable in options else ""
        reasons.append(f"{variable}{shown}{option}: {message.removeprefix(variable + ': ')}")
    return "; ".join(reasons)


def _field(loc: tuple[int | str, ...]) -> str:
    """The setting an error is about: a section's field is read from a flat variable like any other
    (``("notifier", "smtp_port")`` is ``smtp_port``, from PLEDGEWATCH_SMTP_PORT)."""
    from .settings import Settings

    names = [str(part) for part in loc if isinstance(part, str) and part not in Settings.section_names()]
    return names[0] if names else str(loc[0])


def _section_only(loc: tuple[int | str, ...]) -> bool:
    """Whether an error is about a section as a whole (``("ingest",)``): there is no variable of that name."""
    from .settings import Settings

    return len(loc) == 1 and loc[0] in Settings.section_names()


def bad_settings(exc: ValidationError, options: Mapping[str, str] | None = None) -> str:
    """The whole line for a settings error: what is wrong and what to do (``options``: see settings_problem)."""
    return (f"bad setting: {settings_problem(exc, options)} "
            "(fix the environment variable, or unset it for the default)")
