"""A subscription deleted and made again under its id starts clean: what the deleted one was reminded of (its
slots' fired marks, ``notifier:reminded:<slot>``) does not stop the new one's reminders (decision 0070).

Before: the marks were kept 400 days under the id, so the new subscription's "on the day" reminder of a deadline
the deleted one had been reminded of that day was taken for one sent already, and never sent."""

from datetime import datetime, timedelta, timezone

import pytest

from samples import FUNDING, release
from schemas.classified import DateDeadline

from notifier_harness import api_call, fire_each_when_due, handled, only_subscription, wait_for

pytestmark = pytest.mark.integration

DESK = {"id": "desk", "channels": ["console"], "reminders": ["P1D"]}
# later that day than UTC: its reminder of the same day falls after the deleted one's
LATER = {**DESK, "timezone": "Pacific/Honolulu"}


def _commitment():
    due = datetime.now(timezone.utc).date() + timedelta(days=60)
    return FUNDING.model_copy(update={"deadlines": [DateDeadline(due=due, text=f"by {due:%-d %B %Y}",
                                                                 span=(0, 10))]}), due


async def _handled(n, publish_classified, released) -> None:
    entry = await publish_classified(n.service, released)
    await wait_for(lambda: handled(n.service, entry), what="the release handled")


async def _reminded_once(notifier, publish_classified):
    """``desk`` told of a release and sent its "the day before" reminder: the notifier, its clock (at that
    reminder's time), the commitment and what the reminder said."""
    now = [datetime.now(timezone.utc)]
    n = await notifier(http=True, run_scheduler=False, clock=lambda: now[0])
    await only_subscription(n, DESK)
    commitment, due = _commitment()
    await _handled(n, publish_classified, release(commitment))
    reminded = (FUNDING.id, due.isoformat(), "P1D")
    assert await fire_each_when_due(n, now) == [reminded]
    return n, now, commitment, reminded


async def test_a_day_the_deleted_one_was_reminded_of_is_reminded_to_the_one_made_again(notifier, publish_classified):
    n, now, commitment, reminded = await _reminded_once(notifier, publish_classified)

    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    assert (await api_call(n, "POST", "/subscriptions", LATER))[0] == 201
    await _handled(n, publish_classified, release(commitment, version=2))
    assert len(await n.service.reminders.planned()) == 1

    assert await fire_each_when_due(n, now) == [reminded, reminded]  # the new one's too, not taken as sent


async def test_a_day_reminded_is_not_reminded_again_to_the_same_subscription(notifier, publish_classified):
    """The other side: a subscription not made again is still reminded of a day once, whichever version plans it."""
    n, now, commitment, reminded = await _reminded_once(notifier, publish_classified)

    assert (await api_call(n, "PUT", "/subscriptions/desk", LATER))[0] in (200, 204)
    await _handled(n, publish_classified, release(commitment, version=2))
    assert len(await n.service.reminders.planned()) == 1
    assert await fire_each_when_due(n, now) == [reminded]
