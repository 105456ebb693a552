"""Ledger queries: every filter criterion, deadline windows, state, free text, cursor pages, bad parameters."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.ledger.core.cards import Card
from services.ledger.core.queries import (QueryError, commitments_page, deadlines_in, deadlines_page, due_order,
                                         parse_query)

BASE = Card(key="a", release_id="r1", source="gov-uk", published=1000.0, state="active", kind="pledge",
            category="funding", counter_terrorism=True, confidence=0.9, actor="uk",
            text="the uk will invest £10m in iraq's police", title="uk ramps up", due=(date(2018, 3, 31).toordinal(),),
            chain=None)
CARDS = [
    BASE,
    replace(BASE, key="b", published=2000.0, kind="demand", category="online_content", actor="tech companies",
            text="companies must remove terrorist content", counter_terrorism=True, due=()),
    replace(BASE, key="c", published=3000.0, state="removed", counter_terrorism=False, source="eu-council",
            confidence=0.4, text="the council will adopt a budget", actor="council",
            due=(date(2019, 1, 1).toordinal(), date(2018, 2, 1).toordinal())),
]


def keys(params):
    return [c.key for c in commitments_page(CARDS, parse_query(params)).items]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["c", "b", "a"]),
    ({"counter_terrorism": ["true"]}, ["b", "a"]),
    ({"category": ["funding,online_content"]}, ["c", "b", "a"]),
    ({"category": ["online_content"]}, ["b"]),
    ({"kind": ["demand"]}, ["b"]),
    ({"actor": ["TECH"]}, ["b"]),
    ({"keyword": ["police"]}, ["a"]),
    ({"keyword": ["pol"]}, []),  # whole words, as a subscription's keywords
    ({"source": ["eu-*"]}, ["c"]),
    ({"min_confidence": ["0.5"]}, ["b", "a"]),
    ({"state": ["removed"]}, ["c"]),
    ({"q": ["IRAQ invest"]}, ["a"]),
    ({"q": ["ramps"]}, ["c", "b", "a"]),  # the release's title counts
    ({"due_after": ["2018-03-01"], "due_before": ["2018-12-31"]}, ["a"]),
    ({"due_before": ["2018-02-01"]}, ["c"]),
])
def test_each_criterion(params, expected):
    assert keys(params) == expected


def test_the_funding_category_selects_every_commitment_of_money_whatever_its_topic():
    """Before: a card's one category was its topic, so ``category=funding`` missed "£30m for biometric
    equipment" (border_security)."""
    cards = [replace(BASE, key="paid", category="border_security", pledges_money=True),
             replace(BASE, key="unpaid", category="border_security", pledges_money=False)]
    assert [c.key for c in commitments_page(cards, parse_query({"category": ["funding"]})).items] == ["paid"]
    assert len(commitments_page(cards, parse_query({"category": ["border_security"]})).items) == 2


def test_pages_follow_the_cursor_to_the_end():
    first = commitments_page(CARDS, parse_query({"limit": ["2"]}))
    assert [c.key for c in first.items] == ["c", "b"] and first.next_cursor
    rest = commitments_page(CARDS, parse_query({"limit": ["2"], "cursor": [first.next_cursor]}))
    assert [c.key for c in rest.items] == ["a"] and rest.next_cursor is None


def test_a_page_stays_right_when_a_newer_commitment_arrives():
    first = commitments_page(CARDS, parse_query({"limit": ["1"]}))
    newer = [*CARDS, replace(BASE, key="d", published=9000.0)]
    second = commitments_page(newer, parse_query({"limit": ["1"], "cursor": [first.next_cursor]}))
    assert [c.key for c in second.items] == ["b"]


def test_deadlines_soonest_first_within_the_window_in_pages():
    asked = {"due_after": ["2018-01-01"], "limit": ["2"], "state": ["active,removed"]}
    items, cursor = deadlines_page(CARDS, parse_query(asked))
    assert [(i.card.key, date.fromordinal(i.due)) for i in items] == [("c", date(2018, 2, 1)), ("a", date(2018, 3, 31))]
    rest, end = deadlines_page(CARDS, parse_query({**asked, "cursor": [cursor]}))
    assert [(i.card.key, date.fromordinal(i.due)) for i in rest] == [("c", date(2019, 1, 1))] and end is None


