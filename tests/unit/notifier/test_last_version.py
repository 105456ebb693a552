"""The stored last version of a release: which earlier commitments a new version is paired against."""

import json

import pytest

from samples import BORDERS, FUNDING, release
from services.notifier.last_version import last_version_record, previous_version, stored_version
from services.notifier.version_changes import LastVersion


def test_an_earlier_version_is_paired_against_and_the_same_or_a_later_one_is_not():
    raw = last_version_record(release(FUNDING, BORDERS, version=2)).encode()
    assert stored_version(raw) == 2
    assert list(previous_version(raw, release(BORDERS, version=3)).commitments) == [FUNDING, BORDERS]
    assert previous_version(raw, release(BORDERS, version=2)) == LastVersion()  # the same version delivered again
    assert previous_version(raw, release(BORDERS, version=1)) == LastVersion()  # an older one arriving late


@pytest.mark.parametrize("raw", [None, b"not json", b"[]", b'{"version": 1}', b'{"version": 1, "commitments": [{}]}'],
                         ids=["none", "not-json", "not-an-object", "no-commitments", "invalid-commitment"])
def test_nothing_stored_or_an_unreadable_record_pairs_against_nothing(raw):
    assert stored_version(raw) == 0
    assert previous_version(raw, release(BORDERS, version=2)) == LastVersion()


def test_the_record_is_the_version_and_its_commitments_as_json():
    r = release(FUNDING, BORDERS, version=7)  # "£10m": not ASCII
    assert json.loads(last_version_record(r)) == {
        "version": 7, "commitments": [c.model_dump(mode="json") for c in r.commitments]}


def test_deadline_numbers_are_stored_only_when_a_version_gave_some_that_are_not_places():
    r = release(FUNDING, BORDERS, version=2)
    assert previous_version(last_version_record(r).encode(), release(BORDERS, version=3)) == LastVersion(
        commitments=[FUNDING, BORDERS])
    raw = last_version_record(r, {"c-funding": [1, 0]}).encode()
    assert json.loads(raw)["deadline_numbers"] == {"c-funding": [1, 0]}
    assert previous_version(raw, release(BORDERS, version=3)) == LastVersion(
        commitments=[FUNDING, BORDERS], numbers={"c-funding": [1, 0]})


def test_the_deadlines_and_numbers_of_commitments_removed_are_kept_the_last_removed_first_and_bounded():
    """So that a version restoring one numbers its deadlines as they were (decision 0021)."""
    from datetime import date

    from schemas.classified import DateDeadline
    from services.notifier.version_changes import REMOVED_KEPT, version_basis

    def due(c, cid, *days):
        return c.model_copy(update={"id": cid, "text": f"{c.text} ({cid})", "deadlines": [
            DateDeadline(due=date(2026, 10, d), text=f"by {d} October 2026", span=(0, 10)) for d in days]})

    many = [due(BORDERS, f"c-{i}", 1) for i in range(REMOVED_KEPT + 5)]
    first = release(due(FUNDING, "c-funding", 1, 25), *many, version=1)
    raw = last_version_record(first, {"c-funding": [1, 0]}).encode()
    for version, kept in [(2, many), (3, [])]:  # c-funding removed, then the others
        r = release(FUNDING, version=version).model_copy(update={"commitments": kept})
        numbering = version_basis(previous_version(raw, r), r.commitments).numbering
        raw = last_version_record(r, numbering.numbers, numbering.removed).encode()
    removed = json.loads(raw)["removed"]
    assert [r["id"] for r in removed] == [f"c-{i}" for i in range(REMOVED_KEPT)]  # the last removed first
    restored = release(due(FUNDING, "c-0", 1), version=4)
    assert previous_version(raw, restored).removed["c-0"] == ([due(BORDERS, "c-0", 1).deadlines[0]], [0])
