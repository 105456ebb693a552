"""How a planned reminder is stored: small records referring to a subject stored once, and the shape earlier
versions stored read back into it."""

import json
from datetime import date, datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samples import BORDERS, dated, release
from services.notifier.planning import release_ref
from services.notifier.reminder_records import (PlannedRecord, Subject, from_legacy, from_payload, is_legacy,
                                                subject_key)
from services.notifier.reminders import reminder_jobs

NOW = datetime(2026, 1, 10, 12, tzinfo=timezone.utc)
IDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)


@given(subject=st.text(alphabet="0123456789abcdef", min_size=24, max_size=24), index=st.integers(0, 50),
       offset=st.sampled_from(["P1D", "P30D", "PT3600S", "P0D"]), sub=IDS, attempt=st.integers(1, 20),
       version=st.one_of(st.none(), st.integers(1, 2**63 - 1)), generation=st.one_of(st.none(), st.integers(0, 2**40)))
def test_a_planned_record_round_trips(subject, index, offset, sub, attempt, version, generation):
    record = PlannedRecord(subject, index, offset, sub, attempt, version, generation)
    assert PlannedRecord.from_json(record.to_json()) == record
    again = PlannedRecord.from_json(record.retried().to_json())
    assert (again.version, again.generation) == (version, generation)
    if version is not None and generation is not None:  # where the settling script looks for the generation
        assert record.to_json().endswith(f',"g":{generation},"v":{version}}}')
    assert not is_legacy(record.to_json())
    assert record.to_json().startswith(f'{{"s":"{subject}"')  # where the Lua scripts look for the subject
    if version is not None:  # and for the version that planned it
        assert record.to_json().endswith(f',"v":{version}}}')
    else:
        assert '"v"' not in record.to_json()[-8:]


def test_a_record_written_before_records_carried_their_version_is_read_without_one():
    raw = '{"s":"0123456789abcdef01234567","d":0,"o":"P7D","u":"desk","a":2}'
    assert PlannedRecord.from_json(raw) == PlannedRecord("0123456789abcdef01234567", 0, "P7D", "desk", 2, None)


def test_a_record_is_ids_only_and_its_subject_is_shared_by_every_offset():
    c = dated("c1", date(2026, 3, 31))
    ref = release_ref(release(c))
    jobs = reminder_jobs("desk", ["P30D", "P7D"], ref, [c], now=NOW)
    texts = {Subject(j.release, j.commitment).to_json() for j in jobs}
    assert len(texts) == 1
    (text,) = texts
    key = subject_key(text)
    records = [PlannedRecord(key, j.deadline_index, j.offset, j.subscription_id).to_json() for j in jobs]
    assert all(len(r) < 100 for r in records) and len(text) > 3 * len(records[0])
    assert Subject.from_json(text) == Subject(ref, c)


def test_a_subject_key_follows_its_content():
    c = dated("c1", date(2026, 3, 31))
    v1, v2 = (Subject(release_ref(release(c, version=v)), c).to_json() for v in (1, 2))
    assert subject_key(v1) == subject_key(v1) and subject_key(v1) != subject_key(v2)


def test_a_record_says_what_its_reminder_said_in_the_previous_versions_payload():
    c = dated("c1", date(2026, 3, 31))
    (job,) = reminder_jobs("desk", ["P7D"], release_ref(release(c, BORDERS)), [c], now=NOW)
    payload = job.due(fired_at=job.fire_at).model_dump_json()
    legacy = from_legacy(json.dumps({"payload": payload, "attempt": 2, "fire_at": job.fire_at.isoformat()}))
    assert is_legacy(json.dumps({"payload": payload, "attempt": 2, "fire_at": job.fire_at.isoformat()}))
    assert (legacy.reminder_id, legacy.fire_at, legacy.record.attempt) == (job.reminder_id, job.fire_at, 2)
    assert legacy.record.version == job.release.version
    assert legacy.record.subject == subject_key(Subject(job.release, job.commitment).to_json())
    assert legacy.record.due(job.reminder_id, legacy.subject, fired_at=NOW) == job.due(fired_at=NOW)


def test_a_payload_whose_deadline_is_not_its_commitments_is_refused():
    c = dated("c1", date(2026, 3, 31))
    (job,) = reminder_jobs("desk", ["P7D"], release_ref(release(c)), [c], now=NOW)
    due = job.due(fired_at=NOW)
    other = due.model_copy(update={"commitment": dated("c1", date(2027, 1, 31))})
    with pytest.raises(ValueError, match="not one of its commitment's"):
        from_payload(other.model_dump_json(), 1)
