"""``pledgewatch dlq …`` against a real Redis, on dead letters written by the services' own code."""

import asyncio
import json
import os
import re
import pty
import signal
import subprocess
import sys

import pytest

from pledgewatch.dead_letter_queue import DeadLetterQueue
from schemas.streams import (CLASSIFIED, CLASSIFIER_GROUP, DEAD_LETTERS, EVENT_FIELD, LEDGER_GROUP, NOTIFIER_GROUP,
                             RELEASES)
from services.common.streams import Entry

from cli_harness import with_streams

pytestmark = pytest.mark.integration

EVENT = b'{"specversion": "1.0", "type": "pledgewatch.release.published", "schemaversion": 2}'


def letters_replayed(out):
    """How many letters' lines say they were replayed (not the total at the end)."""
    return sum(bool(re.match(r"replayed \S+ (onto|with) ", line)) for line in out.splitlines())

def dead_letter_entry(settings, fields, reason, stream=RELEASES):
    """An entry of ``stream`` read by the classifier's group and given up on: what the consumer does."""
    async def work(streams):
        key = streams.key(stream)
        await streams.ensure_group(key, CLASSIFIER_GROUP)
        await streams.client.xadd(key, fields)
        [(_, [(entry_id, read)])] = await streams.client.xreadgroup(CLASSIFIER_GROUP, "c1", {key: ">"}, count=1)
        await streams.dead_letter(Entry(key, CLASSIFIER_GROUP, entry_id.decode(), read), reason, deliveries=4)
        return (await streams.client.xrevrange(streams.key(DEAD_LETTERS), count=1))[0][0].decode()
    return with_streams(settings, work)


def dead_letter_file(settings, path, reason):
    async def work(streams):
        await streams.dead_letter_input(origin=f"file:{path}", payload={"path": str(path)}, reason=reason)
        return (await streams.client.xrevrange(streams.key(DEAD_LETTERS), count=1))[0][0].decode()
    return with_streams(settings, work)


def test_list_shows_the_newest_letters_within_the_limit_with_their_origins_and_counts(cli, settings, capsys):
    older = dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "unknown schema version 2")
    newer = dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "unknown schema version 3")
    filed = dead_letter_file(settings, "/in/2020-01-01-empty.txt", "/in/2020-01-01-empty.txt: empty file")

    assert cli("dlq", "list", "--limit", "2") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "3 dead letters (releases 2, file 1), newest first"
    assert lines[1].startswith(f"  {filed}  ") and lines[1].endswith(
        "  file  /in/2020-01-01-empty.txt  /in/2020-01-01-empty.txt: empty file")
    assert lines[2].startswith(f"  {newer}  ") and "  releases  classifier  unknown schema version 3" in lines[2]
    assert lines[3] == f"  … 1 older: pledgewatch dlq list --limit 2 --after {newer}"
    assert len(lines) == 4

    assert cli("dlq", "list", "--stream", "releases", "--json") == 0
    page = json.loads(capsys.readouterr().out)
    assert (page["total"], page["after"], page["older"]) == (2, None, 0)
    assert [(letter["id"], letter["origin"], letter["replayable"]) for letter in page["letters"]] == [
        (newer, "releases", True), (older, "releases", True)]
    assert page["letters"][0]["payload"] == {EVENT_FIELD: EVENT.decode()}


def dead_letter_source(settings, origin, reason):
    """A release refused at the door (``file:PATH``, ``http:POST /releases``, ``feed:NAME``), as ingest keeps it."""
    async def work(streams):
        await streams.dead_letter_input(origin=origin, payload={"body": "{}"}, reason=reason)
    with_streams(settings, work)


def dead_letter_delivery(settings, reason):
    """A delivery out of attempts, as the notifier's outbox gives it up."""
    async def work(streams):
        letter = streams.dead_letter_event(stream=streams.key("notifier:outbox"), payload={"subscription": "desk"},
                                           reason=reason, entry_id="job-1", group="notifier", deliveries=5)
        async with streams.client.pipeline(transaction=True) as pipe:
            streams.add_letter(pipe, letter)
            await pipe.execute()
    with_streams(settings, work)


