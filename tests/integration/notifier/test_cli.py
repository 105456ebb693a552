"""``pledgewatch subscriptions …`` against a running notifier API."""

import asyncio
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifier_harness import subscriptions_cli
from pledgewatch import subscriptions_cli as subscriptions_cli_module

pytestmark = pytest.mark.integration


async def test_cli_adds_lists_pauses_and_deletes(notifier, write_yaml, capsys, monkeypatch, settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    path = write_yaml('id: desk\nchannels: [{webhook: {url: "https://x.example/h", secret: k}}]\n', "one.yaml")
    bad = write_yaml("id: desk2\nchannels: [{webhook: {url: 'ftp://x'}}]\n", "bad.yaml")
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    assert await run("add", str(path)) == 0
    assert await run("add", str(bad)) == 1
    # before: "error: channels.0.url: …", naming neither the file nor the subscription
    assert f"error: {bad}: subscription ('desk2'): channels.0.url: only http and https URLs are allowed, not ftp://" \
        in capsys.readouterr().err
    assert await run("pause", "desk", "--until", "2030-01-01T00:00:00Z") == 0
    capsys.readouterr()
    assert await run("list") == 0
    assert capsys.readouterr().out == ("console\tapi\timmediate\tconsole\n"
                                       "desk\tapi\timmediate\twebhook paused until 2030-01-01T00:00:00Z\n")
    # before: a date alone was refused ("not a time with a zone"); it is the start of that day, UTC
    assert await run("pause", "desk", "--until", "2031-02-01") == 0
    assert "paused_until: '2031-02-01T00:00:00Z'" in capsys.readouterr().out
    assert await run("delete", "desk") == 0
    assert await run("show", "desk") == 1
    # before: the line stopped at the id, saying nothing of where the ids are found
    assert capsys.readouterr().err == \
        "error: id: no subscription 'desk' (`pledgewatch subscriptions list` names every subscription)\n"


async def test_cli_without_the_token_says_where_it_is_looked_for(notifier, write_yaml, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("PLEDGEWATCH_API_TOKEN", raising=False)
    monkeypatch.delenv("PLEDGEWATCH_API_TOKEN_FILE", raising=False)
    monkeypatch.setenv("PLEDGEWATCH_HOME", str(tmp_path / "elsewhere"))
    n = await notifier(http=True)
    path = write_yaml('id: desk\nchannels: [{webhook: {url: "https://x.example/h", secret: k}}]\n', "one.yaml")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "add", str(path)]) == 1
    err = capsys.readouterr().err
    assert "error: the notifier refused the API token: POST needs an API token" in err
    assert "PLEDGEWATCH_API_TOKEN or PLEDGEWATCH_API_TOKEN_FILE" in err


async def test_cli_never_sends_a_local_runs_token_to_a_url_given_by_hand(notifier, write_yaml, capsys, monkeypatch,
                                                                          tmp_path, settings):
    monkeypatch.delenv("PLEDGEWATCH_API_TOKEN", raising=False)
    monkeypatch.delenv("PLEDGEWATCH_API_TOKEN_FILE", raising=False)
    monkeypatch.setenv("PLEDGEWATCH_HOME", str(tmp_path / "local"))
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "api-token").write_text(settings.api_token_value + "\n")
    n = await notifier(http=True)
    path = write_yaml('id: desk\nchannels: [{webhook: {url: "https://x.example/h", secret: k}}]\n', "one.yaml")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "add", str(path)]) == 1
    assert "POST needs an API token" in capsys.readouterr().err


