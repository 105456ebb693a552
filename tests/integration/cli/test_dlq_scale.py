"""The dead-letter queue when it is large, and replays across commands, against a real Redis.

How much a command reads is measured from Redis's own figures (``INFO stats`` ``total_net_output_bytes``): a
command that reads every letter sends megabytes, one that reads a page a few kilobytes.
"""

import asyncio
import json
import os
import subprocess
import sys

import pytest

from pledgewatch import dead_letter_queue
from pledgewatch.dead_letter_queue import DeadLetterQueue
from pledgewatch.dead_letters import read_letter
from schemas.streams import (CLASSIFIED, DEAD_LETTER_COUNTS, DEAD_LETTERS, DEAD_LETTERS_COUNTED_LATER,
                             DEAD_LETTERS_COUNTED_TO, EVENT_FIELD, LEDGER_GROUP, NOTIFIER_GROUP, RELEASES)
from services.common.dead_letter_counts import count_letters_without_origin
from services.common.runtime import Runtime
from services.common.trimming import StreamTrimmer

from cli_harness import counted_by_reading, given_up_entries, with_streams

pytestmark = pytest.mark.integration

LETTERS = 2_500
REASON = "no title: " + "x" * 300  # about 600 bytes a letter: all of them are 1.5 MB, a page a few KB
PAGE_BYTES = 100_000  # what a command that reads a page (and not every letter) sends, at most


def refused_inputs(settings, origins):
    """One refused input per name in ``origins`` (``feed:NAME``, ``http:POST /releases``), as ingest keeps them,
    oldest first; returns their letters' ids."""
    async def work(streams):
        for name in origins:
            await streams.dead_letter_input(origin=name, payload={"body": "{}"}, reason=REASON, level=None)
        return [i.decode() for i, _ in await streams.client.xrange(streams.key(DEAD_LETTERS))]
    return with_streams(settings, work)


def sent_bytes(client):
    return client.info("stats")["total_net_output_bytes"]


def test_status_counts_a_large_queue_by_origin_and_shows_the_newest_without_reading_every_letter(
        cli, settings, client, capsys):
    """Before: ``status`` read every letter to count them by origin (300,000 letters: 6 s)."""
    ids = refused_inputs(settings, ["http:POST /releases"] * 500 + ["feed:home-office"] * (LETTERS - 500))

    before = sent_bytes(client)
    assert cli("status", "--json") == 0
    assert sent_bytes(client) - before < PAGE_BYTES
    dead = json.loads(capsys.readouterr().out)["dead_letters"]
    assert (dead["total"], dead["by_origin"]) == (LETTERS, {"feed": LETTERS - 500, "http": 500})
    assert [letter["id"] for letter in dead["newest"]] == ids[::-1][:3]
    assert dead["newest"][0]["origin"] == "feed"

    assert cli("status") == 0
    out = capsys.readouterr().out
    assert f"dead letters  {LETTERS} (feed {LETTERS - 500}, http 500)" in out
    assert f"\n  {ids[-1]}  " in out


def test_list_gives_a_page_of_a_large_queue_and_the_way_to_the_next(cli, settings, client, capsys):
    """Before: ``dlq list`` read every letter to group them (300,000 letters: 12 s)."""
    ids = refused_inputs(settings, ["http:POST /releases"] * 500 + ["feed:home-office"] * (LETTERS - 500))
    newest_first = ids[::-1]

    before = sent_bytes(client)
    assert cli("dlq", "list") == 0
    assert sent_bytes(client) - before < PAGE_BYTES
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{LETTERS} dead letters (feed {LETTERS - 500}, http 500), newest first"
    assert [line.split()[0] for line in lines[1:21]] == newest_first[:20]
    assert lines[21] == f"  … {LETTERS - 20} older: pledgewatch dlq list --after {newest_first[19]}"
    assert len(lines) == 22

    seen, after = [], None
    while True:
        assert cli("dlq", "list", "--limit", "1000", "--json", *(["--after", after] if after else [])) == 0
        page = json.loads(capsys.readouterr().out)
        assert page["total"] == LETTERS
        seen += [letter["id"] for letter in page["letters"]]
        after = page["after"]
        if after is None:
            break
    assert seen == newest_first