@pytest.mark.parametrize("state", ["removed", "withdrawn"])
def test_deadlines_leave_out_a_commitment_no_longer_made_unless_its_state_is_asked_for(state):
    """A removed or withdrawn commitment's deadline is due for no one: not listed as upcoming by default
    (as the weekly message and the calendar's cancelled events tell it)."""
    cards = [replace(card, state=state) if card.key == "c" else card for card in CARDS]
    items, _ = deadlines_page(cards, parse_query({"due_after": ["2018-01-01"]}))
    assert [i.card.key for i in items] == ["a"]
    items, _ = deadlines_page(cards, parse_query({"due_after": ["2018-01-01"], "state": [state]}))
    assert [(i.card.key, date.fromordinal(i.due)) for i in items] == [("c", date(2018, 2, 1)), ("c", date(2019, 1, 1))]


@pytest.mark.parametrize(("params", "message"), [
    ({"colour": ["red"]}, "colour: not a query parameter"),
    ({"category": ["weather"]}, "category: Input should be"),
    ({"limit": ["1000"]}, "limit: Input should be less than or equal to 200"),
    ({"limit": ["1", "2"]}, "limit: give it once"),
    ({"due_after": ["2018-02-01"], "due_before": ["2018-01-01"]}, "due_before: is before due_after$"),
    ({"due_after": ["tomorrow"]}, "due_after: Input should be a valid date"),
    ({"state": ["lost"]}, "state: Input should be"),
    ({"cursor": ["not-a-cursor"]}, "cursor: not one this server gave"),
    ({"category": [""]}, "category: no value: give one, or leave the parameter out"),
    ({"actor": ["UK", " "]}, "actor: no value"),
    ({"actor": ["UK,-"]}, "actor: '-' is only dashes or accents: it would select nothing"),
    ({"keyword": ["\u2014"]}, "keyword: '\u2014' is only dashes or accents: it would select nothing"),
    ({"kind": [", ,"]}, "kind: no value"),
    ({"state": [","]}, "state: no value"),
    ({"q": [" "]}, "q: no value"),
    ({"q": ["-"]}, "q: '-' holds no word to search for"),
    ({"q": ['\u2014 "']}, "q: '\u2014 \"' holds no word to search for"),
    ({"limit": [""]}, "limit: no value"),
    ({"min_amount": ["-5"], "currency": ["GBP"]}, "min_amount: is negative: give 0 or more"),
    ({"max_amount": ["lots"], "currency": ["GBP"]},
     "max_amount: 'lots' is not an amount: give a number, such as 10000000 or 10m"),
    ({"min_amount": ["nan"], "currency": ["GBP"]}, "min_amount: 'nan' is not an amount"),
    ({"min_amount": ["£10m"], "currency": ["GBP"]}, "min_amount: '£10m' is not an amount"),
    ({"min_amount": ["2m"], "max_amount": ["1m"], "currency": ["GBP"]}, "max_amount: is less than min_amount$"),
    ({"min_amount": ["1m"]}, "currency: give the currency of min_amount "),  # (amounts in two currencies …)
    ({"max_amount": ["1m"]}, "currency: give the currency of max_amount "),
    ({"currency": ["JPY"]}, "currency: 'JPY' is not a currency the ledger records "),  # (AUD, CAD, …)
    ({"currency": ["$"]}, r"currency: '\$' is any dollar: give the one meant, AUD, CAD, NZD or USD (amounts in two "),
    ({"currency": ["GBP", "USD"]}, "currency: give it once"),
    ({"min_amount": [""], "currency": ["GBP"]}, "min_amount: no value"),
    ({"currency": [""]}, "currency: no value"),
])
def test_bad_parameters_say_which_and_why(params, message):
    with pytest.raises(QueryError, match="^" + message.replace("(", r"\(")):
        commitments_page(CARDS, parse_query(params))


def test_a_card_survives_its_json():
    assert Card.from_json(BASE.to_json()) == BASE


