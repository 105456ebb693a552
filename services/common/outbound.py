"""Where requests that subscribers or third-party content choose may go: public addresses only.

A webhook URL or a chat target is chosen by whoever may create a subscription; left unchecked it would let
them make pledgewatch reach loopback services, the cloud metadata address or the private network behind
it (server-side request forgery). Every such request is checked after DNS resolution, on the addresses
the connection will actually use (so a name that resolves differently a second time — DNS rebinding —
gains nothing): a webhook's by its session's resolver, a chat service's by the socket Apprise is about to
connect or send with (a chat service reached through a proxy: by what its name resolves to before the
request). It is refused when any is loopback, link-local, private, shared (100.64.0.0/10), multicast, reserved or
unspecified, IPv4 or IPv6, or IPv6 site-local (fec0::/10). An IPv6 address that carries an IPv4 one (IPv4-mapped, NAT64, IPv4-compatible, 6to4,
Teredo) is refused when that IPv4 address is; a 6to4 or local-use NAT64 address always.

``PLEDGEWATCH_ALLOW_PRIVATE_TARGETS`` (comma-separated CIDRs or host names) lets an operator allow an
internal endpoint on purpose; where a connection is judged by its address, an allowed name allows the addresses
it resolves to (:meth:`TargetPolicy.name_permits`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# most telling first; site-local is IPv6's only (fec0::/10, deprecated by RFC 3879 but routed inside networks that
# still use it), which ipaddress counts neither private nor reserved
_KINDS = ("loopback", "link_local", "unspecified", "multicast", "reserved", "private", "site_local")
# RFC 6598's shared address space (carrier-grade NAT, overlay networks, a cloud's metadata service at
# 100.100.100.200), which ipaddress counts neither private nor global
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")
# IPv6 prefixes that carry an IPv4 address (see carried_ipv4). Whether ipaddress counts them private varies with
# the Python version (3.11.7 calls 2002:7f00:1::, 6to4 of 127.0.0.1, global), so they are judged here.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: never for an IPv4 address that is not global
_NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: where the IPv4 sits is the network's choice
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated (RFC 4291); ipaddress counts it reserved
_IPV4_NUMBER = re.compile(r"[0-9][0-9a-fA-FxX.]*")
# the hosts a socket's connect or sendto reads as an address without resolving them
_SOCKET_HOSTS = {"": "0.0.0.0", "<broadcast>": "255.255.255.255"}


class TargetRefused(OSError):
    """The target resolves to an address outbound requests may not reach."""


def non_public_kind(address: str) -> str | None:
    """What kind of non-public address ``address`` is (``"loopback"``, ``"private"``, ...), or None. An IPv6
    address carrying an IPv4 one is judged by that one first (:func:`carried_ipv4`)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv4Address):
        return _kind(ip)
    carried = carried_ipv4(ip)
    if carried is not None and ((kind := _kind(carried)) is not None or ip.ipv4_mapped or ip in _NAT64):
        return kind  # a mapped or NAT64 address goes to the IPv4 one it stands for: as public as that
    if ip.sixtofour is not None:
        return "6to4"
    return "private" if ip in _NAT64_LOCAL_USE else _kind(ip)


def carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address that ``ip`` stands for or is reached through: IPv4-mapped (``::ffff:0:0/96``), NAT64's
    well-known prefix (``64:ff9b::/96``), IPv4-compatible (``::/96``, but ``::`` and ``::1``), 6to4
    (``2002::/16``) and Teredo's client (``2001::/32``); None for any other."""
    if ip.ipv4_mapped is not None or ip.sixtofour is not None:
        return ip.ipv4_mapped or ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return None


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    for kind in _KINDS:
        if getattr(ip, f"is_{kind}", False):
            return kind.replace("_", "-")
    return "shared" if ip in _SHARED else None


def ip_literal(host: str) -> str | None:
    """The address ``host`` is when it is an IP literal in any form a resolver reads as one: ``127.0.0.1``,
    ``::1``, and IPv4 as one number, in hex or octal, or in fewer parts (``2130706433``, ``0x7f000001``,
    ``0177.0.0.1``, ``127.1``: all 127.0.0.1); None for a name."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if _IPV4_NUMBER.fullmatch(host):
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _host_key(host: str) -> str:
    return host.lower().rstrip(".")


def socket_host(value: object) -> str | None:
    """The host of a socket address as text: a socket takes it as ``str``, ``bytes`` or ``bytearray`` (ASCII)
    alike; None for anything else, or bytes that are not ASCII."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("ascii")
        except UnicodeDecodeError:
            return None
    return None


def socket_literal(host: str) -> str | None:
    """The address a socket's ``connect`` or ``sendto`` reads ``host`` as without resolving it; None for a
    name, which the socket resolves itself."""
    return _SOCKET_HOSTS.get(host) or ip_literal(host)


