"""Whether the HTTP API's address can be listened on, told before Redis is waited for rather than as a traceback
once it answers."""

from __future__ import annotations

import errno
import socket


def listen_problem(host: str, port: int) -> str | None:
    """What stops a server listening on ``host:port``, in one line naming the setting to change; None if nothing."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError):
        return (f"PLEDGEWATCH_HTTP_HOST={host!r}: not an address of this machine (127.0.0.1 serves this machine "
                "only, 0.0.0.0 every interface)")
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"PLEDGEWATCH_HTTP_PORT={port}: {host}:{port} is already in use (another pledgewatch? "
                        "`pledgewatch status` finds it): set PLEDGEWATCH_HTTP_PORT to a free port, or 0 for any")
            return f"PLEDGEWATCH_HTTP_HOST={host!r}: not an address of this machine ({exc.strerror})"
    return None
