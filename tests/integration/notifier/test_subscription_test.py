"""``pledgewatch subscriptions test ID``: a test notification through a running notifier's channels, now."""

import asyncio
import json
import time

import aiohttp
import pytest

from schemas.streams import ALERTS
from services.notifier.channels.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

from notifier_harness import api_call, fast_config, subscriptions_cli

pytestmark = pytest.mark.integration



async def _add(n, subscription):
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        async with session.post(n.url + "/subscriptions", json=subscription) as resp:
            assert resp.status == 201, await resp.text()


@pytest.fixture
async def running(notifier, smtp):
    controller, _ = smtp
    return await notifier(http=True, config=fast_config(smtp_host="127.0.0.1", smtp_port=controller.port,
                                                        smtp_from="alerts@pledgewatch.test"))


async def test_each_channel_gets_a_test_marked_as_such_and_reports_how_it_went(running, receiver, smtp, capsys,
                                                                              monkeypatch, settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    _, inbox = smtp
    await _add(running, {"id": "desk", "paused_until": "2099-01-01T00:00:00Z",
                         "channels": [{"webhook": {"url": receiver.url("hook"), "secret": "s3cret"}},
                                      {"email": {"to": ["desk@example.org"]}}, "console"]})

    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", running.url, "test", "desk"]) == 0
    out = capsys.readouterr().out
    port = receiver.port
    assert out.endswith("test notification for desk:\n"
                        f"  webhook http://127.0.0.1:{port}/***: delivered (HTTP 200 OK)\n"
                        f"  email smtp://127.0.0.1:{smtp[0].port}: delivered (SMTP 250 OK)\n"
                        "  console stdout: delivered (written to the notifier's standard output)\n")
    assert "[TEST] This is a test notification for subscription 'desk'" in out  # the console channel's text

    [(_, headers, body, _)] = receiver.hits("hook")
    event = json.loads(body)
    assert (event["type"], event["subject"], event["data"]["test"]) == ("pledgewatch.test", "desk", True)
    assert verify("s3cret", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER], now=time.time())
    [(rcpts, mail)] = inbox.messages
    assert rcpts == ["desk@example.org"] and "[TEST]" in mail["Subject"]

    streams = running.service.runtime.streams  # a test is no alert: nothing published, nothing queued
    assert await streams.client.xlen(streams.key(ALERTS)) == 0
    assert await streams.client.zcard(streams.key("notifier:outbox")) == 0


