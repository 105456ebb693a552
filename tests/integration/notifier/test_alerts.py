"""release.classified in, alerts out: webhook, console, the alerts and deliveries streams; a new version's
changes, field by field."""

import json
import time

import pytest

from samples import BORDERS, CONTENT, FUNDING, FUNDING_CUT, release
from schemas import decode_event
from schemas.classified import Category
from schemas.streams import ALERTS, DELIVERIES, EVENT_FIELD
from services.notifier.channels.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

from notifier_harness import handled, wait_for

pytestmark = pytest.mark.integration

CT_DESK = """
subscriptions:
  - id: ct-desk
    filter: {{counter_terrorism: true}}
    channels:
      - webhook: {{url: "{url}", secret: "s3cret"}}
"""


async def _events(service, name):
    streams = service.runtime.streams
    return [decode_event(f[EVENT_FIELD.encode()]) for _, f in await streams.client.xrange(streams.key(name))]


async def test_classified_release_posts_one_signed_alert_with_the_past_deadline_inside(
        notifier, receiver, write_yaml, publish_classified):
    n = await notifier(subscriptions=write_yaml(CT_DESK.format(url=receiver.url("hook"))))
    await publish_classified(n.service, release())
    last = await publish_classified(n.service, release(), event_id="redelivered")  # the same release again
    await wait_for(lambda: handled(n.service, last), what="both deliveries handled")
    hits = await wait_for(lambda: receiver.hits("hook"), what="webhook POST")
    await n.service.worker.drain()
    hits = receiver.hits("hook")
    assert len(hits) == 1  # one message per release version per subscriber
    _, headers, body, _ = hits[0]
    assert verify("s3cret", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER], now=time.time())
    event = json.loads(body)
    assert event["type"] == "pledgewatch.alert"
    assert event["data"]["kind"] == "new"
    assert [c["id"] for c in event["data"]["commitments"]] == ["c-funding", "c-borders", "c-content"]
    assert event["data"]["elapsed"] == ["c-funding:0"]  # the 2020 period end is past: reported here
    alerts = await _events(n.service, ALERTS)
    assert [(a.data.kind.value, a.data.elapsed) for a in alerts] == [("new", ["c-funding:0"])]
    deliveries = await wait_for(lambda: _events(n.service, DELIVERIES), what="audit events")
    assert [d.type for d in deliveries] == ["pledgewatch.alert.delivered"]


async def test_reingested_release_and_new_version_send_no_second_alert(notifier, receiver, write_yaml,
                                                                       publish_classified):
    n = await notifier(subscriptions=write_yaml(CT_DESK.format(url=receiver.url("hook"))))
    await publish_classified(n.service, release(FUNDING, BORDERS))
    await wait_for(lambda: len(receiver.hits("hook")) == 1, what="the new alert")
    await publish_classified(n.service, release(FUNDING, BORDERS), event_id="again")  # re-ingested
    await publish_classified(n.service, release(FUNDING, BORDERS, version=2))  # same commitments, new version
    await publish_classified(n.service, release(FUNDING, BORDERS, CONTENT, version=3))  # one more commitment
    await wait_for(lambda: len(receiver.hits("hook")) >= 2, what="second alert")
    await n.service.worker.drain()
    kinds = [(json.loads(b)["data"]["kind"], [c["id"] for c in json.loads(b)["data"]["commitments"]],
              json.loads(b)["data"]["elapsed"]) for _, _, b, _ in receiver.hits("hook")]
    assert sorted(kinds) == [("new", ["c-content"], []), ("new", ["c-funding", "c-borders"], ["c-funding:0"])]


async def test_changed_commitment_in_new_version_gives_one_changed_alert(notifier, receiver, write_yaml,
                                                                         publish_classified):
    n = await notifier(subscriptions=write_yaml(CT_DESK.format(url=receiver.url("hook"))))
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: receiver.hits("hook"), what="first alert")
    changed = BORDERS.model_copy(update={"category": Category.INTERNATIONAL_COOPERATION})
    await publish_classified(n.service, release(changed, version=2))
    await publish_classified(n.service, release(changed, version=2), event_id="dup")
    await publish_classified(n.service, release(BORDERS, version=1), event_id="old-again")  # stale version
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="changed alert")
    await n.service.worker.drain()
    assert [json.loads(b)["data"]["kind"] for _, _, b, _ in receiver.hits("hook")] == ["new", "changed"]