DAYS = st.integers(date(2018, 1, 1).toordinal(), date(2018, 1, 20).toordinal())


@st.composite
def cards_and_query(draw):
    cards = [replace(BASE, key=f"k{n}", counter_terrorism=draw(st.booleans()),
                     due=tuple(draw(st.lists(DAYS, max_size=3)))) for n in range(draw(st.integers(0, 12)))]
    after, before = draw(st.one_of(st.none(), DAYS)), draw(st.one_of(st.none(), DAYS))
    if after is not None and before is not None and before < after:
        after, before = before, after
    params = {"limit": [str(draw(st.integers(1, 5))), ]}
    if after is not None:
        params["due_after"] = [date.fromordinal(after).isoformat()]
    if before is not None:
        params["due_before"] = [date.fromordinal(before).isoformat()]
    if draw(st.booleans()):
        params["counter_terrorism"] = ["true"]
    return cards, params


@given(cards_and_query(), st.booleans())
def test_the_deadlines_walked_in_order_page_by_page_are_every_one_selected_once(drawn, latest_first):
    """The walk from the window's start (deadlines_in), or back from its end (latest_first), against reading
    every card: the same deadlines, in the same order, each once, across all the pages the cursors lead to."""
    cards, params = drawn
    query = parse_query(params)
    low = query.due_after.toordinal() if query.due_after else 0
    high = query.due_before.toordinal() if query.due_before else 1 << 30
    only_ct = "counter_terrorism" in params
    expected = sorted((day, c.key) for c in cards for day in set(c.due)
                      if low <= day <= high and (not only_ct or c.counter_terrorism))[::-1 if latest_first else 1]
    walked, cursor, order = [], None, due_order(cards)
    for _ in range(len(expected) + 2):
        items, cursor = deadlines_in(order, parse_query({**params, **({"cursor": [cursor]} if cursor else {})}),
                                     latest_first=latest_first)
        walked += [(i.due, i.card.key) for i in items]
        assert len(items) <= query.limit
        if cursor is None:
            break
    assert walked == expected


@pytest.mark.parametrize(("q", "expected"), [
    ('"invest £10m"', ["a"]),  # a quoted phrase: its words together, the quotes no part of them
    ('"£10m invest"', []),  # the phrase in that order only
    ("“invest £10m”", ["a"]),  # curly quotes too
    ("IRAQ’S", ["a"]),  # a curly apostrophe is the text's straight one
    ("irak", []),
])
def test_free_text_reads_quoted_phrases_and_curly_apostrophes(q, expected):
    """Before: ``"invest £10m"`` looked for the word ``"invest`` with its quote, and found nothing."""
    assert keys({"q": [q]}) == expected


@pytest.mark.parametrize(("q", "expected"), [
    ("aid", ["aid"]),  # not in "said"
    ("war", []),  # not in "award"
    ("terror", ["said", "aid"]),  # a word's start finds it whole: "terrorism", "terrorist"
    ("£10m", ["award"]),  # money: by its amount (below), not inside "award"
    ('"minister said"', ["said"]),
])
def test_free_text_finds_a_word_at_the_start_of_a_word_not_inside_one(q, expected):
    """Before: ``aid`` found every commitment a minister "said", ``war`` every "award": a word was looked for
    anywhere in the text, inside other words too."""
    cards = [replace(BASE, key="said", published=3.0, text="terrorism will be fought, the minister said"),
             replace(BASE, key="aid", published=2.0, text="terrorist finance: foreign aid cut"),
             replace(BASE, key="award", published=1.0, text="the fund will award £10m", amount=1e7, currency="GBP")]
    assert [c.key for c in commitments_page(cards, parse_query({"q": [q]})).items] == expected


