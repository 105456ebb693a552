"""Log records stay one record each, whatever the input they quote, in both formats."""

import json
import logging
import sys

import pytest

from services.common.logs import (FORMAT, NOISY_LOGGERS, JsonFormatter, OneLineFormatter,
                                  setup_logging)

FORGED = "evil.txt\n2026-12-04 12:00:00 INFO pledgewatch: all good"


def _record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("pledgewatch.test", logging.WARNING, __file__, 1, message, args, exc_info)


def _formatted(message: str, *args) -> str:
    return OneLineFormatter(FORMAT).format(_record(message, *args))


def _failed_with(message: str) -> logging.LogRecord:
    try:
        raise ValueError(message)
    except ValueError:
        return _record("failed %s", "a\nb", exc_info=sys.exc_info())


def test_a_line_break_in_a_file_name_cannot_forge_a_log_line():
    line = _formatted("skipped %s: %s", FORGED, "reason")
    assert "\n" not in line
    assert "evil.txt\\n2026-12-04" in line


def test_other_control_characters_are_escaped():
    line = _formatted("title %s", "a\rb\x00c\x1bd\u2028e")
    assert line.endswith("title a\\rb\\x00c\\x1bd\\u2028e")


def test_a_one_byte_control_sequence_introducer_is_escaped():
    line = _formatted("title %s", "red\x9b31mtext\x85next")
    assert line.endswith("title red\\x9b31mtext\\x85next")


def test_a_traceback_still_follows_the_message():
    first, *rest = OneLineFormatter(FORMAT).format(_failed_with("boom")).split("\n")
    assert first.endswith("failed a\\nb") and "ValueError: boom" in rest[-1]


def test_an_exception_message_quoting_input_cannot_forge_a_record_in_the_traceback():
    _, *rest = OneLineFormatter(FORMAT).format(_failed_with(FORGED)).split("\n")
    assert rest and all(line.startswith("    ") for line in rest)


@pytest.mark.parametrize("text", [FORGED, "a\x1b[31mred", "a\x9b31mred", "a\u2028b\u2029c", "a\rb\x7f"],
                         ids=["newline", "ansi-escape", "one-byte-csi", "line-separators", "cr-and-del"])
def test_a_json_record_is_one_line_of_json_with_every_control_character_escaped(text):
    line = JsonFormatter().format(_record("title %s", text))
    assert line.isprintable() and "\x1b" not in line
    entry = json.loads(line)
    assert entry["message"] == f"title {text}"
    assert (entry["level"], entry["logger"]) == ("WARNING", "pledgewatch.test")
    assert entry["time"].endswith("+00:00")


def test_a_json_record_carries_its_traceback_as_one_field():
    line = JsonFormatter().format(_failed_with(FORGED))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed a\nb" and entry["exception"].endswith(f"ValueError: {FORGED}")


@pytest.fixture
def restored_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    root.handlers[:], root.level = handlers, level
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


@pytest.mark.parametrize(("fmt", "kind"), [("json", JsonFormatter), ("text", OneLineFormatter)])
def test_the_log_format_setting_picks_the_formatter(restored_logging, fmt, kind):
    setup_logging("INFO", fmt)
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_pledgewatch", False)]
    assert len(ours) == 1 and type(ours[0].formatter) is kind


@pytest.mark.parametrize("name", ["apprise", "uvicorn", "apscheduler", "pledgewatch.faststream"])
def test_third_party_chatter_is_kept_to_warnings(restored_logging, name):
    setup_logging("INFO")
    assert not logging.getLogger(name).isEnabledFor(logging.INFO)
    assert logging.getLogger(name).isEnabledFor(logging.WARNING)


def test_a_json_record_carries_the_ids_it_was_given_as_fields_of_their_own():
    """A log store then finds one release's or one alert's records by field, not by searching the message."""
    record = _record("desk: new-1 failed")
    record.release_id, record.version, record.subscription_id, record.alert_id, record.attempt = (
        "rel-1", 2, "desk", "new-1", 3)
    record.unrelated = "left out"
    entry = json.loads(JsonFormatter().format(record))
    assert {k: entry[k] for k in ("release_id", "version", "subscription_id", "alert_id", "attempt")} == {
        "release_id": "rel-1", "version": 2, "subscription_id": "desk", "alert_id": "new-1", "attempt": 3}
    assert "unrelated" not in entry
