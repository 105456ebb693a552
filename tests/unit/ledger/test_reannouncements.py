"""The same commitment announced again, maybe by another department, in other words."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.classified import Commitment, DateDeadline, Money
from services.ledger.core.quantities import quantities
from services.ledger.core.reannouncements import (MAX_CANDIDATES, actor_key, commitment_quantities, index_keys,
                                                  likely_candidates, same_commitment, shared_enough)
from tests.unit.notifier.samples import BORDERS, CONTENT, FUNDING


def restated(c, **update):
    return type(c).model_validate({**c.model_dump(), "id": c.id + "-again", **update})


@pytest.mark.parametrize(("actor", "key"), [
    ("UK", "uk"), ("The UK Government", "uk"), ("HM Government", "government"), ("the Government", "government"),
    ("Home Office", "home office"), ("major communications companies", "major communications companies"),
])
def test_actor_keys(actor, key):
    assert actor_key(actor) == key


@pytest.mark.parametrize(("again", "same"), [
    pytest.param(restated(FUNDING, text="The UK Government is investing £10m to strengthen Iraq's counter-terrorism "
                                         "forces.", actor="The UK Government"), True, id="same-money-other-words"),
    pytest.param(restated(FUNDING, money=Money(amount=20_000_000, currency="GBP", text="£20m", span=(0, 4))), False,
                 id="same-words-other-money"),
    pytest.param(restated(FUNDING, actor="France"), False, id="other-actor"),
    pytest.param(restated(FUNDING, text="The UK will invest £10m in rural broadband."), False,
                 id="same-money-unrelated-action"),
])
def test_same_money_needs_a_related_action(again, same):
    assert same_commitment(FUNDING, again) is same
    assert same_commitment(again, FUNDING) is same


def _home_office(text: str, due: date | None, cid: str) -> Commitment:
    deadlines = [DateDeadline(due=due, text=f"by {due:%-d %B %Y}", span=(0, 5))] if due else []
    return restated(FUNDING, id=cid, actor="Home Office", text=text, deadlines=deadlines,
                    money=Money(amount=17_000_000, currency="GBP", text="£17m", span=(0, 4)))


def test_the_actor_s_own_words_and_month_names_do_not_make_two_actions_alike():
    """Before: "Home Office" and "March" counted as shared action words, so one actor's two £17m commitments
    to different work (Welsh policing, lighthouses) were one chain, and a subscriber opted out of
    re-announcements never heard of the second."""
    wales = _home_office("The Home Office will provide £17m by 31 March 2027 to counter-terrorism policing in "
                         "Wales.", date(2027, 3, 31), "c-wales")
    lighthouses = _home_office("The Home Office will invest £17m in counter-terrorism protection at every "
                               "lighthouse by 1 May 2027.", date(2027, 5, 1), "c-lighthouses")
    assert not same_commitment(wales, lighthouses) and not same_commitment(lighthouses, wales)
    region = _home_office("The Home Office will provide £17m to counter-terrorism policing in region 4.", None, "c-r")
    assert not same_commitment(region, _home_office(lighthouses.text.replace(" by 1 May 2027", ""), None, "c-l"))
    again = _home_office("The Home Office is providing £17m to counter-terrorism policing in Wales by March 2027.",
                         date(2027, 3, 31), "c-wales-again")
    assert same_commitment(wales, again)


def test_same_money_with_other_due_dates_needs_most_of_the_words():
    wales = _home_office("The Home Office will provide £17m to counter-terrorism policing in Wales.",
                         date(2027, 3, 31), "c-wales")
    assert not same_commitment(wales, _home_office("The Home Office will fund Welsh counter-terrorism policing "
                                                   "with £17m.", date(2029, 3, 31), "c-later"))
    assert same_commitment(wales, _home_office("The Home Office will provide £17m to counter-terrorism policing "
                                               "in Wales, a year later than planned.", date(2028, 3, 31), "c-late"))


def test_same_action_without_money_needs_most_of_the_words():
    again = restated(BORDERS, text="The UK will work with regional partners to develop border infrastructure, "
                                   "watch-lists and biometric capabilities.")
    unrelated = restated(BORDERS, text="The UK will work with partners to reform the asylum system.")
    assert same_commitment(BORDERS, again)
    assert not same_commitment(BORDERS, unrelated)


def test_a_pledge_and_a_demand_are_never_one_commitment():
    assert not same_commitment(CONTENT, restated(CONTENT, kind="pledge"))


def test_index_keys_name_the_actor_with_its_amount_and_words():
    keys = index_keys(FUNDING)
    assert keys[0] == "m:uk:GBP:10000000"
    assert "w:uk:counter-terrorism" in keys and "w:uk:iraq's" not in keys and "w:uk:iraq" in keys


def test_the_first_announcement_of_two_at_the_same_time_is_chosen_by_key():
    from services.ledger.core.reannouncements import first_announcement

    at = "2018-01-01T00:00:00+00:00"
    assert first_announcement([(at, "c-first", "c-b"), (at, None, "c-a")]) == "c-a"
    assert first_announcement([]) is None


def test_other_due_dates_and_another_object_of_the_action_are_two_commitments():
    """Before: with four action words, one differing each side still made 3 in 5 shared, so "£56m by 31 March
    2027 ... in schools" and "£56m by 31 December 2028 ... in hospitals" were one chain, and a subscriber
    opted out of re-announcements never heard of the hospitals."""
    schools = _home_office("The Home Office will invest £17m by 31 March 2027 to counter terrorism in schools.",
                           date(2027, 3, 31), "c-schools")
    for other, due in (("in hospitals", date(2028, 12, 31)), ("in district 21", date(2028, 12, 31)),
                       ("at stadiums", date(2028, 8, 31))):
        elsewhere = _home_office(f"The Home Office will invest £17m by {due:%-d %B %Y} to counter terrorism "
                                 f"{other}.", due, "c-" + other)
        assert not same_commitment(schools, elsewhere) and not same_commitment(elsewhere, schools), other
    without_money = [restated(schools, id=f"c-{place}", money=None,
                              text=f"The Home Office will publish a counter-terrorism plan for {place} by {when}.",
                              deadlines=[DateDeadline(due=due, text=f"by {when}", span=(0, 5))])
                     for place, when, due in (("schools", "31 March 2027", date(2027, 3, 31)),
                                              ("hospitals", "31 December 2028", date(2028, 12, 31)))]
    assert not same_commitment(*without_money)
    # the same action, its date moved and why said: still one commitment, with or without money
    moved = _home_office("The Home Office will invest £17m to counter terrorism in schools by 31 December 2028, "
                         "later than planned.", date(2028, 12, 31), "c-moved")
    assert same_commitment(schools, moved) and same_commitment(moved, schools)
    plan, _ = without_money
    assert same_commitment(plan, restated(plan, text=plan.text.replace("31 March 2027", "31 December 2028, later "
                                                                       "than planned"),
                                          deadlines=[DateDeadline(due=date(2028, 12, 31), text="by", span=(0, 2))]))


_KEYS = st.sampled_from([f"c{i}" for i in range(60)])


@given(hits=st.dictionaries(_KEYS, st.integers(1, 8)), money_hits=st.sets(_KEYS), words=st.integers(0, 12))
def test_likely_candidates_are_those_sharing_the_amount_then_enough_words_the_most_words_first(hits, money_hits, words):
    enough = shared_enough(words)
    kept = [k for k in {*hits, *money_hits} if k in money_hits or hits[k] >= enough]
    expected = sorted(kept, key=lambda k: (k not in money_hits, -hits.get(k, 0), k))[:MAX_CANDIDATES]
    assert likely_candidates(hits, money_hits=money_hits, words=words) == expected


def _deployment(text: str, cid: str, *, due: date | None = None, money: Money | None = None) -> Commitment:
    deadlines = [DateDeadline(due=due, text=f"by {due:%-d %B %Y}", span=(0, 5))] if due else []
    return restated(FUNDING, id=cid, actor="Home Office", text=text, deadlines=deadlines, money=money)


@pytest.mark.parametrize(("first", "second"), [
    pytest.param("The Home Office will deploy 50 armed officers to railway stations by 1 November 2027.",
                 "The Home Office will deploy 5,000 armed officers to railway stations by 1 November 2027.",
                 id="50-or-5000-officers"),
    pytest.param("The Home Office will recruit 300 counter-terrorism investigators.",
                 "The Home Office will recruit 310 counter-terrorism investigators.", id="300-or-310-investigators"),
    pytest.param("The Home Office will cut the time to vet applicants by 20%.",
                 "The Home Office will cut the time to vet applicants by 30 per cent.", id="20-or-30-percent"),
    pytest.param("The Home Office will recruit 300 counter-terrorism investigators.",
                 "The Home Office will recruit 300% more counter-terrorism investigators.", id="a-count-or-a-percent"),
    pytest.param("The Home Office will give grants to two thousand mosques to protect worshippers.",
                 "The Home Office will give grants to 3,000 mosques to protect worshippers.", id="in-words-or-digits"),
])
def test_one_actor_committing_to_other_quantities_makes_two_commitments(first, second):
    """Before: numbers were no action words, and with no money the words alone decided, so "50 armed officers"
    and "5,000 armed officers" were one chain, and a subscriber opted out of re-announcements never heard of
    the 5,000."""
    due = date(2027, 11, 1) if "November" in first else None
    a, b = _deployment(first, "c-first", due=due), _deployment(second, "c-second", due=due)
    assert not same_commitment(a, b) and not same_commitment(b, a)


def test_other_quantities_for_the_same_money_make_two_commitments():
    money = Money(amount=17_000_000, currency="GBP", text="£17m", span=(0, 4))
    a = _deployment("The Home Office will invest £17m to train 300 counter-terrorism officers.", "c-300", money=money)
    b = _deployment("The Home Office will invest £17m to train 900 counter-terrorism officers.", "c-900", money=money)
    assert not same_commitment(a, b) and not same_commitment(b, a)


@pytest.mark.parametrize("again", [
    "The Home Office will deploy 5000 armed officers to railway stations by 1 November 2027.",
    "The Home Office will deploy five thousand armed officers to railway stations by 1 November 2027.",
    "The Home Office will deploy 5 thousand armed officers to railway stations by 1 November 2027.",
    "The Home Office will deploy armed officers to railway stations by 1 November 2027.",  # says no number
    "The Home Office will deploy 5,000 armed officers and 40 dogs to railway stations by 1 November 2027.",  # adds one
])
def test_the_same_quantity_written_otherwise_or_left_out_is_the_same_commitment(again):
    """As with money, a restatement that leaves the quantity out (or names one more) is left to the words."""
    due = date(2027, 11, 1)
    first = _deployment("The Home Office will deploy 5,000 armed officers to railway stations by 1 November 2027.",
                        "c-first", due=due)
    second = _deployment(again, "c-again", due=due)
    assert same_commitment(first, second) and same_commitment(second, first)


@pytest.mark.parametrize(("text", "counted"), [
    ("The Home Office will deploy 5,000 armed officers.", {"5000"}),
    ("The Home Office will deploy 5000 armed officers and 40 dogs.", {"5000", "40"}),
    ("The Home Office will deploy five thousand armed officers.", {"5000"}),
    ("The Home Office will deploy two hundred and fifty armed officers.", {"250"}),
    ("The Home Office will deploy twenty-five armed officers.", {"25"}),
    ("The Home Office will deploy a hundred armed officers.", {"100"}),
    ("The Home Office will give 1.5 million people training.", {"1500000"}),
    ("The Home Office will bring the number of armed officers to 6,500.", {"6500"}),
    ("The Home Office will deploy 2000 armed officers.", {"2000"}),
    ("The Home Office will cut waiting times by 20%.", {"20%"}),
    ("The Home Office will cut waiting times by 12.5 per cent.", {"12.5%"}),
    ("The Home Office will cut waiting times by twenty percent.", {"20%"}),
    ("The Home Office will invest £5m and $10 million and €3bn in 12 sites.", {"12"}),
    ("The Home Office will invest 5 million pounds.", set()),
    ("The Home Office will act by 2027, in 2028 or by March 2029.", set()),
    ("The Home Office will report on 1 November 2027 and on November 2, and then in 2027-28.", set()),
    ("The Home Office will publish the 2nd review and the 3rd, 21st and 4th reports.", set()),
    ("The Home Office will use Article 5, section 3, clause 4, Part 2 and Schedule 7 powers.", set()),
    ("The Home Office will raise it at the G7, the G20 and COP28 under Resolution 2396.", set()),
    ("The Home Office will use powers under the Terrorism Act 2000.", set()),
    ("In the 2014 resolution and their 1974 agreement, Horizon 2020 and the Minister's 2025 State address.", set()),
    ("The Home Office will meet on 16-17 May 2027 and from 5 to 8 August.", set()),
    ("The Home Office will meet on 1 May 2027, on 2 May, and 300 may follow.", {"300"}),
    ("(1) The Home Office will act. 2. It will report.", set()),
    ("The Home Office will answer within 48 hours, run a 24-hour line 24/7 and a 10-year plan over 3 years.", set()),
    ("The Home Office will roll out 5G and Covid-19 checks at Phase 2, tier 1, level 4 and No. 10.", set()),
    ("One of the Home Office's aims is one to watch.", set()),
])
def test_quantities_are_counts_and_percentages_not_years_dates_labels_or_money(text, counted):
    assert quantities(text) == frozenset(counted)


def test_a_quantity_in_the_money_or_deadline_text_is_not_counted_again():
    money = Money(amount=5_000_000, currency="GBP", text="5 million pounds", span=(0, 4))
    c = _deployment("The Home Office will spend 5 million pounds within 90 days on 300 officers.", "c-m", money=money)
    c = restated(c, deadlines=[DateDeadline(due=date(2027, 3, 1), text="within 90 days", span=(0, 5))])
    assert commitment_quantities(c) == frozenset({"300"})
