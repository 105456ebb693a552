"""The subscription form read into a subscription's data, validated as the API validates it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.common.money import AmountRange
from services.dashboard.forms import FormErrors, SubscriptionForm, input_of
from services.notifier.subscriptions import Filter, SubscriptionError, field_errors, parse_subscription


def read(**fields):
    return SubscriptionForm.read({k: v if isinstance(v, list) else [v] for k, v in fields.items()})


def test_a_filled_form_is_the_subscription_the_api_would_be_sent():
    form = read(id="ct-desk", channel="webhook", target=" https://hooks.example.org/x ", counter_terrorism="on",
                categories=["funding", "training"], actors="UK, Home Office ,", keywords="", min_confidence="0.5",
                mode="digest")
    sub = parse_subscription(form.subscription_data())
    assert sub.filter.counter_terrorism and [c.value for c in sub.filter.categories] == ["funding", "training"]
    assert sub.filter.actors == ["UK", "Home Office"] and sub.filter.keywords is None
    assert sub.filter.min_confidence == 0.5 and sub.mode == "digest"
    assert sub.channels[0].url == "https://hooks.example.org/x"


@pytest.mark.parametrize(("channel", "target", "expected"), [
    pytest.param("console", "", "console", id="console"),
    pytest.param("email", "a@example.org, b@example.org", {"email": {"to": ["a@example.org", "b@example.org"]}},
                 id="email-addresses"),
    pytest.param("apprise", "ntfy://topic", {"apprise": {"url": "ntfy://topic"}}, id="apprise"),
    pytest.param("webhook", "", "webhook", id="webhook-without-url"),
])
def test_the_channel_as_the_api_takes_it(channel, target, expected):
    assert read(id="x", channel=channel, target=target).subscription_data()["channels"] == [expected]


@pytest.mark.parametrize(("fields", "where"), [
    pytest.param({"id": "has space", "channel": "console"}, "id", id="bad-name"),
    pytest.param({"id": "x", "channel": "webhook"}, "target", id="webhook-needs-a-url"),
    pytest.param({"id": "x", "channel": "webhook", "target": "ftp://example.org"}, "target", id="not-http"),
    pytest.param({"id": "x", "channel": "console", "target": "https://hooks.example.org/x"}, "target",
                 id="console-given-an-address"),
    pytest.param({"id": "x", "channel": "console", "categories": ["cats"]}, "categories", id="unknown-category"),
    pytest.param({"id": "x", "channel": "console", "min_confidence": "high"}, "min_confidence", id="not-a-number"),
])
def test_each_refusal_is_placed_beside_its_input(fields, where):
    with pytest.raises(SubscriptionError) as refused:
        parse_subscription(read(**fields).subscription_data())
    assert [input_of(e["field"]) for e in refused.value.errors] == [where]


def test_a_time_zone_typed_is_the_subscriptions_and_none_typed_is_utc():
    assert parse_subscription(read(id="x", channel="console", timezone=" Australia/Sydney ").subscription_data()
                              ).timezone == "Australia/Sydney"
    assert "timezone" not in read(id="x", channel="console").subscription_data()


def test_an_unknown_time_zone_is_refused_beside_its_input():
    with pytest.raises(SubscriptionError) as refused:
        parse_subscription(read(id="x", channel="console", timezone="Sydney").subscription_data())
    errors = FormErrors(refused.value.errors)
    assert errors.at("timezone") == ["unknown time zone 'Sydney'; expected an IANA name such as Europe/London or UTC"]
    assert errors.summary[0][0] == "Time zone"


def test_an_empty_form_keeps_its_defaults():
    form = read()
    assert (form.channel, form.mode, form.counter_terrorism) == ("webhook", "immediate", False)


@pytest.mark.parametrize(("channel", "target", "expected"), [
    pytest.param("webhook", "https://hooks.example.org/x",
                 {"webhook": {"url": "https://hooks.example.org/x", "secret": " s3cret "}}, id="webhook-signed"),
    pytest.param("webhook", "", {"webhook": {"secret": " s3cret "}}, id="webhook-without-url-keeps-the-secret"),
    pytest.param("console", "", {"console": {"secret": " s3cret "}}, id="console-given-a-secret"),
])
def test_a_secret_is_sent_as_typed_with_the_channel(channel, target, expected):
    form = read(id="x", channel=channel, target=target, secret=" s3cret ")
    assert form.subscription_data()["channels"] == [expected]


@pytest.mark.parametrize(("channel", "secret", "message"), [
    pytest.param("webhook", "x" * 1025, "String should have at most 1024 characters", id="too-long"),
    pytest.param("email", "s3cret", "unknown field", id="not-a-webhook"),
])
def test_a_refused_secret_is_placed_beside_its_input(channel, secret, message):
    target = "a@example.org" if channel == "email" else "https://hooks.example.org/x"
    with pytest.raises(SubscriptionError) as refused:
        parse_subscription(read(id="x", channel=channel, target=target, secret=secret).subscription_data())
    assert [(input_of(e["field"]), e["message"]) for e in refused.value.errors] == [("secret", message)]


def test_the_secret_is_never_in_the_forms_repr():
    form = read(id="x", channel="webhook", target="https://hooks.example.org/x", secret="s3cret")
    assert form.has_secret and "s3cret" not in repr(form)


@pytest.mark.parametrize(("channel", "target", "secret", "expected"), [
    pytest.param("console", "https://hooks.example.org/x", "", [
        ("To", "a console channel sends to no address: leave To empty, or choose webhook, email or apprise")],
        id="console-given-an-address"),
    pytest.param("email", "a@example.org", "s3cret", [
        ("Webhook secret", "only a webhook is signed: leave the secret empty, or choose webhook")],
        id="email-given-a-secret"),
])
def test_a_setting_the_channel_does_not_take_is_refused_in_the_forms_words(channel, target, secret, expected):
    """Before: "To: unknown field", words about the API's JSON, not about what was typed in the form."""
    with pytest.raises(SubscriptionError) as refused:
        parse_subscription(read(id="x", channel=channel, target=target, secret=secret).subscription_data())
    assert FormErrors(refused.value.errors).summary == expected


