"""The subscription form: what was typed, turned into a subscription's data for the subscriptions API's own
validation (so the page and the API refuse the same input with the same words), and each refusal placed
beside the field it is about. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import available_timezones

from schemas.classified import Category, Kind

from .browse_forms import MONEY_LABELS, money_worded

CHANNELS = ("console", "webhook", "email", "apprise")
FORM_ACTIONS = ("backtest", "create")  # the form's buttons: "Try it on the last 90 days", "Save subscription"
BACKTEST_DAYS = 90
_LISTS = ("actors", "keywords", "sources")
_MONEY = ("min_amount", "max_amount", "currency")  # sent as typed: the API reads ``10m`` as the ledger does


@dataclass(frozen=True)
class SubscriptionForm:
    """The form's fields as typed (shown again with the errors when refused)."""

    id: str = ""
    channel: str = "webhook"
    target: str = ""  # the webhook's or Apprise's URL, or the email addresses
    counter_terrorism: bool = False
    categories: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actors: str = ""
    keywords: str = ""
    sources: str = ""
    min_confidence: str = ""
    min_amount: str = ""  # a range of the commitments' money, in ``currency``
    max_amount: str = ""
    currency: str = ""
    mode: str = "immediate"
    timezone: str = ""  # an IANA name; empty: UTC
    secret: str = field(default="", repr=False)  # a webhook's signing key: sent as typed, never shown back
    secret_before: bool = False  # a secret was typed in an earlier submission of this form (it is not sent back)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret)

    def secret_to_retype(self, *, tried: bool) -> bool:
        """Whether the form shown again marks a secret as typed before: one typed in this submission, or one
        marked before it that a try (which saves nothing) carries on. A save refused for want of it drops the
        mark, so that pressing Save again saves without a secret, as the refusal says."""
        return self.has_secret or (tried and self.secret_before)

    def secret_dropped(self) -> bool:
        """A save that would go without the secret typed before it: refused once, with what to do."""
        return self.secret_before and not self.has_secret

    @classmethod
    def read(cls, form: Mapping[str, list[str]]) -> SubscriptionForm:
        def one(name: str, default: str = "") -> str:
            values = form.get(name) or [default]
            return values[-1].strip()

        return cls(id=one("id"), channel=one("channel", "webhook"), target=one("target"),
                   counter_terrorism=one("counter_terrorism") in ("on", "true", "1"),
                   categories=tuple(form.get("categories", [])), kinds=tuple(form.get("kinds", [])),
                   actors=one("actors"), keywords=one("keywords"), sources=one("sources"),
                   min_confidence=one("min_confidence"), min_amount=one("min_amount"),
                   max_amount=one("max_amount"), currency=one("currency"), mode=one("mode", "immediate"),
                   timezone=one("timezone"),
                   secret=(form.get("secret") or [""])[-1], secret_before=one("secret_before") == "1")

    def filter_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.counter_terrorism:
            data["counter_terrorism"] = True
        if self.categories:
            data["categories"] = list(self.categories)
        if self.kinds:
            data["kinds"] = list(self.kinds)
        for name in _LISTS:
            words = [w.strip() for w in getattr(self, name).split(",") if w.strip()]
            if words:
                data[name] = words
        if self.min_confidence:
            data["min_confidence"] = _number(self.min_confidence)
        data.update({name: getattr(self, name) for name in _MONEY if getattr(self, name)})
        return data

    def subscription_data(self) -> dict[str, Any]:
        """The subscription as the JSON API would be sent it."""
        settings: dict[str, Any] = {}
        if self.target and self.channel == "email":
            settings["to"] = [a.strip() for a in self.target.split(",") if a.strip()]
        elif self.target:  # console too: the API refuses it beside the field rather than it being dropped unseen
            settings["url"] = self.target
        if self.secret:  # on any channel: the API refuses it beside the field where it does not belong
            settings["secret"] = self.secret
        channel: Any = {self.channel: settings} if settings else self.channel
        data = {"id": self.id, "filter": self.filter_data(), "channels": [channel], "mode": self.mode}
        if self.timezone:
            data["timezone"] = self.timezone
        return data