def test_free_text_is_found_whatever_the_accents_and_case():
    """Before: ``Sinn Fein`` missed "Sinn Féin", and a text whose é was written as e and a combining accent
    missed ``Féin`` typed on a keyboard."""
    cards = [replace(BASE, key="accented", actor="sinn féin", text="sinn féin will publish a plan"),
             replace(BASE, key="decomposed", text="sinn fe\u0301in will publish a plan")]
    for q in ("Sinn Fein", "SINN FÉIN", "\"sinn féin\""):
        assert [c.key for c in commitments_page(cards, parse_query({"q": [q]})).items] == ["accented", "decomposed"]
    german = [replace(BASE, key="strasse", text="the Straße will be closed".lower())]
    assert [c.key for c in commitments_page(german, parse_query({"q": ["STRASSE"]})).items] == ["strasse"]


@pytest.mark.parametrize("q", ['"counter terrorism"', "counter-terrorism", '"2026-27 budget"', "2026–27"])
def test_free_text_reads_a_hyphen_or_a_dash_as_a_space(q):
    """Before: the phrase ``"counter terrorism"`` missed "counter-terrorism", and ``2026-27`` typed with a
    hyphen missed "2026–27" written with an en dash."""
    cards = [replace(BASE, key="hyphen", text="counter-terrorism funding in the 2026–27 budget")]
    assert [c.key for c in commitments_page(cards, parse_query({"q": [q]})).items] == ["hyphen"]


def test_a_word_with_a_hyphen_is_looked_for_as_the_phrase_of_its_parts():
    cards = [replace(BASE, key="together", text="counter-terrorism funding"),
             replace(BASE, key="apart", text="counter fraud and terrorism funding")]
    assert [c.key for c in commitments_page(cards, parse_query({"q": ["Counter-Terrorism"]})).items] == ["together"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"keyword": ["Sinn Fein"]}, ["accented", "decomposed"]),
    ({"keyword": ["counter-terrorism"]}, ["accented", "decomposed"]),
    ({"keyword": ["Minister's"]}, ["accented"]),
    ({"keyword": ["terror"]}, []),  # still whole words
    ({"actor": ["SINN FEIN"]}, ["accented", "decomposed"]),
])
def test_the_keyword_and_actor_filters_fold_as_free_text_does(params, expected):
    """Before: ``keyword=Sinn Fein`` and ``actor=sinn fein`` missed "Sinn Féin", ``counter-terrorism`` missed
    a non-breaking hyphen and ``Minister's`` a curly apostrophe."""
    cards = [replace(BASE, key="accented", actor="sinn féin",
                     text="sinn féin will publish the minister’s counter\u2011terrorism plan"),
             replace(BASE, key="decomposed", actor="sinn fe\u0301in", text="sinn fe\u0301in funds counter-terrorism")]
    assert [c.key for c in commitments_page(cards, parse_query(params)).items] == expected


MONEY = [
    replace(BASE, key="ten-m", published=4000.0, amount=10_000_000.0, currency="GBP",
            text="the uk will invest £10m in iraq's police"),
    replace(BASE, key="hundred-m", published=5000.0, amount=100_000_000.0, currency="GBP",
            text="the uk will invest £100m in counter-terrorism policing"),
    replace(BASE, key="ten", published=6000.0, amount=10.0, currency="GBP", text="a fee of £10 a visit"),
    replace(BASE, key="dollars", published=7000.0, amount=10_000_000.0, currency="USD",
            text="the us will give $10m to the coalition"),
    replace(BASE, key="aussie", published=7500.0, amount=10_000_000.0, currency="AUD",
            text="australia will give $10 million to the region"),
    replace(BASE, key="none", published=8000.0, text="the uk will publish a strategy by 2027"),
]


def money_keys(params):
    return [c.key for c in commitments_page(MONEY, parse_query(params)).items]


@pytest.mark.parametrize(("q", "expected"), [
    pytest.param("£10", ["ten"], id="ten-pounds-not-100m"),  # before: every £100m commitment as well
    pytest.param("£10m", ["ten-m"], id="ten-million"),
    pytest.param("£10 million", ["ten-m"], id="written-out"),
    pytest.param("£10,000,000", ["ten-m"], id="in-digits"),
    pytest.param("GBP 10m", ["ten-m"], id="iso-code"),
    pytest.param("£0.1bn", ["hundred-m"], id="another-scale"),
    pytest.param("£100M", ["hundred-m"], id="capital-scale"),
    pytest.param("$10m", ["aussie", "dollars"], id="any-dollar"),
    pytest.param("US$10m", ["dollars"], id="us-dollars-only"),
    pytest.param("£10m iraq", ["ten-m"], id="with-words"),
    pytest.param("£10m policing", [], id="every-term-counts"),
    pytest.param('"£10m in iraq"', ["ten-m"], id="a-phrase-is-words"),
])
def test_money_in_the_search_words_selects_by_amount_in_its_currency_never_as_a_text_prefix(q, expected):
    assert money_keys({"q": [q]}) == expected