def test_list_of_a_rare_origin_reads_a_bounded_number_of_letters_and_goes_on_from_there(
        cli, settings, client, capsys, monkeypatch):
    monkeypatch.setattr(dead_letter_queue, "SCAN_LIMIT", 1_000)
    [rare, *_] = refused_inputs(settings, ["http:POST /releases"] + ["feed:home-office"] * (LETTERS - 1))

    before = sent_bytes(client)
    assert cli("dlq", "list", "--stream", "http") == 0
    assert sent_bytes(client) - before < 1_000_000  # the 1,000 letters it read; all 2,500 are over 2 MB
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1 dead letter from http, newest first"
    assert lines[1].startswith("  … none among the 1000 newest read; older: pledgewatch dlq list --stream http "
                               "--after ")
    pages = 1
    while not lines[1].startswith(f"  {rare}  "):
        assert lines[-1].startswith("  … none among the " + ("next 1000 read" if pages > 1 else "1000 newest read"))
        assert cli("dlq", "list", "--stream", "http", "--after", lines[-1].split("--after ")[1]) == 0
        lines, pages = capsys.readouterr().out.splitlines(), pages + 1
    assert pages == 3 and len(lines) == 2 and "  http  " in lines[1]


def test_a_page_of_an_origin_holding_its_last_letters_offers_no_next_page(cli, settings, client, capsys):
    """Before: the page filled with the origin's last two letters ended in "… 0 older: pledgewatch dlq list
    --stream http --limit 2 --after ID", a page that holds none, and ``--json`` gave that ``after``."""
    ids = refused_inputs(settings, ["feed:home-office"] * 5 + ["http:POST /releases"] * 2)

    assert cli("dlq", "list", "--stream", "http", "--limit", "2") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2 dead letters from http, newest first"
    assert [line.split()[0] for line in lines[1:]] == ids[::-1][:2]

    assert cli("dlq", "list", "--stream", "http", "--limit", "2", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert (listed["total"], listed["older"], listed["after"]) == (2, 0, None)


def _status_counts(cli, capsys):
    assert cli("status", "--json") == 0
    dead = json.loads(capsys.readouterr().out)["dead_letters"]
    assert dead["total"] == sum(dead["by_origin"].values())
    return dead["by_origin"]


def trim_once(settings, **update):
    """One round of the running system's stream trimmer, with ``update`` to its settings; how many it trimmed."""
    async def trim(_):
        runtime = Runtime(settings.model_copy(update=update), source="/test")
        await runtime.open()
        try:
            return await StreamTrimmer(runtime).trim_once()
        finally:
            await runtime.close()
    return with_streams(settings, trim)


def test_counts_by_origin_stay_those_of_the_letters_through_writes_replays_drops_and_trims(
        cli, settings, client, capsys):
    given_up_entries(settings, RELEASES, ["classifier"], 3)
    given_up_entries(settings, CLASSIFIED, [LEDGER_GROUP, NOTIFIER_GROUP], 2)
    refused_inputs(settings, ["file:/in/a.txt", "http:POST /releases", "feed:mod", "feed:mod"])
    client.xadd(settings.key(DEAD_LETTERS), {"junk": "written by hand"})
    letters = [i.decode() for i, _ in client.xrange(settings.key(DEAD_LETTERS))]
    counted = {"releases": 3, "classified": 4, "file": 1, "http": 1, "feed": 2}
    assert counted_by_reading(client, settings) == {**counted, "unreadable": 1}
    assert _status_counts(cli, capsys) == {**counted, "uncounted": 1}  # no writer of pledgewatch's counted it

    assert cli("dlq", "replay", letters[0]) == 0  # a releases letter
    assert cli("dlq", "replay", letters[3], letters[5]) == 0  # both letters of one classified entry
    assert cli("dlq", "drop", "--yes", letters[7], letters[7], letters[-1]) == 1  # the second one gone already
    capsys.readouterr()
    assert _status_counts(cli, capsys) == counted_by_reading(client, settings) == {"releases": 2, "classified": 2, "http": 1,
                                                                         "feed": 2}

    assert trim_once(settings, dead_letters_maxlen=4) == 3
    left = counted_by_reading(client, settings)
    assert sum(left.values()) == 4
    assert _status_counts(cli, capsys) == left


def _classified_letters(settings, count):
    """``count`` entries of ``classified`` each given up on by both its groups: two letters of each entry."""
    given_up_entries(settings, CLASSIFIED, [LEDGER_GROUP, NOTIFIER_GROUP], count)

    async def letters(streams):
        by_entry = {}
        for entry_id, fields in await streams.client.xrange(streams.key(DEAD_LETTERS)):
            item = read_letter(entry_id.decode(), fields)
            by_entry.setdefault(item.letter.entry_id, []).append(item.id)
        return list(by_entry.values())
    return with_streams(settings, letters)


def test_two_consecutive_replays_of_one_entrys_letters_publish_it_once(cli, settings, client, capsys):
    """Before: each command put the entry back once, so a second command replaying the other group's letter
    published it again and every group read it twice."""
    [(first, second)] = _classified_letters(settings, 1)
    key = settings.key(CLASSIFIED)
    before = client.xlen(key)

    assert cli("dlq", "replay", first) == 0
    [(new_id, _)] = client.xrevrange(key, count=1)
    assert cli("dlq", "replay", second) == 0
    out = capsys.readouterr().out.splitlines()
    assert client.xlen(key) == before + 1
    assert out[1] == (f"replayed {second} with {first}: the same entry of {key}, put back once for every group "
                      f"as {new_id.decode()}")
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0
    assert cli("dlq", "replay", first) == 1  # the letter itself: gone
    assert client.xlen(key) == before + 1


def test_two_commands_replaying_one_entrys_letters_at_once_publish_it_once(settings, client):
    pairs = _classified_letters(settings, 20)
    key = settings.key(CLASSIFIED)
    before = client.xlen(key)

    async def race(streams):
        one, other = (DeadLetterQueue(streams.client, streams.key(DEAD_LETTERS)) for _ in range(2))
        return await asyncio.gather(*(queue.replay(letter) for first, second in pairs
                                      for queue, letter in ((one, first), (other, second))))

    results = with_streams(settings, race)
    assert all(r.new_id is not None for r in results)
    assert sum(r.with_letter is None for r in results) == 20
    assert client.xlen(key) == before + 20
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0


def test_two_replay_processes_started_together_publish_each_entry_once(settings, client):
    pairs = _classified_letters(settings, 50)
    key = settings.key(CLASSIFIED)
    before = client.xlen(key)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    env |= {"REDIS_URL": settings.redis_url, "PLEDGEWATCH_PREFIX": settings.prefix}
    processes = [subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", "dlq", "replay",
                                   *(pair[side] for pair in pairs)], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for side in (0, 1)]
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert client.xlen(key) == before + 50
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0


