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


@pytest.mark.parametrize(("text", "category"), [
    ("They will also have to address the reappearance of content which has previously been removed.",
     Category.ONLINE_CONTENT),
    ("Hosting service providers should establish user-friendly complaint mechanisms.", Category.ONLINE_CONTENT),
    ("We will continue to lead Coalition efforts to puncture and disrupt Daesh propaganda.", Category.PREVENTION),
    ("We intend to take measures to address barriers to information-sharing.", Category.INTERNATIONAL_COOPERATION),
])
def test_words_that_name_a_category_without_its_usual_keywords(text, category):
    assert categorise(text, has_money=False) == category


def test_working_with_councils_is_no_international_cooperation():
    assert categorise("We will be working with councils to make sure that happens.", has_money=False) == \
        Category.OTHER
    assert categorise("We will work closely with our allies.", has_money=False) == Category.INTERNATIONAL_COOPERATION


@pytest.mark.parametrize("text", [
    "The Security Council today extended the mandate of the United Nations Mission in South Sudan until 30 April.",
    "The Council decided to extend for one year the mandate of the team investigating crimes, funded by donors.",
    "The Council extended, for a period of three years, the mandates of the Special Rapporteur on the right to food.",
    "The OSCE decision to extend the mandate of the Special Monitoring Mission to Ukraine was welcomed.",
])
def test_a_renewed_mandate_is_other_whoever_holds_it(text):
    # the mission's name ("United Nations") or its funding is not what the renewal commits to
    assert categorise(text, has_money=False) == Category.OTHER


def test_a_renewed_mandate_keeps_a_specific_subject():
    text = "The Security Council extended the mandate of the team monitoring sanctions against the Taliban."
    assert categorise(text, has_money=False) == Category.SANCTIONS


@pytest.mark.parametrize("text", [
    "Platforms must now act quickly to come into compliance with their legal duties.",
    "Providers are required, by law, to protect children from harm online.",
    "The strengthened Search Code requires search engines to reduce the risk that abuse material is returned.",
    "Websites must remove the images within 48 hours.",
    "Services must review at least two thirds of hate speech notices within 24 hours.",
    "Sites must have age checks in place.",
    "Digital platforms need to enhance their technical capabilities.",
])
def test_a_duty_on_online_services_is_online_content_whatever_law_imposes_it(text):
    assert categorise(text, has_money=False) == Category.ONLINE_CONTENT


def test_publishing_on_a_website_is_no_online_content():
    text = "Infrastructure Canada will publish on its website the funding applications it receives."
    assert categorise(text, has_money=False) == Category.FUNDING


def test_obligations_under_international_law_are_no_legislation():
    # the law is the frame of the demand, not a law to be made
    text = "They urged all States, in accordance with their obligations under international law, to cooperate."
    assert categorise(text, has_money=False) == Category.INTERNATIONAL_COOPERATION
    assert categorise("The government will change the law on knives.", has_money=False) == Category.LEGISLATION