@pytest.mark.parametrize(("q", "expected"), [
    pytest.param("10m", ["aussie", "dollars", "ten-m"], id="scale-suffix-any-currency"),
    pytest.param("10 million", ["aussie", "dollars", "ten-m"], id="scale-word-any-currency"),
    pytest.param("0.1BN", ["hundred-m"], id="another-scale"),
    pytest.param("10m iraq", ["ten-m"], id="with-words"),
    pytest.param('"10 million"', ["aussie"], id="a-phrase-is-words"),
    pytest.param("2027", ["none"], id="a-year-is-words"),
    pytest.param("10", ["aussie", "dollars", "ten", "hundred-m", "ten-m"], id="a-number-alone-is-words"),
    pytest.param("10 m", ["aussie"], id="a-letter-apart-is-words"),  # "10" and "m…": "$10 million"
    pytest.param("10m GBP", ["ten-m"], id="its-code-after-it"),
    pytest.param("£ 10m", ["ten-m"], id="its-sign-apart"),
])
def test_an_amount_written_with_its_scale_and_no_currency_selects_that_amount_in_any_currency(q, expected):
    """Before: ``10m`` was the text "10m", found in "£10m" and "$10m" but not in "$10 million", and ``10 million``
    found neither."""
    assert money_keys({"q": [q]}) == expected


@pytest.mark.parametrize(("q", "expected"), [
    pytest.param("£10m £100m", ["hundred-m", "ten-m"], id="either-amount"),
    pytest.param("£10m US$10m", ["dollars", "ten-m"], id="either-currency"),
    pytest.param("£10 10m", ["aussie", "dollars", "ten", "ten-m"], id="signed-or-bare"),
    pytest.param("£10m £100m iraq", ["ten-m"], id="words-still-all"),
])
def test_several_amounts_searched_select_a_commitment_of_any_of_them(q, expected):
    """Before: every amount had to be the commitment's one amount, and two amounts found nothing."""
    assert money_keys({"q": [q]}) == expected


@pytest.mark.parametrize(("q", "expected"), [
    pytest.param("£", ["ten", "hundred-m", "ten-m"], id="pound-sign"),
    pytest.param("GBP", ["ten", "hundred-m", "ten-m"], id="iso-code"),
    pytest.param("$", ["aussie", "dollars"], id="any-dollar"),
    pytest.param("US$", ["dollars"], id="us-dollar"),
    pytest.param("€", [], id="none-in-euros"),
    pytest.param("£ iraq", ["ten-m"], id="with-words"),
    pytest.param("£ $", ["aussie", "dollars", "ten", "hundred-m", "ten-m"], id="either-currency"),
    pytest.param("aud", [], id="a-code-in-small-letters-is-a-word"),  # the start of "audit"
])
def test_a_currency_alone_selects_the_commitments_of_money_in_it(q, expected):
    """Before: ``£`` was searched as the text "£" and ``GBP`` or ``$`` found nothing."""
    assert money_keys({"q": [q]}) == expected


def test_a_currency_alone_is_never_searched_as_its_sign_in_the_text():
    """Before: ``£`` found a commitment whose text wrote "£" with no money of its own (a rate is none)."""
    cards = [replace(BASE, key="rate", text="a fare of £2.50 per passenger will be scrapped"), MONEY[0]]
    assert [c.key for c in commitments_page(cards, parse_query({"q": ["£"]})).items] == ["ten-m"]