async def test_adding_an_existing_id_names_the_flag_that_replaces_it(notifier, write_yaml, capsys, monkeypatch,
                                                                     settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    path = write_yaml('id: desk\nchannels: [console]\n', "one.yaml")
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    assert await run("add", str(path)) == 0
    capsys.readouterr()
    assert await run("add", str(path)) == 1
    assert capsys.readouterr().err == \
        f"error: {path}: subscription ('desk'): id: 'desk' already exists; add --replace to replace it\n"
    assert await run("add", "--replace", str(path)) == 0


@pytest.mark.parametrize("until, message", [
    pytest.param("2020-01-01T00:00:00Z", "error: --until 2020-01-01T00:00:00Z: the pause would end in the past",
                 id="past"),
    pytest.param("2030-01-01T09:00", "error: --until 2030-01-01T09:00: not a date or a time with a zone (e.g. "
                 "2026-02-01, from 00:00 UTC, or 2026-02-01T09:00:00Z)", id="no-zone"),
    pytest.param("2020-01-01", "error: --until 2020-01-01: the pause would end in the past", id="past-date"),
], )
def test_a_pause_that_cannot_hold_is_refused_before_the_api_is_asked(until, message, capsys):
    assert subscriptions_cli(["subscriptions", "--url", "http://127.0.0.1:9", "pause", "desk", "--until", until]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


async def test_update_takes_the_fields_or_the_file_add_takes(notifier, write_yaml, capsys, monkeypatch, settings):
    """Before: `update ID FILE` refused the `subscriptions:` file that `add` takes ("subscriptions: unknown
    field"), so editing the file you added from and updating with it failed."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    listed = write_yaml('subscriptions:\n  - {id: desk, channels: [console]}\n  - {id: other, channels: [console]}\n',
                        "subs.yaml")
    assert await run("add", str(listed)) == 0
    edited = write_yaml('subscriptions:\n  - {id: desk, channels: [console], mode: digest}\n', "edited.yaml")
    assert await run("update", "desk", str(edited)) == 0
    assert await run("update", "desk", str(write_yaml("digest_at: '07:30'\n", "fields.yaml"))) == 0
    capsys.readouterr()
    assert await run("show", "desk") == 0
    shown = capsys.readouterr().out
    assert "mode: digest" in shown and "07:30" in shown
    assert await run("update", "nobody", str(edited)) == 2
    assert f"error: {edited}: lists no subscription 'nobody'" in capsys.readouterr().err


async def test_an_id_that_is_no_subscription_id_is_refused_and_never_reaches_another(notifier, write_yaml, capsys,
                                                                                      monkeypatch, settings):
    """Before: the id went into the URL as it was, so ``delete 'victim?oops'`` deleted ``victim`` (the rest a
    query), ``'victim#x'`` the same, and ``show ünï`` failed with an unexpected UnicodeEncodeError."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "add",
                                                       str(write_yaml("id: victim\nchannels: [console]\n"))]) == 0
    capsys.readouterr()
    for command in (["delete", "victim?oops"], ["delete", "victim#x"], ["pause", "victim/..", "--until", "2030-01-01T00:00:00Z"],
                    ["show", "ünï"], ["test", "é"], ["resume", "a b"]):
        assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *command]) == 2, command
        err = capsys.readouterr().err
        assert err.startswith(f"error: {command[1]!r} is no subscription id: ") and err.count("\n") == 1, err
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "show", "victim"]) == 0


@pytest.mark.parametrize("url", ["notaurl", "ftp://127.0.0.1:9", "http://"])
def test_a_url_that_is_no_http_address_is_a_usage_error(url, capsys):
    """Before: ``--url notaurl`` failed with "unexpected ValueError: unknown url type"."""
    assert subscriptions_cli(["subscriptions", "--url", url, "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --url {url}: not an http(s) address of the notifier API") and err.count("\n") == 1


def test_a_pause_that_has_ended_is_not_listed_as_paused():
    """Before: ``list`` still showed "paused until" a time gone by, while the subscription was active again."""
    from datetime import datetime, timezone

    from pledgewatch.subscriptions_cli import list_line

    sub = {"id": "desk", "origin": "api", "mode": "immediate", "channels": ["console"],
           "paused_until": "2026-12-05T02:16:00Z"}
    assert list_line(sub, now=datetime(2026, 12, 5, 2, 22, tzinfo=timezone.utc)) == "desk\tapi\timmediate\tconsole"
    assert list_line(sub, now=datetime(2026, 12, 5, 2, 10, tzinfo=timezone.utc)) == \
        "desk\tapi\timmediate\tconsole paused until 2026-12-05T02:16:00Z"


async def test_adding_an_id_the_subscriptions_file_defines_says_to_edit_the_file(notifier, write_yaml, capsys,
                                                                                monkeypatch, settings):
    """Before: "add --replace to replace it", and --replace then failed: the file's ids are the file's to change."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    subscriptions = write_yaml("subscriptions: [{id: from-file, channels: [console]}]")
    n = await notifier(http=True, subscriptions=subscriptions)
    path = write_yaml("id: from-file\nchannels: [console]\n", "one.yaml")
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    for replace in ([], ["--replace"]):
        assert await run("add", *replace, str(path)) == 1
        assert capsys.readouterr().err == \
            f"error: {path}: subscription ('from-file'): id: {FROM_FILE.format(file=subscriptions)}\n", replace


FROM_FILE = ("'from-file' is defined in the subscriptions file {file}: change or remove it there (a running "
             "pledgewatch reads the file again once it is saved, no restart)")


async def test_deleting_a_subscription_of_the_file_names_the_file_and_how_to_remove_it(
        notifier, write_yaml, capsys, monkeypatch, settings):
    """Before: "id: 'from-file' is defined in the subscriptions file; edit the file", naming no file."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    subscriptions = write_yaml("subscriptions: [{id: from-file, channels: [console]}]")
    n = await notifier(http=True, subscriptions=subscriptions)
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "delete", "from-file"]) == 1
    assert capsys.readouterr().err == f"error: id: {FROM_FILE.format(file=subscriptions)}\n"


