"""The same commitment announced again, maybe by another department, in other words."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.classified import Commitment, DateDeadline, Money
from services.ledger.core.reannouncements import (MAX_CANDIDATES, actor_key, index_keys, likely_candidates,
                                                  same_commitment, shared_enough)
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
