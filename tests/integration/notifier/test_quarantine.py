"""A subscription that fails at planning time (stored before its values were bounded, say) is quarantined:
skipped, logged once, dead-lettered with its id and reason; every other subscriber still gets its alert
and its reminders, and a redelivery reports nothing twice."""

import logging
from datetime import date, timedelta

import pytest

from samples import dated, release
from schemas import decode_event
from schemas.streams import DEAD_LETTERS, EVENT_FIELD
from services.notifier.subscriptions import ConsoleChannel, Subscription

from notifier_harness import handled, scheduled, wait_for

pytestmark = pytest.mark.integration


async def test_one_failing_subscription_never_stops_the_others_reminders(notifier, publish_classified, caplog):
    n = await notifier(run_scheduler=False)
    good = Subscription(id="good", channels=[ConsoleChannel()], reminders=["P1D"])
    bad = Subscription.model_construct(**{**dict(good), "id": "bad", "reminders": ["P3000Y"]})  # unvalidated
    store = n.service.store
    store.effective_of = lambda stored: [bad, good]  # type: ignore[method-assign]
    due = date.today() + timedelta(days=30)
    caplog.set_level(logging.ERROR)
    for event_id in ("first", "redelivered"):
        entry = await publish_classified(n.service, release(dated("c-dated", due)), event_id=event_id)
        await wait_for(lambda: handled(n.service, entry), what="the release handled")

    streams = n.service.runtime.streams
    planned = await streams.client.hgetall(streams.key("notifier:reminders:planned:good"))
    assert list(planned) == [b"gov-uk/iraq-2017"]
    assert len(await scheduled(n.service)) == 1  # good's P1D reminder
    letters = [decode_event(f[EVENT_FIELD.encode()]).data
               for _, f in await streams.client.xrange(streams.key(DEAD_LETTERS))]
    (letter,) = letters
    assert letter.payload["subscription"] == "bad" and letter.payload["release_id"] == "gov-uk/iraq-2017"
    assert "subscription 'bad' quarantined" in letter.reason and "planning reminders failed" in letter.reason
    assert sum("subscription 'bad' quarantined" in r.getMessage() for r in caplog.records) == 1

