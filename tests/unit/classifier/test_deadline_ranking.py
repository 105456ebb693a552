"""The candidates of the learned deadline ranking measured by benchmarks/deadline_ranking.py."""

from pledgewatch.deadline_ranking import Reading, kept_f1, readings
from services.classifier.core import classify

from .conftest import release_of

BODY = ("The Home Office will provide £5 million to police forces by March 2019. "
        "The review is expected to report by June 2018.")
LABEL = {"commitments": [{"quote": "The Home Office will provide £5 million to police forces by March 2019.",
                          "kind": "pledge", "deadlines": [{"type": "date", "text": "by June 2018", "due": "2018-06-30"}]}]}


def test_a_commitment_s_own_readings_and_its_neighbours_are_candidates_each_marked_against_the_label():
    release = release_of(BODY)
    found = classify(release).commitments
    assert [c.text for c in found] == [BODY.split(" The review")[0]]
    own, after = readings(release, LABEL, found, fold=3)
    assert (own.own, own.right, own.fold) == (True, False, 3)
    assert {"type:date", "lead:by", "order:only", "money"} <= set(own.names)
    assert (after.own, after.right) == (False, True)
    assert after.names["from:after"] == 1.0 and after.names["after|same paragraph"] == 1.0
    assert not any(name.startswith("order:") or name.startswith("after|order") for name in after.names)


def test_the_figures_keep_each_reading_at_or_above_its_cut_end_to_end():
    candidates = [Reading(0, {"order:only": 1.0}, True, True), Reading(0, {"order:first": 1.0}, False, True),
                  Reading(1, {"from:before": 1.0}, True, False)]
    probabilities = [0.2, 0.6, 0.5]
    assert kept_f1(candidates, probabilities, 4, 0.0, 2.0) == (1, 2, 2 / 6)
    assert kept_f1(candidates, probabilities, 4, 0.5, 0.5) == (1, 2, 2 / 6)
    assert kept_f1(candidates, probabilities, 4, 0.7, 0.5, competing_only=True) == (2, 2, 4 / 6)