async def test_adding_a_file_of_several_names_each_entry_that_failed(notifier, write_yaml, capsys, monkeypatch,
                                                                     settings):
    """Before: "error: channels.0: unknown channel type…; mode: Input should be…", naming neither the file nor
    which of its subscriptions were left out while the others were added."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    path = write_yaml("subscriptions:\n  - {id: good, channels: [console]}\n  - {id: typo, channels: [consolee]}\n"
                      "  - {id: weekly, channels: [console], mode: weekly}\n", "subs.yaml")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "add", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"added good\nerror: {path}: subscriptions.1 ('typo') not added: channels.0: unknown channel type; expected one of "
        "console, webhook, email, apprise; subscriptions.2 ('weekly') not added: mode: Input should be 'immediate' "
        "or 'digest'\n")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "show", "good"]) == 0


async def test_adding_a_file_of_one_that_fails_names_the_file_and_the_entry_as_validate_does(
        notifier, write_yaml, capsys, monkeypatch, settings):
    """Before: "error: channels.0: unknown channel type; …", naming neither the file nor the subscription."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    path = write_yaml("subscriptions:\n  - {id: typo, channels: [consolee]}\n", "subs.yaml")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "add", str(path)]) == 1
    added = capsys.readouterr().err
    assert added == (f"error: {path}: subscriptions.0 ('typo'): channels.0: unknown channel type; expected one of "
                     "console, webhook, email, apprise\n")
    assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 1
    assert capsys.readouterr().err.startswith(added.rstrip("\n") + " (fix the file)")


@pytest.mark.parametrize("text, message", [
    pytest.param("subscriptions:\n", "no subscription in it", id="empty-list"),
    pytest.param("", "no subscription in it", id="empty-file"),
    pytest.param("subscriptions: {id: desk, channels: [console]}\n", "subscriptions: expected a list", id="mapping"),
    pytest.param("subscriptions: 5\n", "subscriptions: expected a list", id="number"),
    pytest.param("subscriptions: {}\n", "subscriptions: expected a list", id="empty-mapping"),
    pytest.param("subscriptions: 0\n", "subscriptions: expected a list", id="zero"),
])
def test_a_file_add_cannot_take_is_refused_naming_it_before_the_api_is_asked(text, message, write_yaml, capsys):
    """Before: "unexpected TypeError: 'NoneType' object is not iterable", each key of a mapping posted as a
    subscription ("subscription: expected a mapping"), and an empty file posted as "body: not JSON"."""
    path = write_yaml(text, "subs.yaml")
    assert subscriptions_cli(["subscriptions", "--url", "http://127.0.0.1:9", "add", str(path)]) == 1
    assert capsys.readouterr().err == f"error: {path}: {message} (fix the file)\n"


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("", "no fields in it to change", id="empty-file"),
    pytest.param("subscriptions:\n", "no subscription in it", id="empty-list"),
    pytest.param("subscriptions: 5\n", "subscriptions: expected a list", id="number"),
    pytest.param("subscriptions: {id: desk}\n", "subscriptions: expected a list", id="mapping"),
    pytest.param("- mode: digest\n", "expected the fields to change (a mapping)", id="list"),
    pytest.param("digest\n", "expected the fields to change (a mapping)", id="word"),
])
def test_a_file_update_cannot_take_is_refused_naming_it_before_the_api_is_asked(text, message, write_yaml, capsys):
    """Before: the empty file as "error: body: not JSON: EOF while parsing a value at line 1 column 0", and
    ``subscriptions:`` alone sent as {"subscriptions": null}, answered with the API's error."""
    path = write_yaml(text, "fields.yaml")
    assert subscriptions_cli(["subscriptions", "--url", "http://127.0.0.1:9", "update", "desk", str(path)]) == 1
    assert capsys.readouterr().err == f"error: {path}: {message} (fix the file)\n"