def test_stream_takes_every_origin_status_counts_and_finds_as_many(cli, settings, capsys):
    """Before: `status` said "notifier 1, http 1" but `dlq list --stream http` found no dead letters."""
    dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "unknown schema version 2")
    dead_letter_file(settings, "/in/x.txt", "empty file")
    dead_letter_source(settings, "http:POST /releases", "no title")
    dead_letter_source(settings, "feed:home-office", "no link")
    dead_letter_source(settings, "feed:mod", "no link")
    dead_letter_delivery(settings, "webhook: 500")
    assert cli("status", "--json") == 0
    counted = json.loads(capsys.readouterr().out)["dead_letters"]["by_origin"]
    assert counted == {"feed": 2, "releases": 1, "file": 1, "http": 1, "notifier": 1}

    for origin, count in counted.items():
        assert cli("dlq", "list", "--stream", origin, "--json") == 0
        page = json.loads(capsys.readouterr().out)
        assert page["total"] == len(page["letters"]) == count
        assert {letter["origin"] for letter in page["letters"]} == {origin}
    assert cli("dlq", "list", "--stream", "feed:mod", "--stream", f"{settings.prefix}releases", "--json") == 0
    page = json.loads(capsys.readouterr().out)
    assert page["total"] is None  # one source of an origin: not counted apart
    assert [letter["origin"] for letter in page["letters"]] == ["feed", "releases"]
    assert cli("dlq", "list") == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "6 dead letters (feed 2, releases 1, file 1, http 1, notifier 1), newest first"


@pytest.mark.parametrize("args", [["dlq", "list", "--stream", "relases"],
                                  ["dlq", "list", "--stream", "releases", "--stream", "nope:x"],
                                  ["dlq", "replay", "--all", "--stream", "outbox"],
                                  ["dlq", "drop", "--all", "--yes", "--stream", "Notifier"]],
                         ids=["list", "one-of-two", "replay", "drop"])
def test_a_stream_name_that_is_no_origin_is_a_usage_error_naming_the_known_ones(cli, settings, client, args, capsys):
    dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "bad release")
    assert cli(*args) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"error: --stream {args[-1]!r}: no dead letters come from there; known: releases, ")
    assert "notifier, file, http, feed" in err and out == ""
    assert client.xlen(settings.key(DEAD_LETTERS)) == 1


def test_an_empty_queue_says_so(cli, capsys):
    assert cli("dlq", "list") == 0
    assert capsys.readouterr().out == "no dead letters\n"


def test_show_gives_the_reason_and_the_original_event(cli, settings, capsys):
    letter = dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "unknown schema version 2 for pledgewatch.release.published")
    assert cli("dlq", "show", letter) == 0
    out = capsys.readouterr().out
    assert f"stream:     {settings.prefix}releases\n" in out
    assert "group:      classifier (deliveries: 4)\n" in out
    assert "reason:     unknown schema version 2 for pledgewatch.release.published\n" in out
    assert "replayable: yes\n" in out
    assert f'payload:\n  {EVENT_FIELD}:\n    {{\n      "specversion": "1.0",\n' in out
    assert cli("dlq", "show", "1-1") == 1
    assert capsys.readouterr().err == "error: 1-1: no such dead letter\n"


def test_replay_puts_the_original_entry_back_for_its_group_and_removes_the_letter(cli, settings, client, capsys):
    fields = {EVENT_FIELD: EVENT, "raw": b"\xff\xfe not utf-8"}
    letter = dead_letter_entry(settings, fields, "gave up after 3 deliveries")
    key = settings.key(RELEASES)

    assert cli("dlq", "replay", letter) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"replayed {letter} onto {key} as ")
    [(_, [(new_id, again)])] = client.xreadgroup(CLASSIFIER_GROUP, "c2", {key: ">"})
    assert out.strip().endswith(new_id.decode())
    assert again == {k.encode(): v for k, v in fields.items()}  # byte for byte, non-UTF-8 value included
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0

    assert cli("dlq", "replay", letter) == 1
    assert capsys.readouterr().err == f"error: {letter}: no such dead letter\n"


def test_a_letter_with_no_entry_to_republish_is_kept_with_one_line(cli, settings, client, capsys):
    letter = dead_letter_file(settings, "/in/2020-01-01-empty.txt", "/in/2020-01-01-empty.txt: empty file")
    assert cli("dlq", "replay", letter) == 1
    err = capsys.readouterr().err
    assert err == (f"kept {letter}: cannot be replayed: a refused release file (/in/2020-01-01-empty.txt): "
                   "fix it (a watched folder reads it again, else run `pledgewatch ingest` on it), then drop this "
                   "letter (`pledgewatch dlq drop ID`)\n")
    assert client.xlen(settings.key(DEAD_LETTERS)) == 1