def pause_label(sub_id: str) -> str:
    """The label of a subscription's pause day, which its refusals are named by."""
    return f"Pause {sub_id} until (a day, UTC)"


SECRET_DROPPED = ("the webhook secret typed before is not kept on the page: type it again to sign the POSTs, or "
                  "press Save subscription again to save it without one")


def _number(text: str) -> float | str:
    """The number typed, or the text as typed for the model to refuse with its reason."""
    try:
        return float(text)
    except ValueError:
        return text


# Where an error about a subscription's field is shown: the input it came from.
_INPUT_OF = {"id": "id", "mode": "mode", "channels": "target", "channels.0.secret": "secret", "filter.counter_terrorism": "counter_terrorism",
             "filter.categories": "categories", "filter.kinds": "kinds", "filter.actors": "actors",
             "filter.keywords": "keywords", "filter.sources": "sources", "filter.min_confidence": "min_confidence",
             "timezone": "timezone", **{f"filter.{name}": name for name in _MONEY}}


# How the summary at the top names each input: as its label does, not by the API's field path.
_LABEL_OF = {"id": "Subscription name", "channel": "Send alerts by", "target": "To", "secret": "Webhook secret",
             "counter_terrorism": "Counter-terrorism only", "categories": "Categories", "kinds": "Kinds",
             "actors": "Actors", "keywords": "Keywords", "sources": "Sources",
             "min_confidence": "Minimum confidence", "mode": "When", "timezone": "Time zone", **MONEY_LABELS}


@dataclass(frozen=True)
class FormErrors:
    """The refusals of one submission: by input name, and all of them in order for the summary at the top."""

    all: list[dict[str, str]] = field(default_factory=list)

    def at(self, name: str) -> list[str]:
        return [_worded(e) for e in self.all if input_of(e["field"]) == name]

    @property
    def summary(self) -> list[tuple[str, str]]:
        """Each refusal as (the label of its input, the message); a field no input holds keeps its own name."""
        return [(label, message) for _, label, message in self.listed]

    @property
    def listed(self) -> list[tuple[str | None, str, str]]:
        """Each refusal as (the id of its input, None when no input holds it; its label; the message), for the
        summary to lead to the input."""
        return [(name if name in _LABEL_OF else None, _LABEL_OF.get(name, e["field"]), _worded(e))
                for e in self.all for name in [input_of(e["field"])]]

    def __bool__(self) -> bool:
        return bool(self.all)


# The API's "unknown field" for what the form sends only where a channel does not take it: said as the form has it.
_NOT_TAKEN = {"target": "a console channel sends to no address: leave To empty, or choose webhook, email or apprise",
              "secret": "only a webhook is signed: leave the secret empty, or choose webhook"}


def _worded(error: dict[str, str]) -> str:
    if error["message"] == "unknown field":
        return _NOT_TAKEN.get(input_of(error["field"]), error["message"])
    if input_of(error["field"]) in _MONEY:  # "is less than min_amount": the bound named by its label
        return money_worded(error["message"])
    return error["message"]


def input_of(error_field: str) -> str:
    """The form input an error's field (``filter.categories.0``, ``channels.0.url``) belongs to."""
    for prefix in sorted(_INPUT_OF, key=len, reverse=True):
        if error_field == prefix or error_field.startswith(prefix + "."):
            return _INPUT_OF[prefix]
    return "id" if error_field == "subscription" else error_field


def backtest_since(now: datetime) -> datetime:
    return now - timedelta(days=BACKTEST_DAYS)


# Offered beside the time zone input (any IANA name is taken); the system's names, else those of tzdata.
ZONE_CHOICES = sorted(available_timezones())
CATEGORY_CHOICES = [(c.value, c.value.replace("_", " ")) for c in Category]
KIND_CHOICES = [(k.value, k.value) for k in Kind]
