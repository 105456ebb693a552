"""``pledgewatch dlq replay --all`` and ``dlq drop --all`` a page at a time, against a real Redis: every chosen
letter handled once, the counts kept, a letter written meanwhile left whole, and a stop between pages told."""

import asyncio
import itertools
import json
import os
import re
import signal

import pytest

from pledgewatch import dlq_all
from pledgewatch.dead_letter_queue import DeadLetterQueue
from schemas.streams import (CLASSIFIED, CLASSIFIER_GROUP, DEAD_LETTER_COUNTS, DEAD_LETTERS, DEAD_LETTERS_COUNTED_LATER,
                             LEDGER_GROUP, NOTIFIER_GROUP, RELEASES)

from cli_harness import as_the_previous_version_wrote_them, counted_by_reading, given_up_entries, with_streams

pytestmark = pytest.mark.integration

REASON = "no title: " + "x" * 300  # about 600 bytes a letter


def letter_ids(client, settings):
    return [i.decode() for i, _ in client.xrange(settings.key(DEAD_LETTERS))]


def kept_counts(cli, capsys):
    assert cli("status", "--json") == 0
    return json.loads(capsys.readouterr().out)["dead_letters"]["by_origin"]


def mixed_letters(settings):
    """Oldest first: 7 releases letters, 3 classified entries each left by both its groups, a refused file,
    6 more releases letters (20 letters; 16 entries to put back)."""
    given_up_entries(settings, RELEASES, [CLASSIFIER_GROUP], 7)
    given_up_entries(settings, CLASSIFIED, [LEDGER_GROUP, NOTIFIER_GROUP], 3)
    with_streams(settings, lambda streams: streams.dead_letter_input(
        origin="file:/in/2020-01-01-empty.txt", payload={"path": "/in/2020-01-01-empty.txt"}, reason="empty file"))
    given_up_entries(settings, RELEASES, [CLASSIFIER_GROUP], 6)


def refused_inputs(settings, count):
    async def work(streams):
        for n in range(count):
            await streams.dead_letter_input(origin="http:POST /releases" if n % 5 == 0 else "feed:home-office",
                                            payload={"body": "{}"}, reason=REASON, level=None)
    with_streams(settings, work)


def letters_replayed(out):
    """How many letters' lines say they were replayed (not the total at the end)."""
    return sum(bool(re.match(r"replayed \S+ (onto|with) ", line)) for line in out.splitlines())

@pytest.fixture
def ticking_clock(monkeypatch):
    """A clock that moves 10 s each time it is read: every page is a long one, and says how far it got."""
    ticks = itertools.count(0, 10)
    monkeypatch.setattr(dlq_all, "clock", lambda: next(ticks))


@pytest.fixture
def after_page(monkeypatch):
    """``after_page(n, action)``: ``action()`` once the command has read its ``n``th page of letters
    (``of="drop_page"``: once ``drop --all`` of every origin has dropped it, read and deleted by one script), in
    the command's thread (a signal is handled at once), or in one of its own with ``writing=True`` (a writer
    running its own event loop, as another process would)."""
    def install(n, action, writing=False, of="page"):
        done = getattr(DeadLetterQueue, of)
        pages = itertools.count(1)

        async def page(self, **kwargs):
            found = await done(self, **kwargs)
            if next(pages) == n:
                await asyncio.to_thread(action) if writing else action()
            return found
        monkeypatch.setattr(DeadLetterQueue, of, page)
    return install


def test_replay_all_goes_page_by_page_putting_each_entry_back_once_and_keeping_the_counts(
        cli, settings, client, capsys, monkeypatch, ticking_clock):
    """Before: every letter's id was read first (a million letters: a long silent pause, and all of them in
    memory), then the letters were replayed one by one."""
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 3)
    mixed_letters(settings)
    [filed] = [i for i in letter_ids(client, settings) if client.xrange(settings.key(DEAD_LETTERS), i, i)[0][1].get(
        b"origin") == b"file"]
    releases, classified = client.xlen(settings.key(RELEASES)), client.xlen(settings.key(CLASSIFIED))

    assert cli("dlq", "replay", "--all") == 1  # the refused file is kept
    out, err = capsys.readouterr()
    assert letters_replayed(out) == 19
    assert len(re.findall(r"^replayed \S+ with ", out, re.M)) == 3  # the second letter of each classified entry
    assert client.xlen(settings.key(RELEASES)) == releases + 13
    assert client.xlen(settings.key(CLASSIFIED)) == classified + 3
    assert letter_ids(client, settings) == [filed]
    assert kept_counts(cli, capsys) == counted_by_reading(client, settings) == {"file": 1}
    progress = [line for line in err.splitlines() if line.startswith("replaying: ")]
    assert [line.split()[1] for line in progress] == ["3", "6", "9", "12", "15", "18", "20"]
    assert progress[0].startswith("replaying: 3 of 20 dead letters read (3 replayed, 0 kept), back to ")
    assert f"kept {filed}: cannot be replayed" in err


