"""An actor is a party: never a date, a weekday, a month or a number ("Applications must be made online by
30 April 2027." is not 30 April's), and never the thing a sentence starts with ("Bids must be submitted …")."""

from __future__ import annotations

import random

import pytest

from services.classifier.core import classify
from services.classifier.core.actor_model import actor_candidates
from services.classifier.core import non_parties
from services.classifier.core.actors import clause_subject, name_actor

from .conftest import release_of


@pytest.mark.parametrize("body, date", [
    pytest.param("Applications will open on 1 March 2027.\n\nApplications must be made online by 30 April 2027.",
                 "30 April", id="a-passive-by-a-date"),
    pytest.param("Consultation responses must be received by 5pm on Friday 12 March 2027.", "Friday",
                 id="a-weekday"),
    pytest.param("Anyone who wishes to apply must do so by 1 March 2027.", "1 March", id="anyone-by-a-date"),
    pytest.param("Responses to the consultation should be sent by 1 June 2027 to the Department for Education.",
                 "1 June", id="a-date-before-a-body"),
])
def test_no_actor_is_a_date_or_a_weekday(body, date):
    actors = [c.actor for c in classify(release_of(body)).commitments]
    assert actors and date not in actors


@pytest.mark.parametrize("name", ["30 April", "1 March 2027", "Friday", "March", "2027", "500"])
def test_a_date_a_weekday_a_month_or_a_number_is_no_candidate(name):
    text = f"Councils must publish their plans by {name} and report to the Home Office."
    names = [c.name for c in actor_candidates(text, rules_actor="Councils", publisher_name="UK government",
                                              government="UK government", names={})]
    assert names[0] == "Councils" and "Home Office" in names
    assert not any(candidate in names for candidate in (name, name.split()[-1], name.split()[0]))


def test_a_name_holds_no_day_it_happened_on():
    text = ("The Conference condemned the attacks on Khan Sheikhun on Tuesday, and called for them to cease.")
    names = [c.name for c in actor_candidates(text, rules_actor="the publisher", publisher_name="the publisher",
                                              government="the publisher", names={})]
    assert "Khan Sheikhun" in names
    assert not any("Tuesday" in name for name in names)


@pytest.mark.parametrize("subject", ["By 30 April", "Friday", "On 1 April", "March 2027", "In 2027"])
def test_a_subject_naming_a_time_is_the_publisher_s(subject):
    actor = name_actor(subject, False, "UK government")
    assert actor.name == "UK government" and not actor.agent


@pytest.mark.parametrize("body, thing", [
    pytest.param("Bids must be submitted to the Cabinet Office by the end of March 2027.", "Bids", id="bids"),
    pytest.param("Nominations must be received by Friday 3 September 2027.", "Nominations", id="nominations"),
    pytest.param("Applications must be made through GOV.UK by 30 April 2027.", "Applications", id="applications"),
    pytest.param("Claims must be made within 28 days of 1 January 2027.", "Claims", id="claims"),
])
def test_a_sentence_s_first_word_is_no_actor_of_a_clause_the_model_keeps(body, thing):
    actors = [c.actor for c in classify(release_of(body)).commitments]
    assert thing not in actors
    assert not any(actor[:1].isdigit() or "Friday" in actor for actor in actors)


def test_a_name_a_date_runs_on_into_is_a_candidate_without_it():
    text = "Forms must be returned by 31 January 2027 in England and by 28 February 2027 in Wales."
    candidates = actor_candidates(text, rules_actor="the publisher", publisher_name="the publisher",
                                  government="the publisher", names={})
    named = {c.name: text[c.start:c.end] for c in candidates if c.start >= 0}
    assert named == {"England": "England", "Wales": "Wales"}


def test_an_agent_noun_a_longer_name_begins_with_is_no_candidate_of_its_own():
    text = "Responses to the consultation should be sent by 1 June 2027 to the Department for Education."
    names = [c.name for c in actor_candidates(text, rules_actor="the publisher", publisher_name="the publisher",
                                              government="the publisher", names={})]
    assert names == ["the publisher", "Department for Education"]
    assert [c.actor for c in classify(release_of(text)).commitments] != ["Department"]


def test_a_body_named_of_a_programme_is_a_candidate_by_its_whole_name():
    text = ("As announced in a Department of Justice press release, the Office of Justice Programs will award more "
            "than $21 million to prosecute hate crimes.")
    names = [c.name for c in actor_candidates(text, rules_actor="the publisher", publisher_name="the publisher",
                                              government="the publisher", names={})]
    assert "Office of Justice Programs" in names and "Office" not in names
    assert name_actor("the Office of Justice Programs", False, "the publisher").name == "Office of Justice Programs"
    assert name_actor("the Work Programme", False, "the publisher").own


def test_a_name_a_demonstrative_leads_is_a_thing_spoken_of_and_no_candidate():
    text = ("This Emergency Grant Aid is to provide assistance in the areas of food, water and sanitation, and "
            "shelter through the World Food Programme and the International Committee of the Red Cross.")
    names = [c.name for c in actor_candidates(text, rules_actor="Government of Japan",
                                              publisher_name="Government of Japan", government="Government of Japan",
                                              names={})]
    assert not any(name.startswith(("This", "Emergency")) for name in names)


def test_a_subject_a_demonstrative_leads_is_a_thing_the_publisher_acts_through():
    actor = name_actor("This Emergency Grant Aid", False, "Government of Japan")
    assert actor.name == "Government of Japan"


