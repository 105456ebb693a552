"""A digest buffer read again (it was appended to meanwhile) has only its new entries parsed."""

from datetime import datetime, timezone

from samples import BORDERS, TRAINING, release
from schemas.alerts import Alert
from services.notifier.digest import BufferReader
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)


def _raw(*commitments) -> list[bytes]:
    sub = Subscription(id="morning", channels=["console"], mode="digest")
    return [plan_alerts(sub, release(c, release_id=f"r-{c.id}"), sent={}, elapsed_sent=set(), now=NOW)
            .alerts[0].model_dump_json().encode() for c in commitments]


def test_a_read_grown_at_its_end_parses_only_what_was_appended(monkeypatch):
    parsed = []
    parse = Alert.model_validate_json
    monkeypatch.setattr(Alert, "model_validate_json", lambda raw: parsed.append(raw) or parse(raw))
    first, second = _raw(BORDERS, TRAINING)
    reader = BufferReader()

    assert [a.release.release_id for a in reader.alerts([first])] == ["r-" + BORDERS.id]
    assert [a.release.release_id for a in reader.alerts([first, second])] == ["r-" + BORDERS.id, "r-" + TRAINING.id]
    assert parsed == [first, second]


def test_a_read_that_differs_from_the_last_is_parsed_anew():
    first, second = _raw(BORDERS, TRAINING)
    reader = BufferReader()
    reader.alerts([first, second])
    assert [a.release.release_id for a in reader.alerts([second])] == ["r-" + TRAINING.id]
    assert reader.alerts([]) == []
