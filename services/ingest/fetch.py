"""The one HTTP client of ingest: http/https only, bounded in time, size and redirects.

Conditional GET: pass the ``etag`` / ``last_modified`` of the last response and
a ``304 Not Modified`` comes back as :class:`NotModified`; a 304 to a request without them,
like a redirect without a ``Location``, is a :class:`FetchError`.

A URL taken from third-party content (a feed entry's link) is fetched with
``trusted_origins``: it, and every redirect, must resolve only to public
addresses unless its origin (host and port) is one of those (the source's
own, GOV.UK's), so a feed cannot make ingest read and republish a loopback,
private or link-local service. A URL the operator configured (a source, GOV.UK's
API) is trusted itself, but not where its server redirects: a redirect to another
origin must resolve only to public addresses too. ``PLEDGEWATCH_ALLOW_PRIVATE_LINKS``
turns both off.

With ``follow_refresh``, a page that only sends its reader on by ``<meta http-equiv="refresh">``
(:mod:`.refresh`) is followed as a redirect is: the same limit on hops, checks and rules for its target.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Collection
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp import hdrs
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from services.common.outbound import non_public_kind, resolve_addresses
from services.common.retry_after import ASK_TO_WAIT, retry_after_seconds

from .charset import decode_text
from .settings import IngestSettings
from .errors import ContentError, FetchError
from .media_types import HTML_TYPES, sniffed_type
from .refresh import MAX_BYTES, refresh_target

_REDIRECTS = {301, 302, 303, 307, 308}
_MOVED_FOR_GOOD = {301, 308}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str  # media type, no parameters; with none declared, the one its first bytes show
    charset: str | None
    etag: str | None
    last_modified: str | None
    type_sniffed: bool = False  # the answer had no Content-Type: ``content_type`` is its body's sniffed type
    moved: tuple[int, str] | None = None  # the URL asked answered 301 or 308 (moved for good): (status, where to)

    def text(self, *, html: bool = False) -> str:
        return decode_text(self.body, charset=self.charset, url=self.url, html=html)


@dataclass(frozen=True)
class NotModified:
    """A ``304 Not Modified`` to the validators sent: nothing new at the address, which may have moved all the same
    (``moved`` as :attr:`Fetched.moved`)."""

    moved: tuple[int, str] | None = None


def check_url(url: str, *, base: str | None = None) -> str:
    """``url`` (made absolute against ``base`` when given) when it is one this fetcher fetches; else FetchError."""
    try:
        url = urljoin(base, url) if base is not None else url
        parts = urlsplit(url)
        parts.port  # noqa: B018  (read to check it: one out of range, or not a number, raises)
    except ValueError as exc:  # a redirect's Location, or a refresh's URL, as a server wrote it
        raise FetchError(f"{url}: not a URL that can be fetched ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http:// and https:// URLs are fetched")
    return url


def origin(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL, the port filled in from the scheme."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


FROM_CONTENT = "links from feed content may only go to public addresses"
FROM_SOURCE = "a configured source's redirects to another host may only go to public addresses"


async def check_public(url: str, why: str = FROM_CONTENT) -> None:
    """:class:`FetchError` unless every address ``url``'s host resolves to is public (``why``: the rule)."""
    host, port = origin(url)
    try:
        addresses = await resolve_addresses(host, port)
    except socket.gaierror as exc:
        raise FetchError(f"{url}: cannot resolve {host} ({exc.strerror})") from None
    for address in addresses:
        kind = non_public_kind(address)
        if kind is not None:
            raise FetchError(
                f"{url}: refused: {host} is a {kind} address ({address}); {why} (PLEDGEWATCH_ALLOW_PRIVATE_LINKS)")


# While a request must reach public addresses only, the rule it answers to (else None). Read by the session's
# resolver, so the addresses connected to are the ones checked: a name that resolved to a public address for
# :func:`check_public` and to a private one a moment later (DNS rebinding) is refused at the connection too.
_PUBLIC_ONLY: ContextVar[str | None] = ContextVar("ingest_public_only", default=None)


