"""A subscription of a subscriptions file asked for by a run that was not given the file: the answer says where it
is and what to do, rather than that there is no such subscription."""

import asyncio
import logging

import pytest

from notifier_harness import api_call, subscriptions_cli

pytestmark = pytest.mark.integration

NOT_LOADED = ("no subscription 'desk' in this run: it was read from a subscriptions file in an earlier run, and "
              "this run was given no subscriptions file (the file must be given to every run: `pledgewatch run "
              "--subscriptions FILE`, or set PLEDGEWATCH_SUBSCRIPTIONS=FILE)")


async def test_a_file_subscription_not_loaded_is_named_as_such(notifier, write_yaml, capsys, monkeypatch, settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    path = write_yaml("subscriptions: [{id: desk, channels: [console]}]")
    first = await notifier(subscriptions=path, run_scheduler=False)
    await first.stop()
    n = await notifier(http=True, run_scheduler=False)
    # before: 404 "no subscription 'desk'", and the command said `pledgewatch subscriptions list` names every
    # subscription, which does not name it
    for route in ("/subscriptions/desk", "/subscriptions/desk/reminders"):
        status, body = await api_call(n, "GET", route)
        assert (status, body) == (404, {"errors": [{"field": "id", "message": NOT_LOADED}]}), route
    for command in ("show", "reminders"):
        argv = ["subscriptions", "--url", n.url, command, "desk"]
        assert await asyncio.to_thread(subscriptions_cli, argv) == 1
        assert capsys.readouterr().err == f"error: id: {NOT_LOADED}\n"


async def test_an_id_never_seen_still_points_at_the_list(notifier, write_yaml, capsys, monkeypatch, settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True, run_scheduler=False)
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "show", "nobody"]) == 1
    assert capsys.readouterr().err == \
        "error: id: no subscription 'nobody' (`pledgewatch subscriptions list` names every subscription)\n"


async def test_a_run_given_a_file_says_what_it_read_from_it(notifier, write_yaml, caplog):
    """Before: a run given `--subscriptions subs.yaml` said nothing of it at start; only an edit was logged
    (`reloaded 1 subscription(s) from subs.yaml`), so whether the file was taken was not to be seen."""
    path = write_yaml("subscriptions: [{id: desk, channels: [console]}, {id: bio, channels: [console]}]")
    with caplog.at_level(logging.INFO, logger="services.notifier"):
        await notifier(subscriptions=path, run_scheduler=False)
    assert f"read 2 subscription(s) from {path}: desk, bio (read again whenever it is saved)" in \
        [r.getMessage() for r in caplog.records]


async def test_a_run_not_given_the_file_does_not_say_to_add_a_subscription(notifier, write_yaml, caplog):
    """Before: besides the warning that desk, of a file, was not loaded, it warned "no subscriptions: nothing will
    be delivered; add one with `pledgewatch subscriptions add`", which is not what to do."""
    path = write_yaml("subscriptions: [{id: desk, channels: [console]}]")
    await (await notifier(subscriptions=path, run_scheduler=False)).stop()
    with caplog.at_level(logging.INFO, logger="services.notifier"):
        await notifier(run_scheduler=False)
    said = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("subscription(s) desk, read from a subscriptions file") for line in said)
    assert not any("subscriptions add" in line for line in said)


async def test_the_list_names_a_file_subscription_not_loaded(notifier, write_yaml, capsys, monkeypatch, settings):
    """Before: `subscriptions list` showed console alone, and the API's list said nothing of desk."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    path = write_yaml("subscriptions: [{id: desk, channels: [console]}]")
    await (await notifier(subscriptions=path, run_scheduler=False)).stop()
    n = await notifier(http=True, run_scheduler=False)
    status, body = await api_call(n, "GET", "/subscriptions")
    assert (status, body) == (200, {"subscriptions": [], "not_loaded": ["desk"]})
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "list"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("warning: subscription(s) desk, read from a subscriptions file in an earlier run, are not loaded "
                   "by this run, which was given no subscriptions file: they receive nothing (the file must be "
                   "given to every run: `pledgewatch run --subscriptions FILE`, or set "
                   "PLEDGEWATCH_SUBSCRIPTIONS=FILE)\n")


async def test_validate_beside_a_run_says_whose_settings_refuse_a_webhook(notifier, write_yaml, capsys, monkeypatch,
                                                                           settings):
    """Before: from a terminal without PLEDGEWATCH_ALLOW_PRIVATE_TARGETS, `validate` warned that 127.0.0.1 is
    refused, as if the running pledgewatch, started with it, would refuse it too."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True, run_scheduler=False, allow_private_targets=["127.0.0.0/8"])
    path = write_yaml('id: desk\nchannels: [{webhook: {url: "http://127.0.0.1:9911/hook"}}]\n', "subs.yaml")
    monkeypatch.delenv("PLEDGEWATCH_ALLOW_PRIVATE_TARGETS", raising=False)
    argv = ["subscriptions", "--url", n.url, "validate", str(path)]
    assert await asyncio.to_thread(subscriptions_cli, argv) == 0
    assert capsys.readouterr().err == (
        f"warning: {path}: subscription 'desk': channels.0.url: refused: 127.0.0.1 is a loopback address; outbound "
        "requests go only to public addresses unless PLEDGEWATCH_ALLOW_PRIVATE_TARGETS allows it (as set here; the "
        "running pledgewatch judges by its own setting: `pledgewatch subscriptions test ID` sends through each "
        "channel now)\n")
