"""Webhooks reach only public addresses unless PLEDGEWATCH_ALLOW_PRIVATE_TARGETS allows the target."""

import pytest

from samples import BORDERS, release
from schemas import decode_event
from schemas.streams import DEAD_LETTERS, EVENT_FIELD

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration


async def _dead_letters(service):
    streams = service.runtime.streams
    entries = await streams.client.xrange(streams.key(DEAD_LETTERS))
    return [decode_event(fields[EVENT_FIELD.encode()]).data for _, fields in entries]


async def test_a_webhook_to_loopback_is_refused_and_dead_lettered_with_the_reason(
        notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('hook')}'}}}}]}}]")
    n = await notifier(config=fast_config(delivery_attempts=3), subscriptions=path, allow_private_targets=[])
    await publish_classified(n.service, release(BORDERS))
    [letter] = await wait_for(lambda: _dead_letters(n.service), what="a dead letter")
    assert "refused" in letter.reason and "loopback" in letter.reason
    assert "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS" in letter.reason
    assert receiver.hits("hook") == []


async def test_the_allow_list_lets_an_internal_endpoint_through(notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('hook')}'}}}}]}}]")
    n = await notifier(subscriptions=path, allow_private_targets=["127.0.0.0/8"])
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: receiver.hits("hook"), what="the webhook POST")


async def _refused(notifier, write_yaml, publish_classified, channel: str, url: str):
    """The dead letter of the one delivery to ``url`` through ``channel``, with no allow-list."""
    path = write_yaml(f"subscriptions: [{{id: desk, channels: [{{{channel}: {{url: '{url}'}}}}]}}]")
    n = await notifier(config=fast_config(delivery_attempts=3), subscriptions=path, allow_private_targets=[])
    await publish_classified(n.service, release(BORDERS))
    [letter] = await wait_for(lambda: _dead_letters(n.service), what="a dead letter")
    return letter


async def test_a_name_resolving_to_loopback_is_refused_after_resolution(
        notifier, receiver, write_yaml, publish_classified):
    url = receiver.url("hook").replace("127.0.0.1", "localhost")
    letter = await _refused(notifier, write_yaml, publish_classified, "webhook", url)
    assert "localhost" in letter.reason and "loopback" in letter.reason
    assert receiver.hits("hook") == []


async def test_a_self_hosted_chat_target_on_loopback_is_refused(notifier, receiver, write_yaml, publish_classified):
    url = receiver.url("hook").replace("http://", "json://")
    letter = await _refused(notifier, write_yaml, publish_classified, "apprise", url)
    assert "refused" in letter.reason and "loopback" in letter.reason
    assert receiver.hits("hook") == []


@pytest.mark.parametrize("url", [
    pytest.param("signal://2130706433:{port}/+12025550101/+12025550102", id="numeric-host"),
    pytest.param("hassio://localhost:{port}/abcdefabcdef0123", id="single-label-name"),
])
async def test_any_chat_service_on_loopback_is_refused_at_the_connection_and_dead_lettered(
        notifier, receiver, write_yaml, publish_classified, url):
    """Before: a service not among the self-hosted ones (signal, hassio, kodi, …) was never checked when its
    host had no dot: signal://2130706433:PORT/… posted to the loopback receiver."""
    letter = await _refused(notifier, write_yaml, publish_classified, "apprise", url.format(port=receiver.port))
    assert "refused: 127.0.0.1 is a loopback address" in letter.reason and "not retryable" in letter.reason
    assert "abcdefabcdef0123" not in letter.reason and "+12025550101" not in letter.reason
    assert receiver.requests == []


async def test_a_subscription_to_a_refused_address_is_refused_when_it_is_added_not_at_each_alert(notifier, api_headers):
    """Before: the API stored a webhook to 127.0.0.1 and every alert to it was then refused and
    dead-lettered; only `subscriptions test` showed why."""
    import aiohttp

    n = await notifier(http=True, allow_private_targets=[])
    async with aiohttp.ClientSession(headers=api_headers) as session:
        body = {"id": "desk", "channels": ["console", {"webhook": {"url": "http://127.0.0.1:9911/hook"}}]}
        async with session.post(f"{n.url}/subscriptions", json=body) as resp:
            assert resp.status == 422
            [error] = (await resp.json())["errors"]
        assert error["field"] == "channels.1.url"
        assert "127.0.0.1 is a loopback address" in error["message"]
        assert "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS" in error["message"]
        async with session.get(f"{n.url}/subscriptions/desk") as resp:
            assert resp.status == 404
        public = {"id": "desk", "channels": [{"webhook": {"url": "https://alerts.example.org/hook"}}]}
        async with session.post(f"{n.url}/subscriptions", json=public) as resp:  # a name: judged when it resolves
            assert resp.status == 201


