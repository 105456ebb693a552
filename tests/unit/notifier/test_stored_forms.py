"""What the notifier stores and compares keeps its exact form: a chain's members and each commitment's fingerprint
are read back, and compared, against what earlier versions wrote."""

import json
from datetime import datetime, timezone

import pytest

from samples import BORDERS, CONTENT, FUNDING, FUNDING_AGAIN, TRAINING
from schemas.alerts import Announcement
from services.ledger.core.reannouncements import commitment_words, index_keys
from services.notifier.announcement_index import _announcement, _member
from services.notifier.planning import fingerprint

AT = datetime(2017, 11, 29, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("commitment_id, release_id", [
    ("c-funding", "gov-uk/iraq-2017"),
    ('a "quoted" id', "back\\slash"),
    ("£10m to Iraq – réponse", "日本/リリース"),
    ("tab\tnew\nline\x01", "\u2028\u2029 and 😀"),
    ("", ""),
])
def test_a_chain_member_is_written_as_json_dumps_wrote_it(commitment_id, release_id):
    a = Announcement(release_id=release_id, commitment_id=commitment_id, published_at=AT)
    member = _member(a)
    assert member == json.dumps([commitment_id, release_id])  # a chain's sorted set holds each member once
    assert _announcement(member.encode(), AT.timestamp()) == a


def test_fingerprints_are_those_earlier_versions_recorded():
    # what a subscriber was told is recorded "<version>:<fingerprint>": a different hash would tell it again
    assert {c.id: fingerprint(c) for c in (FUNDING, BORDERS, CONTENT, TRAINING)} == {
        "c-funding": "c6e2c90c979ca4a6", "c-borders": "bb042cfe88e6a8dd", "c-content": "3e5d521a03e78b71",
        "c-training": "c312172f44b5b6b4"}


@pytest.mark.parametrize("commitment", [FUNDING, FUNDING_AGAIN, BORDERS, CONTENT, TRAINING])
def test_a_commitments_action_words_are_its_word_keys(commitment):
    assert len(commitment_words(commitment)) == sum(1 for k in index_keys(commitment) if k.startswith("w:"))
