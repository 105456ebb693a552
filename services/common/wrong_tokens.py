"""How many wrong API tokens each client has sent lately, to refuse one that keeps guessing.

A client's window opens at its first wrong token; once it has sent ``limit`` wrong tokens in it, every request
of its needing the token is refused (429, Retry-After) until the window ends, the right token included: a
refusal that let a right token through would tell a right guess from a wrong one. The API's token check and
the dashboard's sign-in form count into the same limit (:class:`~services.common.http.HttpServer` holds one).

The counts are kept in this process's memory, for :data:`MAX_CLIENTS` clients at most (the least recently
seen forgotten first: about 2 MB when full): each process serving HTTP keeps its own, and a restart
forgets them. A client is its address as the server sees it (behind a trusted proxy, the address the proxy
forwards); an IPv6 client is its /64 network, which a single host commonly holds whole.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 10
DEFAULT_WINDOW_SECONDS = 300.0
MAX_CLIENTS = 10_000
IPV6_NETWORK = 64


def client_key(address: str) -> str:
    """The client an address counts as: itself, or for IPv6 its /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # no address ("?") or not an IP: counted as given
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_NETWORK), strict=False))
    return str(ip)


@dataclass(slots=True)
class _Window:
    opened: float  # when the client's first wrong token of this window came (clock seconds)
    wrong: int = 0
    told: bool = False  # its refusal is logged


class WrongTokens:
    """Wrong tokens per client within a window; ``limit`` 0: never refused."""

    def __init__(self, limit: int = DEFAULT_LIMIT, window_seconds: float = DEFAULT_WINDOW_SECONDS, *,
                 max_clients: int = MAX_CLIENTS, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.max_clients, self.clock = limit, window_seconds, max_clients, clock
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def _current(self, client: str, now: float) -> _Window | None:
        window = self._windows.get(client)
        if window is not None and now - window.opened >= self.window:
            del self._windows[client]
            return None
        return window

    def retry_after(self, address: str) -> int | None:
        """Whole seconds (at least 1) until the client at ``address`` may send a token again, or None when it
        may now. The first refusal of a window is logged at WARNING."""
        client = client_key(address)
        now = self.clock()
        window = self._current(client, now)
        if window is None or window.wrong < self.limit or self.limit == 0:
            return None
        self._windows.move_to_end(client)
        wait = max(1, math.ceil(window.opened + self.window - now))
        if not window.told:
            window.told = True
            log.warning("%s: %d wrong API tokens within %g s: its requests needing the token are refused (429) "
                        "for %d s", client, window.wrong, self.window, wait)
        return wait

    def wrong_token(self, address: str) -> None:
        """Counts a wrong token from the client at ``address``."""
        if self.limit == 0:
            return
        client = client_key(address)
        now = self.clock()
        window = self._current(client, now)
        if window is None:
            while len(self._windows) >= self.max_clients:
                self._windows.popitem(last=False)
            window = self._windows[client] = _Window(now)
        else:
            self._windows.move_to_end(client)
        window.wrong += 1
