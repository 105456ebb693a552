"""The ids of dead letters are the forms docs/CONTRACTS.md gives a consumer to drop duplicates by."""

import re
from pathlib import Path

import pytest

from services.common.streams import Streams

CONTRACTS = Path(__file__).parents[2] / "docs" / "CONTRACTS.md"


def _documented_forms() -> list[str]:
    """The id forms the Duplicates bullet names for `dead-letters`: the first, and the one in brackets."""
    text = " ".join(CONTRACTS.read_text(encoding="utf-8").split())
    found = re.search(r"`([^`]+)` on `dead-letters` \(`([^`]+)`", text)
    assert found, "docs/CONTRACTS.md no longer names the ids of dead letters"
    return [found.group(1), found.group(2)]


def _rendered(form: str, letter) -> str:
    data = letter.data
    names = {"<stream>": data.stream, "<entry id>": data.entry_id or "", "<group>": data.group or "",
             "<unix time>": str(data.at.timestamp())}
    for name, value in names.items():
        form = form.replace(name, value)
    return form


@pytest.mark.parametrize(("stream", "entry_id", "group", "form"), [
    ("pledgewatch:releases", "1796565301265-0", "classifier", 0),
    ("file:/in/1899-12-31-old.txt", None, None, 1),
    ("http:POST /releases", None, None, 1),
    ("feed:home-office", None, None, 1),
])
def test_a_dead_letters_id_is_the_documented_form(stream, entry_id, group, form):
    streams = Streams(None, prefix="pledgewatch:", maxlen=10, source="/test")  # no Redis needed
    letter = streams.dead_letter_event(stream=stream, payload={}, reason="r", entry_id=entry_id, group=group)
    assert letter.id == _rendered(_documented_forms()[form], letter)