class Refused(OSError):
    """A connection refused by :class:`_PublicOnlyResolver`."""


class _PublicOnlyResolver(AbstractResolver):
    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        infos = await self._inner.resolve(host, port, family)
        why = _PUBLIC_ONLY.get()
        for info in infos if why is not None else ():
            kind = non_public_kind(info["host"])
            if kind is not None:
                raise Refused(f"refused: {host} is a {kind} address ({info['host']}); {why} "
                              "(PLEDGEWATCH_ALLOW_PRIVATE_LINKS)")
        return infos

    async def close(self) -> None:
        await self._inner.close()


def connect_failure(exc: aiohttp.ClientConnectorError, url: str) -> str:
    """Why a connection to ``url`` could not be made, in words naming its host: DNS, refused, TLS, …"""
    host, port = origin(url)
    cause = exc.os_error
    if isinstance(cause, Refused):
        return str(cause)
    if isinstance(exc, aiohttp.ClientConnectorDNSError) or isinstance(cause, socket.gaierror):
        return f"cannot resolve {host} (no network or DNS?)"
    if isinstance(exc, aiohttp.ClientSSLError):
        return f"TLS with {host}:{port} failed ({getattr(cause, 'reason', None) or cause})"
    if isinstance(cause, ConnectionRefusedError):
        return f"{host}:{port} refused the connection (is the server running there?)"
    return f"cannot connect to {host}:{port} ({getattr(cause, 'strerror', None) or cause})"


def _status_error(resp: aiohttp.ClientResponse, url: str) -> FetchError:
    """The :class:`FetchError` for an answer that is neither content nor a redirect followed: an error status,
    a redirect with no ``Location``, a ``304`` to a request that sent no validators (nothing to be unchanged)."""
    answer = f"HTTP {resp.status} {resp.reason or ''}".rstrip()
    if resp.status == 304:  # only a request that sent validators is answered NotModified for it
        answer += " to a request without ETag or Last-Modified"
    elif 300 <= resp.status < 400:
        answer += " without a Location to follow"
    wait = retry_after_seconds(resp.headers.get("Retry-After"), now=datetime.now(timezone.utc)) \
        if resp.status in ASK_TO_WAIT else None
    return FetchError(f"{url}: {answer}", failure=f"{origin(url)[0]} answered {answer}", status=resp.status,
                      retry_after=wait)


def refreshes_to(fetched: Fetched) -> str | None:
    """Where ``fetched``, an HTML page that only redirects by ``<meta http-equiv="refresh">``, sends its reader;
    else ``None`` (not such a page, or too large to be one)."""
    if fetched.content_type not in HTML_TYPES or len(fetched.body) > MAX_BYTES:
        return None
    try:
        html = fetched.text(html=True)
    except ContentError:  # undecodable: reading it as the page says why
        return None
    return refresh_target(html, url=fetched.url)


