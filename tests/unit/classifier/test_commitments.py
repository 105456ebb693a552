"""Which sentences commit someone to act, of which kind, and who must act. Every case is a sentence
written in the style of a government press release."""

from __future__ import annotations

import pytest

from schemas import Kind
from services.classifier.core.commitments import find_commitment

PUBLISHER = "Home Office"


@pytest.mark.parametrize(("sentence", "kind", "actor"), [
    pytest.param("We will deepen our counter-terrorism relationship with Iraq.", Kind.PLEDGE, PUBLISHER, id="we-will"),
    pytest.param("The UK will invest £10m to build Iraq's counter-terrorism capability.", Kind.PLEDGE, "UK",
                 id="the-uk-will-invest"),
    pytest.param("The Home Secretary has committed to three specific measures against Daesh.", Kind.PLEDGE,
                 PUBLISHER, id="has-committed-to"),
    pytest.param("The UK will continue to support Iraqi defence and security.", Kind.PLEDGE, "UK",
                 id="will-continue-to"),
    pytest.param("NATS, the air traffic service provider, will be publishing the notices on 17 April 2014.",
                 Kind.PLEDGE, "NATS", id="apposition-skipped"),
    pytest.param("Guidance for schools will be published on GOV.UK.", Kind.PLEDGE, PUBLISHER,
                 id="passive-pledge-is-the-publishers"),
    pytest.param("We have been able to provide an additional £30 million for victims of terrorism.", Kind.PLEDGE,
                 PUBLISHER, id="new-money-in-perfect-tense"),
    pytest.param("The next step is to take these limits to Parliament.", Kind.PLEDGE, PUBLISHER, id="next-step"),
    pytest.param("We commit to working together to strengthen the fight against terrorism.", Kind.PLEDGE,
                 PUBLISHER, id="we-commit-to"),
    pytest.param("The Prime Minister has called on social media companies to remove extremist content.",
                 Kind.DEMAND, "social media companies", id="called-on"),
    pytest.param("Ministers urged all States to implement the sanctions without delay.", Kind.DEMAND,
                 "all States", id="urged-states"),
    pytest.param("Tech companies must remove terrorist propaganda within one hour.", Kind.DEMAND,
                 "Tech companies", id="companies-must"),
    pytest.param("Hosting service providers will have to remove terrorist content within one hour.", Kind.DEMAND,
                 "Hosting service providers", id="will-have-to"),
    pytest.param("It is essential for platforms to act faster against terrorist material.", Kind.DEMAND,
                 "platforms", id="essential-for"),
    pytest.param("The Prime Minister and the President will press relevant firms to establish an industry forum.",
                 Kind.DEMAND, "relevant firms", id="will-press-is-a-demand"),
    pytest.param("The two countries will lead joint work with the tech companies.", Kind.PLEDGE, "two countries",
                 id="will-lead-work"),
    pytest.param("Police forces will deploy 300 additional counter-terrorism officers to protect crowded places.",
                 Kind.PLEDGE, "Police forces", id="forces-is-a-noun-not-a-demand-verb"),
    pytest.param("Security forces must deploy more officers to protect crowded places.", Kind.DEMAND,
                 "Security forces", id="forces-must-is-an-obligation"),
    pytest.param("Counter-terrorism police forces will deploy 300 additional officers to ports.", Kind.PLEDGE,
                 "Counter-terrorism police forces", id="hyphenated-word-is-one-word"),
    pytest.param("Ministers confirmed that anti-terrorism officers will patrol 40 stations.", Kind.PLEDGE,
                 "anti-terrorism officers", id="hyphenated-word-after-a-subordinator"),
    pytest.param("UK-based firms will invest £50 million in cyber security.", Kind.PLEDGE, "UK-based firms",
                 id="hyphenated-name-at-sentence-start"),
    pytest.param("Britain's police forces will deploy 300 officers to ports.", Kind.PLEDGE,
                 "Britain's police forces", id="possessive-word-is-one-word"),
    pytest.param("The so-called tech companies will remove the content.", Kind.PLEDGE,
                 "so-called tech companies",
                 id="subordinator-inside-a-hyphenated-word-is-no-boundary"),
])
def test_commitments_with_kind_and_actor(sentence, kind, actor):
    found = find_commitment(sentence, PUBLISHER)
    assert found is not None
    assert (found.trigger.kind, found.actor.name) == (kind, actor)


@pytest.mark.parametrize("sentence", [
    pytest.param("Around 80 British troops are based at Taji.", id="fact"),
    pytest.param("The department has set up a new counter-terrorism unit.", id="past-action"),
    pytest.param("We are reviewing the guidance with the police.", id="ongoing-activity"),
    pytest.param("This will help ensure foreign fighters are identified and stopped.", id="prediction-this-will"),
    pytest.param("The new rules will mean it will be an offence to drive after taking drugs.", id="legal-effect"),
    pytest.param("We do not expect that any airports will need to close.", id="expectation"),
    pytest.param("The government reserves the right to act should the need arise.", id="conditional-inversion"),
    pytest.param("We must keep up our work against extremism.", id="own-resolve-is-no-demand"),
    pytest.param("People are being urged to check their health before the new year.", id="advice-to-the-public"),
    pytest.param("The regulator will have the power to issue fines.", id="grant-of-power"),
    pytest.param("Daesh will seek to exploit any weakness.", id="hostile-prediction"),
    pytest.param("The panel will report directly to the minister.", id="reporting-line"),
    pytest.param("There are no plans to introduce further enforcement.", id="no-plans"),
    pytest.param("Will the companies act in time?", id="question"),
    pytest.param("Secretary Kelly will announce the new measures today in Washington.", id="announced-today"),
    pytest.param("We will not tolerate attacks on our values.", id="negated"),
    pytest.param("These measures will lead to safer streets.", id="will-lead-to-predicts"),
    pytest.param("Many of us will have more personal memories too, of happy times with family and friends.",
                 id="some-of-us-is-no-actor"),
    pytest.param("We thank those who will be separated by their duty from their families this Christmas.",
                 id="people-described"),
    pytest.param("Our gratitude goes to those who will have to spend Christmas away from the people they love.",
                 id="people-described-obligation"),
])
def test_sentences_that_are_not_commitments(sentence):
    assert find_commitment(sentence, PUBLISHER) is None