def test_a_range_of_money_typed_as_the_ledger_reads_one_is_the_subscriptions():
    """Before: the form had no money fields, and what was posted for them was dropped."""
    form = read(id="x", channel="console", min_amount=" 10m ", max_amount="1.5bn", currency="gbp")
    assert (form.min_amount, form.max_amount, form.currency) == ("10m", "1.5bn", "gbp")
    assert parse_subscription(form.subscription_data()).filter.money == AmountRange("GBP", 10_000_000, 1.5e9)
    assert parse_subscription(read(id="x", channel="console", currency="EUR").subscription_data()
                              ).filter.money == AmountRange("EUR")
    assert "currency" not in read(id="x", channel="console", currency="").filter_data()


@pytest.mark.parametrize(("money", "expected"), [
    pytest.param({"min_amount": "-5m", "currency": "GBP"},
                 [("min_amount", "Money from", "is negative: give 0 or more")], id="negative"),
    pytest.param({"min_amount": "tenner", "currency": "GBP"}, [
        ("min_amount", "Money from", "'tenner' is not an amount: give a number, such as 10000000 or 10m")],
        id="not-an-amount"),
    pytest.param({"min_amount": "10m", "max_amount": "250k", "currency": "GBP"},
                 [("max_amount", "Money to", "is less than “Money from”")], id="max-below-min"),
    pytest.param({"max_amount": "250k"}, [
        ("currency", "Currency", "give the currency of “Money to” (amounts in two currencies are not compared)")],
        id="bounds-without-currency"),
    pytest.param({"currency": "XYZ"}, [
        ("currency", "Currency", "'XYZ' is not a currency the ledger records (AUD, CAD, EUR, GBP, NZD, USD)")],
        id="unknown-currency"),
    pytest.param({"min_amount": "10m", "currency": "$"}, [
        ("currency", "Currency", "'$' is any dollar: give the one meant, AUD, CAD, NZD or USD (amounts in two "
                                 "currencies are not compared)")], id="any-dollar"),
])
def test_a_range_of_money_refused_is_placed_beside_its_input_in_the_forms_words(money, expected):
    form = read(id="x", channel="console", **money)
    with pytest.raises(SubscriptionError) as refused:
        parse_subscription(form.subscription_data())
    assert FormErrors(refused.value.errors).listed == expected
    with pytest.raises(ValidationError) as tried:  # "Try it on the last 90 days" refuses it alike
        Filter.model_validate(form.filter_data())
    assert FormErrors(field_errors(tried.value, prefix="filter.")).listed == expected
