"""The ``List-Id`` of a subscription's messages (RFC 2919). Pure.

A subscription is the list a recipient joins and leaves (its ``List-Unsubscribe`` link leaves that subscription and
no other), so each has its own identifier, ``<subscription>.pledgewatch.<the From domain>``: the same on every
alert, reminder, digest and weekly message of it, and on every attempt. Why: decision 0068.
"""

from __future__ import annotations

import hashlib
import re

MAX_LIST_ID = 255  # RFC 2919 2: list-id, less its angle brackets
NAMESPACE_LABEL = "pledgewatch"
_PLAIN_LABEL = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")  # a dot-atom that reads the same in any case


def list_label(subscription_id: str) -> str:
    """``subscription_id`` as the list's label: as it is when it is a lower-case dot-atom (``desk``, ``x_y-z.1``);
    else lower-case with each run of dots a ``-``, then a hash of the id as written, so that ids differing only in
    case (``Desk``, ``desk``), which readers compare as one List-Id, name two lists."""
    if _PLAIN_LABEL.fullmatch(subscription_id):
        return subscription_id
    plain = re.sub(r"\.+", "-", subscription_id.lower()).strip("-") or "subscription"
    return f"{plain}-{_hash(subscription_id)}"


def list_id(subscription_id: str, sender_domain: str) -> str:
    """The ``List-Id`` header's value: ``"pledgewatch subscription desk" <desk.pledgewatch.example.org>``. A sender
    at ``localhost`` gives RFC 2919's namespace of lists nobody registers (``desk.pledgewatch.localhost``). An
    identifier over RFC 2919's 255 characters (a long id under a long domain) has the id's hash as its label; under a
    From domain too long for that (over 235 characters), the hash goes under the domain alone, as much of it as fits:
    the domain is never cut, so the identifier stays a dot-atom under a name the operator owns."""
    domain = sender_domain.lower().strip(".")
    namespace = f"{NAMESPACE_LABEL}.{domain}"
    identifier = f"{list_label(subscription_id)}.{namespace}"
    if len(identifier) > MAX_LIST_ID:
        hashed = f"s{_hash(subscription_id)}"
        if len(hashed) + 1 + len(namespace) <= MAX_LIST_ID:
            identifier = f"{hashed}.{namespace}"
        else:
            room = MAX_LIST_ID - 1 - len(domain)
            if room < 1:
                raise ValueError(f"the From domain is longer than a domain can be ({len(domain)} characters)")
            identifier = f"{(hashed if room >= len(hashed) else _hash(subscription_id, 64))[:room]}.{domain}"
    return f'"{NAMESPACE_LABEL} subscription {subscription_id}" <{identifier}>'


def _hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]
