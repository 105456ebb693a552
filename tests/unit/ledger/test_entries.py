"""The ledger across versions of one release: kept, changed, removed, restored, withdrawn, stale."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from schemas.classified import Money
from services.ledger.core.entries import EntryState, apply_version
from tests.unit.notifier.samples import BORDERS, FUNDING, TRAINING, release

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)
FUNDING_8M = FUNDING.model_copy(update={
    "id": "c-funding-8m", "text": FUNDING.text.replace("£10m", "£8m"),
    "money": Money(amount=8_000_000, currency="GBP", text="£8m", span=(120, 123))})


def read(*versions):
    """Apply release versions in order; the ledger's entries by key after each."""
    held, last, updates = {}, None, []
    for classified in versions:
        update = apply_version(list(held.values()), classified, last_version=last, now=NOW)
        updates.append(update)
        held.update({e.key: e for e in update.entries})
        last = classified.version if not update.stale else last
    return held, updates


def test_a_first_version_adds_every_commitment_as_active():
    held, (update,) = read(release(FUNDING, BORDERS))
    assert update.added == ["c-funding", "c-borders"]
    assert {e.state for e in held.values()} == {EntryState.ACTIVE}
    assert held["c-funding"].versions == [1] and held["c-funding"].first_seen == NOW


def test_an_edit_keeps_the_ledger_key_and_records_the_change():
    held, (_, update) = read(release(FUNDING, BORDERS), release(FUNDING_8M, BORDERS, version=2))
    assert [c.words() for c in update.changed["c-funding"]] == ["money £10m \u2192 £8m"]
    entry = held["c-funding"]
    assert entry.state is EntryState.CHANGED and entry.commitment.id == "c-funding-8m"
    assert entry.versions == [1, 2] and entry.history[0].version == 2
    assert held["c-borders"].state is EntryState.ACTIVE and held["c-borders"].versions == [1, 2]


def test_an_edit_of_the_words_and_the_amount_records_both_in_the_history():
    cut_and_narrowed = FUNDING_8M.model_copy(update={"id": "c-funding-8m-narrowed",
                                                     "text": FUNDING_8M.text.replace("build", "train")})
    held, _ = read(release(FUNDING), release(cut_and_narrowed, version=2))
    [version] = held["c-funding"].history
    assert [(c.field, c.after) for c in version.changes] == [("text", " ".join(cut_and_narrowed.text.split())),
                                                             ("money", "£8m")]


def test_a_commitment_gone_from_a_version_is_removed_and_comes_back_when_restored():
    held, updates = read(release(FUNDING, TRAINING), release(FUNDING, version=2), release(FUNDING, TRAINING, version=3))
    assert updates[1].removed == ["c-training"]
    assert [c.words() for c in updates[2].changed["c-training"]] == ["restored"]
    assert held["c-training"].state is EntryState.CHANGED and held["c-training"].versions == [1, 3]


def test_a_withdrawn_release_withdraws_every_commitment():
    withdrawn = release(FUNDING, version=2).model_copy(update={"withdrawn": True, "commitments": []})
    held, (_, update) = read(release(FUNDING, BORDERS), withdrawn)
    assert sorted(update.removed) == ["c-borders", "c-funding"]
    assert {e.state for e in held.values()} == {EntryState.WITHDRAWN}


def test_an_old_or_repeated_version_changes_nothing():
    held, updates = read(release(FUNDING, version=2), release(FUNDING_8M, version=1), release(FUNDING, version=2))
    assert updates[1].stale and updates[2].stale
    assert held["c-funding"].commitment == FUNDING and held["c-funding"].versions == [2]


def test_every_entry_takes_the_latest_versions_title_url_and_source_whatever_its_state():
    retitled = {"title": "Headline corrected", "url": "https://www.gov.uk/x2", "source": "ministry"}
    held, (_, second, third) = read(release(FUNDING, BORDERS), release(FUNDING, version=2).model_copy(update=retitled),
                                    release(FUNDING, version=3).model_copy(update={**retitled, "withdrawn": True}))
    assert {(e.key, e.state, e.title, e.url, e.source) for e in held.values()} == {
        ("c-funding", EntryState.WITHDRAWN, "Headline corrected", "https://www.gov.uk/x2", "ministry"),
        ("c-borders", EntryState.WITHDRAWN, "Headline corrected", "https://www.gov.uk/x2", "ministry")}
    assert (second.changed, second.removed) == ({}, ["c-borders"])  # a new title is no change of a commitment


def test_a_withdrawn_release_published_again_restores_its_entries_with_their_history():
    """Before: entries withdrawn were left out of the pairing, so the version publishing the release again made
    new ones under the same keys (first seen, versions, history and chain lost); the notifier tells it restored."""
    withdrawn = release(FUNDING, version=2).model_copy(update={"withdrawn": True, "commitments": []})
    later = NOW.replace(year=2019)
    held, updates = read(release(FUNDING, BORDERS), withdrawn)
    again = apply_version(list(held.values()), release(FUNDING_8M, version=3), last_version=2, now=later)
    held.update({e.key: e for e in again.entries})
    assert (again.added, again.removed) == ([], ["c-borders"])
    assert [c.words() for c in again.changed["c-funding"]] == ["restored", "money £10m \u2192 £8m"]
    funding = held["c-funding"]
    assert (funding.state, funding.versions, funding.first_seen) == (EntryState.CHANGED, [1, 3], NOW)
    assert funding.commitment.id == "c-funding-8m" and [h.version for h in funding.history] == [2, 3]
    assert held["c-borders"].state is EntryState.REMOVED and [h.version for h in held["c-borders"].history] == [2, 3]


def test_every_entry_a_version_revises_is_stamped_revised_then_and_one_it_leaves_keeps_its_stamp():
    """The time a calendar feed gives as its event's DTSTAMP (RFC 5545: when the entry was last revised)."""
    later, latest = NOW + timedelta(days=3), NOW + timedelta(days=9)
    first = apply_version([], release(FUNDING, BORDERS), last_version=None, now=NOW)
    assert {e.key: e.revised_at for e in first.entries} == {"c-funding": NOW, "c-borders": NOW}
    second = apply_version(first.entries, release(FUNDING_8M, version=2), last_version=1, now=later)
    assert {e.key: (e.first_seen, e.revised_at) for e in second.entries} == {
        "c-funding": (NOW, later), "c-borders": (NOW, later)}  # edited; removed
    withdrawn = release(FUNDING, version=3).model_copy(update={"withdrawn": True, "commitments": []})
    third = apply_version(second.entries, withdrawn, last_version=2, now=latest)
    # removed, then withdrawn: cancelled either way, its event as it was
    assert {e.key: e.revised_at for e in third.entries} == {"c-funding": latest, "c-borders": later}
    assert apply_version(third.entries, release(FUNDING), last_version=3, now=latest + timedelta(days=1)).stale