def as_the_previous_version_wrote_them(client, settings):
    """Every letter written again as the version before the counts wrote it: the event alone, no origin field
    and no count (one written by hand, as it was). Returns their ids, oldest first."""
    key = settings.key(DEAD_LETTERS)
    letters = [{name: value for name, value in fields.items() if name != b"origin"} for _, fields in client.xrange(key)]
    client.delete(key, settings.key(DEAD_LETTER_COUNTS))
    return [client.xadd(key, fields).decode() for fields in letters]


def _kept_counts(client, settings):
    """The counts as Redis holds them, each checked above zero, and the letters no one counted beside them."""
    kept = {k.decode(): int(v) for k, v in client.hgetall(settings.key(DEAD_LETTER_COUNTS)).items()}
    assert all(n > 0 for n in kept.values()), kept
    return kept


def test_letters_of_the_previous_version_are_listed_with_their_origins_number_never_a_wrong_one(
        cli, settings, client, capsys):
    """Before: their origin counted by no one, `dlq list --stream feed` said "1 dead letter from feed" over 4,
    and "0 older" under a shorter page."""
    refused_inputs(settings, ["feed:home-office"] * 3)
    as_the_previous_version_wrote_them(client, settings)
    refused_inputs(settings, ["feed:home-office"])

    assert cli("dlq", "list", "--stream", "feed", "--limit", "2") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "4 dead letters from feed, newest first"
    assert lines[-1].startswith("  … 2 older: pledgewatch dlq list --stream feed --limit 2 --after ")
    assert _kept_counts(client, settings) == {"feed": 4}