async def test_an_edited_and_a_dropped_commitment_give_one_changed_alert_with_their_changes(
        notifier, receiver, write_yaml, publish_classified, contract_schemas):
    n = await notifier(subscriptions=write_yaml(CT_DESK.format(url=receiver.url("hook"))))
    await publish_classified(n.service, release(FUNDING, BORDERS))
    await wait_for(lambda: len(receiver.hits("hook")) == 1, what="the first alert")
    await publish_classified(n.service, release(FUNDING_CUT, version=2))
    last = await publish_classified(n.service, release(FUNDING_CUT, version=2), event_id="delivered-twice")
    await wait_for(lambda: handled(n.service, last), what="both deliveries of version 2 handled")
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="the changed alert")
    await n.service.worker.drain()

    hits = receiver.hits("hook")
    assert len(hits) == 2
    first, second = (json.loads(body) for _, _, body, _ in hits)
    assert first["data"]["kind"] == "new" and first["data"]["changes"] == []
    data = second["data"]
    assert data["kind"] == "changed"
    assert [c["id"] for c in data["commitments"]] == ["c-funding-8m"] and data["changed"] == ["c-funding-8m"]
    assert [(c["commitment_id"], c["previous_id"], [f["words"] for f in c["changes"]]) for c in data["changes"]] == [
        ("c-funding-8m", "c-funding", ["money £10m \u2192 £8m"]),
        ("c-borders", "c-borders", ["removed"])]
    assert data["changes"][0]["changes"][0] == {"field": "money", "before": "£10m", "after": "£8m",
                                                "words": "money £10m \u2192 £8m"}
    assert contract_schemas.event_errors(second) == []

    alerts = await _events(n.service, ALERTS)
    assert [(a.data.kind.value, len(a.data.changes)) for a in alerts] == [("new", 0), ("changed", 2)]


CT_DESK_AND_CONSOLE = """
subscriptions:
  - id: ct-desk
    channels:
      - console
      - webhook: {{url: "{url}", secret: "s3cret"}}
"""


async def test_new_words_and_a_new_amount_are_both_told_on_the_webhook_and_the_console(
        notifier, receiver, write_yaml, publish_classified, contract_schemas, capsys):
    n = await notifier(subscriptions=write_yaml(CT_DESK_AND_CONSOLE.format(url=receiver.url("hook"))))
    await publish_classified(n.service, release(FUNDING))
    await wait_for(lambda: len(receiver.hits("hook")) == 1, what="the first alert")
    narrowed = FUNDING_CUT.model_copy(update={"id": "c-funding-8m-training",
                                              "text": FUNDING_CUT.text.replace("build", "train")})
    await publish_classified(n.service, release(narrowed, version=2))
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="the changed alert")
    await n.service.worker.drain()

    second = json.loads(receiver.hits("hook")[1][2])
    [change] = second["data"]["changes"]
    assert [(f["field"], f["after"]) for f in change["changes"]] == [("text", narrowed.text), ("money", "£8m")]
    assert contract_schemas.event_errors(second) == []
    assert f"changed: text {FUNDING.text} \u2192 {narrowed.text}; money £10m \u2192 £8m" in capsys.readouterr().out


async def test_no_subscriptions_prints_every_commitment_and_the_passed_deadline_to_the_console(
        notifier, publish_classified, capsys):
    n = await notifier()
    await publish_classified(n.service, release())
    out = ""

    def printed():
        nonlocal out
        out += capsys.readouterr().out
        return "officer training" in out

    await wait_for(printed, what="console alert")
    assert "New commitments \u2014 UK ramps up counterterror effort in Iraq" in out
    assert "https://www.gov.uk/government/news/iraq" in out
    assert "Pledge by UK" in out and "GBP 10,000,000" in out
    assert "Demand on major communications companies" in out
    assert "within 1 hour to 2 hours of each release, no calendar date, so no reminder" in out
    assert ("from 29 November 2017 to 29 November 2020 (\u201cover the next three years\u201d)"
            " \u2014 passed on 29 November 2020") in out
    assert out.count("New commitments \u2014 ") == 1 and "Deadline passed" not in out
