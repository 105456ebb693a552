"""Bearer-token authentication of the HTTP APIs: one ASGI middleware for every service.

Every request but a read (GET, HEAD, OPTIONS) needs ``Authorization: Bearer <token>``; reads need
it too when ``PLEDGEWATCH_OPEN_READS`` is false; ``/healthz`` never does, nor the dashboard's pages, which
check a signed-in session themselves. The token is compared in
constant time, and neither it nor what a client sent is ever logged or echoed. A client that has sent too many
wrong tokens lately is answered 429 instead (:mod:`services.common.wrong_tokens`). A request answered without
the token must name this server in its Host header, or is answered 421 (:mod:`services.common.host_names`).
"""

from __future__ import annotations

import hmac
import logging
import re
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from .host_names import HostNames, host_name
from .http_middleware import CREDENTIAL_PREFIXES, HttpMiddleware, client_of
from .wrong_tokens import WrongTokens

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_PATHS = frozenset({"/healthz"})  # a health check is always open (probes carry no token)
OPEN_PREFIXES = CREDENTIAL_PREFIXES  # a signed link in an email is its own credential (the notifier checks it)
# The dashboard's pages and forms are used from a browser, which sends no bearer token: they check a session
# signed in with the token, and a CSRF token on every form, themselves (services/dashboard/routes.py).
SELF_CHECKED_PATHS = frozenset({"/", "/dashboard"})
# Asked for by any name (a scraper in docker compose names the service): counts, no one's data (see host_refusal).
ANY_HOST_PATHS = frozenset({"/metrics"})
SELF_CHECKED_PREFIXES = ("/dashboard/",)
MIN_TOKEN_LENGTH = 16
REALM = "pledgewatch"
# RFC 6750's b64token: what may follow "Bearer " in a header.
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def validate_token(value: str) -> str:
    """``value`` if it can serve as the API token; ValueError saying why not."""
    if not _TOKEN.fullmatch(value):
        raise ValueError("the API token may hold only letters, digits and - . _ ~ + / (then any '=')")
    if len(value) < MIN_TOKEN_LENGTH:
        raise ValueError(f"the API token needs at least {MIN_TOKEN_LENGTH} characters "
                         "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return value


def needs_token(method: str, path: str, *, open_reads: bool) -> bool:
    """Whether a request of ``method`` on ``path`` must carry the token."""
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return False
    if path in SELF_CHECKED_PATHS or path.startswith(SELF_CHECKED_PREFIXES):
        return False
    return method.upper() not in READ_METHODS or not open_reads


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (scheme in any case), or None."""
    scheme, _, credentials = (header or "").strip().partition(" ")
    credentials = credentials.strip()
    return credentials if scheme.lower() == "bearer" and credentials else None


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused (401), as a JSON reason and a ``WWW-Authenticate`` challenge."""

    reason: str
    error: str | None = None  # RFC 6750: None when no credentials were sent, "invalid_token" when wrong

    @property
    def challenge(self) -> str:
        if self.error is None:
            return f'Bearer realm="{REALM}"'
        return f'Bearer realm="{REALM}", error="{self.error}"'


@dataclass(frozen=True)
class ApiAuth:
    """The token every protected request must carry (None: none configured, every such request is refused), and
    the count of wrong ones each client sent (shared with the dashboard's sign-in form)."""

    token: str | None = field(repr=False)
    open_reads: bool = True
    wrong_tokens: WrongTokens = field(default_factory=WrongTokens, compare=False, repr=False)
    hosts: HostNames = field(default_factory=HostNames)  # what a request without the token may name (Host)

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiAuth:
        own = [settings.http_host, socket.gethostname(),
               *(urlsplit(url).hostname or "" for url in (settings.notifier.public_url, settings.notifier.dashboard_url)
                 if url)]
        return cls(settings.api_token_value, open_reads=settings.open_reads,
                   wrong_tokens=WrongTokens(settings.wrong_token_limit, settings.wrong_token_window_seconds),
                   hosts=HostNames.of([*own, *settings.allowed_hosts]))

    def check(self, method: str, path: str, authorization: str | None) -> Refusal | None:
        """None when the request may go on, else the :class:`Refusal`."""
        if not needs_token(method, path, open_reads=self.open_reads):
            return None
        if self.token is None:
            return Refusal("no API token is configured on this server: writes are refused")
        presented = bearer_token(authorization)
        if presented is None:
            return Refusal(f"{method.upper()} needs an API token: send Authorization: Bearer <token>")
        if not self._is_token(presented):
            return Refusal("the API token is not valid", error="invalid_token")
        return None

    def _is_token(self, presented: str | None) -> bool:
        """Whether ``presented`` is the API token, compared in constant time."""
        return presented is not None and self.token is not None \
            and hmac.compare_digest(presented.encode("utf-8", "surrogatepass"), self.token.encode())

    def host_refusal(self, path: str, authorization: str | None, host: str | None) -> str | None:
        """Why a request naming ``host`` may not be answered, or None: one answered without the token (an open
        read, a dashboard page) must name this server (:mod:`.host_names`); a health check, the metrics and an
        unsubscribe link (its own credential) need not."""
        if path in OPEN_PATHS or path in ANY_HOST_PATHS or path.startswith(OPEN_PREFIXES) or self.hosts.allows(host):
            return None
        if self._is_token(bearer_token(authorization)):
            return None
        return (f"this server does not answer to the name {host_name(host or '')!r} without the API token: a "
                "web page could point a name of its own at it; if it is this server's name, add it to "
                "PLEDGEWATCH_ALLOWED_HOSTS")


def too_many_wrong_tokens(seconds: int) -> JSONResponse:
    """429 to a client past the limit of wrong tokens, for ``seconds`` more."""
    return JSONResponse({"errors": [{"field": "authorization", "message": "too many wrong API tokens from this "
                                     f"address: try again in {seconds} s"}]},
                        status_code=429, headers={"Retry-After": str(seconds)})


class Authenticate(HttpMiddleware):
    """ASGI middleware answering 401 (JSON reason, ``WWW-Authenticate: Bearer``) to what ``auth`` refuses, and
    429 (``Retry-After``) to a request needing the token from a client past the limit of wrong ones."""

    def __init__(self, app: ASGIApp, auth: ApiAuth) -> None:
        super().__init__(app)
        self.auth = auth

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        method, path = scope["method"], scope["path"]
        client = client_of(scope)
        refusal = self.auth.check(method, path, Headers(scope=scope).get("authorization"))
        wait = None
        if refusal is not None and refusal.error == "invalid_token":
            wait = await self.auth.wrong_tokens.wrong_token(client)  # counted and judged in one step
        elif needs_token(method, path, open_reads=self.auth.open_reads):
            wait = await self.auth.wrong_tokens.retry_after(client)  # the right token too, past the limit
        if wait is not None:
            await too_many_wrong_tokens(wait)(scope, receive, send)
            return
        if refusal is None:
            headers = Headers(scope=scope)
            if misnamed := self.auth.host_refusal(path, headers.get("authorization"), headers.get("host")):
                await JSONResponse({"errors": [{"field": "host", "message": misnamed}]},
                                   status_code=421)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        log.warning("refused %s %s from %s: %s", method, path, client, refusal.reason)
        answer = JSONResponse({"errors": [{"field": "authorization", "message": refusal.reason}]},
                              status_code=401, headers={"WWW-Authenticate": refusal.challenge})
        await answer(scope, receive, send)
