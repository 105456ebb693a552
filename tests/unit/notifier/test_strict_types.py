"""A subscription's booleans are booleans and its numbers numbers: text that looks like one ("yes", "0.5") is
refused, not read as one, since each of these decides what is sent. A YAML file keeps YAML's own types
(``yes`` and ``true`` are booleans there, an unquoted ``0.5`` a number)."""

import pytest

from services.notifier.store import load_file
from services.notifier.subscriptions import SubscriptionError, parse_subscription


def _sub(**fields):
    return {"id": "s", "channels": ["console"], **fields}


@pytest.mark.parametrize(("data", "field", "message"), [
    pytest.param(_sub(filter={"counter_terrorism": "yes"}), "filter.counter_terrorism",
                 'expected true or false, not "yes"', id="counter-terrorism-text"),
    pytest.param(_sub(filter={"counter_terrorism": 1}), "filter.counter_terrorism", "expected true or false, not 1",
                 id="counter-terrorism-number"),
    pytest.param(_sub(filter={"min_confidence": "0.5"}), "filter.min_confidence", 'expected a number, not "0.5"',
                 id="confidence-text"),
    pytest.param(_sub(filter={"min_confidence": True}), "filter.min_confidence", "expected a number, not true",
                 id="confidence-boolean"),
    pytest.param(_sub(filter={"min_confidence": float("nan")}), "filter.min_confidence", "finite number",
                 id="confidence-nan"),  # YAML's .nan; before: "less than or equal to 1"
    pytest.param(_sub(reannouncements="no"), "reannouncements", 'expected true or false, not "no"',
                 id="reannouncements-text"),
    pytest.param(_sub(reannouncements=0), "reannouncements", "expected true or false, not 0",
                 id="reannouncements-number"),
    pytest.param(_sub(paused_until=1900000000), "paused_until", "expected an ISO 8601 time with a zone",
                 id="pause-unix-seconds"),
    pytest.param(_sub(paused_until="1900000000"), "paused_until", "expected an ISO 8601 time with a zone",
                 id="pause-unix-seconds-text"),
    pytest.param(_sub(due_this_week="true"), "due_this_week", "valid dictionary", id="due-this-week-text"),
])
def test_text_or_number_for_a_boolean_number_or_time_is_refused(data, field, message):
    with pytest.raises(SubscriptionError) as info:
        parse_subscription(data)
    assert [e["field"] for e in info.value.errors] == [field]
    assert message in info.value.errors[0]["message"]


def test_booleans_numbers_and_iso_times_are_taken():
    sub = parse_subscription(_sub(filter={"counter_terrorism": True, "min_confidence": 1}, reannouncements=False,
                                  paused_until="2030-01-01T09:00:00+01:00", due_this_week=True))
    assert (sub.filter.counter_terrorism, sub.filter.min_confidence, sub.reannouncements) == (True, 1.0, False)
    assert sub.paused_until.isoformat() == "2030-01-01T09:00:00+01:00" and sub.due_this_week is not None


def test_a_yaml_file_keeps_yamls_own_booleans_numbers_and_timestamps(tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text("subscriptions:\n  - id: s\n    channels: [console]\n"
                    "    filter: {counter_terrorism: yes, min_confidence: 0.5}\n"
                    "    reannouncements: off\n    paused_until: 2030-01-01T09:00:00Z\n")
    (sub,) = load_file(path)
    assert (sub.filter.counter_terrorism, sub.filter.min_confidence, sub.reannouncements) == (True, 0.5, False)
    assert sub.paused_until.isoformat() == "2030-01-01T09:00:00+00:00"


def test_a_yaml_file_with_a_quoted_number_is_refused(tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text("subscriptions:\n  - id: s\n    channels: [console]\n    filter: {min_confidence: '0.5'}\n")
    with pytest.raises(SubscriptionError, match="subscriptions.0 \\('s'\\): filter.min_confidence: expected a number, not \"0.5\""):
        load_file(path)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_subscriptions_file_saved_with_a_byte_order_mark_is_read_as_yaml_admits(tmp_path, encoding):
    """Before: a UTF-16 file (as Windows editors save "Unicode" text) was refused as "not a text file"."""
    path = tmp_path / "subs.yaml"
    path.write_bytes("subscriptions:\n  - id: desk  # désk\n    channels: [console]\n".encode(encoding))
    (sub,) = load_file(path)
    assert sub.id == "desk"


def test_a_subscriptions_file_that_is_not_text_is_refused_naming_the_byte(tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_bytes("subscriptions:\n  - id: £desk\n".encode("latin-1"))
    with pytest.raises(SubscriptionError) as refused:
        load_file(path)
    assert refused.value.errors == [{"field": str(path), "message": "not a text file: not UTF-8 (byte 23: "
                                     "b'\\xa3'); give the YAML subscriptions file"}]
