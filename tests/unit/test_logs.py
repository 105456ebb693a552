"""Log records stay one line each, whatever the input they quote."""

import logging

from services.common.logs import FORMAT, OneLineFormatter


def _formatted(message: str, *args) -> str:
    record = logging.LogRecord("pledgewatch.test", logging.WARNING, __file__, 1, message, args, None)
    return OneLineFormatter(FORMAT).format(record)


def test_a_line_break_in_a_file_name_cannot_forge_a_log_line():
    line = _formatted("skipped %s: %s", "evil.txt\n2026-12-04 12:00:00 INFO pledgewatch: all good", "reason")
    assert "\n" not in line
    assert "evil.txt\\n2026-12-04" in line


def test_other_control_characters_are_escaped():
    line = _formatted("title %s", "a\rb\x00c\x1bd\u2028e")
    assert line.endswith("title a\\rb\\x00c\\x1bd\\u2028e")


def test_a_traceback_still_follows_the_message():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("a\nb",), sys.exc_info())
    text = OneLineFormatter(FORMAT).format(record)
    first, *rest = text.split("\n")
    assert first.endswith("failed a\\nb") and "ValueError: boom" in rest[-1]