def test_replay_all_of_one_stream_leaves_the_others(cli, settings, client, capsys):
    dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "bad release")
    other = dead_letter_entry(settings, {EVENT_FIELD: b"{}"}, "bad classified", stream="classified")
    assert cli("dlq", "replay", "--all", "--stream", "releases") == 0
    assert letters_replayed(capsys.readouterr().out) == 1
    assert [i.decode() for i, _ in client.xrange(settings.key(DEAD_LETTERS))] == [other]


def test_a_letter_whose_stream_is_gone_is_kept(cli, settings, client, capsys):
    letter = dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "bad release")
    client.delete(settings.key(RELEASES))
    assert cli("dlq", "replay", letter) == 1
    assert f"stream {settings.key(RELEASES)} no longer exists" in capsys.readouterr().err
    assert client.xlen(settings.key(DEAD_LETTERS)) == 1 and not client.exists(settings.key(RELEASES))


def test_two_replays_of_one_letter_at_once_publish_it_once(settings, client):
    letters = [dead_letter_entry(settings, {EVENT_FIELD: EVENT}, f"bad {i}") for i in range(20)]
    before = client.xlen(settings.key(RELEASES))

    async def race(streams):
        queue = DeadLetterQueue(streams.client, streams.key(DEAD_LETTERS))
        return await asyncio.gather(*(queue.replay(letter) for letter in letters for _ in range(2)))

    results = with_streams(settings, race)
    assert sum(r.new_id is not None for r in results) == 20
    assert client.xlen(settings.key(RELEASES)) == before + 20
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0


def test_drop_asks_and_refuses_without_a_terminal(cli, settings, client, capsys):
    first = dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "bad release")
    dead_letter_file(settings, "/in/x.txt", "empty file")
    env = _process_env(settings)
    refused = subprocess.run([sys.executable, "-m", "pledgewatch.cli", "dlq", "drop", first], stdin=subprocess.PIPE,
                             capture_output=True, text=True, env=env, timeout=60)
    assert refused.returncode == 2
    assert refused.stderr == ("error: dropping dead letters needs confirmation: run it in a terminal, "
                              "or pass --yes\n")
    assert client.xlen(settings.key(DEAD_LETTERS)) == 2

    assert cli("dlq", "drop", first, "--yes") == 0
    assert capsys.readouterr().out == "dropped 1 of 1 dead letter\n"
    assert cli("dlq", "drop", "--all", "--yes") == 0
    assert capsys.readouterr().out == "dropped 1 of 1 dead letter\n"
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0
    # one already gone is named (before: "dropped 0 of 1 dead letter", exit 1, and no word of which)
    assert cli("dlq", "drop", first, "--yes") == 1
    assert capsys.readouterr() == ("dropped 0 of 1 dead letter\n",
                                   f"error: {first}: no such dead letter (replayed or dropped already)\n")


def _process_env(settings):
    """The environment of a ``pledgewatch`` process against the test's Redis and key prefix."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    return env | {"REDIS_URL": settings.redis_url, "PLEDGEWATCH_PREFIX": settings.prefix}


def _in_a_terminal(args, answer, env):
    """Run ``pledgewatch ARGS`` with a pseudo-terminal as its stdin, answering ``answer`` to its question."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", *args], stdin=follower,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        os.write(leader, answer.encode() + b"\n")
        out, err = process.communicate(timeout=60)
    finally:
        os.close(leader)
        os.close(follower)
    return process.returncode, out, err


@pytest.mark.parametrize("answer, dropped", [("y", True), ("n", False), ("", False)], ids=["yes", "no", "enter"])
def test_drop_in_a_terminal_asks_and_drops_only_on_yes(settings, client, answer, dropped):
    letter = dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "bad release")
    env = _process_env(settings)
    code, out, err = _in_a_terminal(["dlq", "drop", letter], answer, env)
    assert err.startswith("Drop 1 dead letter for good? [y/N] ")
    assert (code, out) == ((0, "dropped 1 of 1 dead letter\n") if dropped else (1, ""))
    assert client.xlen(settings.key(DEAD_LETTERS)) == (0 if dropped else 1)


