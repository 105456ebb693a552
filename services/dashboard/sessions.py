"""The dashboard's sign-in sessions and CSRF tokens: HMAC-signed, keyed from the API token. Pure; time is an
argument.

A session is a cookie ``<id>.<signed-in until, unix seconds, 0: not signed in>.<MAC>``: every visitor has one
(its id keys the CSRF token of the page's forms, the sign-in form included), and signing in with the API token
gives a new one (a new id, so a session planted before sign-in is worth nothing after it). The key is derived
from the API token for this use only: changing the token ends every session. A form's CSRF token is the MAC of
the session's id, so it is valid for that session only; so is a notice's MAC (:mod:`.notices`), over the
session's id and the notice's words.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

COOKIE = "pledgewatch_session"
SIGNED_IN_FOR = timedelta(hours=12)
MAC_BYTES = 16
_CONTEXT = b"pledgewatch dashboard sessions v1"


@dataclass(frozen=True)
class Session:
    id: str
    signed_in_until: int = 0  # unix seconds; 0: not signed in

    def signed_in(self, now: datetime) -> bool:
        return self.signed_in_until > now.timestamp()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Sessions:
    """Makes and reads session cookies and CSRF tokens under one key."""

    key: bytes = field(repr=False)

    @classmethod
    def from_api_token(cls, token: str) -> Sessions:
        return cls(hmac.new(token.encode(), _CONTEXT, hashlib.sha256).digest())

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self.key, payload.encode(), hashlib.sha256).digest()[:MAC_BYTES])

    @staticmethod
    def new(*, signed_in_until: datetime | None = None) -> Session:
        """A new session (a fresh random id), signed in until the given time when one is given."""
        until = int(signed_in_until.timestamp()) if signed_in_until is not None else 0
        return Session(secrets.token_urlsafe(16), until)

    def cookie(self, session: Session) -> str:
        payload = f"{session.id}.{session.signed_in_until}"
        return f"{payload}.{self._mac('session:' + payload)}"

    def read(self, cookie: str | None) -> Session | None:
        """The session of a cookie this key signed; None for none, or one forged, altered or malformed."""
        parts = (cookie or "").split(".")
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[0]) > 64:
            return None
        payload = f"{parts[0]}.{parts[1]}"
        if not _same(parts[2], self._mac("session:" + payload)):
            return None
        return Session(parts[0], int(parts[1]))

    def csrf(self, session: Session) -> str:
        return self._mac("csrf:" + session.id)

    def csrf_matches(self, session: Session, presented: str | None) -> bool:
        return presented is not None and _same(presented, self.csrf(session))

    def notice_mac(self, session: Session, words: list[str]) -> str:
        """The MAC of a notice (its words) shown to ``session`` only."""
        return self._mac("notice:" + json.dumps([session.id, *words]))

    def notice_matches(self, session: Session, words: list[str], presented: str | None) -> bool:
        return presented is not None and _same(presented, self.notice_mac(session, words))

    @staticmethod
    def sign_in_ends(now: datetime) -> datetime:
        return now + SIGNED_IN_FOR


def _same(presented: str, expected: str) -> bool:
    """In constant time; what a client sent may be any text."""
    return hmac.compare_digest(presented.encode("utf-8", "surrogatepass"), expected.encode())