async def test_add_reads_a_file_saved_with_a_byte_order_mark_and_names_the_byte_of_one_not_text(
        notifier, write_yaml, capsys, monkeypatch, settings, tmp_path):
    """Before: a UTF-16 file was "cannot read it as UTF-8 text (UnicodeDecodeError)", naming no byte."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    marked, latin = tmp_path / "marked.yaml", tmp_path / "latin.yaml"
    marked.write_bytes("id: desk  # désk\nchannels: [console]\n".encode("utf-16"))
    latin.write_bytes("id: desk  # désk\nchannels: [console]\n".encode("latin-1"))
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    assert await run("add", str(marked)) == 0
    assert await run("add", str(latin)) == 1
    assert f"error: {latin}: not a text file: not UTF-8 (byte 13: b'\\xe9')" in capsys.readouterr().err


async def test_add_reads_standard_input_by_its_byte_order_mark_as_it_reads_a_file(
        notifier, capsys, monkeypatch, settings):
    """Before: ``add -`` read standard input as UTF-8 text, so the file read by its name was refused when piped:
    "-: cannot read it as UTF-8 text (UnicodeDecodeError)"."""
    import io
    import sys

    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    given = io.TextIOWrapper(io.BytesIO("id: desk  # désk\nchannels: [console]\n".encode("utf-16")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", given)
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "add", "-"]) == 0, \
        capsys.readouterr().err


@pytest.mark.parametrize(("text", "said"), [
    pytest.param("subscriptions:\n  - {id: desk, channels: [console]}\n  - {id: wire, channels: [console]}\n",
                 "2 valid subscription(s): desk, wire", id="two"),
    # before: "0 valid subscription(s): ", a list begun and left empty
    pytest.param("", "valid, no subscription in it", id="empty"),
    pytest.param("subscriptions: []\n", "valid, no subscription in it", id="none"),
])
def test_validate_says_what_a_valid_file_holds(write_yaml, capsys, text, said):
    path = write_yaml(text, "subs.yaml")
    assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: {said}\n"


def test_validate_takes_the_file_of_one_subscription_add_takes(write_yaml, capsys):
    """Before: "expected a mapping with one key, 'subscriptions'" of a file `subscriptions add` takes."""
    path = write_yaml("id: single2\nchannels: [{console: {}}]\n", "one.yaml")
    assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 0, capsys.readouterr().err
    # the note that `pledgewatch run --subscriptions` took only the list is gone with the difference
    assert capsys.readouterr().out == f"{path}: 1 valid subscription(s): single2\n"
    typo = write_yaml("id: typo\nchannels: [consolee]\n", "typo.yaml")
    assert subscriptions_cli(["subscriptions", "validate", str(typo)]) == 1
    assert capsys.readouterr().err == (f"error: {typo}: subscription ('typo'): channels.0: unknown channel type; "
                                       "expected one of console, webhook, email, apprise (fix the file)\n")


def test_validate_warns_of_a_webhook_every_send_would_refuse(write_yaml, capsys, monkeypatch):
    """Before: `1 valid subscription(s): desk` alone, and a run in the same environment then dead-lettered
    every alert to the webhook on this machine."""
    path = write_yaml('id: desk\nchannels: [{webhook: {url: "http://127.0.0.1:9911/hook"}}]\n', "subs.yaml")
    monkeypatch.delenv("PLEDGEWATCH_ALLOW_PRIVATE_TARGETS", raising=False)
    assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 0
    said = capsys.readouterr()
    assert said.out == f"{path}: 1 valid subscription(s): desk\n"
    assert said.err == (f"warning: {path}: subscription 'desk': channels.0.url: refused: 127.0.0.1 is a loopback "
                        "address; outbound requests go only to public addresses unless "
                        "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS allows it\n")
    monkeypatch.setenv("PLEDGEWATCH_ALLOW_PRIVATE_TARGETS", "127.0.0.0/8")
    assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 0
    assert capsys.readouterr().err == ""


async def test_listing_no_subscriptions_says_so_on_stderr_and_keeps_stdout_empty(notifier, capsys, monkeypatch,
                                                                                  settings):
    """Before: nothing at all, as if the command had not reached the notifier."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    assert await run("delete", "console") == 0
    capsys.readouterr()
    assert await run("list") == 0
    said = capsys.readouterr()
    assert said.out == ""  # what scripts read stays one subscription a line
    assert said.err == "no subscriptions: nothing will be sent (add one with `pledgewatch subscriptions add FILE`)\n"


def _every_reader(path) -> dict[str, str]:
    """What each reader of a subscriptions file says of ``path``: ``add``, ``validate`` and ``backtest`` (their
    stderr, no API being reached) and the file store of ``pledgewatch run --subscriptions`` (its one line, or the
    ids it took)."""
    import contextlib
    import io

    from pledgewatch.subscriptions_cli import subscriptions_file_error
    from services.notifier.store import FileSubscriptions
    from services.notifier.subscriptions import SubscriptionError

    said = {}
    for command in ("add", "validate", "backtest"):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = subscriptions_cli(["subscriptions", "--url", "http://127.0.0.1:9", command, str(path)])
        said[command] = f"{code} {err.getvalue()}"
    try:
        said["run"] = " ".join(s.id for s in FileSubscriptions(path).current())
    except SubscriptionError as exc:
        said["run"] = str(subscriptions_file_error(path, exc))
    return said