def test_letters_of_the_previous_version_are_counted_once_and_counted_down_as_they_go(cli, settings, client, capsys):
    given_up_entries(settings, RELEASES, ["classifier"], 2)
    given_up_entries(settings, CLASSIFIED, [LEDGER_GROUP, NOTIFIER_GROUP], 2)
    refused_inputs(settings, ["file:/in/a.txt", "feed:mod", "feed:mod"])
    client.xadd(settings.key(DEAD_LETTERS), {"junk": "written by hand"})
    old = as_the_previous_version_wrote_them(client, settings)
    refused_inputs(settings, ["feed:mod", "http:POST /releases"])  # the new version's, beside them
    assert _status_counts(cli, capsys) == {"feed": 1, "http": 1, "uncounted": 10}

    async def count_twice_at_once(streams):
        key = streams.key(DEAD_LETTERS)
        return await asyncio.gather(*(count_letters_without_origin(streams.client, key) for _ in range(2)))
    assert sum(with_streams(settings, count_twice_at_once)) == 10
    assert with_streams(settings, lambda streams: count_letters_without_origin(
        streams.client, streams.key(DEAD_LETTERS))) == 0  # counted already: once
    expected = {"classified": 4, "releases": 2, "feed": 3, "file": 1, "http": 1, "unreadable": 1}
    assert _status_counts(cli, capsys) == counted_by_reading(client, settings) == _kept_counts(client, settings) == expected

    assert cli("dlq", "replay", old[0]) == 0  # a releases letter
    assert cli("dlq", "replay", old[2], old[4]) == 0  # both letters of one classified entry (ledger's, notifier's)
    assert cli("dlq", "replay", old[0]) == 1  # gone: not counted down twice
    assert cli("dlq", "drop", "--yes", old[-1], old[-1], old[-2]) == 1  # the junk and a feed letter; one twice
    capsys.readouterr()
    left = {"classified": 2, "releases": 1, "feed": 2, "file": 1, "http": 1}
    assert _status_counts(cli, capsys) == counted_by_reading(client, settings) == _kept_counts(client, settings) == left
    assert client.hlen(settings.key(DEAD_LETTERS_COUNTED_LATER)) == 5  # the previous version's letters left

    assert trim_once(settings, dead_letters_maxlen=2) == 5  # the previous version's letters, the oldest
    assert _status_counts(cli, capsys) == counted_by_reading(client, settings) == _kept_counts(client, settings) == {
        "feed": 1, "http": 1}
    assert client.hlen(settings.key(DEAD_LETTERS_COUNTED_LATER)) == 0


def test_the_running_system_counts_letters_of_the_previous_version_as_it_trims(cli, settings, client, capsys):
    refused_inputs(settings, ["feed:mod", "http:POST /releases"])
    as_the_previous_version_wrote_them(client, settings)

    assert trim_once(settings) == 0
    assert _status_counts(cli, capsys) == {"feed": 1, "http": 1}