class Fetcher:
    """An aiohttp session with ingest's limits; use ``async with`` or ``open``/``close``."""

    def __init__(self, *, user_agent: str, timeout: float, max_bytes: int, max_redirects: int,
                 allow_private_links: bool = False) -> None:
        self.user_agent, self.timeout = user_agent, timeout
        self.max_bytes, self.max_redirects = max_bytes, max_redirects
        self.allow_private_links = allow_private_links
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(cls, settings: IngestSettings) -> "Fetcher":
        return cls(user_agent=settings.user_agent, timeout=settings.fetch_timeout,
                   max_bytes=settings.max_fetch_bytes, max_redirects=settings.max_redirects,
                   allow_private_links=settings.allow_private_links)

    def open(self) -> None:
        if self._session is None:
            timeout = aiohttp.ClientTimeout(total=self.timeout, sock_connect=self.timeout)
            # No DNS cache: each connection's addresses are the resolver's answer of the moment, checked.
            connector = aiohttp.TCPConnector(resolver=_PublicOnlyResolver(), use_dns_cache=False)
            self._session = aiohttp.ClientSession(timeout=timeout, headers={"User-Agent": self.user_agent},
                                                  connector=connector)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> "Fetcher":
        self.open()
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                  accept: str = "*/*", trusted_origins: Collection[tuple[str, int]] | None = None,
                  follow_refresh: bool = False) -> Fetched | NotModified:
        """GET ``url``; :class:`NotModified` when the server answers 304 to the validators given.

        ``follow_refresh``: an HTML page that only redirects by ``<meta http-equiv="refresh">`` counts as a
        redirect to its target.

        ``trusted_origins``: ``url`` came from third-party content, so it and its
        redirects must go to public addresses unless their origin is one of these.
        Without: ``url`` is trusted, its redirects to another origin are not.
        """
        self.open()
        assert self._session is not None
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = check_url(url)
        trusted, why = (trusted_origins, FROM_CONTENT) if trusted_origins is not None \
            else (frozenset({origin(url)}), FROM_SOURCE)
        outer = _PUBLIC_ONLY.set(None)
        moved: tuple[int, str] | None = None
        try:
            for hop in range(self.max_redirects + 1):
                public_only = not self.allow_private_links and origin(current) not in trusted
                if public_only:
                    await asyncio.wait_for(check_public(current, why), self.timeout)
                _PUBLIC_ONLY.set(why if public_only else None)  # for this request's connection
                async with self._session.get(current, headers=headers, allow_redirects=False) as resp:
                    if resp.status in _REDIRECTS and "Location" in resp.headers:
                        current = check_url(resp.headers["Location"], base=current)
                        if hop == 0 and resp.status in _MOVED_FOR_GOOD:
                            moved = (resp.status, current)
                        continue
                    if resp.status == 304 and (etag or last_modified):
                        return NotModified(moved)
                    if not 200 <= resp.status < 300:
                        raise _status_error(resp, current)
                    body = await self._read(resp, current)
                    declared = hdrs.CONTENT_TYPE in resp.headers
                    fetched = Fetched(url=current, body=body,
                                      content_type=resp.content_type if declared else sniffed_type(body),
                                      charset=resp.charset, etag=resp.headers.get("ETag"),
                                      last_modified=resp.headers.get("Last-Modified"), type_sniffed=not declared,
                                      moved=moved)
                    target = refreshes_to(fetched) if follow_refresh else None
                    if target is None:
                        return fetched
                    current = check_url(target)
        except asyncio.TimeoutError:
            within = f"within {self.timeout:g} s"
            raise FetchError(f"{current}: no complete answer {within}",
                             failure=f"no complete answer from {origin(current)[0]} {within}") from None
        except aiohttp.ClientConnectorError as exc:
            detail = connect_failure(exc, current)
            raise FetchError(f"{current}: {detail}", failure=detail) from None
        except aiohttp.ClientError as exc:
            raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from None
        finally:
            _PUBLIC_ONLY.reset(outer)
        raise FetchError(f"{url}: more than {self.max_redirects} redirects")

    @property
    def _limit(self) -> str:
        return f"{self.max_bytes}-byte limit (PLEDGEWATCH_MAX_FETCH_BYTES: raise it to admit larger answers)"

    async def _read(self, resp: aiohttp.ClientResponse, url: str) -> bytes:
        declared = resp.content_length
        if declared is not None and declared > self.max_bytes:
            raise ContentError(f"{url}: {declared} bytes is over the {self._limit}")
        body = bytearray()
        async for chunk in resp.content.iter_chunked(_CHUNK):  # decompressed: a gzip bomb stops here too
            body += chunk
            if len(body) > self.max_bytes:
                raise ContentError(f"{url}: response is over the {self._limit}")
        return bytes(body)
