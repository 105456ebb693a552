"""Pairing a release's commitments across versions, and what changed, field by field."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.classified import DateDeadline, Money
from services.ledger.core.changes import FieldChange, field_changes
from services.ledger.core.versions import pair_versions
from tests.unit.notifier.samples import BORDERS, CONTENT, FUNDING, TRAINING


def edited(c, **update):
    return type(c).model_validate({**c.model_dump(), "id": c.id + "-edited", **update})


FUNDING_8M = edited(FUNDING, text=FUNDING.text.replace("£10m", "£8m"),
                    money=Money(amount=8_000_000, currency="GBP", text="£8m", span=(120, 123)))


def test_unchanged_commitments_are_kept_by_id():
    pairing = pair_versions([FUNDING, BORDERS], [BORDERS, FUNDING])
    assert {(o.id, n.id) for o, n in pairing.kept} == {("c-funding", "c-funding"), ("c-borders", "c-borders")}
    assert not pairing.edited and not pairing.added and not pairing.removed


def test_an_edited_commitment_is_paired_with_its_old_self_though_its_id_changed():
    pairing = pair_versions([FUNDING, BORDERS], [BORDERS, FUNDING_8M])
    assert [(o.id, n.id) for o, n in pairing.edited] == [("c-funding", "c-funding-edited")]
    assert not pairing.added and not pairing.removed


def test_a_different_commitment_is_added_and_the_old_one_removed():
    pairing = pair_versions([FUNDING, TRAINING], [FUNDING, CONTENT])
    assert [c.id for c in pairing.added] == ["c-content"]
    assert [c.id for c in pairing.removed] == ["c-training"]


def test_each_commitment_pairs_at_most_once():
    twin = edited(FUNDING, id="c-twin", text=FUNDING.text.replace("£10m", "£9m"))
    pairing = pair_versions([FUNDING], [FUNDING_8M, twin])
    assert len(pairing.edited) == 1 and len(pairing.added) == 1


def test_the_same_words_said_of_another_actor_are_that_commitment_corrected():
    other = edited(FUNDING, actor="France", text=FUNDING.text.replace("The UK", "France"))
    pairing = pair_versions([FUNDING], [other])
    assert [(o.id, n.id) for o, n in pairing.edited] == [("c-funding", other.id)]
    assert [change.words() for change in field_changes(FUNDING, other)] == ["actor UK \u2192 France"]


@pytest.mark.parametrize(("new", "words"), [
    pytest.param(FUNDING_8M, ["money £10m \u2192 £8m"], id="money"),
    pytest.param(edited(FUNDING, deadlines=[DateDeadline(due=date(2018, 6, 30), text="by June 2018", span=(1, 2))]),
                 ["deadline 29 Nov 2017 to 29 Nov 2020 \u2192 30 Jun 2018"], id="deadline"),
    # several deadlines (the classifier keeps each a sentence writes): named in the plural, each apart by a
    # comma, so that "; " still parts one field's change from the next on a version's line
    pytest.param(edited(FUNDING, deadlines=[*FUNDING.deadlines, DateDeadline(due=date(2018, 6, 30),
                                                                             text="by June 2018", span=(1, 2))]),
                 ["deadlines 29 Nov 2017 to 29 Nov 2020 \u2192 29 Nov 2017 to 29 Nov 2020, 30 Jun 2018"],
                 id="a-second-deadline"),
    pytest.param(edited(FUNDING, money=None), ["money dropped: £10m"], id="money-dropped"),
    pytest.param(edited(FUNDING, actor="HM Treasury"), ["actor UK \u2192 HM Treasury"], id="actor"),
    pytest.param(edited(FUNDING, kind="demand"), ["kind pledge \u2192 demand"], id="kind"),
    pytest.param(edited(FUNDING, money=Money(amount=10_000_000, currency="GBP", text="£10 million", span=(3, 9))),
                 [], id="one-amount-written-two-ways"),
    pytest.param(edited(FUNDING, span=(5, 9), confidence=0.4), [], id="offsets-and-confidence"),
    pytest.param(edited(FUNDING, text=FUNDING.text.replace("build", "strengthen")),
                 ["text " + " ".join(FUNDING.text.split()) + " \u2192 "
                  + " ".join(FUNDING.text.replace("build", "strengthen").split())], id="words-only"),
])
def test_field_changes_in_plain_words(new, words):
    assert [change.words() for change in field_changes(FUNDING, new)] == words


OFFICERS = edited(FUNDING, id="c-officers", text="The UK will deploy 200 officers to Iraq by March 2027.", money=None,
                  deadlines=[DateDeadline(due=date(2027, 3, 31), text="by March 2027", span=(40, 53))])


def test_a_new_number_and_a_new_deadline_are_both_told():
    new = edited(OFFICERS, text="The UK will deploy 300 officers to Iraq by June 2027.",
                 deadlines=[DateDeadline(due=date(2027, 6, 30), text="by June 2027", span=(40, 52))])
    assert [change.words() for change in field_changes(OFFICERS, new)] == [
        "text The UK will deploy 200 officers to Iraq by March 2027. \u2192 "
        "The UK will deploy 300 officers to Iraq by June 2027.",
        "deadline 31 Mar 2027 \u2192 30 Jun 2027"]


def test_new_words_and_a_new_amount_are_both_told():
    new = edited(FUNDING_8M, text=FUNDING_8M.text.replace("build", "strengthen"))
    assert [change.field for change in field_changes(FUNDING, new)] == ["text", "money"]


@pytest.mark.parametrize("new", [
    pytest.param(FUNDING_8M, id="the-amount-as-written"),
    pytest.param(edited(OFFICERS, text=OFFICERS.text.replace("by March 2027", "by June 2027"),
                        deadlines=[DateDeadline(due=date(2027, 6, 30), text="by June 2027", span=(40, 52))]),
                 id="the-deadline-as-written"),
    pytest.param(edited(OFFICERS, actor="France", text=OFFICERS.text.replace("The UK", "France")),
                 id="the-actor-as-named"),
])
def test_words_that_only_say_a_told_change_are_not_told_again(new):
    old = FUNDING if new is FUNDING_8M else OFFICERS
    assert "text" not in [change.field for change in field_changes(old, new)]


def test_a_removed_commitment_reads_removed():
    assert FieldChange(field="commitment", before="x", after=None).words() == "removed"
