"""Email addresses, with or without a display name (``"Jane Doe" <jane@example.org>``). Pure.

Parsed by the standard library's RFC 5322 header parser; anything it flags, and anything that could
end a header (CR, LF and other control characters), is refused with the reason.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.policy import default

MAX_ADDRESS = 254  # RFC 5321: the longest forward path, less its angle brackets
MAX_LOCAL_PART = 64
MAX_TEXT = 320  # an address with a display name, as written
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_address(text: str, *, dotted_domain: bool = True) -> Address:
    """One mailbox from ``text`` (``jane@example.org``, ``Jane Doe <jane@example.org>``,
    ``"Doe, Jane" <jane@example.org>``); ``dotted_domain``: the domain must hold a dot (``localhost``
    is refused). Raises ValueError saying what is wrong."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"longer than {MAX_TEXT} characters")
    if _CONTROL.search(text):
        raise ValueError("contains a line break or another control character")
    try:
        header = default.header_factory("to", text)
    except Exception:  # the parser raises IndexError and others on some malformed input
        raise ValueError("not an email address") from None
    if header.defects:
        raise ValueError(f"not an email address ({header.defects[0]})")
    if len(header.groups) != 1 or header.groups[0].display_name is not None:
        raise ValueError("expected one address, not a list or a group")
    address = header.addresses[0]
    return _checked(address, dotted_domain=dotted_domain)


def _checked(address: Address, *, dotted_domain: bool) -> Address:
    if not address.username or not address.domain:
        raise ValueError("not an email address (expected name@domain)")
    if not address.addr_spec.isascii():
        raise ValueError("the address (not its display name) must be ASCII: write the domain in its "
                         "xn-- form")
    if len(address.addr_spec) > MAX_ADDRESS or len(address.username) > MAX_LOCAL_PART:
        raise ValueError(f"longer than {MAX_ADDRESS} characters (or a part before @ over {MAX_LOCAL_PART})")
    if address.domain.startswith("[") or (dotted_domain and "." not in address.domain.strip(".")):
        raise ValueError(f"the domain {address.domain!r} is not a mail domain (e.g. example.org)")
    return address


def same_mailbox(a: Address, b: Address) -> bool:
    """Whether ``a`` and ``b`` are one mailbox, whatever their display names (domains case-insensitive,
    local parts compared as most servers do: without regard to case)."""
    return a.addr_spec.lower() == b.addr_spec.lower()