RUN_HINT = "(fix it, then check it with `pledgewatch subscriptions validate FILE`)"


@pytest.mark.parametrize(("text", "message"), [
    # before: add sent each entry (or the list) to the API, validate and run refused "file: expected a mapping
    # with one key, 'subscriptions'", and a duplicate YAML key was read as its last value by all of them
    pytest.param("- {id: desk, channels: [console]}\n", "a list at the top: put it under 'subscriptions:'",
                 id="top-level-list"),
    pytest.param("subscriptions:\n  - {id: desk, channels: [console]}\nversion: 2\n",
                 "version: unknown key beside 'subscriptions:', which a file holds alone", id="extra-key"),
    pytest.param("desk\n", "expected 'subscriptions:' and a list, or one subscription's fields; found a string",
                 id="scalar"),
    pytest.param("5\n", "expected 'subscriptions:' and a list, or one subscription's fields; found a number",
                 id="number"),
    pytest.param("subscriptions:\n  - desk\n  - 5\n",
                 "subscriptions.0: expected a mapping; subscriptions.1: expected a mapping", id="not-mappings"),
    pytest.param("subscriptions:\n  - {id: desk, channels: [console]}\n  - {id: desk, channels: [console]}\n",
                 "subscriptions.1 ('desk'): id: duplicate id 'desk' (subscriptions.0 has it too)", id="duplicate-ids"),
    pytest.param("subscriptions: {id: desk, channels: [console]}\n", "subscriptions: expected a list", id="mapping"),
    pytest.param("id: desk\nchannels: [console]\nsubscriptions: []\n",
                 "id: unknown key beside 'subscriptions:', which a file holds alone; channels: unknown key beside "
                 "'subscriptions:', which a file holds alone", id="one-and-a-list"),
])
def test_every_reader_refuses_a_file_of_another_shape_with_one_line(text, message, write_yaml):
    path = write_yaml(text, "subs.yaml")
    said = _every_reader(path)
    assert said == {"add": f"1 error: {path}: {message} (fix the file)\n",
                    "validate": f"1 error: {path}: {message} (fix the file)\n",
                    "backtest": f"1 error: {path}: {message} (fix the file)\n",
                    "run": f"{path}: {message} {RUN_HINT}"}


@pytest.mark.parametrize("text, line, key, first", [
    pytest.param("subscriptions:\n  - {id: desk, channels: [console]}\nsubscriptions:\n  - {id: wire, channels: [console]}\n",
                 3, "subscriptions", 1, id="top"),
    pytest.param("subscriptions:\n  - id: desk\n    channels: [console]\n    id: wire\n", 4, "id", 2, id="entry"),
    pytest.param("id: desk\nchannels: [console]\nid: wire\n", 3, "id", 1, id="one"),
])
def test_every_reader_refuses_a_key_given_twice_naming_its_line(text, line, key, first, write_yaml):
    """Before: read as its last value (`wire`) by every reader, the first one dropped without a word."""
    path = write_yaml(text, "subs.yaml")
    message = f"{path}:{line}: not valid YAML: key '{key}' given twice (first on line {first})"
    assert _every_reader(path) == {"add": f"1 error: {message} (fix the file)\n",
                                   "validate": f"1 error: {message} (fix the file)\n",
                                   "backtest": f"1 error: {message} (fix the file)\n",
                                   "run": f"{message} {RUN_HINT}"}


@pytest.mark.parametrize("text", [
    pytest.param("", id="empty"),
    pytest.param("# the desks' subscriptions\n# none yet\n", id="comments"),
    pytest.param("subscriptions:\n", id="no-list"),
    pytest.param("subscriptions: null\n", id="null"),
    pytest.param("subscriptions: []\n", id="empty-list"),
])
def test_a_file_of_no_subscription_is_valid_to_run_and_nothing_to_add_or_backtest(text, write_yaml):
    """Before: `backtest` printed nothing and succeeded."""
    path = write_yaml(text, "subs.yaml")
    assert _every_reader(path) == {"add": f"1 error: {path}: no subscription in it (fix the file)\n",
                                   "validate": "0 ",
                                   "backtest": f"1 error: {path}: no subscription in it (fix the file)\n",
                                   "run": ""}


def test_a_file_of_one_subscription_is_taken_by_every_reader(write_yaml, capsys):
    """Before: `pledgewatch run --subscriptions` refused it ("file: expected a mapping with one key,
    'subscriptions'"), and `validate` said so; an empty mapping was taken by run as no subscription."""
    path = write_yaml("id: desk\nchannels: [console]\n", "one.yaml")
    assert _every_reader(path)["run"] == "desk"
    assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: 1 valid subscription(s): desk\n"
    empty = write_yaml("{}\n", "empty.yaml")
    said = _every_reader(empty)
    assert said["validate"] == f"1 error: {empty}: id: Field required; channels: Field required (fix the file)\n"
    assert said["run"] == f"{empty}: id: Field required; channels: Field required {RUN_HINT}"


