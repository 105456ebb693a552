"""Email through a real SMTP server (aiosmtpd) and chat through Apprise, on 127.0.0.1."""

import json

import pytest

from samples import BORDERS, release
from services.common.embedded_redis import free_port

from notifier_harness import fast_config, start_mailing, wait_for

pytestmark = pytest.mark.integration


async def test_email_alert_goes_to_each_recipient_on_its_own_with_text_and_html(notifier, smtp, write_yaml,
                                                                                  publish_classified):
    controller, inbox = smtp
    n = await start_mailing(notifier, write_yaml, controller.port, ["desk@example.org", "ops@example.org"])
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: len(inbox.messages) == 2, what="two emails")
    await n.service.worker.drain()
    assert [(rcpts, mail["To"]) for rcpts, mail in inbox.messages] == [
        (["desk@example.org"], "desk@example.org"), (["ops@example.org"], "ops@example.org")]
    (_, mail), _ = inbox.messages
    assert mail["Subject"] == "[pledgewatch] New commitments: UK ramps up counterterror effort in Iraq"
    assert mail["From"] == "alerts@pledgewatch.test"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "border infrastructure" in text and "deadline: none stated" in text
    assert '<a href="https://www.gov.uk/government/news/iraq"' in html and "<pre" not in html
    assert "<td data-label=\"Who\" style=\"border: 1px solid #b1b4b6;\"><bdi>Pledge by UK</bdi></td>" in html
    assert len(inbox.messages) == 2


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
    assert payload["message"].splitlines()[:2] == ["New commitments \u2014 UK ramps up counterterror effort in Iraq",
                                                   "https://www.gov.uk/government/news/iraq"]  # no "====" line


@pytest.mark.parametrize(("setting", "base"), [
    ({"dashboard_url": "https://ledger.example.org/"}, "https://ledger.example.org"),
    ({"public_url": "https://alerts.example.org"}, "https://alerts.example.org"),  # `pledgewatch run`: one port
    ({}, None),  # the API's own address would reach no reader of a chat: no link
], ids=["dashboard-url", "public-url", "neither"])
async def test_a_chat_message_links_the_release_page_where_the_dashboard_is_known(
        notifier, receiver, write_yaml, publish_classified, setting, base):
    """Before: an email linked the release's page on the dashboard, a chat message of the same alert did not."""
    path = write_yaml(f"subscriptions: [{{id: chat, channels: [{{apprise: 'json://127.0.0.1:{receiver.port}/chat'}}]}}]")
    n = await notifier(config=fast_config(**setting), subscriptions=path)
    given = release(BORDERS)
    await publish_classified(n.service, given)
    (_, _, body, _), = await wait_for(lambda: receiver.hits("chat"), what="Apprise JSON POST")
    lines = json.loads(body)["message"].splitlines()
    page = f"Every version of this release, and what changed: {base}/dashboard/releases/{given.release_id}"
    assert (page in lines) if base else not any("/dashboard/releases/" in line for line in lines)