@pytest.mark.parametrize(("params", "expected"), [
    pytest.param({"currency": ["GBP"]}, ["ten", "hundred-m", "ten-m"], id="currency"),
    pytest.param({"currency": ["usd"]}, ["dollars"], id="currency-any-case"),
    pytest.param({"currency": ["GBP"], "min_amount": ["10m"]}, ["hundred-m", "ten-m"], id="min-included"),
    pytest.param({"currency": ["GBP"], "max_amount": ["10000000"]}, ["ten", "ten-m"], id="max-included"),
    pytest.param({"currency": ["GBP"], "min_amount": ["11m"], "max_amount": ["1bn"]}, ["hundred-m"], id="range"),
    pytest.param({"currency": ["GBP"], "min_amount": ["0"], "max_amount": ["0"]}, [], id="zero"),
    pytest.param({"currency": ["AUD"], "min_amount": ["1.5k"]}, ["aussie"], id="scaled-decimal"),
    pytest.param({"currency": ["£"], "min_amount": ["10m"]}, ["hundred-m", "ten-m"], id="pound-sign"),
    pytest.param({"currency": ["US$"]}, ["dollars"], id="us-dollar-sign"),
])
def test_a_money_range_selects_commitments_of_that_currency_within_it(params, expected):
    assert money_keys(params) == expected


def test_a_card_keeps_its_amount_and_currency_and_one_stored_before_has_none():
    card = MONEY[0]
    assert Card.from_json(card.to_json()) == card
    earlier = json.loads(card.to_json())
    del earlier["amount"], earlier["currency"]
    assert (Card.from_json(json.dumps(earlier)).amount, Card.from_json(json.dumps(earlier)).currency) == (None, None)


@given(st.text(max_size=60), st.text(max_size=20), st.text(max_size=20), st.text(max_size=8))
def test_search_words_and_a_range_of_amounts_never_raise_anything_but_a_query_error(words, low, high, currency):
    from services.ledger.core.amounts import amount_range, amounts_asked

    asked, rest = amounts_asked(words)
    assert all(a.amount is None or a.amount >= 0 for a in asked) and len(rest) <= len(words) + len(asked)
    try:
        amount_range(min_amount=low, max_amount=high, currency=currency)
    except QueryError:
        pass


@given(st.integers(min_value=0), st.sampled_from(["", " ", " people", "th", "b", " m"]))
def test_a_number_without_a_currency_or_a_scale_is_never_money(number, after):
    """A year, a count or a label (``2027``, ``10,000``, ``2b``) stays words: a scale or a currency makes money."""
    from services.ledger.core.amounts import amounts_asked

    for written in (str(number), f"{number:,}"):
        assert amounts_asked(written + after)[0] == ()


@pytest.mark.parametrize(("words", "asked", "rest"), [
    pytest.param("2024 £", [(None, "GBP")], "2024", id="a-year-then-a-sign"),
    pytest.param("top 10 £", [(None, "GBP")], "top 10", id="a-count-then-a-sign"),
    pytest.param("10 €", [(None, "EUR")], "10", id="a-number-then-a-euro"),
    pytest.param("10m £", [(1e7, "GBP")], "", id="a-scale-then-a-sign"),
    pytest.param("10 GBP", [(10.0, "GBP")], "", id="a-number-then-its-code"),
    pytest.param("10m GBP", [(1e7, "GBP")], "", id="a-scale-then-its-code"),
])
def test_a_sign_after_a_number_is_its_currency_only_after_a_scale(words, asked, rest):
    """Before: ``2024 £`` was 2024 pounds and the year was no longer searched; a number alone is words and ``£``
    alone any amount in pounds, as each is apart."""
    from services.ledger.core.amounts import amounts_asked

    found, left = amounts_asked(words)
    assert [(a.amount, min(a.currencies)) for a in found] == asked and left.split() == rest.split()