def test_a_name_that_only_qualifies_an_agent_noun_is_no_candidate_of_its_own():
    text = ("The Commissioner has issued legal notices to four popular AI companion providers requiring them to "
            "explain how they protect children.")
    names = [c.name for c in actor_candidates(text, rules_actor="the publisher", publisher_name="the publisher",
                                              government="the publisher", names={})]
    assert "AI" not in names and "popular AI companion providers" in names


@pytest.mark.parametrize("subject, actor", [
    ("Around 2,000 firms", "firms"),  # a sentence's first words
    ("2030 the department", "department"),
    ("The first 100 officers", "officers"),
    ("Category 1 services", "Category 1 services"),
])
def test_a_number_before_an_agent_noun_is_no_part_of_the_actor(subject, actor):
    assert name_actor(subject, True, "UK government").name == actor


def test_a_number_before_an_agent_noun_is_no_part_of_a_candidate():
    text = "The regulator said around 2,000 firms must register by 2028."
    names = [c.name for c in actor_candidates(text, rules_actor="the publisher", publisher_name="the publisher",
                                              government="the publisher", names={})]
    assert "firms" in names and not any("000" in name for name in names)


@pytest.mark.parametrize("sentence, subject", [
    ("Police and Crime Commissioners (PCCs) must publish plans within six months.",
     "Police and Crime Commissioners (PCCs)"),
    ("In 2027, the UK and France will hold a joint exercise.", "the UK and France"),
    ("Schools will open and pupils will return.", "pupils"),
])
def test_and_between_two_capitalised_words_joins_a_name_and_cuts_no_subject(sentence, subject):
    trigger = sentence.rindex(" will") + 1 if "will" in sentence else sentence.index(" must") + 1
    assert clause_subject(sentence, trigger) == subject


@pytest.mark.parametrize("subject, actor", [
    ("Each of the 43 forces", "forces"),
    ("Half of all councils", "councils"),
    ("Some 40 countries", "countries"),
])
@pytest.mark.parametrize("sentence_start", [False, True])
def test_a_quantifier_names_no_one_the_party_is_what_it_counts(subject, actor, sentence_start):
    assert name_actor(subject, sentence_start, "UK government").name == actor


@pytest.mark.parametrize("subject", ["Each", "Half", "Some", "Both", "Many"])
def test_a_lone_quantifier_is_the_publisher_s(subject):
    assert name_actor(subject, False, "UK government").name == "UK government"


def test_many_of_us_are_still_the_public():
    assert not name_actor("many of us", False, "UK government").agent


def test_a_time_is_cut_off_a_name_as_the_two_searches_cut_it_where_the_shortcut_spares_them():
    words = ["Khan", "Sheikhun", "on", "in", "the", "and", "of", "Tuesday", "Tuesday's", "Tuesday.", "TUESDAY", "May",
             "2027", "30", "١٢", "England", "Wales", "x"]
    rnd = random.Random(7)
    for _ in range(5000):
        name = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 6)))
        head = non_parties._TIME_HEAD.match(name)
        start = head.end() if head else 0
        tail = non_parties._TIME_TAIL.search(name, start)
        assert non_parties.without_time(name) == (start, name[start:tail.start()] if tail else name[start:]), name


@pytest.mark.parametrize("body, actor", [
    pytest.param("On Friday the Department for Education will publish guidance.", "Department for Education",
                 id="on-a-weekday"),
    pytest.param("From Monday the Home Office will open applications.", "Home Office", id="from-a-weekday"),
])
def test_a_time_a_preposition_leads_is_no_part_of_the_name_after_it(body, actor):
    assert [c.actor for c in classify(release_of(body)).commitments] == [actor]


@pytest.mark.parametrize("rules_only", [True, False])
def test_a_month_and_year_a_preposition_leads_is_no_part_of_the_name_after_it(rules_only):
    release = release_of("By March 2027 the Council will publish its plan.")
    actors = [c.actor for c in classify(release, rules_only=rules_only).commitments]
    assert actors and not any("March" in actor or "2027" in actor for actor in actors)
    assert not rules_only or actors == ["Council"]


@pytest.mark.parametrize("name", ["On Friday the Department for Education", "From Monday the Home Office",
                                  "By March 2027 the Council"])
def test_a_time_a_preposition_leads_is_cut_off_a_name(name):
    start, rest = non_parties.without_time(name)
    assert rest == name[start:] in ("Department for Education", "Home Office", "Council")


@pytest.mark.parametrize("body, actor", [
    pytest.param("Brussels must publish the rules by 30 June 2027.", "Brussels", id="a-city"),
    pytest.param("Lloyds must repay customers by 30 June 2027.", "Lloyds", id="a-bank"),
])
def test_a_name_ending_in_s_a_sentence_starts_with_is_a_party(body, actor):
    assert [c.actor for c in classify(release_of(body)).commitments] == [actor]


@pytest.mark.parametrize("subject", ["None of the councils", "Neither of the councils"])
def test_none_or_neither_of_a_party_names_no_party(subject):
    assert name_actor(subject, True, "UK government").name != "councils"


def test_a_negative_quantifier_turns_no_sentence_into_the_pledge_of_what_it_counts():
    body = "None of the councils will raise council tax in 2027."
    assert "councils" not in [c.actor for c in classify(release_of(body)).commitments]


@pytest.mark.parametrize("text, name", [
    ("On Friday the Department for Education will publish guidance.", "Department for Education"),
    ("By March 2027 the Council will publish its plan.", "Council"),
])
def test_no_agent_phrase_candidate_holds_a_time_a_preposition_leads(text, name):
    names = [c.name for c in actor_candidates(text, rules_actor="the publisher", publisher_name="the publisher",
                                              government="the publisher", names={})]
    assert name in names
    assert not any(word in candidate for candidate in names for word in ("Friday", "2027", "On"))
