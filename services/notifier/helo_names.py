"""The name the notifier gives its SMTP relay in EHLO (RFC 5321 4.1.1.1): a fully qualified host name or an
address literal. Pure."""

from __future__ import annotations

import ipaddress

from services.common.host_names import is_host_name


def helo_name_problem(value: str) -> str | None:
    """Why ``value`` cannot be given in EHLO; None when it can (``mail.example.org``, ``[192.0.2.1]``,
    ``[IPv6:2001:db8::1]``)."""
    if len(value) <= 255 and (_fully_qualified(value) or _address_literal(value)):
        return None
    literal = _literal_of(value)
    if literal is not None:
        return f"an address is given in EHLO as an address literal: {literal}"
    return "not a fully qualified host name (mail.example.org) nor an address literal ([192.0.2.1])"


def _fully_qualified(value: str) -> bool:
    # RFC 5321's Domain has no trailing dot, a label is at most 63 characters (RFC 1035 2.3.4), and a host name's
    # last label is never all digits (RFC 1123 2.1)
    labels = value.split(".")
    return is_host_name(value) and len(labels) > 1 and max(map(len, labels)) <= 63 and not labels[-1].isdigit()


def _address_literal(value: str) -> bool:
    if not (value.startswith("[") and value.endswith("]")):
        return False
    inner = value[1:-1]
    six = inner[:5].lower() == "ipv6:"
    try:
        address = ipaddress.ip_address(inner[5:] if six else inner)
    except ValueError:
        return False
    return address.version == (6 if six else 4)


def _literal_of(value: str) -> str | None:
    """The address literal of a bare address (``192.0.2.1``: ``[192.0.2.1]``), None for anything else."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return f"[{value}]" if address.version == 4 else f"[IPv6:{value}]"