@pytest.mark.parametrize(("host", "kind"), [
    pytest.param("2002:7f00:1::", "loopback", id="6to4"),
    pytest.param("64:ff9b::a9fe:a9fe", "link-local", id="nat64"),
    pytest.param("64:ff9b:1::a00:1", "private", id="nat64-local-use"),
    pytest.param("2001:0:4136:e378:8000:63bf:9b9b:9b37", "shared", id="teredo"),
    pytest.param("::ffff:7f00:1", "loopback", id="ipv4-mapped"),
    pytest.param("::a00:1", "private", id="ipv4-compatible"),
])
async def test_a_webhook_to_an_ipv6_address_carrying_a_refused_ipv4_one_is_refused(notifier, api_headers, host, kind):
    """Before: http://[2002:7f00:1::]/hook (6to4 of 127.0.0.1) was stored, and the others refused by what
    their IPv6 address is (reserved, private), not by where they lead."""
    import aiohttp

    n = await notifier(http=True, allow_private_targets=[])
    async with aiohttp.ClientSession(headers=api_headers) as session:
        body = {"id": "desk", "channels": [{"webhook": {"url": f"http://[{host}]:9911/hook"}}]}
        async with session.post(f"{n.url}/subscriptions", json=body) as resp:
            assert resp.status == 422
            [error] = (await resp.json())["errors"]
    assert error["message"].startswith(f"refused: {host} is a {kind} address")


@pytest.mark.parametrize("channel", ["{webhook: {url: 'http://127.0.0.1:9911/h'}}",
                                     "{apprise: 'json://127.0.0.1:9911/x'}"], ids=["webhook", "apprise"])
async def test_a_file_subscription_to_a_refused_address_is_warned_of_at_start(notifier, write_yaml, caplog, channel):
    """Before: a webhook to 127.0.0.1 in the subscriptions file was only found out at its first alert (a
    self-hosted chat target there, too)."""
    import logging

    path = write_yaml(f"subscriptions: [{{id: desk, channels: [console, {channel}]}}]")
    with caplog.at_level(logging.WARNING, logger="services.notifier.service"):
        await notifier(subscriptions=path, allow_private_targets=[])
    [line] = [r.getMessage() for r in caplog.records if "channels.1.url" in r.getMessage()]
    assert line.startswith("subscription desk: channels.1.url: refused: 127.0.0.1 is a loopback address")


@pytest.mark.parametrize(("url", "kind"), [
    pytest.param("json://127.0.0.1:9911/x", "127.0.0.1 is a loopback address", id="loopback"),
    pytest.param("json://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address",
                 id="cloud-metadata"),
    pytest.param("ntfys://[::1]/topic", "::1 is a loopback address", id="ipv6-loopback"),
    pytest.param("signal://2130706433:8080/+12025550101/+12025550102", "2130706433 (127.0.0.1) is a loopback address",
                 id="decimal-host"),
    pytest.param("hassio://0x7f000001:8123/abcdefabcdef", "0x7f000001 (127.0.0.1) is a loopback address",
                 id="hex-host"),
])
async def test_a_self_hosted_chat_target_at_a_refused_address_is_refused_when_it_is_added(notifier, url, kind):
    """Before: POST /subscriptions answered 201 for {"apprise": "json://127.0.0.1:9911/x"} (a webhook to the same
    address: 422), and every send to it then failed "refused: 127.0.0.1 is a loopback address"."""
    from notifier_harness import api_call

    n = await notifier(http=True, allow_private_targets=[])
    body = {"id": "chat", "channels": ["console", {"apprise": url}]}
    status, answer = await api_call(n, "POST", "/subscriptions", body)
    assert status == 422
    [error] = answer["errors"]
    assert error["field"] == "channels.1.url"
    assert error["message"].startswith(f"refused: {kind}; outbound requests go only to public addresses")
    assert "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS" in error["message"]
    assert (await api_call(n, "PUT", "/subscriptions/chat", body))[0] == 422
    assert (await api_call(n, "GET", "/subscriptions/chat"))[0] == 404
    assert (await api_call(n, "POST", "/subscriptions", {"id": "chat", "channels": ["console"]}))[0] == 201
    assert (await api_call(n, "PATCH", "/subscriptions/chat", {"channels": [{"apprise": url}]}))[0] == 422
    public = {"id": "named", "channels": [{"apprise": "json://chat.example.org/hook"}]}
    assert (await api_call(n, "POST", "/subscriptions", public))[0] == 201  # a name: judged when it resolves


async def test_a_self_hosted_chat_target_on_loopback_passes_when_the_allow_list_allows_it(notifier):
    from notifier_harness import api_call

    n = await notifier(http=True, allow_private_targets=["127.0.0.0/8"])
    body = {"id": "chat", "channels": [{"apprise": "json://127.0.0.1:9911/x"}]}
    assert (await api_call(n, "POST", "/subscriptions", body))[0] == 201