async def test_a_failing_channel_is_named_with_its_error_and_fails_the_command(running, receiver, capsys,
                                                                              monkeypatch, settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    await _add(running, {"id": "desk", "channels": [{"webhook": {"url": receiver.url("fail") + "?token=abc"}},
                                                    {"webhook": {"url": receiver.url("hook")}}]})

    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", running.url, "test", "desk"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == f"  webhook http://127.0.0.1:{receiver.port}/***: failed: HTTP 500 Internal Server Error"
    assert lines[2].endswith("/***: delivered (HTTP 200 OK)")
    assert len(receiver.hits("fail")) == 1  # sent once, not retried


async def test_an_unknown_subscription_or_a_missing_token_is_one_line(running, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("PLEDGEWATCH_API_TOKEN", raising=False)
    monkeypatch.delenv("PLEDGEWATCH_API_TOKEN_FILE", raising=False)
    monkeypatch.setenv("PLEDGEWATCH_HOME", str(tmp_path / "elsewhere"))
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", running.url, "test", "desk"]) == 1
    assert "error: the notifier refused the API token: POST needs an API token" in capsys.readouterr().err

    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", running.service.settings.api_token_value)
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", running.url, "test", "nobody"]) == 1
    assert capsys.readouterr().err == "error: id: no subscription 'nobody' (`pledgewatch subscriptions list` names every " \
        "subscription)\n"


async def test_a_test_email_skips_who_unsubscribed_and_offers_the_others_the_link(running, smtp, capsys, monkeypatch,
                                                                                 settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    _, inbox = smtp
    await _add(running, {"id": "desk", "channels": [{"email": {"to": ["desk@example.org", "gone@example.org"]}}]})
    await _unsubscribe(running, "desk", "gone@example.org")

    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", running.url, "test", "desk"]) == 0
    [(rcpts, mail)] = inbox.messages
    assert rcpts == ["desk@example.org"]
    assert mail["List-Unsubscribe"] is not None
    # Before: "delivered (SMTP 250 OK)" and nothing of gone@example.org.
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"  email smtp://127.0.0.1:{smtp[0].port}: delivered (SMTP 250 OK)",
        "    unsubscribed, so not sent to: gone@example.org"]
    status, answer = await api_call(running, "POST", "/subscriptions/desk/test")
    assert (status, answer["channels"][0]["unsubscribed"]) == (200, ["gone@example.org"])


async def test_a_test_email_to_nobody_left_says_it_was_not_sent_and_fails_the_command(running, smtp, capsys,
                                                                                      monkeypatch, settings):
    """Before: with every recipient unsubscribed, the test said "delivered" and exited 0, and nothing was sent."""
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    _, inbox = smtp
    await _add(running, {"id": "desk", "channels": [{"email": {"to": ["gone@example.org"]}}]})
    await _unsubscribe(running, "desk", "gone@example.org")

    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", running.url, "test", "desk"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [f"  email smtp://127.0.0.1:{smtp[0].port}: failed: not sent: every recipient has unsubscribed",
                         "    unsubscribed, so not sent to: gone@example.org"]
    assert inbox.messages == []


async def _unsubscribe(running, sub_id, address):
    """As the unsubscribe link of ``address`` in a message of the subscription ``sub_id`` does."""
    unsubscribed = running.service.unsubscribed
    assert await unsubscribed.add(sub_id, address, await unsubscribed.generation(sub_id))


async def test_redis_failing_before_the_mail_is_sent_is_not_told_as_an_smtp_failure(running, smtp, capsys,
                                                                                    monkeypatch, settings):
    """Before: with Redis not answering the lookup of who unsubscribed, the line read "email smtp: failed:
    TimeoutError: Timeout reading from 127.0.0.1:6379", as if the SMTP server had failed."""
    from redis.exceptions import TimeoutError as RedisTimeout

    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    _, inbox = smtp
    await _add(running, {"id": "desk", "channels": [{"email": {"to": ["desk@example.org"]}}]})

    async def frozen(subscription_id):
        raise RedisTimeout("Timeout reading from 127.0.0.1:6379")

    monkeypatch.setattr(running.service.unsubscribed, "of", frozen)
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", running.url, "test", "desk"]) == 1
    assert capsys.readouterr().out.endswith(
        "test notification for desk:\n"
        f"  email smtp://127.0.0.1:{smtp[0].port}: not tried: Redis did not answer "
        "(TimeoutError: Timeout reading from 127.0.0.1:6379)\n")
    assert inbox.messages == []


async def test_redis_refusing_the_lookup_is_not_told_as_redis_not_answering(running, smtp, capsys, monkeypatch,
                                                                            settings):
    """Before: a Redis that answered with an error (a ResponseError) was told as "Redis did not answer"."""
    from redis.exceptions import ResponseError

    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    _, inbox = smtp
    await _add(running, {"id": "desk", "channels": [{"email": {"to": ["desk@example.org"]}}]})

    async def refusing(subscription_id):
        raise ResponseError("OOM command not allowed when used memory > 'maxmemory'.")

    monkeypatch.setattr(running.service.unsubscribed, "of", refusing)
    assert await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", running.url, "test", "desk"]) == 1
    assert capsys.readouterr().out.endswith(
        f"  email smtp://127.0.0.1:{smtp[0].port}: not tried: Redis refused a command "
        "(ResponseError: OOM command not allowed when used memory > 'maxmemory'.)\n")
    assert inbox.messages == []