@pytest.mark.parametrize("chosen", [["LETTER"], ["--all"]], ids=["by-id", "all"])
def test_ctrl_c_at_the_question_stops_the_drop_and_keeps_the_letter(settings, client, chosen):
    """Before: the question was read inside the command's event loop, whose handler of SIGINT only cancels its
    task: Ctrl+C left ``Drop 1 dead letter for good? [y/N] ^C`` waiting for an answer."""
    letter = dead_letter_entry(settings, {EVENT_FIELD: EVENT}, "bad release")
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", "dlq", "drop",
                                    *(letter if arg == "LETTER" else arg for arg in chosen)], stdin=follower,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_process_env(settings))
        asked = b""
        while b"[y/N] " not in asked:
            chunk = os.read(process.stderr.fileno(), 1024)
            assert chunk, asked
            asked += chunk
        process.send_signal(signal.SIGINT)  # what a terminal sends its foreground process on Ctrl+C
        try:
            out, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            pytest.fail("Ctrl+C at the question did not stop `pledgewatch dlq drop`")
    finally:
        os.close(leader)
        os.close(follower)
    assert (process.returncode, out) == (130, b"")
    assert client.xlen(settings.key(DEAD_LETTERS)) == 1


@pytest.mark.parametrize("args", [["dlq", "replay"], ["dlq", "replay", "1-1", "--all"],
                                  ["dlq", "drop", "1-1", "--stream", "releases", "--yes"]],
                         ids=["neither", "both", "stream-with-ids"])
def test_choosing_letters_two_ways_or_none_is_a_usage_error(cli, args, capsys):
    assert cli(*args) == 2
    assert capsys.readouterr().err.startswith("error: ")


@pytest.mark.parametrize("args", [["dlq", "show", "garbage"], ["dlq", "replay", "1-1", "x"],
                                  ["dlq", "drop", "12-a", "--yes"]], ids=["show", "replay", "drop"])
def test_an_id_that_is_no_dead_letter_id_is_a_usage_error(cli, args, capsys):
    """Before: Redis's "Invalid stream ID" came back as an unexpected error, exit 1, asking for a report."""
    assert cli(*args) == 2
    err = capsys.readouterr().err
    assert "not a dead letter id (like 1796426709596-0; `pledgewatch dlq list` shows them)" in err
    assert "unexpected" not in err


@pytest.mark.parametrize("limit", ["abc", "0", "-3"])
def test_a_limit_that_is_no_positive_whole_number_says_so(cli, limit, capsys):
    """Before: ``--limit abc`` said "invalid _positive value", the name of a function of ours."""
    assert cli("dlq", "list", "--limit", limit) == 2
    err = capsys.readouterr().err
    assert f"--limit: {limit!r}: not a whole number of 1 or more" in err and "_positive" not in err


def dead_letters_of_two_groups(settings, fields):
    """One entry of ``classified`` given up on by both groups that read it: two letters of one entry."""
    async def work(streams):
        key = streams.key(CLASSIFIED)
        for group in (LEDGER_GROUP, NOTIFIER_GROUP):
            await streams.ensure_group(key, group)
        await streams.client.xadd(key, fields)
        for group in (LEDGER_GROUP, NOTIFIER_GROUP):
            [(_, [(entry_id, read)])] = await streams.client.xreadgroup(group, "c1", {key: ">"}, count=1)
            await streams.dead_letter(Entry(key, group, entry_id.decode(), read), f"{group} gave up", deliveries=6)
        return [i.decode() for i, _ in await streams.client.xrange(streams.key(DEAD_LETTERS))]
    return with_streams(settings, work)


@pytest.mark.parametrize("how", [["--all"], ["IDS"]])
def test_the_letters_every_group_left_of_one_entry_put_it_back_once(cli, settings, client, capsys, how):
    """Before: each group's letter put the entry back, so every group read it twice and, failing again, left
    four letters where there had been two (each round of replays doubled them)."""
    fields = {EVENT_FIELD: b'{"bad": 1}'}
    first, second = dead_letters_of_two_groups(settings, fields)
    key = settings.key(CLASSIFIED)
    before = client.xlen(key)

    args = [second, first] if how == ["IDS"] else how
    assert cli("dlq", "replay", *args) == 0
    out = capsys.readouterr().out.splitlines()
    assert client.xlen(key) == before + 1
    [(new_id, again)] = client.xrevrange(key, count=1)
    assert again == {EVENT_FIELD.encode(): b'{"bad": 1}'}
    assert client.xlen(settings.key(DEAD_LETTERS)) == 0
    assert out[0] == f"replayed {second} onto {key} as {new_id.decode()}"
    assert out[1] == (f"replayed {first} with {second}: the same entry of {key}, put back once for every group "
                      f"as {new_id.decode()}")


