"""Email addresses, with or without a display name (``"Jane Doe" <jane@example.org>``). Pure.

Parsed by the standard library's RFC 5322 header parser; anything it flags, and anything that could
end a header (CR, LF and other control characters, also in an encoded word of the display name) or reorder
it (a bidi embedding, override or isolate), is refused with the reason. An address stored before the display
name's checks is mailed under its display name without them (:func:`sendable_address`).

An internationalised address is taken (RFC 6531, RFC 6532): a local part that is not ASCII (``josé@example.org``),
composed (NFC), mailed with SMTPUTF8 (:mod:`.channels.email`); a domain that is not ASCII as its IDNA 2008 A-label
(``bücher.example`` -> ``xn--bcher-kva.example``), which every server takes. A character shown as nothing, as a
space or as a line break (U+200B, U+00A0, U+2028, a bidi mark, …) is refused in either part, named by its code point:
the address would look like another. People are shown the domain in Unicode (:func:`shown_mailbox`).
"""

from __future__ import annotations

import re
import unicodedata
from email.errors import NonASCIILocalPartDefect
from email.headerregistry import Address
from email.policy import default

import idna

from services.common.bidi import without_scoped_controls

MAX_ADDRESS = 254  # RFC 5321: the longest forward path, less its angle brackets; bytes (RFC 6531 3.3)
MAX_LOCAL_PART = 64
MAX_TEXT = 320  # an address with a display name, as written
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_address(text: str, *, dotted_domain: bool = True) -> Address:
    """One mailbox from ``text`` (``jane@example.org``, ``Jane Doe <jane@example.org>``,
    ``"Doe, Jane" <jane@example.org>``); ``dotted_domain``: the domain must hold a dot (``localhost``
    is refused). Raises ValueError: ``not an email address: '<text>' (<why>)``."""
    problem = _problem(text, dotted_domain=dotted_domain, plain_name=False)
    if isinstance(problem, str):
        raise ValueError(f"not an email address: {text[:80]!r} ({problem})")
    return problem


def sendable_address(text: str) -> Address:
    """The mailbox ``text`` names as it is mailed: as :func:`parse_address` reads it, but a display name holding a
    control character or a bidi embedding, override or isolate (an address stored before these were refused) is
    taken without them, so that it ends no header and reorders none. Raises ValueError as :func:`parse_address`
    for anything else."""
    problem = _problem(text, dotted_domain=True, plain_name=True)
    if isinstance(problem, str):
        raise ValueError(f"not an email address: {text[:80]!r} ({problem})")
    return problem


def _problem(text: str, *, dotted_domain: bool, plain_name: bool) -> Address | str:
    """The address, or why ``text`` is not one."""
    if len(text) > MAX_TEXT:
        return f"longer than {MAX_TEXT} characters"
    if _CONTROL.search(text):
        return "contains a line break or another control character"
    try:
        header = default.header_factory("to", text)
    except Exception:  # the parser raises IndexError and others on some malformed input
        return "expected name@domain"
    defects = [d for d in header.defects if not isinstance(d, NonASCIILocalPartDefect)]  # RFC 6531 allows it
    if defects:
        return str(defects[0])
    if len(header.groups) != 1 or header.groups[0].display_name is not None:
        return "expected one address, not a list or a group"
    address = header.addresses[0]
    name_problem = _display_name_problem(address.display_name)
    if name_problem and not plain_name:
        return name_problem
    if name_problem:
        address = Address(display_name=_plain(address.display_name), username=address.username,
                          domain=address.domain)
    if not address.username or not address.domain:
        return "expected name@domain"
    if address.domain.startswith("[") or (dotted_domain and "." not in address.domain.strip(".")):
        return f"{address.domain!r} is not a mail domain (e.g. example.org)"
    local_part, domain = unicodedata.normalize("NFC", address.username), address.domain
    shown_problem = _unseen_character(local_part) or _unseen_character(domain)
    if shown_problem:
        return shown_problem
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            return f"{domain!r} is not a mail domain ({exc})"
    if len(f"{local_part}@{domain}".encode()) > MAX_ADDRESS or len(local_part.encode()) > MAX_LOCAL_PART:
        return f"longer than {MAX_ADDRESS} bytes, or over {MAX_LOCAL_PART} bytes before the @"
    if (local_part, domain) == (address.username, address.domain):
        return address
    return Address(display_name=address.display_name, username=local_part, domain=domain)