@pytest.mark.parametrize("text", [
    pytest.param("channels: [console]\nmode: hourly\n", id="one-without-id"),
    pytest.param("{}\n", id="empty-mapping"),
    pytest.param("subscriptions:\n  - {channels: [consolee], mode: hourly}\n", id="entry-without-id"),
    pytest.param("subscriptions:\n  - {id: typo, channels: [consolee], mode: hourly}\n", id="entry-two-errors"),
])
async def test_adding_a_file_of_one_that_fails_says_what_validate_says_of_each_field(
        text, notifier, write_yaml, capsys, monkeypatch, settings):
    """Before: add named the entry once, before the first field only (`subscription: id: …; channels: …`,
    `subscriptions.0: channels.0: …`), where validate names each field (`id: …`, `subscriptions.0.channels.0: …`)."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    path = write_yaml(text, "subs.yaml")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "add", str(path)]) == 1
    added = capsys.readouterr().err
    assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 1
    assert capsys.readouterr().err == added.rstrip("\n") + " (fix the file)\n"


async def test_update_refuses_a_field_it_does_not_know_naming_it(notifier, write_yaml, capsys, monkeypatch, settings):
    """A misspelled field (``chanels:``) is refused with one line naming it, as ``add`` and ``validate`` refuse
    it, and nothing is changed: not ignored while the fields beside it are saved."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    assert await run("add", str(write_yaml("id: desk\nchannels: [console]\n", "one.yaml"))) == 0
    misspelled = write_yaml("mode: digest\nchanels: [{webhook: {url: 'https://x.example/h'}}]\n", "fields.yaml")
    capsys.readouterr()
    assert await run("update", "desk", str(misspelled)) == 1
    assert capsys.readouterr().err == "error: chanels: unknown field\n"
    assert await run("show", "desk") == 0
    shown = capsys.readouterr().out
    assert "mode: immediate" in shown and "webhook" not in shown
    listed = write_yaml("subscriptions:\n  - {id: desk, channels: [console], mdoe: digest}\n", "subs.yaml")
    assert await run("update", "desk", str(listed)) == 1
    assert capsys.readouterr().err == "error: mdoe: unknown field\n"


async def test_show_names_who_unsubscribed_and_resubscribe_undoes_it(notifier, write_yaml, capsys, monkeypatch,
                                                                     settings):
    """Before: `show` printed the channel's recipients as if all were mailed, and only the API could undo an
    unsubscribe (DELETE /subscriptions/{id}/unsubscribed/{address})."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    path = write_yaml("id: mail\nchannels: [{email: {to: [desk@example.org, ops@example.org]}}]\n", "mail.yaml")
    assert await run("add", str(path)) == 0
    capsys.readouterr()
    assert await run("show", "mail") == 0
    assert "unsubscribed" not in capsys.readouterr().out
    unsubscribed = n.service.unsubscribed
    assert await unsubscribed.add("mail", "Desk@example.org", await unsubscribed.generation("mail"))
    assert await run("show", "mail") == 0
    shown = capsys.readouterr().out
    assert "# unsubscribed by their email link, so not sent to: desk@example.org " \
           "(undo: `pledgewatch subscriptions resubscribe mail ADDRESS`)" in shown
    assert "ops@example.org" not in shown.splitlines()[-1]
    assert await run("resubscribe", "mail", "desk@example.org") == 0
    assert capsys.readouterr().out == "desk@example.org subscribed again to mail\n"
    assert await unsubscribed.of("mail") == set()
    assert await run("resubscribe", "mail", "desk@example.org") == 1
    assert capsys.readouterr().err == "error: address: 'desk@example.org' has not unsubscribed from 'mail'\n"
    assert await run("resubscribe", "nobody", "desk@example.org") == 1
    assert "no subscription 'nobody'" in capsys.readouterr().err



async def test_show_names_an_unsubscribed_domain_as_written_and_resubscribe_names_an_invisible_character(
        notifier, write_yaml, capsys, monkeypatch, settings):
    """The record keys the mailbox by its A-label; `show` printed it so (`jane@xn--bcher-kva.example`) beside a
    channel reading `jane@bücher.example`. An address holding U+200B was looked up and not found, unexplained."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    path = write_yaml("id: mail\nchannels: [{email: {to: [jane@b\u00fccher.example]}}]\n", "mail.yaml")
    assert await run("add", str(path)) == 0
    unsubscribed = n.service.unsubscribed
    assert await unsubscribed.add("mail", "jane@xn--bcher-kva.example", await unsubscribed.generation("mail"))
    capsys.readouterr()
    assert await run("show", "mail") == 0
    assert "so not sent to: jane@b\u00fccher.example (undo" in capsys.readouterr().out
    assert await run("resubscribe", "mail", "jane@b\u00fc\u200bcher.example") == 1
    assert "U+200B ZERO WIDTH SPACE" in capsys.readouterr().err
    assert await unsubscribed.of("mail") == {"jane@xn--bcher-kva.example"}

