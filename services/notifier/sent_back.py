"""Which stored channel a channel sent back as shown stands for. Pure.

A read shows a URL by its host (``https://hooks.example.org/***``, docs/decisions/0051) and a ``secret`` as ``***``;
a PUT or PATCH that sends a channel back so keeps what is stored. A shown URL names the one stored channel shown
so, wherever it now stands in the list. Two webhooks of one host are shown alike: such a URL names the channel at
its own place while the list's URLs stand as shown (another field changed), and is refused once the list was
reordered, added to or cut, as which of them is meant cannot be told. A URL in a shown form that stands for no
stored channel is refused too: saved as written, every alert would go to ``https://hooks.example.org/***``; so is
a ``secret`` ``***`` beside no stored secret, which would sign every alert with ``***``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from services.common.shown_urls import is_shown_form

from .redaction import HIDDEN, redact_url


@dataclass(frozen=True)
class SentBackError(Exception):
    """A URL or secret sent back as shown that stands for no one stored value (``more``: the others so refused)."""

    field: str
    message: str
    more: tuple[SentBackError, ...] = ()  # the refusals of the same channels after this one

    @property
    def errors(self) -> list[dict[str, str]]:
        """Every refusal, listed as a subscription's validation errors are."""
        return [{"field": e.field, "message": e.message} for e in (self, *self.more)]


def kept_channels(sent: list[Any], stored: list[Any]) -> list[Any]:
    """``sent`` with each URL and ``secret`` sent back as shown replaced by those of the channel of ``stored`` it
    stands for (a ``***`` secret beside a new URL: the one at its place); a :class:`SentBackError` for a URL that
    stands for several, or for none while shown (``stored`` empty: a subscription made), or for a ``***`` secret
    beside no stored one (each URL and secret so refused, in order of the channels: its ``errors``)."""
    unmoved = [_url(channel) for channel in sent] == [_shown(channel) for channel in stored]
    kept: list[Any] = []
    refused: list[SentBackError] = []
    for i, channel in enumerate(sent):
        if (parts := _parts(channel)) is None:
            kept.append(channel)
            continue
        kind, params = parts
        place = i if _has(stored, i, kind) else None
        url = params.get("url")
        if isinstance(url, str):
            standing = [j for j, old in enumerate(stored) if (real := _url(old, kind)) is not None
                        and real[1] != url and redact_url(kind, real[1]) == url]
            if standing:
                place = _one(standing, stored, kind, i, unmoved=unmoved, url=url)
                params = {**params, "url": stored[place][kind]["url"]}
            elif is_shown_form(url) and url not in {real[1] for old in stored if (real := _url(old, kind))}:
                refused.append(SentBackError(f"channels.{i}.url", shown_url_message(url, kind)))
        if params.get("secret") == HIDDEN:
            secret = stored[place][kind].get("secret") if place is not None else None
            if secret is None:
                refused.append(SentBackError(f"channels.{i}.secret", shown_secret_message()))
            params = {**params, "secret": secret}
        kept.append({"type": kind, **params} if isinstance(channel.get("type"), str) else {kind: params})
    if refused:  # every one at once, not one a try
        raise replace(refused[0], more=tuple(refused[1:]))
    return kept


def shown_url_message(url: str, kind: str, *, stored: bool = True) -> str:
    """Why ``url``, in a shown form, is refused where no stored channel stands behind it (``stored`` False: none
    can, as in a subscriptions file)."""
    where = f", and no {kind} channel of this subscription is shown so" if stored else ""
    return f"{url} is a URL as shown, part of it hidden{where}: give its whole URL"


def shown_secret_message(*, stored: bool = True) -> str:
    """Why a secret ``***`` is refused where no stored secret stands behind it (``stored`` False: none can)."""
    where = ", and no secret of this subscription's channel is stored for it to keep" if stored else ""
    return f"{HIDDEN} is a secret as shown, hidden{where}: give the secret itself, or leave it out to send unsigned"


def _one(standing: list[int], stored: list[Any], kind: str, i: int, *, unmoved: bool, url: str) -> int:
    """Which of the stored channels at ``standing``, all shown as ``url``, the channel sent at ``i`` is."""
    urls = {stored[j][kind]["url"] for j in standing}
    if len(urls) == 1 or unmoved and i in standing:
        return i if i in standing else standing[0]
    raise SentBackError(f"channels.{i}.url", (
        f"{url} is how {len(urls)} {kind} URLs of this subscription are shown, and the channels were moved, added "
        "or removed: which one is meant cannot be told; give its whole URL"))


def _has(stored: list[Any], i: int, kind: str) -> bool:
    return i < len(stored) and isinstance(stored[i], dict) and isinstance(stored[i].get(kind), dict)


def _url(channel: Any, kind: str | None = None) -> tuple[str, str] | None:
    """``(kind, url)`` of a channel with a URL (of ``kind`` when given), else None."""
    if (parts := _parts(channel)) is None:
        return None
    named, params = parts
    if kind is not None and named != kind or not isinstance(params.get("url"), str):
        return None
    return named, params["url"]


def _parts(channel: Any) -> tuple[str, dict[str, Any]] | None:
    """``(kind, params)`` of a channel written ``{kind: {…}}`` or ``{type: kind, …}`` (both forms a subscription
    takes), else None."""
    if not isinstance(channel, dict):
        return None
    if isinstance(channel.get("type"), str):
        return channel["type"], {key: value for key, value in channel.items() if key != "type"}
    if len(channel) == 1 and isinstance(params := next(iter(channel.values())), dict):
        return next(iter(channel)), params
    return None


def _shown(channel: Any) -> tuple[str, str] | None:
    """``(kind, url as shown)`` of a stored channel with a URL, else None."""
    real = _url(channel)
    return None if real is None else (real[0], redact_url(*real))
