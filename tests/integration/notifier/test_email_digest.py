"""A daily digest by email, received by a real SMTP server (aiosmtpd) on 127.0.0.1."""

from datetime import datetime, timedelta, timezone

import pytest

from samples import BORDERS, TRAINING, release

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration


async def test_email_digest_has_a_summary_then_text_and_an_html_section_per_alert_linking_its_release_page(notifier, smtp, write_yaml, publish_classified):
    _, inbox = smtp
    n, now = await _morning_digest(notifier, smtp, write_yaml, """'"Morning Desk" <desk@example.org>'""")
    await publish_classified(n.service, release(BORDERS, release_id="r1"))
    await publish_classified(n.service, release(TRAINING, release_id="r2"))
    streams = n.service.runtime.streams
    await wait_for(lambda: _is(streams.client.llen(streams.key("notifier:digest:morning")), 2), what="buffered")
    now[0] += timedelta(hours=1, minutes=5)
    assert await n.service.send_digests() == 1
    (_, mail), = await wait_for(lambda: inbox.messages, what="digest email")
    assert mail["Subject"] == "[pledgewatch] Daily digest, Monday 2 March 2026: 2 alerts"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert text.splitlines()[0] == "Daily digest, Monday 2 March 2026: 2 alerts"
    assert "Daily digest, Monday 2 March 2026: 2 alerts</h1>" in html and html.count("<table") == 2
    assert "border infrastructure" in html and "officer training" in html
    assert text.splitlines()[2] == "2 releases, 2 commitments (1 counter-terrorism):"
    assert "2 releases, 2 commitments (1 counter-terrorism):</p>" in html
    assert html.index('<a href="#release-1"') < html.index('<a href="#release-2"') < html.index('id="release-1"')
    for release_id in ("r1", "r2"):
        page = f"http://127.0.0.1:8085/dashboard/releases/{release_id}"
        assert f"Every version of this release, and what changed: {page}" in text.splitlines()
        assert f'<a href="{page}"' in html


async def _morning_digest(notifier, smtp, write_yaml, to: str):
    """A notifier, its clock at 07:00 on 2 March 2026, whose subscription "morning" mails ``to`` a digest at 08:00
    (none sent yet), linking the dashboard at 127.0.0.1:8085: (the notifier, its clock)."""
    controller, _ = smtp
    path = write_yaml(f"""
subscriptions:
  - id: morning
    mode: digest
    digest_at: "08:00"
    channels: [{{email: {{to: [{to}]}}}}]
""")
    now = [datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)]
    n = await notifier(config=fast_config(smtp_host="127.0.0.1", smtp_port=controller.port,
                                          smtp_from="alerts@pledgewatch.test",
                                          dashboard_url="http://127.0.0.1:8085"),
                       subscriptions=path, clock=lambda: now[0], run_scheduler=False)
    assert await n.service.send_digests() == 0
    return n, now


async def _is(awaitable, value):
    return await awaitable == value


async def test_a_digest_past_the_size_gmail_clips_at_arrives_under_it_naming_how_many_more_and_where(
        notifier, smtp, write_yaml, publish_classified):
    """Five releases of 30 commitments: the email lists the first ones and ends with the rest's count and pages."""
    from datetime import date

    from samples import dated
    from services.notifier.mail import DIGEST_HTML_BOUND, html_part_bytes

    _, inbox = smtp
    n, now = await _morning_digest(notifier, smtp, write_yaml, "desk@example.org")
    for r in range(5):
        commitments = [dated(f"c-{r}-{i}", date(2027, 1, 1) + timedelta(days=i)).model_copy(update={
            "span": (1000 * i, 1000 * i + 200),
            "text": f"The UK will deliver programme {r}-{i} with its partners across the region, to build the "
                    f"counter-terrorism capability of the security forces over the coming years, by January 2027."})
            for i in range(30)]
        await publish_classified(n.service, release(*commitments, release_id=f"r{r}"))
    streams = n.service.runtime.streams
    await wait_for(lambda: _is(streams.client.llen(streams.key("notifier:digest:morning")), 5), what="buffered")
    now[0] += timedelta(hours=1, minutes=5)
    assert await n.service.send_digests() == 1
    (_, mail), = await wait_for(lambda: inbox.messages, what="digest email")
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    assert len(html_part_bytes(html)) <= DIGEST_HTML_BOUND
    listed = html.count("The UK will deliver programme")
    assert 0 < listed < 150 and text.count("The UK will deliver programme") == listed
    assert f"{150 - listed} more commitments, of " in html and f"{150 - listed} more commitments, of " in text
    assert "5 releases, 150 commitments (150 counter-terrorism)" in text
    assert "http://127.0.0.1:8085/dashboard/releases/r4" in text.split("not listed here")[-1]