def _unsafe(text: str, what: str, *, control_note: str = "") -> str | None:
    """Why ``text`` (``what``: "the address", "the display name") cannot be in a header: a control character (which
    could end it) or a bidi embedding, override or isolate (which would reorder it); None when it can."""
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        return f"{what} holds a control character{control_note}"
    if without_scoped_controls(text) != text:
        return f"{what} holds a bidi embedding, override or isolate, which would reorder the header"
    return None


def _unseen_character(part: str) -> str | None:
    """Why ``part`` of an addr-spec (its local part, its domain as written) would not read as what it is: a character
    that is no letter, digit, punctuation or symbol (a control, a format character such as U+200B ZERO WIDTH SPACE or
    a bidi control, a space other than ASCII's, a line or paragraph separator, private use, unassigned) or a combining
    mark first, named with its code point. RFC 6532 takes any UTF-8; these are the characters the email-validator
    package refuses as unsafe: an address holding one looks like another, or breaks the line it is shown on."""
    for position, ch in enumerate(part):
        category = unicodedata.category(ch)
        if category[0] in "LNPS" or ch == " " or (category[0] == "M" and position > 0):
            continue  # an ASCII space only in a quoted local part: the parser refuses it elsewhere
        named = f"U+{ord(ch):04X}" + (f" {unicodedata.name(ch)}" if unicodedata.name(ch, "") else "")
        if category == "Cc":
            kind = "a control character"
        elif without_scoped_controls(ch) != ch:
            kind = "a bidi embedding, override or isolate, which would reorder the header"
        elif category[0] == "M":
            kind = "a combining mark first, which would join what comes before the address"
        else:
            kind = "a character shown as nothing or as a space or a line break, so the address would look like another"
        return f"the address holds {named}, {kind}"
    return None


def _display_name_problem(name: str) -> str | None:
    return _unsafe(name, "the display name", control_note=" (an encoded word's, say)")


def _plain(name: str) -> str:
    """``name`` without bidi embeddings, overrides and isolates, each run of controls and spaces one space."""
    kept = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in without_scoped_controls(name))
    return " ".join(kept.split())


def mailbox(text: str) -> str:
    """The mailbox ``text`` names, one key whatever its display name or case: the addr-spec, lower-cased
    (domains are case-insensitive, and most servers read local parts so too), its domain an A-label. Raises
    ValueError as :func:`sendable_address`."""
    return sendable_address(text).addr_spec.lower()


def unseen_character_in(address: str) -> str | None:
    """Why ``address`` (an addr-spec, as a resubscribe names it) holds a character :func:`parse_address` refuses as
    unseen (a zero width space, a separator, a control), naming it; None when it holds none. Only this is asked of an
    address looked up in a record: one recorded before addresses were checked as they are now is still found."""
    local_part, _, domain = address.rpartition("@")
    return _unseen_character(unicodedata.normalize("NFC", local_part)) or _unseen_character(domain)


def shown_mailbox(key: str) -> str:
    """A mailbox key (:func:`mailbox`: ``jane@xn--bcher-kva.example``) as people read it, its domain in Unicode
    (``jane@bücher.example``), as a channel shows the address written; the A-label stays for the wire and keys. A key
    whose domain is no IDNA name (recorded before addresses were checked) is shown as it is."""
    local_part, at, domain = key.rpartition("@")
    if not at or "xn--" not in domain:
        return key
    try:
        return f"{local_part}@{idna.decode(domain)}"
    except idna.IDNAError:
        return key
