"""The weekly "falls due this week" message against a real Redis holding the ledger, a loopback webhook and a
real SMTP server: what falls due in the week, in every channel, once per subscriber and week."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta, timezone

import aiohttp
import feedparser
import pytest

from services.ledger.store import LedgerStore
from services.notifier.weekly import week_key

from notifier_harness import fast_config, wait_for
from samples import dated, release

pytestmark = pytest.mark.integration

SUNDAY = datetime(2026, 11, 8, 12, 0, tzinfo=timezone.utc)  # past: the outbox sends what is due by the real clock
MONDAY_9AM_LONDON = datetime(2026, 11, 9, 9, 0, 30, tzinfo=timezone.utc)  # 09:00 GMT


def _yaml(receiver, *, smtp_port: int | None = None, extra: str = "") -> str:
    mail = ", {email: {to: [desk@example.org]}}" if smtp_port else ""
    return f"""
subscriptions:
  - id: desk
    filter: {{counter_terrorism: true}}
    channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}{mail}]
    due_this_week: {{weekday: monday, at: "09:00", time_zone: Europe/London}}
{extra}"""


async def _ledger(service, *commitments_by_release) -> None:
    streams = service.runtime.streams
    store = LedgerStore(streams.client, streams.key)
    for i, commitments in enumerate(commitments_by_release):
        await store.apply(release(*commitments, release_id=f"r{i}"), now=SUNDAY)


async def test_the_week_ahead_goes_once_to_every_channel_listing_what_the_filter_selects(
        notifier, receiver, smtp, write_yaml, contract_schemas):
    controller, inbox = smtp
    now = [SUNDAY]
    config = fast_config(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_from="alerts@pledgewatch.test")
    n = await notifier(config=config, subscriptions=write_yaml(_yaml(receiver, smtp_port=controller.port)),
                       clock=lambda: now[0], run_scheduler=False, http=True)
    await _ledger(n.service,
                  [dated("c-tuesday", date(2026, 11, 10)), dated("c-next-week", date(2026, 11, 16))],
                  [dated("c-monday", date(2026, 11, 9)), dated("c-sunday", date(2026, 11, 15)),
                   dated("c-not-ct", date(2026, 11, 11), counter_terrorism=False)])
    assert await n.service.send_due_this_week() == 0  # the first look notes the week
    now[0] = MONDAY_9AM_LONDON - timedelta(minutes=1)
    assert await n.service.send_due_this_week() == 0  # 08:59 in London
    now[0] = MONDAY_9AM_LONDON
    assert await n.service.send_due_this_week() == 1
    assert await n.service.send_due_this_week() == 0  # once a week

    (_, headers, body, _), = await wait_for(lambda: receiver.hits("hook"), what="the webhook POST")
    event = json.loads(body)
    assert event["type"] == "pledgewatch.due_this_week" and contract_schemas.event_errors(event) == []
    data = event["data"]
    assert (data["week"], data["first_day"], data["last_day"]) == ("2026-W46", "2026-11-09", "2026-11-15")
    assert [(d["due"], d["commitment_key"]) for d in data["deadlines"]] == [
        ("2026-11-09", "c-monday"), ("2026-11-10", "c-tuesday"), ("2026-11-15", "c-sunday")]
    assert headers["X-Pledgewatch-Alert-Id"] == data["digest_id"]

    ((rcpts, mail),) = await wait_for(lambda: inbox.messages, what="the email")
    assert rcpts == ["desk@example.org"]
    assert mail["Subject"] == "[pledgewatch] Due this week (9 Nov \u2013 15 Nov 2026): 3 deadlines"
    text = mail.get_body(("plain",)).get_content()
    assert "Tuesday 10 November 2026" in text and "c-tuesday" in text and "c-next-week" not in text
    assert "Tuesday 10 November 2026" in mail.get_body(("html",)).get_content()

    async with aiohttp.ClientSession() as session:
        async with session.get(f"{n.url}/subscriptions/desk/alerts.atom") as resp:
            (entry,) = feedparser.parse(await resp.read()).entries
    assert [t.term for t in entry.tags] == ["due_this_week"]


async def test_restarts_and_replicas_send_a_week_once(notifier, receiver, write_yaml):
    now = [SUNDAY]
    path = write_yaml(_yaml(receiver))
    first = await notifier(subscriptions=path, clock=lambda: now[0], run_scheduler=False)
    await _ledger(first.service, [dated("c-tuesday", date(2026, 11, 10)), dated("c-next", date(2026, 11, 17))])
    assert await first.service.send_due_this_week() == 0
    now[0] = MONDAY_9AM_LONDON
    await first.stop()  # down at the time: the week goes out when a notifier is back

    replicas = [await notifier(subscriptions=path, clock=lambda: now[0], run_scheduler=False) for _ in range(3)]
    sent = await asyncio.gather(*(r.service.send_due_this_week() for r in replicas))
    assert sorted(sent) == [0, 0, 1]
    now[0] += timedelta(days=7)  # the next week, from its own Monday
    sent = await asyncio.gather(*(r.service.send_due_this_week() for r in replicas))
    assert sorted(sent) == [0, 0, 1]
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="two POSTs")
    await asyncio.sleep(0.5)  # a third would arrive by now
    assert sorted(json.loads(h[2])["data"]["week"] for h in receiver.hits("hook")) == ["2026-W46", "2026-W47"]


async def test_an_empty_week_or_a_paused_subscriber_gets_nothing(notifier, receiver, write_yaml):
    now = [SUNDAY]
    path = write_yaml(_yaml(receiver, extra="    paused_until: 2026-11-16T00:00:00Z\n"))
    n = await notifier(subscriptions=path, clock=lambda: now[0], run_scheduler=False)
    await _ledger(n.service, [dated("c-tuesday", date(2026, 11, 10)), dated("c-in-w48", date(2026, 11, 24))])
    assert await n.service.send_due_this_week() == 0
    now[0] = MONDAY_9AM_LONDON
    assert await n.service.send_due_this_week() == 0  # paused at the time: the week is passed over
    now[0] += timedelta(days=7)
    assert await n.service.send_due_this_week() == 0  # resumed, but nothing falls due in W47
    streams = n.service.runtime.streams
    assert await streams.client.get(week_key(streams, "desk")) == b"2026-W47"
    now[0] += timedelta(days=7)
    assert await n.service.send_due_this_week() == 1
    hits = await wait_for(lambda: receiver.hits("hook"), what="the W48 POST")
    assert [json.loads(h[2])["data"]["week"] for h in hits] == ["2026-W48"]