def test_a_refused_files_letter_says_when_the_file_was_read_fine_since(cli, settings, client, capsys, tmp_path):
    """Before: `dlq show` said "fix it" of a file fixed and published since, as of one still refused."""
    fixed, broken = tmp_path / "2020-01-01-fixed.txt", tmp_path / "2020-01-01-broken.txt"
    fixed.write_text("")
    broken.write_text("")
    assert cli("ingest", str(fixed), str(broken)) == 1
    [broken_letter, fixed_letter] = [i.decode() for i, _ in client.xrevrange(settings.key(DEAD_LETTERS))]
    fixed.write_text("Plan\nThe UK will invest £5m.\n")
    assert cli("ingest", str(fixed)) == 0
    capsys.readouterr()

    assert cli("dlq", "show", fixed_letter) == 0
    assert (f"replayable: no, a refused release file ({fixed}), read fine since (published after this letter): "
            "nothing to fix; drop this letter (`pledgewatch dlq drop ID`)") in capsys.readouterr().out
    assert cli("dlq", "show", broken_letter) == 0
    assert f"replayable: no, a refused release file ({broken}): fix it" in capsys.readouterr().out

    assert cli("dlq", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    [fixed_line] = [line for line in lines if fixed_letter in line]
    [broken_line] = [line for line in lines if broken_letter in line]
    assert f"  {fixed}  (read fine since) {fixed}: empty file" in fixed_line
    assert "read fine since" not in broken_line

    assert cli("dlq", "list", "--json") == 0
    letters = {letter["id"]: letter for letter in json.loads(capsys.readouterr().out)["letters"]}
    assert letters[fixed_letter]["read_fine_since"] is True and letters[broken_letter]["read_fine_since"] is False
    assert "read fine since" in letters[fixed_letter]["not_replayable"]

    fixed.write_text("")  # broken again: its letters are to fix once more
    assert cli("ingest", str(fixed)) == 1
    capsys.readouterr()
    assert cli("dlq", "show", fixed_letter) == 0
    assert f"replayable: no, a refused release file ({fixed}): fix it" in capsys.readouterr().out


def test_replaying_a_letter_of_a_file_read_fine_since_says_to_drop_it(cli, settings, client, capsys, tmp_path):
    """Before: `kept ID: cannot be replayed: … fix it …` of a file fixed and published since."""
    fixed = tmp_path / "2020-01-01-fixed.txt"
    fixed.write_text("")
    assert cli("ingest", str(fixed)) == 1
    [letter] = [i.decode() for i, _ in client.xrange(settings.key(DEAD_LETTERS))]
    fixed.write_text("Plan\nThe UK will invest £5m.\n")
    assert cli("ingest", str(fixed)) == 0
    capsys.readouterr()

    for args in (["dlq", "replay", letter], ["dlq", "replay", "--all"]):
        assert cli(*args) == 1
        assert capsys.readouterr().err.startswith(
            f"kept {letter}: cannot be replayed: a refused release file ({fixed}), read fine since (published after "
            "this letter): nothing to fix; drop this letter")


def test_status_says_of_a_refused_files_letter_that_the_file_was_read_fine_since(cli, settings, client, capsys,
                                                                                 tmp_path):
    """Before: `dlq list` said "(read fine since)" of the letter of a file published since, and `status`, showing
    the same letter among the newest, did not: it read as a file still to fix."""
    fixed, broken = tmp_path / "2020-01-01-fixed.txt", tmp_path / "2020-01-01-broken.txt"
    fixed.write_text("")
    broken.write_text("")
    assert cli("ingest", str(fixed), str(broken)) == 1
    fixed.write_text("Plan\nThe UK will invest £5m.\n")
    assert cli("ingest", str(fixed)) == 0
    capsys.readouterr()

    assert cli("status") == 0
    out = capsys.readouterr().out
    assert f"  {fixed}  (read fine since) {fixed}: empty file\n" in out
    assert f"  {broken}  {broken}: empty file\n" in out