async def test_cli_add_locked_out_for_wrong_tokens_blames_the_token_not_the_file(notifier, write_yaml, capsys,
                                                                                 monkeypatch):
    n = await notifier(http=True)
    path = write_yaml("id: chat\nchannels: [console]\n", "one.yaml")
    several = write_yaml("subscriptions: [{id: a, channels: [console]}, {id: b, channels: [console]}]", "two.yaml")
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", "not-the-token-of-this-notifier")
    assert await run("add", str(path)) == 1
    # before: "error: authorization: the API token is not valid"
    assert capsys.readouterr().err.startswith(
        "error: the notifier refused the API token: the API token is not valid (the API token is sent from ")
    for _ in range(n.service.settings.wrong_token_limit):
        await run("delete", "chat")
    capsys.readouterr()
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", n.service.settings.api_token_value)
    for file in (path, several):
        assert await run("add", str(file)) == 1
        # before: "error: one.yaml: subscription ('chat'): authorization: too many wrong API tokens …"
        err = capsys.readouterr().err
        assert re.fullmatch(r"error: the notifier refused the API token: too many wrong API tokens from this "
                            r"address: try again in \d+ s\n", err), err


async def test_show_names_the_server_of_an_apprise_channel_and_none_of_its_tokens(notifier, write_yaml, capsys,
                                                                                   monkeypatch, settings):
    """Before: `json://***`, the host hidden too, so nobody could check which receiver a channel points at."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    path = write_yaml("id: desk\nchannels:\n"
                      "  - {apprise: 'json://user:s3cr3tpass@hooks.example.org:8080/in/t0kenSecret?key=k3ySecret'}\n"
                      "  - {apprise: 'slack://T0kenSecretA/B0kenSecretB/C0kenSecretC/#desk'}\n", "one.yaml")
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    assert await run("add", str(path)) == 0
    capsys.readouterr()
    assert await run("show", "desk") == 0
    shown = capsys.readouterr().out
    assert "json://***@hooks.example.org:8080/***" in shown and "slack://***" in shown
    for secret in ("s3cr3tpass", "t0kenSecret", "k3ySecret", "T0kenSecretA", "B0kenSecretB", "C0kenSecretC"):
        assert secret not in shown


async def test_list_and_validate_name_the_stored_subscription_a_files_overrides(notifier, write_yaml, capsys,
                                                                               monkeypatch, settings):
    """Before: a file's ``bio`` took the place of the ``bio`` added with `subscriptions add`, and neither `list`
    nor `validate` said so: the stored webhook silently got nothing."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    first = await notifier(http=True)
    added = write_yaml('id: bio\nchannels: [{webhook: {url: "https://x.example/bio"}}]\n', "bio.yaml")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", first.url, "add", str(added)]) == 0
    path = write_yaml("subscriptions:\n  - id: bio\n    channels: [console]\n", "subs.yaml")
    capsys.readouterr()
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", first.url, "validate",
                                                       str(path)]) == 0
    said = capsys.readouterr()
    assert said.out == f"{path}: 1 valid subscription(s): bio\n"
    assert said.err == (f"warning: {path}: 'bio' would override the stored subscription 'bio' (webhook "
                        "https://x.example/***), which then receives nothing (rename one of them to keep both)\n")

    second = await notifier(http=True, subscriptions=path)
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", second.url, "list"]) == 0
    said = capsys.readouterr()
    assert said.out == "bio\tfile\timmediate\tconsole\nconsole\tapi\timmediate\tconsole\n"
    assert said.err == ("warning: 'bio' of the subscriptions file overrides the stored subscription 'bio' (webhook "
                        "https://x.example/***), which receives nothing (rename one of them to keep both)\n")
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", second.url, "validate",
                                                       str(path)]) == 0
    assert "'bio' overrides the stored subscription 'bio' (webhook https://x.example/***)" in capsys.readouterr().err