def test_replay_all_of_one_origin_goes_past_pages_of_others(cli, settings, client, capsys, monkeypatch):
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 2)
    mixed_letters(settings)
    releases = client.xlen(settings.key(RELEASES))

    assert cli("dlq", "replay", "--all", "--stream", "releases") == 0
    assert letters_replayed(capsys.readouterr().out) == 13
    assert client.xlen(settings.key(RELEASES)) == releases + 13
    assert kept_counts(cli, capsys) == counted_by_reading(client, settings) == {"classified": 6, "file": 1}


def test_replay_all_queues_a_delivery_again_or_keeps_it_among_the_entries_it_puts_back(
        cli, settings, client, capsys, monkeypatch):
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 2)
    given_up_entries(settings, RELEASES, [CLASSIFIER_GROUP], 2)

    async def delivery(streams):
        letter = streams.dead_letter_event(stream=streams.key("notifier:outbox"), payload={"subscription": "desk"},
                                           reason="webhook: 500", entry_id="job-1", group="notifier", deliveries=5)
        async with streams.client.pipeline(transaction=True) as pipe:
            streams.add_letter(pipe, letter)
            await pipe.execute()
    with_streams(settings, delivery)
    given_up_entries(settings, RELEASES, [CLASSIFIER_GROUP], 1)
    [_, _, job, _] = letter_ids(client, settings)

    assert cli("dlq", "replay", "--all") == 1
    out, err = capsys.readouterr()
    assert letters_replayed(out) == 3
    assert err.startswith(f"kept {job}: cannot be replayed: its delivery job is no longer kept")
    assert letter_ids(client, settings) == [job]
    assert kept_counts(cli, capsys) == {"notifier": 1}


def test_a_letter_written_during_replay_all_is_left_whole_for_the_next_run(
        cli, settings, client, capsys, monkeypatch, after_page):
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 3)
    given_up_entries(settings, RELEASES, [CLASSIFIER_GROUP], 8)
    before = client.xlen(settings.key(RELEASES))
    after_page(1, lambda: given_up_entries(settings, RELEASES, [CLASSIFIER_GROUP], 1), writing=True)

    assert cli("dlq", "replay", "--all") == 0
    assert letters_replayed(capsys.readouterr().out) == 8
    [newcomer] = letter_ids(client, settings)
    assert client.xlen(settings.key(RELEASES)) == before + 1 + 8  # the newcomer's entry, and the 8 put back
    assert kept_counts(cli, capsys) == {"releases": 1}

    assert cli("dlq", "replay", "--all") == 0
    assert capsys.readouterr().out.startswith(f"replayed {newcomer} onto ")
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0


def test_replay_all_stopped_between_pages_says_how_far_it_got_and_how_to_go_on(
        cli, settings, client, capsys, monkeypatch, after_page):
    """Before: Ctrl+C left without a word of which letters were replayed."""
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 3)
    mixed_letters(settings)
    newest_first = letter_ids(client, settings)[::-1]
    releases = client.xlen(settings.key(RELEASES))
    after_page(2, lambda: os.kill(os.getpid(), signal.SIGINT))

    assert cli("dlq", "replay", "--all", "--stream", "releases") == 130
    out, err = capsys.readouterr()
    assert letters_replayed(out) == 3
    through = newest_first[2]
    assert err.splitlines()[-1] == (f"stopped: 3 of 13 dead letters read (3 replayed, 0 kept), back to {through}; "
                                    f"the rest: pledgewatch dlq replay --all --stream releases --after {through}")
    assert letter_ids(client, settings)[::-1] == newest_first[3:]
    assert kept_counts(cli, capsys) == counted_by_reading(client, settings)

    assert cli("dlq", "replay", "--all", "--stream", "releases", "--after", through) == 0
    assert letters_replayed(capsys.readouterr().out) == 10
    assert client.xlen(settings.key(RELEASES)) == releases + 13
    assert kept_counts(cli, capsys) == counted_by_reading(client, settings) == {"classified": 6, "file": 1}


def test_replay_all_ends_with_how_many_it_replayed_and_what_was_left_and_why(
        cli, settings, client, capsys, monkeypatch, after_page):
    """Before: the run ended on the last letter's line, with no total (``drop --all`` ends with one)."""
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 3)
    mixed_letters(settings)
    newest = letter_ids(client, settings)[-1]
    after_page(1, lambda: with_streams(settings, lambda streams: DeadLetterQueue(
        streams.client, streams.key(DEAD_LETTERS)).drop([newest])), writing=True)

    assert cli("dlq", "replay", "--all") == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == ("replayed 18 of 20 dead letters; 1 kept, not replayable (file 1: each told "
                                    "above with what to do); 1 gone meanwhile (replayed or dropped by another "
                                    "command)")


def test_replay_all_of_letters_all_replayed_ends_with_their_number(cli, settings, client, capsys):
    given_up_entries(settings, RELEASES, [CLASSIFIER_GROUP], 2)
    assert cli("dlq", "replay", "--all") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "replayed 2 of 2 dead letters"