@dataclass(frozen=True)
class TargetPolicy:
    """Which non-public targets are allowed anyway: networks and host names (lowercase)."""

    networks: tuple[IPNetwork, ...] = ()
    hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, entries: Iterable[str]) -> "TargetPolicy":
        """From ``PLEDGEWATCH_ALLOW_PRIVATE_TARGETS`` entries: CIDRs ("10.0.0.0/8", "::1/128"), single
        addresses, or host names. Raises ValueError naming a malformed entry."""
        networks, hosts = [], set()
        for raw in entries:
            entry = raw.strip()
            if not entry:
                continue
            if any(c.isdigit() for c in entry.split("/")[0][:1]) or ":" in entry:
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError as exc:
                    raise ValueError(f"PLEDGEWATCH_ALLOW_PRIVATE_TARGETS: {entry!r} is not a CIDR: {exc}") from None
            elif all(part and (part.isalnum() or "-" in part) for part in entry.split(".")):
                hosts.add(_host_key(entry))
            else:
                raise ValueError(f"PLEDGEWATCH_ALLOW_PRIVATE_TARGETS: {entry!r} is neither a CIDR nor a host name")
        return cls(tuple(networks), frozenset(hosts))

    def refusal(self, host: str, address: str) -> str | None:
        """Why ``host`` at ``address`` may not be reached, or None when it may."""
        if _host_key(host) in self.hosts:
            return None
        kind = non_public_kind(address)
        if kind is None:
            return None
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(ip in network for network in self.networks):
            return None
        shown = host if host == address else f"{host} ({address})"
        article = "an" if kind[0] in "aeiou" else "a"
        return f"refused: {shown} is {article} {kind} address; outbound requests go only to public addresses " \
               "unless PLEDGEWATCH_ALLOW_PRIVATE_TARGETS allows it"

    def url_refusal(self, url: str) -> str | None:
        """Why ``url`` may not be reached when its host is an IP literal, in any form (:func:`ip_literal`);
        names are checked on resolution."""
        host = urlsplit(url).hostname or ""
        address = ip_literal(host)
        return None if address is None else self.refusal(host, address)

    def socket_refusal(self, address: object, permitted: Collection[object] = ()) -> str | None:
        """Why a socket may not connect or send to ``address`` (the ``(host, port, …)`` that ``connect`` and
        ``sendto`` take); None when it may, or when ``address`` is not an internet one (a Unix socket's path).

        ``permitted`` holds what this request may reach whatever the policy says: addresses and names (at any
        port) and ``(address, port)`` endpoints. A host that is a name, not an address, is refused unless
        permitted (an allowed name's, see :meth:`name_permits`): the socket resolves it again after this check, so the address judged
        would not be the one used. The refusal names the address, never the host name: a service's URL may
        hold a token where a host would be."""
        if not (isinstance(address, tuple) and len(address) >= 2):
            return None
        host, port = socket_host(address[0]), address[1]
        if host is None:  # bytes not ASCII, or no host a connection names
            return f"refused: a socket host of {type(address[0]).__name__} {address[0]!r} cannot be judged"
        literal = socket_literal(host)
        if literal is None:
            if _host_key(host) in permitted:
                return None
            return "refused: a host name given to the socket would be resolved again after it was judged; " \
                   "outbound requests go only to addresses judged before use"
        if literal in permitted or (literal, port) in permitted:
            return None
        return self.refusal(literal, literal)

    def name_permits(self, host: str) -> frozenset[str]:
        """What an allowed host name lets a request reach: the name itself and the addresses it resolves to
        now (none when it does not resolve); nothing when ``host`` is not an allowed name."""
        key = _host_key(host)
        if key not in self.hosts:
            return frozenset()
        try:
            infos = socket.getaddrinfo(key, None)
        except (socket.gaierror, UnicodeError):
            return frozenset({key})
        return frozenset({key, *(ip_literal(str(info[4][0])) or str(info[4][0]) for info in infos)})

    def resolution_refusal(self, host: str, permitted: Collection[object] = ()) -> str | None:
        """Why a request to ``host`` may not go, judged by every address ``host`` resolves to now (for a
        connection no socket here makes, as through a proxy); ``socket.gaierror`` when it does not resolve."""
        literal = socket_literal(host)
        addresses = [literal] if literal else [str(info[4][0]) for info in socket.getaddrinfo(host, None)]
        for address in addresses:
            reason = self.socket_refusal((address, None), permitted)
            if reason is not None:
                return reason
        return None

    def check_addresses(self, host: str, addresses: list[str]) -> None:
        """:class:`TargetRefused` when any of ``host``'s ``addresses`` is not allowed."""
        for address in addresses:
            reason = self.refusal(host, address)
            if reason is not None:
                raise TargetRefused(reason)


async def resolve_addresses(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (``socket.gaierror`` when it does not)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(sockaddr[0]) for *_, sockaddr in infos]


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver, refusing a name with any address the policy does not allow: the connection
    uses exactly the addresses checked here."""

    def __init__(self, policy: TargetPolicy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self._inner = inner or DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        infos = await self._inner.resolve(host, port, family)
        self.policy.check_addresses(host, [info["host"] for info in infos])
        return infos

    async def close(self) -> None:
        await self._inner.close()


def guarded_session(policy: TargetPolicy, *, timeout: aiohttp.ClientTimeout, limit: int = 100,
                    limit_per_host: int = 0) -> aiohttp.ClientSession:
    """An aiohttp session whose every connection is checked by ``policy`` (IP-literal URLs are not
    resolved: check them with :meth:`TargetPolicy.url_refusal` before the request)."""
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(policy), limit=limit, limit_per_host=limit_per_host)
    # No cookie jar: the session is shared by every subscriber's webhooks, and a cookie one endpoint sets
    # must never travel to another's.
    return aiohttp.ClientSession(timeout=timeout, connector=connector, cookie_jar=aiohttp.DummyCookieJar())
