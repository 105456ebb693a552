"""The ledger's log line for one release version says what it did: withdrawn is not "removed"."""

from __future__ import annotations

from datetime import datetime, timezone

from services.ledger.core.entries import apply_version
from services.ledger.service import version_summary
from tests.unit.notifier.samples import BORDERS, FUNDING, release

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)


def test_a_withdrawn_release_is_logged_as_withdrawn():
    first = apply_version([], release(FUNDING, BORDERS), last_version=None, now=NOW)
    withdrawn = release(version=2).model_copy(update={"withdrawn": True, "withdrawn_notice": "Superseded."})
    update = apply_version(first.entries, withdrawn, last_version=1, now=NOW)
    assert version_summary(withdrawn, update) == "gov-uk/iraq-2017 v2: withdrawn, 2 commitments marked withdrawn"


def test_a_version_that_drops_a_commitment_is_logged_as_removed():
    first = apply_version([], release(FUNDING, BORDERS), last_version=None, now=NOW)
    second = release(FUNDING, version=2)
    update = apply_version(first.entries, second, last_version=1, now=NOW)
    assert version_summary(second, update) == "gov-uk/iraq-2017 v2: 0 new, 0 changed, 1 removed"
