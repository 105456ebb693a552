"""The running system's counting of dead letters written without an origin field, whatever the counts hold
of letters that are gone (a roll-back's deletions), against a real Redis."""

import pytest

from schemas.streams import DEAD_LETTER_COUNTS, DEAD_LETTERS, DEAD_LETTERS_COUNTED_LATER

from cli_harness import counted_by_reading
from test_dlq_scale import LETTERS, PAGE_BYTES, _kept_counts, refused_inputs, sent_bytes, trim_once, with_ghosts

pytestmark = pytest.mark.integration

GHOSTS = {"classified": 1, "file": 1, "http": 1, "notifier": 1}  # what with_ghosts leaves counted and gone


def unnamed_copies(client, settings, letter_id, count):
    """``count`` letters written as the previous version writes them (no origin field), each the event of
    ``letter_id``; returns their ids."""
    key = settings.key(DEAD_LETTERS)
    [(_, fields)] = client.xrange(key, letter_id, letter_id)
    return [client.xadd(key, {k: v for k, v in fields.items() if k != b"origin"}).decode() for _ in range(count)]


def _surplus(client, settings):
    """The counts less every letter's origin as read: the letters that are gone and still counted."""
    kept, read = _kept_counts(client, settings), counted_by_reading(client, settings)
    return {name: kept.get(name, 0) - read.get(name, 0) for name in kept.keys() | read.keys()
            if kept.get(name, 0) != read.get(name, 0)}


@pytest.mark.parametrize("unnamed", [3, 4, 5], ids=["fewer-than-the-excess", "as-many-as-the-excess",
                                                    "more-than-the-excess"])
def test_letters_without_origin_are_counted_whatever_the_counts_hold_of_letters_that_are_gone(
        cli, settings, client, capsys, unnamed):
    """Before: the trimmer counted them only when the counts' sum fell short of the stream's length, so four
    letters of the previous version beside four counted letters it had deleted were never counted."""
    kept = with_ghosts(cli, settings, client)
    capsys.readouterr()
    assert _surplus(client, settings) == GHOSTS
    counted_later = settings.key(DEAD_LETTERS_COUNTED_LATER)
    later_before = set(client.hkeys(counted_later))  # the gone letters' too: the previous version kept it not
    written = unnamed_copies(client, settings, kept[1], unnamed)  # letters of feed

    assert trim_once(settings) == 0
    assert _surplus(client, settings) == GHOSTS
    assert set(client.hkeys(counted_later)) == later_before | {i.encode() for i in written}


def test_a_trimming_round_beside_counts_of_gone_letters_does_not_read_every_new_letter(cli, settings, client, capsys):
    """Before: with the counts above the letters, each round read every letter written since the last one."""
    with_ghosts(cli, settings, client)
    client.hincrby(settings.key(DEAD_LETTER_COUNTS), "feed", LETTERS)  # more gone than are written below
    refused_inputs(settings, ["feed:home-office"] * LETTERS)

    before = sent_bytes(client)
    assert trim_once(settings) == 0
    assert sent_bytes(client) - before < PAGE_BYTES
    assert trim_once(settings) == 0


def test_a_list_counts_letters_without_origin_beside_as_many_counts_of_letters_that_are_gone(
        cli, settings, client, capsys):
    """Before: `dlq list` counted them only when the counts' sum fell short of the stream's length, so with four
    of them beside four counted letters that were gone it said "2 dead letters from feed" over six, no warning."""
    kept = with_ghosts(cli, settings, client)
    unnamed_copies(client, settings, kept[1], 4)
    capsys.readouterr()

    assert cli("dlq", "list", "--stream", "feed") == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "6 dead letters from feed, newest first"
    assert "the dead letters' counts hold 4 more than there are letters" in err
