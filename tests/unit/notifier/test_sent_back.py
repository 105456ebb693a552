"""A channel sent back as the API shows it keeps the URL and secret of the stored channel it stands for."""

import pytest

from services.notifier.sent_back import SentBackError, kept_channels

OPS = "https://hooks.example.org/services/T000/B000/XXXX"
DESK = "https://hooks.example.org/services/T000/B111/YYYY"
SHOWN = "https://hooks.example.org/***"
MAIL = {"email": {"to": ["desk@example.org"]}}


def hook(url, secret=None):
    return {"webhook": {"url": url, **({"secret": secret} if secret else {})}}


def test_a_webhook_moved_in_the_list_keeps_its_url_and_secret():
    assert kept_channels([hook(SHOWN, "***")], [MAIL, hook(OPS, "k3y")]) == [hook(OPS, "k3y")]


def test_two_webhooks_shown_alike_keep_their_own_while_the_list_stands_as_shown():
    stored = [hook(OPS, "ops-key"), hook(DESK, "desk-key")]
    assert kept_channels([hook(SHOWN, "***"), hook(SHOWN, "***")], stored) == stored


@pytest.mark.parametrize("sent", [
    pytest.param([hook(SHOWN)], id="one removed"),
    pytest.param([MAIL, hook(SHOWN), hook(SHOWN)], id="one added before them"),
])
def test_a_url_shown_alike_for_two_webhooks_is_refused_once_the_list_changed(sent):
    with pytest.raises(SentBackError) as refused:
        kept_channels(sent, [hook(OPS), hook(DESK)])
    assert refused.value.field.endswith(".url") and "give its whole URL" in refused.value.message


def test_a_new_url_keeps_the_secret_at_its_place_and_a_whole_url_is_taken_as_sent():
    assert kept_channels([hook(DESK, "***")], [hook(OPS, "k3y")]) == [hook(DESK, "k3y")]
    assert kept_channels([hook(OPS)], [hook(OPS, "k3y")]) == [hook(OPS)]


def test_what_is_no_channel_is_left_for_the_subscription_to_refuse():
    assert kept_channels(["webhook", {"webhook": "x"}, {}], [hook(OPS)]) == ["webhook", {"webhook": "x"}, {}]


@pytest.mark.parametrize("stored", [
    pytest.param([], id="none stored"), pytest.param([hook("https://elsewhere.example.org/in")], id="another host stored"),
])
def test_a_url_as_shown_standing_for_no_stored_channel_is_refused(stored):
    with pytest.raises(SentBackError) as refused:
        kept_channels([MAIL, hook(SHOWN)], stored)
    assert refused.value.field == "channels.1.url" and "give its whole URL" in refused.value.message


def test_a_url_in_a_shown_form_stored_as_it_is_is_kept():
    """One saved before shown forms were refused: its subscription can still be changed in its other fields."""
    assert kept_channels([hook(SHOWN)], [hook(SHOWN)]) == [hook(SHOWN)]


@pytest.mark.parametrize(("sent", "stored"), [
    pytest.param([MAIL, hook(DESK, "***")], [], id="none stored"),
    pytest.param([MAIL, hook(DESK, "***")], [MAIL, hook(OPS)], id="one stored without a secret"),
    pytest.param([MAIL, hook(SHOWN, "***")], [MAIL, hook(OPS)], id="its url as shown"),
])
def test_a_secret_as_shown_standing_for_no_stored_secret_is_refused(sent, stored):
    """Before: saved as the literal secret ``***`` (or dropped), and every signature was made with it."""
    with pytest.raises(SentBackError) as refused:
        kept_channels(sent, stored)
    assert refused.value.field == "channels.1.secret" and "give the secret itself" in refused.value.message


def flat(url, secret=None):
    """A channel as ``{type: webhook, url: …}``, the other form a subscription takes."""
    return {"type": "webhook", "url": url, **({"secret": secret} if secret else {})}


def test_a_channel_written_with_its_type_beside_its_fields_is_read_as_sent_back_too():
    """Before: only ``{webhook: {url: …}}`` was looked at; ``{type: webhook, url: …}``, which a subscription takes
    as well, was saved as written: every alert went to ``https://hooks.example.org/***``, signed with ``***``."""
    assert kept_channels([flat(SHOWN, "***")], [MAIL, hook(OPS, "k3y")]) == [flat(OPS, "k3y")]
    assert kept_channels([MAIL, flat(DESK)], [hook(OPS)]) == [MAIL, flat(DESK)]
    for sent, field in (([MAIL, flat(SHOWN)], "channels.1.url"), ([MAIL, flat(DESK, "***")], "channels.1.secret")):
        with pytest.raises(SentBackError) as refused:
            kept_channels(sent, [])
        assert refused.value.field == field


def test_every_url_and_secret_sent_as_shown_that_stands_for_nothing_is_refused_at_once():
    """Before: a shown URL was refused and the ``***`` secret beside it only on the next try."""
    with pytest.raises(SentBackError) as refused:
        kept_channels([MAIL, hook(SHOWN, "***"), hook(DESK, "***")], [])
    assert [e["field"] for e in refused.value.errors] == ["channels.1.url", "channels.1.secret", "channels.2.secret"]
    assert (refused.value.field, refused.value.message) == ("channels.1.url", refused.value.errors[0]["message"])
