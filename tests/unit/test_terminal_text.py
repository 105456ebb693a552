"""Text for a terminal whose encoding is not UTF-8: what it cannot show is replaced, not a failure."""

from pledgewatch.terminal_text import can_show, terminal_text


def test_text_a_terminal_can_show_is_kept_as_it_is():
    assert terminal_text("… and 2 more “ports”", "utf-8") == "… and 2 more “ports”"
    assert terminal_text("café", "iso-8859-1") == "café"
    assert terminal_text("café …", None) == "café …"  # no encoding known: left to the stream


def test_an_ellipsis_becomes_three_dots_and_anything_else_it_cannot_show_a_question_mark():
    assert terminal_text("… and 2 more “ports” £10m", "ascii") == "... and 2 more ?ports? ?10m"
    assert terminal_text("cut short…", "iso-8859-1") == "cut short..."


def test_whether_a_terminal_can_show_a_text():
    assert can_show("“ports”", "utf-8") and can_show("“ports”", None)
    assert not can_show("“ports”", "ascii")


def test_json_for_a_terminal_escapes_what_could_drive_it_and_what_it_cannot_show_and_reads_back_the_same():
    import json

    from pledgewatch.terminal_text import terminal_json

    value = {"text": "ports\x9b2J \u2028 “ports” \x1b[31m"}
    for encoding in ("utf-8", "ascii", None):
        text = terminal_json(value, encoding)
        assert not any(ord(c) < 0x20 and c not in "\n " or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in text)
        assert json.loads(text) == value and can_show(text, encoding)
    assert "“ports”" in terminal_json(value, "utf-8")  # shown as it is where the terminal can


def test_a_stream_that_is_not_utf8_writes_text_as_terminal_text_and_json_as_its_escapes():
    import io
    import json

    from pledgewatch.terminal_text import JSON, PLAIN, fit_output

    for errors, written in ((PLAIN, "cut short... caf? - ?\n"), (JSON, '"cut short\\u2026 caf\\u00e9 \\u2014 \\ud83d\\ude00"\n')):
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="ascii")
        fit_output(stream, errors)
        print(json.dumps("cut short… café — 😀", ensure_ascii=False) if errors == JSON else "cut short… café — 😀",
              file=stream, flush=True)
        assert raw.getvalue().decode("ascii") == written
    assert json.loads(written) == "cut short… café — 😀"


def test_a_utf8_stream_is_left_as_it_is():
    import io

    from pledgewatch.terminal_text import PLAIN, fit_output

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    fit_output(stream, PLAIN)
    assert stream.errors == "strict"
    print("cut short… 😀", file=stream, flush=True)
    assert raw.getvalue() == "cut short… 😀\n".encode()
