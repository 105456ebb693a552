"""Amounts of money in their currency, from symbols, scales and number words."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.classifier.core import classify
from services.classifier.core.money import dollar_of, find_money, has_money
from services.classifier.core.numbers import parse_number


@pytest.mark.parametrize(("sentence", "amount", "currency", "text"), [
    pytest.param("The UK will invest £10m over the next three years.", 10_000_000, "GBP", "£10m", id="pounds-m"),
    pytest.param("The government will provide £1.5 billion for roads.", 1_500_000_000, "GBP", "£1.5 billion",
                 id="pounds-decimal-billion"),
    pytest.param("The US will give $40 million to the coalition.", 40_000_000, "USD", "$40 million",
                 id="dollars-million"),
    pytest.param("The Commission will spend €20m on research.", 20_000_000, "EUR", "€20m", id="euros-m"),
    pytest.param("Ministers pledged ten million pounds for victims.", 10_000_000, "GBP", "ten million pounds",
                 id="number-words-pounds"),
    pytest.param("The grant is set at a rate of £66 per pupil.", 66, "GBP", "£66", id="per-pupil-rate"),
    pytest.param("Each school will get £1,320 per pupil.", 1_320, "GBP", "£1,320", id="thousands-separator"),
    pytest.param("The UK will provide 10m pounds for flood defences.", 10_000_000, "GBP", "10m pounds",
                 id="scale-joined-before-a-currency-word"),
    pytest.param("The EU will provide 5bn euros to Ukraine.", 5_000_000_000, "EUR", "5bn euros", id="bn-euros"),
    pytest.param("Japan will provide 28.95 million US dollars for refugees.", 28_950_000, "USD",
                 "28.95 million US dollars", id="us-dollars"),
    pytest.param("Australia will give 20 million Australian dollars to the programme.", 20_000_000, "AUD",
                 "20 million Australian dollars", id="australian-dollars"),
    pytest.param("Ottawa will give 10 million Canadian dollars to the programme.", 10_000_000, "CAD",
                 "10 million Canadian dollars", id="canadian-dollars"),
    pytest.param("Japan will provide 3 million USD to the fund.", 3_000_000, "USD", "3 million USD",
                 id="code-after"),
    pytest.param("The United States will give US$ 3 million to the fund.", 3_000_000, "USD", "US$ 3 million",
                 id="us-sign-then-a-space"),
    pytest.param("Australia will provide AUD 20 million to the programme.", 20_000_000, "AUD", "AUD 20 million",
                 id="aud-code"),
    pytest.param("Australia will provide A$20 million to the programme.", 20_000_000, "AUD", "A$20 million",
                 id="a-dollar-sign"),
    pytest.param("Wellington will provide NZ$ 4.5m to the programme.", 4_500_000, "NZD", "NZ$ 4.5m",
                 id="nz-dollar-sign"),
    pytest.param("Canada will provide C$10 million to the programme.", 10_000_000, "CAD", "C$10 million",
                 id="c-dollar-sign"),
    pytest.param("Canada will provide CAD10m to the programme.", 10_000_000, "CAD", "CAD10m", id="code-joined"),
    pytest.param("The Commission will provide € 20 million for research.", 20_000_000, "EUR", "€ 20 million",
                 id="sign-then-a-space"),
    pytest.param("The department will provide half a million pounds for the scheme.", 500_000, "GBP",
                 "half a million pounds", id="half-a-million"),
    pytest.param("Ottawa will create a $10-million fund.", 10_000_000, "USD", "$10-million", id="hyphen-before-scale"),
    pytest.param("The province will invest CAD $10 million in it.", 10_000_000, "CAD", "CAD $10 million",
                 id="code-before-a-dollar-sign"),
    pytest.param("The ministry will provide NZ $4m to the programme.", 4_000_000, "NZD", "NZ $4m",
                 id="nz-apart-from-its-sign"),
    pytest.param("They will give us $5m for it.", 5_000_000, "USD", "$5m", id="us-a-word-before-a-bare-dollar"),
])
def test_money_amount_currency_and_source_text(sentence, amount, currency, text):
    money = find_money(sentence, offset=100)[0]
    assert (money.amount, money.currency, money.text) == (amount, currency, text)
    assert sentence[money.span[0] - 100:money.span[1] - 100] == text


def test_a_bare_dollar_takes_the_country_the_release_names():
    assert dollar_of("OTTAWA - The Government of Canada announced $2 million.") == "CAD"
    assert find_money("$2 million", dollar="CAD")[0].currency == "CAD"
    assert dollar_of("WASHINGTON - DHS will require new measures.") == "USD"


@pytest.mark.parametrize(("words", "value"), [
    ("one", 1), ("three", 3), ("twenty-four", 24), ("a dozen", 12), ("an", 1), ("1,320", 1320), ("1.5", 1.5),
])
def test_number_words_and_digits(words, value):
    assert parse_number(words) == value


def test_text_without_money_has_none():
    assert find_money("Around 80 British troops are based at Taji.") == []


@pytest.mark.parametrize(("body", "amount"), [
    pytest.param("The UK will invest £10m, including £2m for border security.", 10_000_000,
                 id="the-total-not-its-part"),
    pytest.param("The UK will provide a package of £20m for partner police forces and £5m for prosecutors.",
                 20_000_000, id="a-package-of"),
    pytest.param("The Government will pay airports £2.50 per passenger screened, up to £30m over three years.",
                 30_000_000, id="a-rate-per-unit-is-no-total"),
    pytest.param("The Home Office will fund councils £500 for each place, with £12 million in all.", 12_000_000,
                 id="for-each"),
    pytest.param("The department will give £1.9 million a year to the scheme, after £6 million in 2024-25.",
                 1_900_000, id="a-yearly-sum-is-its-own"),
])
def test_a_commitment_carries_the_total_it_pledges(make_release, body, amount):
    [commitment] = classify(make_release(body)).commitments
    assert commitment.money is not None and commitment.money.amount == amount


@pytest.mark.parametrize("digits", [400, 300])  # past a float alone; a float, past one times "billion"
def test_an_amount_past_what_a_number_holds_is_no_money_and_the_release_stays_readable(digits):
    """Before: its amount was infinity, which an event writes as null: the release's classified event could not be
    read by any consumer, its commitments lost to the notifier and the ledger."""
    from datetime import datetime, timezone

    from schemas import ReleaseClassified, ReleasePublished

    sentence = f"The government will invest £{'9' * digits} billion in schools by 2030."
    assert find_money(sentence) == []
    release = ReleasePublished(release_id="huge", version=1, title="Schools", url="https://www.gov.uk/huge",
                               source="gov-uk", published_at=datetime(2026, 1, 5, tzinfo=timezone.utc),
                               body=sentence, content_hash="sha256:" + "0" * 64)
    classified = classify(release)
    assert ReleaseClassified.model_validate_json(classified.model_dump_json()) == classified


@pytest.mark.parametrize(("sentence", "amount", "text"), [
    pytest.param("The government will provide £10m-£20m for the scheme.", 20_000_000, "£10m-£20m", id="hyphen"),
    pytest.param("The government will provide £10m–£20m for the scheme.", 20_000_000, "£10m–£20m", id="en-dash"),
    pytest.param("The government will provide £10-20m for the scheme.", 20_000_000, "£10-20m", id="scale-once"),
    pytest.param("The government will provide £10 to £20 million for the scheme.", 20_000_000,
                 "£10 to £20 million", id="to-scale-once"),
    pytest.param("The government will provide £10m to £20m for the scheme.", 20_000_000, "£10m to £20m", id="to"),
    pytest.param("The government will provide between £10m and £20m for the scheme.", 20_000_000, "£10m and £20m",
                 id="between"),
    pytest.param("The US will provide $4 million to $6 million for the scheme.", 6_000_000,
                 "$4 million to $6 million", id="dollars-to"),
    pytest.param("The US will provide $4-6 million for the scheme.", 6_000_000, "$4-6 million", id="dollars-hyphen"),
    pytest.param("The government will provide up to £10m for the scheme.", 10_000_000, "£10m", id="up-to"),
    pytest.param("The EU will provide 10 to 20 million euros for the scheme.", 20_000_000, "20 million euros",
                 id="words-upper-bound"),
])
def test_a_range_is_its_upper_bound_its_text_the_whole_range(make_release, sentence, amount, text):
    [commitment] = classify(make_release(sentence)).commitments
    assert commitment.money is not None
    assert (commitment.money.amount, commitment.money.text) == (amount, text)


@pytest.mark.parametrize(("sentence", "texts"), [
    pytest.param("The government will invest £500m to 2025 in the scheme.", ["£500m"], id="to-a-year"),
    pytest.param("The government will raise funding from £2bn to £2.6bn.", ["£2bn", "£2.6bn"], id="from-a-change"),
    pytest.param("The fund gives £10m and £20m to two councils.", ["£10m", "£20m"], id="and-without-between"),
    pytest.param("Tickets cost £5-2026 each.", ["£5"], id="a-year-after-a-hyphen"),
    pytest.param("Tickets cost £5-3 each.", ["£5"], id="a-bare-upper-bound-below-the-lower"),
])
def test_two_amounts_that_make_no_range_stay_apart(sentence, texts):
    assert [money.text for money in find_money(sentence)] == texts


@pytest.mark.parametrize(("sentence", "found"), [
    pytest.param("The Government will pay £650 to 8 million households on means-tested benefits by March 2027.",
                 [("GBP", 650, "£650")], id="a-sum-to-a-count"),
    pytest.param("The US will pay $1,400 to 85 million Americans.", [("USD", 1_400, "$1,400")],
                 id="a-dollar-sum-to-a-count"),
    pytest.param("The fund pays £650-8 million a year.", [("GBP", 650, "£650")],
                 id="a-lower-bound-scaled-past-the-upper-is-no-range"),
    pytest.param("By 2030 EUR 5 million will be given to schools by the Council.", [("EUR", 5_000_000, "EUR 5 million")],
                 id="a-year-before-a-code"),
    pytest.param("In 2024 GBP 3bn was spent.", [("GBP", 3_000_000_000, "GBP 3bn")], id="a-year-before-a-code-bn"),
    pytest.param("It will cost £10,000-20,000 per pupil.", [("GBP", 20_000, "£10,000-20,000")],
                 id="a-bare-upper-bound-thousands"),
    pytest.param("It costs £4-6 per hour.", [("GBP", 6, "£4-6")], id="a-bare-upper-bound"),
    pytest.param("Tickets cost £5-10 each.", [("GBP", 10, "£5-10")], id="no-scale-no-sign-after"),
    pytest.param("Japan will provide 300,000 USD to the fund.", [("USD", 300_000, "300,000 USD")],
                 id="a-code-after-a-bare-number"),
])
def test_a_range_and_a_code_read_as_decision_0093_says(sentence, found):
    assert [(money.currency, money.amount, money.text) for money in find_money(sentence)] == found


@pytest.mark.parametrize("sentence", [
    "Some 500 CAD drawings were made.", "They made 10 CAD-designed parts.", "It sold 40 AUD-denominated bonds.",
    "The 2 EUR coins were minted.", "In 2024 EUR rates fell.",
    "Traffic rose to 10 Gbps this year.", "The decade ahead will bring 5 cadets.", "Fraud cost 3 million people.",
])
def test_words_holding_a_code_are_no_money(sentence):
    assert find_money(sentence) == []


_MONEY_WORDS = ["£", "$", "€", "US$", "NZ$", "A$", "C$", "AUD", "usd", "GBP", "pounds", "US dollars", "euros", "10",
                "4.5", "1,000", "m", "bn", "million", "half a", "a", "-", "–", " to ", " and ", "between ", "from ",
                " ", "\n", "x", "İ", "٣"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_MONEY_WORDS), max_size=14).map("".join))
def test_every_amount_found_is_a_finite_sum_written_where_its_span_says(text):
    found = find_money(text, offset=7)
    assert has_money(text) == bool(found)
    for money in found:
        assert math.isfinite(money.amount) and money.amount >= 0
        assert text[money.span[0] - 7:money.span[1] - 7] == money.text
