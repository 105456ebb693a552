"""What the dashboard says after a change it made (post, redirect, get): the notice rides in the redirect's query
with a MAC of the session that made the change, so that a link anyone can write (``/?notice=resubscribed&address=
ANY TEXT``) shows nothing, nor one sent on from another session. Pure.

Why in the query, signed, and not kept in Redis under a random id: the page stays a plain link that a reload
shows again, and a notice costs no key to expire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .sessions import Session, Sessions

NOTICES = {
    "created": "Subscription {id} created.",
    "paused": "Subscription {id} paused.",
    "resumed": "Subscription {id} resumed.",
    "deleted": "Subscription {id} deleted.",
    "resubscribed": "{address} subscribed again to {id}: its email channels send to it again.",
    "not-unsubscribed": "{address} is not unsubscribed from {id}: nothing to undo.",
    "signed-in": "Signed in: you can now change subscriptions.",
    "signed-out": "Signed out.",
}
# Shown on their subscription's row, the others at the top of the Subscriptions section (a subscription gone, a
# session's): each where its redirect leads (:func:`notice_fragment`), focused there so that a screen reader reads it.
ROW_NOTICES = frozenset({"created", "paused", "resumed", "resubscribed", "not-unsubscribed"})
_WORDS = ("notice", "subscription", "address")  # what a notice's MAC covers, in this order


@dataclass(frozen=True)
class Notice:
    """The notice a page shows: at the top of its Subscriptions section, or on one subscription's row."""

    text: str | None = None
    on_rows: dict[str, str] = field(default_factory=dict)


def notice_query(sessions: Sessions, session: Session, notice: str, *, subscription: str = "",
                 address: str = "") -> str:
    """The query of the page to redirect ``session`` to after a change, saying ``notice`` of it."""
    words = {"notice": notice, "subscription": subscription, "address": address}
    return urlencode({**{k: v for k, v in words.items() if v}, "mac": sessions.notice_mac(session, _signed(words))})


def notice_fragment(notice: str, subscription: str = "") -> str:
    """Where the page said ``notice`` on goes: the status line that says it, which the browser focuses (it has
    ``tabindex=-1``), with no script."""
    return f"#notice-{subscription}" if notice in ROW_NOTICES and subscription else "#notice"


def shown_notice(sessions: Sessions | None, session: Session, query: Mapping[str, str]) -> Notice:
    """The notice of a page asked with ``query`` by ``session``: none unless its MAC is this session's."""
    words = {name: query.get(name, "") for name in _WORDS}
    template = NOTICES.get(words["notice"])
    if template is None or sessions is None or not sessions.notice_matches(session, _signed(words), query.get("mac")):
        return Notice()
    text = template.format(id=f"‘{words['subscription']}’", address=words["address"])
    return Notice(on_rows={words["subscription"]: text}) if words["notice"] in ROW_NOTICES else Notice(text)


def _signed(words: Mapping[str, str]) -> list[str]:
    return [words[name] for name in _WORDS]
