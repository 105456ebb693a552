"""A stored subscription's reminders, planned before the subscriptions file defined its id: the file's subscription
is the one used (the stored one receives nothing while the file defines the id), so it is sent the reminders it is
owed, once: at its own offsets (one of the stored one's it does not have is dropped when due) and in its own zone
(the leader's tick moves one of an offset both have), never the stored one's at their offsets or in their zone."""

import json
import logging
from datetime import datetime, timedelta, timezone

import pytest

from samples import FUNDING, FUNDING_AGAIN, release
from schemas.classified import DateDeadline
from services.notifier.reminders import fire_time

from notifier_harness import api_call, fire_each_when_due, handled, only_subscription, scheduled, wait_for

pytestmark = pytest.mark.integration

STORED = {"id": "desk", "channels": ["console"], "reminders": ["P30D", "P7D"]}
FILE_OTHER_OFFSETS = ("subscriptions:\n  - {id: desk, channels: [console], reminders: [P1D], "
                      "timezone: Australia/Sydney}\n")
FILE_ONE_OFFSET_SHARED = ("subscriptions:\n  - {id: desk, channels: [console], reminders: [P7D, P1D], "
                          "timezone: Australia/Sydney}\n")
FILE_SHARED_DAY = "subscriptions:\n  - {id: desk, channels: [console], reminders: [P7D]}\n"
MARCH_2018 = datetime(2018, 3, 14, 9, 0, tzinfo=timezone.utc)


def _by(commitment, due):
    """``commitment`` with one date deadline, ``due``."""
    return commitment.model_copy(update={"deadlines": [DateDeadline(due=due, text=f"by {due:%-d %B %Y}",
                                                                    span=(0, 10))]})


async def _handled(n, publish_classified, released) -> None:
    entry = await publish_classified(n.service, released)
    await wait_for(lambda: handled(n.service, entry), what="the release handled")


async def _stored_desk_planned(notifier, publish_classified):
    """A run without a file: the stored 'desk' told of a release with a deadline 60 days ahead, its reminders
    planned by the notifier (P30D and P7D, in UTC); stopped. Returns the due date."""
    due = datetime.now(timezone.utc).date() + timedelta(days=60)
    first = await notifier(http=True, run_scheduler=False)
    await only_subscription(first, STORED)
    await _handled(first, publish_classified, release(_by(FUNDING, due)))
    planned = [json.loads(raw) for raw in (await first.service.reminders.planned()).values()]
    assert sorted((r["u"], r["o"]) for r in planned) == [("desk", "P30D"), ("desk", "P7D")]
    await first.stop()
    return due


async def test_the_stored_ones_offsets_are_not_sent_to_the_files_subscription(
        notifier, publish_classified, write_yaml, caplog):
    await _stored_desk_planned(notifier, publish_classified)
    now = [datetime.now(timezone.utc)]
    second = await notifier(subscriptions=write_yaml(FILE_OTHER_OFFSETS), run_scheduler=False,
                            clock=lambda: now[0])

    with caplog.at_level(logging.INFO, logger="services.notifier"):
        assert await fire_each_when_due(second, now) == []
    assert await second.service.reminders.planned() == {}
    dropped = [m for r in caplog.records if "dropped: subscription gone or offset removed" in (m := r.getMessage())]
    assert len(dropped) == 2, dropped


async def test_an_offset_both_have_is_sent_once_in_the_files_zone(notifier, publish_classified, write_yaml):
    due = await _stored_desk_planned(notifier, publish_classified)
    now = [datetime.now(timezone.utc)]
    second = await notifier(subscriptions=write_yaml(FILE_ONE_OFFSET_SHARED), run_scheduler=False,
                            clock=lambda: now[0])
    await second.service._leader_tick()  # the leader's tick places reminders in their subscription's zone

    remind_at = second.service.remind_at
    assert sorted((await scheduled(second.service)).values()) == [  # both moved, P7D to the file's moment
        fire_time(due, offset, remind_at=remind_at, zone="Australia/Sydney") for offset in ("P30D", "P7D")]
    assert await fire_each_when_due(second, now) == [(FUNDING.id, due.isoformat(), "P7D")]  # once, P30D dropped


async def test_a_day_planned_for_a_stored_one_made_again_and_for_the_files_is_sent_once(
        notifier, publish_classified, write_yaml):
    """Two announcements of one commitment plan one slot: the first for the stored 'desk' (made again, a generation
    past the first, whose fired marks are its own), the second, once the file defines 'desk', for the file's. Both
    fire to the file's 'desk', which is reminded of the day once.

    Before: each fired under its own mark (the stored generation's, and the slot's alone), so the day was reminded
    twice."""
    due = datetime.now(timezone.utc).date() + timedelta(days=60)
    first = await notifier(http=True, run_scheduler=False)
    await only_subscription(first, {"id": "desk", "channels": ["console"], "reminders": ["P7D"]})
    assert (await api_call(first, "DELETE", "/subscriptions/desk"))[0] == 204
    assert (await api_call(first, "POST", "/subscriptions", {"id": "desk", "channels": ["console"],
                                                              "reminders": ["P7D"]}))[0] == 201
    await _handled(first, publish_classified, release(_by(FUNDING, due), release_id="gov-uk/iraq-2017"))
    [planned] = [json.loads(raw) for raw in (await first.service.reminders.planned()).values()]
    assert planned["g"] > 1
    await first.stop()

    now = [datetime.now(timezone.utc)]
    second = await notifier(subscriptions=write_yaml(FILE_SHARED_DAY), run_scheduler=False, clock=lambda: now[0])
    await _handled(second, publish_classified, release(_by(FUNDING_AGAIN, due), release_id="ho/2018",
                                                       published_at=MARCH_2018))
    assert len(await second.service.reminders.planned()) == 2  # one slot, planned by each announcement

    fired = await fire_each_when_due(second, now)
    assert [(due_date, offset) for _, due_date, offset in fired] == [(due.isoformat(), "P7D")]
