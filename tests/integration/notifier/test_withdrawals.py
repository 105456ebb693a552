"""A withdrawn release through the real notifier: whoever was told of its commitments is told, once, that it was
withdrawn (with the publisher's notice) and that their reminders are cancelled; nobody else hears of it."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from samples import BORDERS, FUNDING, TRAINING, dated, release
from schemas.classified import ReleaseClassified
from schemas.streams import ALERTS, EVENT_FIELD
from schemas import decode_event

from notifier_harness import handled, scheduled, wait_for

pytestmark = pytest.mark.integration

NOTICE = "This fund has been replaced by the Ports Security Programme."
TWO_DESKS = """
subscriptions:
  - id: ct-desk
    filter: {{counter_terrorism: true}}
    channels: [{{webhook: {{url: "{told}"}}}}]
  - id: sanctions-desk
    filter: {{categories: [sanctions]}}
    channels: [{{webhook: {{url: "{never}"}}}}]
"""


def withdrawn(r: ReleaseClassified, *, notice: str | None = NOTICE, version: int = 2, **changes) -> ReleaseClassified:
    """``r`` as a later version the publisher withdrew (its notice carried through the classifier)."""
    data = {**r.model_dump(), **changes, "version": version, "withdrawn": True, "withdrawn_notice": notice}
    return ReleaseClassified.model_validate(data)


async def _alerts(service):
    streams = service.runtime.streams
    return [decode_event(f[EVENT_FIELD.encode()]).data for _, f in await streams.client.xrange(streams.key(ALERTS))]


async def test_a_release_withdrawn_with_its_text_unchanged_tells_whoever_was_told_once_with_the_notice(
        notifier, receiver, write_yaml, publish_classified, contract_schemas):
    """GOV.UK: a withdrawn_notice added, the body as it was."""
    n = await notifier(subscriptions=write_yaml(TWO_DESKS.format(told=receiver.url("told"),
                                                                 never=receiver.url("never"))))
    due = datetime.now(timezone.utc).date() + timedelta(days=90)
    fund = dated("c-ports-fund", due)
    first = release(fund, BORDERS, TRAINING)
    await publish_classified(n.service, first)
    await wait_for(lambda: len(receiver.hits("told")) == 1, what="the first alert")
    await wait_for(lambda: scheduled(n.service), what="the fund's reminders planned")

    await publish_classified(n.service, withdrawn(first))
    last = await publish_classified(n.service, withdrawn(first), event_id="redelivered")
    await wait_for(lambda: handled(n.service, last), what="the withdrawal handled twice")
    await wait_for(lambda: len(receiver.hits("told")) == 2, what="the withdrawal alert")
    await n.service.worker.drain()

    assert len(receiver.hits("told")) == 2 and receiver.hits("never") == []
    event = json.loads(receiver.hits("told")[1][2])
    data = event["data"]
    assert data["kind"] == "withdrawn" and data["withdrawn_notice"] == NOTICE
    assert [c["id"] for c in data["commitments"]] == ["c-ports-fund", "c-borders"]  # not training: never told of it
    assert data["release"]["version"] == 2 and data["changes"] == []
    assert event["dataschema"] == "https://pledgewatch.org/schemas/pledgewatch.alert/v6/data.json"
    assert contract_schemas.event_errors(event) == []
    assert await scheduled(n.service) == {}  # its reminders cancelled
    assert [(a.subscription_id, a.kind.value) for a in await _alerts(n.service)] == [
        ("ct-desk", "new"), ("ct-desk", "withdrawn")]


async def test_a_release_withdrawn_with_a_new_body_is_told_as_withdrawn_not_as_removals(
        notifier, receiver, write_yaml, publish_classified):
    """POST /releases with withdrawn: true and a new body: other commitments, no notice."""
    n = await notifier(subscriptions=write_yaml(TWO_DESKS.format(told=receiver.url("told"),
                                                                 never=receiver.url("never"))))
    first = release(FUNDING, BORDERS)
    await publish_classified(n.service, first)
    await wait_for(lambda: len(receiver.hits("told")) == 1, what="the first alert")
    await publish_classified(n.service, withdrawn(first, notice=None, commitments=[TRAINING.model_dump()]))
    await wait_for(lambda: len(receiver.hits("told")) == 2, what="the withdrawal alert")
    await n.service.worker.drain()

    data = json.loads(receiver.hits("told")[1][2])["data"]
    assert data["kind"] == "withdrawn" and data["withdrawn_notice"] is None
    assert [c["id"] for c in data["commitments"]] == ["c-funding", "c-borders"]
    assert data["changes"] == []  # nothing said to be "removed"
    assert receiver.hits("never") == []


async def test_the_withdrawal_of_a_release_nobody_was_told_of_sends_nothing(
        notifier, receiver, write_yaml, publish_classified):
    n = await notifier(subscriptions=write_yaml(TWO_DESKS.format(told=receiver.url("told"),
                                                                 never=receiver.url("never"))))
    last = await publish_classified(n.service, withdrawn(release(TRAINING), version=2))
    await wait_for(lambda: handled(n.service, last), what="the withdrawal handled")
    await n.service.worker.drain()
    assert receiver.requests == [] and await _alerts(n.service) == []


async def test_a_subscriber_paused_at_the_withdrawal_is_not_told_and_is_reminded_of_it_no_more(
        notifier, receiver, write_yaml, publish_classified):
    """Paused, as for any alert: nothing sent, then or on resuming; but its reminders go with the release."""
    from services.notifier.subscriptions import Subscription

    n = await notifier(subscriptions=None)
    desk = Subscription.model_validate({"id": "desk", "channels": [{"webhook": {"url": receiver.url("desk")}}]})
    await n.service.store.put(desk)
    first = release(dated("c-ports-fund", datetime.now(timezone.utc).date() + timedelta(days=90)))
    await publish_classified(n.service, first)
    await wait_for(lambda: len(receiver.hits("desk")) == 1, what="the first alert")
    await wait_for(lambda: scheduled(n.service), what="its reminders planned")
    await n.service.store.put(desk.model_copy(update={"paused_until": datetime.now(timezone.utc) + timedelta(days=1)}))

    last = await publish_classified(n.service, withdrawn(first))
    await wait_for(lambda: handled(n.service, last), what="the withdrawal handled")
    await n.service.worker.drain()
    assert len(receiver.hits("desk")) == 1
    assert await scheduled(n.service) == {}  # else they would fire once the pause ends
