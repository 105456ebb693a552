"""The names a request answered without the API token may give in its Host header: a defence against DNS rebinding.
Pure.

A web page can point a name of its own at 127.0.0.1; a browser then takes the API on that port for the page's own
origin and lets the page read its answers. Writes need the token, which the page has not, but reads are open by
default (``PLEDGEWATCH_OPEN_READS``), subscribers' email addresses among them. So a read answered without the token
must name this server: an IP address (a page's name is never one), ``localhost`` or a name under it, this machine's
host name, ``PLEDGEWATCH_HTTP_HOST``, or a name of ``PLEDGEWATCH_ALLOWED_HOSTS`` (``*``: any name).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

ANY = "*"
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_NAME = re.compile(rf"{_LABEL}(\.{_LABEL})*")


def is_host_name(name: str) -> bool:
    """Whether ``name`` is a host name as written: labels of ASCII letters, digits and hyphens, none at either end,
    joined by dots (``example.org``, ``localhost``; no final dot)."""
    return _NAME.fullmatch(name) is not None


def host_name(header: str) -> str:
    """The name or address of a Host header, without its port or IPv6 brackets, lower-cased, no final dot."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    name, colon, port = value.rpartition(":")
    return (name if colon and port.isdigit() and ":" not in name else value).rstrip(".")


def allowed_host_problem(entry: str) -> str | None:
    """Why ``entry`` cannot be a name of ``PLEDGEWATCH_ALLOWED_HOSTS``; None when it can."""
    if entry == ANY or is_host_name(entry.lower().rstrip(".")):
        return None
    return f"{entry!r} is not a host name (e.g. pledgewatch.example.org; no scheme, port or path) nor {ANY}"


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.partition("%")[0])
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class HostNames:
    """The names a read without the token may be asked under (IP addresses and ``localhost`` always)."""

    names: frozenset[str] = field(default_factory=frozenset)
    any_name: bool = False

    @classmethod
    def of(cls, entries: Iterable[str]) -> HostNames:
        names = {host_name(entry) for entry in entries if entry.strip()}
        return cls(frozenset(names - {ANY}), ANY in names)

    def allows(self, header: str | None) -> bool:
        """Whether a request whose Host header is ``header`` may be answered without the token (a request
        without one, HTTP/1.0, names nothing a page could have chosen)."""
        if self.any_name or not header:
            return True
        name = host_name(header)
        return _is_address(name) or name == "localhost" or name.endswith(".localhost") or name in self.names
