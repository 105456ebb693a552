"""Email through a real SMTP server (aiosmtpd) and chat through Apprise, on 127.0.0.1."""

import json

import pytest

from samples import BORDERS, release
from services.common.embedded_redis import free_port

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration


async def test_email_alert_has_text_and_html_parts(notifier, smtp, write_yaml, publish_classified):
    controller, inbox = smtp
    path = write_yaml("subscriptions: [{id: mail, channels: [{email: {to: [desk@example.org, ops@example.org]}}]}]")
    n = await notifier(config=fast_config(smtp_host="127.0.0.1", smtp_port=controller.port,
                                          smtp_from="alerts@pledgewatch.test"), subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    (rcpts, mail), = await wait_for(lambda: inbox.messages, what="one email")
    await n.service.worker.drain()
    assert rcpts == ["desk@example.org", "ops@example.org"]
    assert mail["Subject"].strip() == "[pledgewatch] New commitments: UK ramps up counterterror effort in Iraq"
    assert mail["From"] == "alerts@pledgewatch.test"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "border infrastructure" in text and "deadline: none stated" in text
    assert '<a href="https://www.gov.uk/government/news/iraq">' in html
    assert len(inbox.messages) == 1


async def test_unreachable_smtp_server_is_retried_then_dead_lettered(notifier, write_yaml, publish_classified):
    path = write_yaml("subscriptions: [{id: mail, channels: [{email: {to: desk@example.org}}]}]")
    n = await notifier(config=fast_config(smtp_host="127.0.0.1", smtp_port=free_port(), delivery_attempts=2),
                       subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    streams = n.service.runtime.streams
    await wait_for(lambda: streams.client.xlen(streams.key("dead-letters")), what="dead letter")


async def test_apprise_url_delivers_through_apprise(notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(f"subscriptions: [{{id: chat, channels: [{{apprise: 'json://127.0.0.1:{receiver.port}/chat'}}]}}]")
    n = await notifier(subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    (_, _, body, _), = await wait_for(lambda: receiver.hits("chat"), what="Apprise JSON POST")
    payload = json.loads(body)
    assert payload["title"] == "[pledgewatch] New commitments: UK ramps up counterterror effort in Iraq"
    assert "border infrastructure" in payload["message"]