def test_letters_not_counted_yet_make_an_origins_number_a_least_one(cli, settings, client, capsys):
    """Letters no count holds that the counting will not reach (it went on past them): the counted ones are
    said to be the least there are, and the older ones left uncounted, never a number."""
    refused_inputs(settings, ["feed:home-office"] * 3)
    as_the_previous_version_wrote_them(client, settings)
    refused_inputs(settings, ["feed:home-office"])
    client.set(settings.key(DEAD_LETTERS_COUNTED_TO), client.xrevrange(settings.key(DEAD_LETTERS), count=1)[0][0])

    assert cli("dlq", "list", "--stream", "feed", "--limit", "2") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "at least 1 dead letter from feed (3 older not counted by origin yet), newest first"
    assert lines[-1].startswith("  … more older: ")
    assert cli("dlq", "list", "--stream", "feed", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert (listed["total"], listed["older"], len(listed["letters"])) == (None, None, 4)


def with_ghosts(cli, settings, client):
    """Letters of every kind (the previous version's too), then some deleted as the version before the counts
    were kept down deleted them: the letter gone, its count left. Returns the ids of those kept."""
    given_up_entries(settings, CLASSIFIED, [LEDGER_GROUP, NOTIFIER_GROUP], 1)
    refused_inputs(settings, ["file:/in/a.txt", "feed:mod"])
    old = as_the_previous_version_wrote_them(client, settings)
    assert cli("dlq", "list") == 0  # counts the previous version's letters: classified 2, file 1, feed 1
    refused_inputs(settings, ["feed:mod", "http:POST /releases"])
    key = settings.key(DEAD_LETTERS)
    new = [i.decode() for i, _ in client.xrange(key)][len(old):]
    client.xdel(key, old[0], old[2], new[1])  # a classified, the file and the http letter, their counts kept
    client.hincrby(settings.key(DEAD_LETTER_COUNTS), "notifier", 1)  # a count of a letter never kept
    return [old[1], old[3], new[0]]


def test_counts_above_the_letters_are_told_with_the_way_to_recount_them(cli, settings, client, capsys):
    """Before: `status` showed `dead letters 3 (classified 2, feed 2, file 1, http 1, notifier 1)`, no word more."""
    with_ghosts(cli, settings, client)
    capsys.readouterr()
    advice = "run pledgewatch dlq recount"

    assert cli("status") == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if advice in line]
    assert warnings == ["  WARNING: the dead letters' counts hold 4 more than there are letters (deleted by a "
                        f"version that did not count them down): {advice}"]
    assert cli("status", "--json") == 0
    assert json.loads(capsys.readouterr().out)["dead_letters"]["overcounted"] == 4
    assert cli("dlq", "list") == 0
    assert [line for line in capsys.readouterr().err.splitlines() if advice in line] == [
        "warning: the dead letters' counts hold 4 more than there are letters (deleted by a version that did not "
        f"count them down): {advice}"]


def test_recount_makes_the_counts_and_their_bookkeeping_those_of_the_letters(cli, settings, client, capsys):
    kept = with_ghosts(cli, settings, client)
    capsys.readouterr()

    assert cli("dlq", "recount") == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["recounted 3 dead letters:", "  classified  2 → 1", "  file        1 → 0",
                                "  http        1 → 0", "  notifier    1 → 0"]
    expected = {"classified": 1, "feed": 2}
    assert _kept_counts(client, settings) == counted_by_reading(client, settings) == expected
    later = {k.decode(): v.decode() for k, v in client.hgetall(settings.key(DEAD_LETTERS_COUNTED_LATER)).items()}
    assert later == {kept[0]: "classified", kept[1]: "feed"}  # the previous version's letters, no others
    assert client.get(settings.key(DEAD_LETTERS_COUNTED_TO)).decode() == kept[2]
    assert "overcounted" not in json.loads(_status_json(cli, capsys))["dead_letters"]

    assert cli("dlq", "recount") == 0
    assert capsys.readouterr().out == "recounted 3 dead letters: the counts were right\n"
    assert cli("dlq", "drop", "--yes", kept[0], kept[1]) == 0  # counted down by the kept origin
    assert _kept_counts(client, settings) == counted_by_reading(client, settings) == {"feed": 1}
    assert client.hlen(settings.key(DEAD_LETTERS_COUNTED_LATER)) == 0