DOLLARS_AND_WORDS = [
    replace(BASE, key="pounds", published=1000.0, amount=10_000_000.0, currency="GBP",
            text="the uk will invest 10 million pounds in iraq's police"),
    replace(BASE, key="us", published=2000.0, amount=10_000_000.0, currency="USD", text="us$10m to the coalition"),
    replace(BASE, key="aussie", published=3000.0, amount=10_000_000.0, currency="AUD", text="a$10m to the region"),
    replace(BASE, key="canuck", published=4000.0, amount=10_000_000.0, currency="CAD", text="cad $10 million to it"),
    replace(BASE, key="kiwi", published=5000.0, amount=4_500_000.0, currency="NZD", text="nz$ 4.5m to the pacific"),
    replace(BASE, key="euros", published=6000.0, amount=5_000_000.0, currency="EUR", text="5 million euros to it"),
    replace(BASE, key="five", published=6500.0, amount=5_000_000.0, currency="GBP", text="£5m for schools"),
    replace(BASE, key="range", published=7000.0, amount=20_000_000.0, currency="GBP", text="£5m-£20m for policing"),
]


def dollars_and_words_keys(q):
    return [c.key for c in commitments_page(DOLLARS_AND_WORDS, parse_query({"q": [q]})).items]


@pytest.mark.parametrize(("q", "expected"), [
    pytest.param("NZ$4.5m", ["kiwi"], id="nz-dollar-sign"),  # before: the words "nz$4.5m", found nowhere
    pytest.param("NZ$ 4.5m", ["kiwi"], id="nz-dollar-sign-apart"),  # before: 4.5m in any currency and "nz$"
    pytest.param("A$10m", ["aussie"], id="australian-dollar-sign"),
    pytest.param("AU$10m", ["aussie"], id="australian-dollar-sign-of-two-letters"),
    pytest.param("c$10m", ["canuck"], id="canadian-dollar-sign-any-case"),
    pytest.param("CA$10 million", ["canuck"], id="canadian-dollar-sign-of-two-letters"),
    pytest.param("CAD $10 million", ["canuck"], id="a-code-before-a-dollar-sign"),  # before: any CAD or any $10m
    pytest.param("AUD 10 million", ["aussie"], id="a-code-before"),
    pytest.param("4.5m NZD", ["kiwi"], id="a-code-after"),
    pytest.param("NZ$", ["kiwi"], id="a-sign-alone"),
    pytest.param("A$ region", ["aussie"], id="a-sign-alone-with-words"),
])
def test_the_dollar_of_a_country_is_searched_by_its_sign_or_code_as_the_classifier_reads_it(q, expected):
    assert dollars_and_words_keys(q) == expected


@pytest.mark.parametrize(("q", "expected"), [
    pytest.param("10m pounds", ["pounds"], id="pounds"),  # before: 10m in any currency and the word "pounds"
    pytest.param("10 million pounds sterling", ["pounds"], id="pounds-sterling"),
    pytest.param("5 million euros", ["euros"], id="euros"),
    pytest.param("10m dollars", ["canuck", "aussie", "us"], id="dollars-any-dollar"),
    pytest.param("10 million US dollars", ["us"], id="us-dollars"),
    pytest.param("10m Australian dollars", ["aussie"], id="australian-dollars"),
    pytest.param("4.5 million New Zealand dollars", ["kiwi"], id="new-zealand-dollars"),
    pytest.param("10 pounds", [], id="a-number-then-a-currency-word"),  # ten pounds, as "10 GBP"
    pytest.param("pounds", ["pounds"], id="a-currency-word-alone-is-a-word"),
])
def test_a_currency_word_after_an_amount_is_its_currency(q, expected):
    assert dollars_and_words_keys(q) == expected


@pytest.mark.parametrize(("q", "expected"), [
    pytest.param("£20m", ["range"], id="its-upper-bound"),
    pytest.param("£5m", ["five"], id="not-its-lower-bound"),
    pytest.param("£5m-£20m", ["range"], id="a-range-asked-is-its-upper-bound"),  # before: £5m or £20m
    pytest.param("£5-20m", ["range"], id="the-scale-once"),  # before: £5 and the words "20m"
    pytest.param("between £5m and £20m policing", ["range"], id="between-and"),  # "between" is no word then
    pytest.param("between £20m policing", [], id="between-alone-is-a-word"),
])
def test_a_range_of_money_is_searched_as_the_classifier_records_it_by_its_upper_bound(q, expected):
    assert dollars_and_words_keys(q) == expected
