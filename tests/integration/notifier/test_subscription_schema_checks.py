"""The published JSON Schema of a subscription (``Subscription`` in ``/openapi.json``) says what the API checks: a body
it refuses is one the API refuses (422), and a body the API takes, in any form it takes, is one it admits; what it
cannot say (a time zone's existence, a pause not in the past, an Apprise service) its descriptions say."""

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from notifier_harness import api_call

pytestmark = pytest.mark.integration

HOOK = {"type": "webhook", "url": "https://hooks.example.org/in"}


def _body(sub_id: str, **fields) -> dict:
    return {"id": sub_id, "channels": [HOOK], **fields}


# Each refused by the API; before, the schema admitted every one of them.
REFUSED = {
    "webhook-ftp": _body("a", channels=[{"type": "webhook", "url": "ftp://hooks.example.org/in"}]),
    "webhook-no-scheme": _body("a", channels=[{"webhook": {"url": "hooks.example.org/in"}}]),
    "webhook-no-host": _body("a", channels=[{"type": "webhook", "url": "https:///in"}]),
    "webhook-space": _body("a", channels=[{"type": "webhook", "url": "https://hooks.example.org/a b"}]),
    "webhook-too-long": _body("a", channels=[{"type": "webhook", "url": "https://x.org/" + "a" * 2048}]),
    "apprise-no-scheme": _body("a", channels=[{"type": "apprise", "url": "hooks.example.org"}]),
    "channel-twice": _body("a", channels=["console", "console"]),
    "reminder-not-a-duration": _body("a", reminders=["a week"]),
    "reminder-twice": _body("a", reminders=["P7D", "P7D"]),
    "reminder-too-long-text": _body("a", reminders=["P" + "1" * 40 + "D"]),
    "timezone-empty": _body("a", timezone=""),
    "timezone-path": _body("a", timezone="../etc/passwd"),
    "weekly-zone-space": _body("a", due_this_week={"time_zone": "Europe/ London"}),
    "recipient-no-at": _body("a", channels=[{"type": "email", "to": ["desk"]}]),
    "recipient-line-break": _body("a", channels=[{"type": "email", "to": ["desk@example.org\nBcc: x@y.org"]}]),
    "recipient-twice": _body("a", channels=[{"type": "email", "to": ["desk@example.org", "desk@example.org"]}]),
    "keyword-only-dashes": _body("a", filter={"keywords": ["--"]}),
    "actor-only-accent": _body("a", filter={"actor": ["\u0301"]}),
}

# Each taken by the API as written; before, the schema refused the ones marked.
TAKEN = {
    "every-field": _body("b1", filter={"counter_terrorism": True, "categories": ["funding"], "kind": ["pledge"],
                                       "keywords": ["counter-terrorism"], "sources": ["gov-uk*"],
                                       "min_confidence": 0.5},
                         mode="digest", timezone="America/Port-au-Prince", digest_at="7:05",
                         reminders=["P1M", "PT12H", "P0D"], paused_until="2099-01-01", reannouncements=False,
                         due_this_week={"weekday": "friday", "at": "17:00", "time_zone": "Etc/GMT+5"}),
    "weekly-true": _body("b2", due_this_week=True),  # before: refused by the schema
    "weekly-false": _body("b3", due_this_week=False),  # before: refused by the schema
    "weekday-any-case": _body("b4", due_this_week={"weekday": "Friday"}),  # before: refused by the schema
    "webhook-url-alone": _body("b5", channels=[{"webhook": "HTTPS://user@hooks.example.org:8443/in?x=1"}]),  # before
    "webhook-ipv6": _body("b6", channels=[{"webhook": {"url": "http://[2606:4700:4700::1111]/in", "secret": "s"}}]),
    "email-address-alone": _body("b7", channels=[{"email": "desk@example.org"}]),  # before: refused by the schema
    "email-to-one": _body("b8", channels=[{"type": "email", "to": "Desk <desk@example.org>"}]),  # before: refused
    "email-many": _body("b9", channels=[{"email": {"to": ["a@example.org", '"Doe, J" <j@example.org>']}}]),
    "console-empty": _body("b10", channels=[{"console": {}}]),  # before: refused by the schema
    "console-null": _body("b11", channels=[{"console": None}]),  # before: refused by the schema
    "apprise-alone": _body("b12", channels=[{"apprise": "json://hooks.example.org/chat"}]),  # before: refused
    "keyword-accented": _body("b13", filter={"keyword": ["Féin"], "actors": ["Sinn-Féin"]}),
}


def _validator(document: dict) -> Draft202012Validator:
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
    schema = document["paths"]["/subscriptions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


async def test_a_subscription_the_schema_refuses_is_refused_and_a_sample_it_admits_is_taken(notifier):
    n = await notifier(http=True)
    status, document = await api_call(n, "GET", "/openapi.json")
    assert status == 200
    validator = _validator(document)
    wrong = []
    for name, body in {**REFUSED, **TAKEN}.items():
        status, answer = await api_call(n, "POST", "/subscriptions", body)
        admitted = next(validator.iter_errors(body), None) is None
        expected = 201 if name in TAKEN else 422
        if status != expected or admitted != (name in TAKEN):
            wrong.append(f"{name}: answered {status} (expected {expected}), admitted by the schema: {admitted}, "
                         f"{answer}")
    assert wrong == [], "\n".join(wrong)