def _status_json(cli, capsys):
    assert cli("status", "--json") == 0
    return capsys.readouterr().out


def test_a_letter_written_or_deleted_while_recounting_makes_it_read_again(cli, settings, client, capsys):
    from services.common.dead_letter_recount import recount_letters
    kept = with_ghosts(cli, settings, client)
    tries = []

    async def meanwhile(streams):
        async def between_reading_and_writing():
            tries.append(len(tries) + 1)
            if len(tries) == 1:
                await streams.dead_letter_input(origin="feed:mod", payload={"body": "{}"}, reason=REASON, level=None)
            elif len(tries) == 2:
                await DeadLetterQueue(streams.client, streams.key(DEAD_LETTERS)).drop([kept[1]])
        return await recount_letters(streams.client, streams.key(DEAD_LETTERS),
                                     before_writing=between_reading_and_writing)

    with_streams(settings, meanwhile)
    assert tries == [1, 2, 3]
    assert _kept_counts(client, settings) == counted_by_reading(client, settings) == {"classified": 1, "feed": 2}
    assert client.hlen(settings.key(DEAD_LETTERS_COUNTED_LATER)) == 1


def test_a_queue_that_keeps_changing_is_told_after_a_few_tries(settings, client):
    from services.common.dead_letter_recount import QueueKeptChanging, recount_letters
    refused_inputs(settings, ["feed:mod"])

    async def always_changing(streams):
        async def write_one():
            await streams.dead_letter_input(origin="feed:mod", payload={"body": "{}"}, reason=REASON, level=None)
        return await recount_letters(streams.client, streams.key(DEAD_LETTERS), tries=3, before_writing=write_one)

    with pytest.raises(QueueKeptChanging) as raised:
        with_streams(settings, always_changing)
    assert str(raised.value) == ("the dead letters kept changing while they were counted (3 tries): try again "
                                 "when fewer are being written")
    assert _kept_counts(client, settings) == counted_by_reading(client, settings) == {"feed": 4}


def test_the_command_on_a_queue_that_keeps_changing_fails_with_one_line(cli, settings, client, capsys, monkeypatch):
    from services.common import dead_letter_recount
    refused_inputs(settings, ["feed:mod"])
    tally = dead_letter_recount.tally

    def tally_while_a_letter_is_written(entries, prefix):  # between the reading and the MULTI/EXEC, every try
        client.xadd(settings.key(DEAD_LETTERS), {"junk": "written meanwhile"})
        return tally(entries, prefix)

    monkeypatch.setattr(dead_letter_recount, "tally", tally_while_a_letter_is_written)
    assert cli("dlq", "recount") == 1
    assert capsys.readouterr().err == ("error: the dead letters kept changing while they were counted (5 tries): "
                                       "try again when fewer are being written\n")
    assert client.xlen(settings.key(DEAD_LETTERS)) == 6
    assert _kept_counts(client, settings) == {"feed": 1}  # left as they were


def test_recount_holds_one_chunk_of_letters_at_a_time(settings, client, monkeypatch):
    """Before: every letter was read into memory before any was counted: at the cap of a million letters, some
    gigabytes for a command that keeps a number per origin."""
    import tracemalloc

    from services.common import dead_letter_recount
    from schemas.streams import ORIGIN_FIELD

    key, letters, size = settings.key(DEAD_LETTERS), 600, 20_000  # 12 MB of letters
    with client.pipeline(transaction=False) as pipe:
        for n in range(letters):
            pipe.xadd(key, {EVENT_FIELD: f"{n}".ljust(size, "x"), ORIGIN_FIELD: "feed"})
        pipe.execute()
    monkeypatch.setattr(dead_letter_recount, "RECOUNT_CHUNK", 50)  # 1 MB a chunk

    async def recount(streams):
        return await dead_letter_recount.recount_letters(streams.client, key)

    tracemalloc.start()
    try:
        total, changed = with_streams(settings, recount)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (total, changed) == (letters, [("feed", 0, letters)])
    assert peak < 6_000_000
