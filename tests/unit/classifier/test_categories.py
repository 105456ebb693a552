"""The category of a commitment: the specific categories first, money makes it funding, then the broad ones."""

from __future__ import annotations

import pytest

from schemas import Category
from services.classifier.core.categories import categorise


@pytest.mark.parametrize(("text", "has_money", "category"), [
    ("Companies must remove terrorist content within one hour.", False, Category.ONLINE_CONTENT),
    ("We will strengthen checks at the border.", False, Category.BORDER_SECURITY),
    ("The UK will train 500 officers.", False, Category.TRAINING),
    ("The government will introduce legislation to close the gap.", False, Category.LEGISLATION),
    ("We will invest £10m in counter-terrorism policing.", True, Category.FUNDING),
    ("We will work with international partners.", False, Category.INTERNATIONAL_COOPERATION),
    ("Nothing here names a category.", False, Category.OTHER),
])
def test_each_category(text, has_money, category):
    assert categorise(text, has_money=has_money) == category


def test_a_railway_train_is_no_training():
    text = "An extra £317 million will make train journeys across the north faster."
    assert categorise(text, has_money=True) == Category.FUNDING


def test_a_member_of_parliament_or_law_enforcement_is_no_legislation():
    assert categorise("Today Ron McKinnon, Member of Parliament, announced $2 million for Shift.",
                      has_money=True) == Category.FUNDING
    assert categorise("Shift will work with municipal governments and law enforcement in local communities.",
                      has_money=False) == Category.PREVENTION
    assert categorise("Parliament will vote on the bill.", has_money=False) == Category.LEGISLATION


def test_a_call_for_proposals_is_funding():
    assert categorise("It will launch a call for proposals opening on July 6, 2017.", has_money=False) == \
        Category.FUNDING
