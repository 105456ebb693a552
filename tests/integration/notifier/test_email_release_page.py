"""An alert email links to its release's page on the dashboard, where every version and what each changed is
read (the release's own address may be a file on the publisher's machine, or a page that has since changed):
the same page as the alerts feed's ``related`` link, received by a real SMTP server (aiosmtpd) on 127.0.0.1."""

import pytest

from samples import BORDERS, release

from notifier_harness import start_mailing, wait_for

pytestmark = pytest.mark.integration


async def _mail(notifier, smtp, write_yaml, publish_classified, **config):
    controller, inbox = smtp
    n = await start_mailing(notifier, write_yaml, controller.port, ["desk@example.org"], **config)
    await publish_classified(n.service, release(BORDERS, release_id="ho/ports-2026"))
    await wait_for(lambda: inbox.received, what="one email")
    _, mail, _ = inbox.received[0]
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


async def test_an_alert_email_links_to_its_release_on_the_dashboard(notifier, smtp, write_yaml, publish_classified):
    text, html = await _mail(notifier, smtp, write_yaml, publish_classified, dashboard_url="http://127.0.0.1:8085/")
    page = "http://127.0.0.1:8085/dashboard/releases/ho/ports-2026"
    assert f'<a href="{page}"' in html
    assert f"Every version of this release, and what changed: {page}" in text.splitlines()


async def test_without_a_dashboard_address_the_link_is_under_the_public_one(notifier, smtp, write_yaml,
                                                                             publish_classified):
    text, html = await _mail(notifier, smtp, write_yaml, publish_classified, public_url="https://alerts.example.org")
    assert '<a href="https://alerts.example.org/dashboard/releases/ho/ports-2026"' in html