async def test_a_change_is_confirmed_on_stderr_and_stdout_keeps_the_yaml(notifier, write_yaml, capsys, monkeypatch,
                                                                         settings):
    """Before: add, pause, resume and update printed the subscription's YAML alone: nothing said what was done."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    path = write_yaml('id: desk\nchannels: [console]\n', "one.yaml")
    fields = write_yaml('mode: digest\n', "fields.yaml")
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    for argv, line in ((("add", str(path)), "added desk"),
                       (("add", "--replace", str(path)), "replaced desk"),
                       (("pause", "desk", "--until", "2030-01-01"), "paused desk until 2030-01-01T00:00:00Z"),
                       (("resume", "desk"), "resumed desk"),
                       (("update", "desk", str(fields)), "updated desk")):
        assert await run(*argv) == 0
        said = capsys.readouterr()
        assert said.err == line + "\n", argv
        assert said.out.startswith("id: desk\n"), argv


class _NotJson(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<html>a proxy's page, not the notifier</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Silent(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.stop.wait(5)  # answers nothing while the client waits

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("handler", [_NotJson, _Silent], ids=["not-json", "no-answer"])
def test_validate_of_a_valid_file_is_valid_whatever_answers_at_the_notifiers_address(write_yaml, capsys,
                                                                                   monkeypatch, handler):
    """Before: a 200 that is not JSON ended `validate` with "error: unexpected JSONDecodeError", exit 1, and a
    read that timed out with "unexpected TimeoutError": asking the notifier is only for warnings."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.stop = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(subscriptions_cli_module, "NOTIFIER_CHECK_SECONDS", 0.2)
    monkeypatch.setenv("PLEDGEWATCH_NOTIFIER_URL", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        path = write_yaml("subscriptions:\n  - {id: desk, channels: [console]}\n", "subs.yaml")
        assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 0
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
    said = capsys.readouterr()
    assert (said.out, said.err) == (f"{path}: 1 valid subscription(s): desk\n", "")


@pytest.mark.parametrize(("channel", "field", "words"), [
    pytest.param('{webhook: {url: "https://hooks.example.org/***"}}', "url", "give its whole URL", id="url-path"),
    pytest.param('{webhook: {url: "https://***@hooks.example.org"}}', "url", "give its whole URL", id="url-user"),
    pytest.param('{apprise: "json://***@hooks.example.org:8080/***"}', "url", "give its whole URL", id="apprise"),
    pytest.param('{webhook: {url: "https://hooks.example.org/in", secret: "***"}}', "secret",
                 "give the secret itself", id="secret"),
])
def test_every_reader_refuses_a_channel_copied_as_shown(channel, field, words, write_yaml):
    """Before: a URL or secret copied as `subscriptions show` shows it was valid, and every alert then went to
    ``https://hooks.example.org/***`` or was signed with ``***``."""
    path = write_yaml(f"subscriptions:\n  - {{id: desk, channels: [console, {channel}]}}\n", "subs.yaml")
    said = _every_reader(path)
    start = f"{path}: subscriptions.0 ('desk'): channels.1.{field}: "
    assert said["validate"].startswith(f"1 error: {start}") and words in said["validate"], said
    assert said["validate"].endswith(" (fix the file)\n")
    assert said["backtest"] == said["validate"]
    assert said["run"].startswith(start) and words in said["run"] and said["run"].endswith(RUN_HINT)


def test_validate_refuses_bad_money_in_a_filter_naming_it(write_yaml, capsys):
    path = write_yaml("id: big\nfilter: {currency: GBP, min_amount: -10m}\nchannels: [console]\n", "big.yaml")
    assert subscriptions_cli(["subscriptions", "validate", str(path)]) == 1
    assert "filter.min_amount: is negative: give 0 or more" in capsys.readouterr().err
    good = write_yaml("id: big\nfilter: {currency: GBP, min_amount: 10m, max_amount: 1.5bn}\nchannels: [console]\n",
                      "good.yaml")
    assert subscriptions_cli(["subscriptions", "validate", str(good)]) == 0, capsys.readouterr().err


async def test_listing_says_on_stderr_which_stored_subscriptions_this_version_cannot_read(notifier, capsys,
                                                                                         monkeypatch, settings):
    """Before: such a subscription was left out of the list without a word, receiving nothing."""
    import json

    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    stored = {"id": "older", "channels": [{"type": "console"}], "reminders": [f"P{day}D" for day in range(1, 25)]}
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(stored))
    capsys.readouterr()
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "list"]) == 0
    said = capsys.readouterr()
    assert said.out == "console\tapi\timmediate\tconsole\n"
    assert said.err.startswith("warning: stored subscription 'older' cannot be read by this version (reminders: ")
    assert said.err.endswith("): it receives nothing; replace it (`pledgewatch subscriptions add FILE --replace`) "
                             "or delete it (`pledgewatch subscriptions delete older`)\n")
