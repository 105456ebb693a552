"""SOCKS proxies for Apprise's requests (``ALL_PROXY=socks5://…``): requests speaks SOCKS through PySocks, an
optional dependency, which asks the proxy to connect either to a name (``socks5h``, ``socks4a``: the proxy
resolves it) or to an address it resolves here first (``socks5``, ``socks4``)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

try:
    import socks
    from urllib3.contrib.socks import SOCKSConnection
except ImportError:  # requests then refuses a SOCKS proxy: see missing_pysocks
    socks = SOCKSConnection = None

from services.common.outbound import TargetRefused

SOCKS5 = 2  # PySocks' PROXY_TYPE_SOCKS5, in a socket's ``proxy`` (SOCKS4 is 1)


def proxy_label(proxy: str) -> str:
    """``proxy`` as ``scheme://host:port``, without the credentials it may hold."""
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def missing_pysocks(proxy: str) -> str | None:
    """Why a send cannot go through ``proxy`` (a proxy URL requests chose): a SOCKS one with no PySocks
    installed; None when it can."""
    if socks is not None or not proxy.lower().startswith("socks"):
        return None
    return (f"not sent: the proxy {proxy_label(proxy)} (HTTP_PROXY, HTTPS_PROXY or ALL_PROXY) is a SOCKS proxy, "
            "which requests can use only with PySocks, not installed (pip install PySocks)")


def socks_proxy_problem(environ: Mapping[str, str]) -> str | None:
    """Why the SOCKS proxy the environment sets for requests (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``,
    either case) cannot be used, naming the variable: PySocks is not installed; None when none is set or it can."""
    for name in _PROXY_VARIABLES:
        proxy = environ.get(name, "")
        if missing_pysocks(proxy):
            return (f"{name} names {proxy_label(proxy)}, a SOCKS proxy, which requests can use only with PySocks, "
                    "not installed (pip install PySocks): every Apprise send through it will fail")
    return None


_PROXY_VARIABLES = ("ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")


def resolved_here(proxy: tuple[Any, ...], destination: tuple[str, int],
                  judge: Callable[[str], str | None]) -> tuple[str, int]:
    """The ``destination`` a PySocks socket set to ``proxy`` (its ``proxy`` attribute: type, address, port,
    rdns, …) asks the proxy for, judged: an address as it is, a name that PySocks would resolve here (socks5,
    socks4) resolved now as PySocks would (its first answer), and the proxy then asked for that address, not
    for whatever a second resolution, unseen, answers; a name the proxy resolves (socks5h, socks4a) as it is,
    unjudged here. ``judge``: why an address may not be reached (None: it may);
    :class:`TargetRefused` with its reason when the address may not."""
    kind, rdns = proxy[0], proxy[3]
    host, port = destination
    if kind is None:
        return destination  # not through a proxy: the socket's own connect is judged
    if rdns and not _is_address(host):
        return destination  # the proxy resolves the name, judged by resolution before the request
    address = host if _is_address(host) else _first_address(host, port, kind)
    reason = judge(address)
    if reason is not None:
        raise TargetRefused(reason)
    return address, port


def _first_address(host: str, port: int, kind: int) -> str:
    """The address PySocks would ask a proxy of ``kind`` for, for ``host``: its resolver's first answer."""
    family = socket.AF_UNSPEC if kind == SOCKS5 else socket.AF_INET  # SOCKS4 carries IPv4 only
    infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, socket.IPPROTO_TCP, socket.AI_ADDRCONFIG)
    return str(infos[0][4][0])


def _is_address(host: str) -> bool:
    """Whether PySocks sends ``host`` to the proxy as an address as it is (it would resolve anything else)."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
            return True
        except (OSError, ValueError):
            continue
    return False