def test_drop_all_deletes_a_page_at_a_time_and_no_letter_comes_back_to_the_command(
        cli, settings, client, capsys, monkeypatch, ticking_clock):
    """Before: every id was read, then every letter deleted in one pipeline of as many scripts; then each page
    of letters was read whole (600 KB here), and decoded, for its ids alone."""
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 100)
    refused_inputs(settings, 1_000)  # 600 KB of letters
    start = client.info("stats")["total_net_output_bytes"]

    assert cli("dlq", "drop", "--all", "--yes") == 0
    sent = client.info("stats")["total_net_output_bytes"] - start
    out, err = capsys.readouterr()
    assert out == "dropped 1000 of 1000 dead letters\n"
    assert [line.split()[1] for line in err.splitlines()] == [str(n) for n in range(100, 1_001, 100)]
    assert sent < 30_000  # the newest letter and a line per page, not the letters
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0
    assert kept_counts(cli, capsys) == {}


def test_drop_all_counts_each_letter_down_by_its_origin_kept_in_its_field_or_beside_it(
        cli, settings, client, capsys, monkeypatch):
    """Letters of several origins, some written without an origin field (counted later, their origin kept
    beside them) and one holding no dead letter at all, dropped a page at a time: after each run the counts
    are those of the letters left."""
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 4)
    mixed_letters(settings)
    refused_inputs(settings, 3)
    client.xadd(settings.key(DEAD_LETTERS), {"junk": "written by hand"})
    old = as_the_previous_version_wrote_them(client, settings)  # 24 letters, none with the field
    mixed_letters(settings)  # and 20 with it, newer
    newest_first = letter_ids(client, settings)[::-1]

    assert cli("dlq", "drop", "--all", "--yes", "--limit", "30") == 0
    assert capsys.readouterr().out.startswith("dropped 30 of 30 dead letters\n")
    assert letter_ids(client, settings)[::-1] == newest_first[30:]
    left = {"releases": 7, "classified": 6, "file": 1}  # the oldest 14, written without the field
    assert kept_counts(cli, capsys) == counted_by_reading(client, settings) == left
    assert client.hlen(settings.key(DEAD_LETTERS_COUNTED_LATER)) == 14 == len(old) - 10

    assert cli("dlq", "drop", "--all", "--yes", "--after", newest_first[29]) == 0
    assert capsys.readouterr().out == "dropped 14 of 14 dead letters\n"
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0
    assert client.hlen(settings.key(DEAD_LETTER_COUNTS)) == client.hlen(settings.key(DEAD_LETTERS_COUNTED_LATER)) == 0


def test_drop_all_stopped_between_pages_keeps_the_rest_counted_and_says_how_to_go_on(
        cli, settings, client, capsys, monkeypatch, after_page):
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 10)
    refused_inputs(settings, 45)
    newest_first = letter_ids(client, settings)[::-1]
    after_page(2, lambda: os.kill(os.getpid(), signal.SIGINT), of="drop_page")

    assert cli("dlq", "drop", "--all", "--yes") == 130
    out, err = capsys.readouterr()
    through = newest_first[19]
    assert out == ""
    assert err.splitlines()[-1] == (f"stopped: 20 of 45 dead letters read (20 dropped, 0 gone already), back to "
                                    f"{through}; the rest: pledgewatch dlq drop --all --yes --after {through}")
    assert letter_ids(client, settings)[::-1] == newest_first[20:]
    assert kept_counts(cli, capsys) == counted_by_reading(client, settings) == {"feed": 20, "http": 5}

    assert cli("dlq", "drop", "--all", "--yes", "--after", through) == 0
    assert capsys.readouterr().out == "dropped 25 of 25 dead letters\n"
    assert kept_counts(cli, capsys) == {}


def test_a_letter_written_during_drop_all_is_kept_and_counted(
        cli, settings, client, capsys, monkeypatch, after_page):
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 4)
    refused_inputs(settings, 10)
    after_page(1, lambda: refused_inputs(settings, 1), writing=True, of="drop_page")

    assert cli("dlq", "drop", "--all", "--yes") == 0
    assert capsys.readouterr().out == "dropped 10 of 10 dead letters\n"
    assert client.xlen(settings.key(DEAD_LETTERS)) == 1
    assert kept_counts(cli, capsys) == counted_by_reading(client, settings) == {"http": 1}


def test_a_limit_handles_that_many_and_gives_the_way_to_the_rest(cli, settings, client, capsys, monkeypatch):
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 4)
    refused_inputs(settings, 10)
    newest_first = letter_ids(client, settings)[::-1]

    assert cli("dlq", "drop", "--all", "--yes", "--limit", "6") == 0
    assert capsys.readouterr().out == ("dropped 6 of 6 dead letters\n"
                                       f"  … older: pledgewatch dlq drop --all --yes --limit 6 --after "
                                       f"{newest_first[5]}\n")
    assert letter_ids(client, settings)[::-1] == newest_first[6:]


@pytest.mark.parametrize("args", [["dlq", "replay", "1-1", "--after", "1-1"], ["dlq", "drop", "1-1", "--limit", "3"]],
                         ids=["after", "limit"])
def test_after_and_limit_go_with_all_only(cli, args, capsys):
    assert cli(*args) == 2
    assert capsys.readouterr().err.startswith("error: --limit and --after choose letters with --all")
