"""Who is asking, and whether a form of theirs may change anything: the visitor's session (one is made for a
visitor without), whether it is signed in, its CSRF token, the form read within bounds, and the session cookie."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from fastapi import Request
from fastapi.responses import Response

from .sessions import COOKIE, Session, Sessions

MAX_FORM = 64 * 1024
MAX_FIELDS = 200
MAX_BACK = 2048  # the longest page to go back to after signing in (a list page's search and its way back)


@dataclass(frozen=True)
class Visitor:
    session: Session
    new: bool  # the session cookie is to be set
    signed_in: bool
    csrf: str


class Refused(Exception):
    """A form refused: the status to answer, and the message to show on the page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def check_csrf(sessions: Sessions | None, visitor: Visitor, form: dict[str, list[str]]) -> None:
    """:class:`Refused` unless ``form`` carries the CSRF token of the visitor's session (a visitor who came
    without a session has none to carry)."""
    if sessions is None:
        raise Refused(403, "No API token is configured on this server: changes are refused.")
    if visitor.new or not sessions.csrf_matches(visitor.session, (form.get("csrf") or [None])[-1]):
        raise Refused(403, "This form has expired or did not come from this page: reload the page and try again.")


async def read_form(request: Request) -> dict[str, list[str]]:
    """The fields of an ``application/x-www-form-urlencoded`` body, each with its values in order."""
    body = await request.body()
    if len(body) > MAX_FORM:
        raise Refused(413, "The form is too large.")
    try:
        return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        raise Refused(413, "The form has too many fields.") from None


def set_cookie(answer: Response, request: Request, value: str, *, always_secure: bool) -> None:
    """The session cookie: Secure when ``always_secure`` (``PLEDGEWATCH_SECURE_COOKIES``) or the request came
    over HTTPS, to this server or to a trusted proxy saying so (``PLEDGEWATCH_TRUSTED_PROXIES``: uvicorn then
    gives the request the scheme of its ``X-Forwarded-Proto``). SameSite=Lax, not Strict: a link from another
    site to the dashboard carries it, where under Strict the visitor arrived as a new one and the new cookie of
    the answer signed them out (decision 0061); no change is a GET, and every form carries its CSRF token."""
    answer.set_cookie(COOKIE, value, httponly=True, samesite="lax", path="/",
                      secure=always_secure or request.url.scheme == "https")


def wait_words(seconds: int) -> str:
    """``seconds`` as a visitor reads a wait: "30 seconds", "1 minute", "5 minutes" (rounded up)."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def page_to_go_back_to(text: str) -> str | None:
    """``text`` when it is the address of one of the dashboard's own pages (a path under ``/dashboard/``, its
    query kept), to go back to after signing in there; else None. Never another site's: an absolute URL,
    ``//host``, a backslash (``/\\host``, which browsers read as ``//host``), a control character or space, a
    fragment, or a path whose escapes hide a slash, a backslash, a dot segment or another escape is refused."""
    if not 0 < len(text) <= MAX_BACK or not all("!" <= c <= "~" for c in text) or any(c in text for c in "\\#"):
        return None
    path = unquote(text.partition("?")[0])  # as the server reads it
    segments = path.split("/")[1:]
    if (not text.startswith("/dashboard/") or not path.startswith("/dashboard/") or "%" in path or "\\" in path
            or "" in segments[:-1] or {".", ".."} & set(segments) or not all("!" <= c <= "~" for c in path)):
        return None
    return text
