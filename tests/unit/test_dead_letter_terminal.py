"""What a dead letter holds came from outside (a release file, a feed entry, a POST): `dlq list`, `dlq show` and
`status` print it with its control characters escaped, so that it cannot recolour, clear or retitle the
operator's terminal, nor forge a line of the output."""

from datetime import datetime, timezone

from pledgewatch.cli import main
from pledgewatch.dead_letters import Letter, brief, brief_line, letter_lines, why_not_replayable
from schemas import DeadLetter

ESC = "\x1b"
AT = datetime(2026, 12, 4, tzinfo=timezone.utc)
PATH = f"/in/esc{ESC}[32mname.txt"
HOSTILE = Letter("2-0", DeadLetter(
    stream=f"file:{PATH}", payload={"path": PATH, "content": f"Title {ESC}[31mRED\n\nBody {ESC}]0;pwned\x07 \x9b2J."},
    reason=f"{PATH}: no publication date", deliveries=0, at=AT))


def test_a_line_of_the_list_escapes_the_control_characters_of_the_letter():
    """Before: a file named with an ANSI escape turned the rest of `dlq list` green."""
    line = brief_line(brief(HOSTILE, "pledgewatch:"))
    assert ESC not in line
    assert line == ("  2-0  2026-12-04T00:00:00Z  file  /in/esc\\x1b[32mname.txt  "
                    "/in/esc\\x1b[32mname.txt: no publication date")


def test_show_escapes_every_control_character_and_indents_a_text_of_several_lines():
    """Before: `dlq show` printed a refused file's content as it was: its escapes reached the terminal (a
    window title set, the screen cleared), and its lines began at the margin, beneath no name."""
    lines = letter_lines(HOSTILE, refusal=why_not_replayable(HOSTILE.letter))
    shown = "\n".join(lines)
    assert not any(char in shown for char in (ESC, "\x07", "\x9b"))
    assert lines[lines.index("payload:"):] == [
        "payload:",
        "  path: /in/esc\\x1b[32mname.txt",
        "  content:",
        "    Title \\x1b[31mRED",
        "",
        "    Body \\x1b]0;pwned\\x07 \\x9b2J.",
    ]
    assert lines[:4] == [
        "id:         2-0",
        "at:         2026-12-04T00:00:00+00:00",
        "stream:     file:/in/esc\\x1b[32mname.txt",
        "reason:     /in/esc\\x1b[32mname.txt: no publication date",
    ]


def test_show_keeps_an_event_as_indented_json():
    event = Letter("3-0", DeadLetter(stream="pledgewatch:releases", entry_id="1-0", group="classifier",
                                     payload={"__data__": '{"id": "a\\u001b[2J", "n": 1}'}, reason="bad",
                                     deliveries=4, at=AT))
    lines = letter_lines(event, refusal=None)
    assert lines[lines.index("payload:"):] == [
        "payload:", "  __data__:", "    {", '      "id": "a\\u001b[2J",', '      "n": 1', "    }"]


def test_the_error_line_of_a_command_escapes_what_it_quotes(capsys):
    """Before: `pledgewatch ingest` and `classify` named a file called with an ANSI escape as it was."""
    assert main(["classify", f"/nowhere/esc{ESC}[31mname.md"]) == 2
    err = capsys.readouterr().err
    assert ESC not in err
    assert err == "error: /nowhere/esc\\x1b[31mname.md: no such file or folder\n"


def test_replay_escapes_what_it_says_of_a_letter_it_kept(capsys):
    """Before: `dlq replay` (an id or --all) said why a refused file's letter was kept with the file's name as
    it was: its escapes reached the terminal, as `dlq list` and `show` no longer let them."""
    from pledgewatch.dead_letter_queue import Replayed
    from pledgewatch.dead_letters import why_not_replayable
    from pledgewatch.dlq_all import report_replay

    kept = Replayed("2-0", HOSTILE.letter.stream, problem=f"cannot be replayed: {why_not_replayable(HOSTILE.letter)}",
                    kept=True)
    assert report_replay(kept) is False
    err = capsys.readouterr().err
    assert ESC not in err
    assert err.startswith("kept 2-0: cannot be replayed: a refused release file (/in/esc\\x1b[32mname.txt)")
