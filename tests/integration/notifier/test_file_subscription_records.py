"""A subscription taken out of the subscriptions file is a subscription deleted: what was kept for it goes, as for
one deleted through the API, a while after a file given leaves it out, unless a file given names it again or one
of its id is stored through the API by then."""

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest

from samples import dated, release

from notifier_harness import api_call, fast_config, handled, wait_for

pytestmark = pytest.mark.integration

RECORDS = ("sent", "elapsed", "digest", "digest-last", "reminders:planned")
# desk's digest is due half a day away, so that the hour a test moves its clock on never reaches it
DIGEST_AT = (datetime.now(timezone.utc) + timedelta(hours=12)).strftime("%H:%M")
BOTH = ("subscriptions:\n  - {id: desk, channels: [console], mode: digest, digest_at: '" + DIGEST_AT + "'}\n"
        "  - {id: other, channels: [console]}\n")
OTHER_ONLY = "subscriptions:\n  - {id: other, channels: [console]}\n"


class Clock:
    """The notifier's time, moved on by hand: the leader's tick reads it."""

    def __init__(self) -> None:
        self.at = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.at


async def _told_of_a_release(notifier, publish_classified, path):
    """A run given ``path`` tells its subscriptions of a release with a deadline past and one ahead (reminders
    planned), and notes the time of each digest; stopped, it leaves their records."""
    first = await notifier(subscriptions=path, run_scheduler=False)
    today = datetime.now(timezone.utc).date()
    entry = await publish_classified(first.service, release(dated("c-passed", today - timedelta(days=30)),
                                                            dated("c-ahead", today + timedelta(days=60))))
    await wait_for(lambda: handled(first.service, entry), what="the release handled")
    await first.service.send_digests()
    streams = first.service.runtime.streams
    assert [r for r in RECORDS if not await streams.client.exists(streams.key(f"notifier:{r}:desk"))] == []
    await first.stop()


async def _kept(service, sub_id: str) -> list[str]:
    streams = service.runtime.streams
    return [r for r in RECORDS if await streams.client.exists(streams.key(f"notifier:{r}:{sub_id}"))]


async def _left_file(service) -> int:
    streams = service.runtime.streams
    return await streams.client.zcard(streams.key("notifier:subscriptions:left-file"))


async def _reminders_of(service, sub_id: str) -> int:
    return sum(1 for raw in (await service.reminders.planned()).values() if json.loads(raw)["u"] == sub_id)


async def _nothing_left(service) -> bool:
    return await _left_file(service) == 0


async def _gone(service, sub_id: str) -> bool:
    return await _kept(service, sub_id) == [] and await _reminders_of(service, sub_id) == 0


async def test_a_subscription_taken_out_of_the_file_given_has_its_records_deleted(
        notifier, write_yaml, publish_classified):
    """Before: only the retention prune dropped a subscriber's records, walking the stored subscriptions and the
    ids of ``:from-file``, which a file given leaving one out removes it from: its records were kept for ever."""
    path = write_yaml(BOTH)
    await _told_of_a_release(notifier, publish_classified, path)
    clock = Clock()
    path.write_text(OTHER_ONLY)
    second = await notifier(config=fast_config(), subscriptions=path, clock=clock)
    assert await _kept(second.service, "desk") == list(RECORDS)  # not at once: a run may still be writing them

    clock.at += timedelta(hours=1)

    await wait_for(lambda: _gone(second.service, "desk"), what="desk's records deleted")
    assert await _kept(second.service, "other") == ["sent", "elapsed", "reminders:planned"]
    assert await _reminders_of(second.service, "other") == 4


async def test_a_subscription_moved_from_the_file_to_the_api_keeps_its_records(
        notifier, write_yaml, publish_classified):
    """An operator moving it: stored through the API while the file still names it (a run not given the file lets
    it), then taken out of the file. Its records are the stored one's: what stops it being told twice."""
    path = write_yaml(BOTH)
    await _told_of_a_release(notifier, publish_classified, path)
    api = await notifier(http=True, run_scheduler=False)  # the file not given
    assert (await api_call(api, "POST", "/subscriptions", {"id": "desk", "channels": ["console"]}))[0] == 201
    await api.stop()
    clock = Clock()
    path.write_text(OTHER_ONLY)
    moved = await notifier(config=fast_config(), subscriptions=path, clock=clock, http=True)
    clock.at += timedelta(hours=1)

    await wait_for(lambda: _nothing_left(moved.service), what="desk looked at")
    assert await _kept(moved.service, "desk") == list(RECORDS)
    assert (await api_call(moved, "DELETE", "/subscriptions/desk"))[0] == 204  # no file's now: deleted with it
    assert await _gone(moved.service, "desk")


async def test_a_subscription_taken_out_of_the_file_and_stored_through_the_api_keeps_its_records(
        notifier, write_yaml, publish_classified):
    """The other way of moving it (the API refuses an id the file names): out of the file first, then stored, before
    its records are deleted."""
    path = write_yaml(BOTH)
    await _told_of_a_release(notifier, publish_classified, path)
    clock = Clock()
    path.write_text(OTHER_ONLY)
    moved = await notifier(config=fast_config(), subscriptions=path, clock=clock, http=True)

    assert (await api_call(moved, "POST", "/subscriptions", {"id": "desk", "channels": ["console"]}))[0] == 201

    assert await _kept(moved.service, "desk") == list(RECORDS)
    clock.at += timedelta(hours=1)
    await wait_for(lambda: _nothing_left(moved.service), what="desk looked at")
    assert await _kept(moved.service, "desk") == list(RECORDS)


async def test_a_subscription_a_file_given_names_again_keeps_its_records(notifier, write_yaml, publish_classified):
    """Left out by one run's file, named again by the next one's before the records are deleted: they are the file's
    subscription's again."""
    path = write_yaml(BOTH)
    await _told_of_a_release(notifier, publish_classified, path)
    edited = write_yaml(OTHER_ONLY, name="edited.yaml")
    left_out = await notifier(subscriptions=edited, run_scheduler=False)
    assert await _left_file(left_out.service) == 1
    await left_out.stop()
    clock = Clock()
    again = await notifier(config=fast_config(), subscriptions=path, clock=clock)
    clock.at += timedelta(hours=1)

    await wait_for(lambda: _nothing_left(again.service), what="desk looked at")
    assert await _kept(again.service, "desk") == list(RECORDS)


async def test_a_subscription_an_edit_takes_out_of_the_file_has_its_records_deleted(
        notifier, write_yaml, publish_classified):
    path = write_yaml(BOTH)
    await _told_of_a_release(notifier, publish_classified, path)
    clock = Clock()
    running = await notifier(config=fast_config(), subscriptions=path, clock=clock)
    await asyncio.sleep(1.1)  # a second mtime, whatever the file system's resolution

    path.write_text(OTHER_ONLY)

    await wait_for(lambda: _left_file(running.service), what="the edit noted")
    clock.at += timedelta(hours=1)
    await wait_for(lambda: _gone(running.service, "desk"), what="desk's records deleted")
    assert await _kept(running.service, "other") == ["sent", "elapsed", "reminders:planned"]


async def test_a_subscription_an_earlier_version_saw_leave_the_file_keeps_its_records_until_its_id_is_stored(
        notifier, write_yaml, publish_classified):
    """Upgrading: a run of an earlier version given a file leaving it out only forgot it (``:from-file``) and noted
    nothing in ``:left-file``, so this version does not delete its records; storing one of its id through the API
    (then deleting it) does, as for any id with no subscription."""
    path = write_yaml(BOTH)
    await _told_of_a_release(notifier, publish_classified, path)
    path.write_text(OTHER_ONLY)
    clock = Clock()
    upgraded = await notifier(config=fast_config(), subscriptions=path, clock=clock, http=True)
    streams = upgraded.service.runtime.streams
    await streams.client.srem(streams.key("notifier:subscriptions:from-file"), "desk")
    await streams.client.delete(streams.key("notifier:subscriptions:left-file"))  # as the earlier version left it
    clock.at += timedelta(hours=1)
    assert await upgraded.service.store.drop_left_file(now=clock()) == 0

    assert await _kept(upgraded.service, "desk") == list(RECORDS)
    assert (await api_call(upgraded, "POST", "/subscriptions", {"id": "desk", "channels": ["console"]}))[0] == 201
    assert (await api_call(upgraded, "DELETE", "/subscriptions/desk"))[0] == 204
    assert await _gone(upgraded.service, "desk")


async def test_a_subscription_the_leaders_own_file_names_keeps_its_records(notifier, write_yaml, publish_classified):
    """Another process given a file without it (a copy not yet updated, on another host) takes it as deleted; the
    leader, whose file names it and which alerts it, keeps its records and remembers it as the file's again."""
    path = write_yaml(BOTH)
    await _told_of_a_release(notifier, publish_classified, path)
    clock = Clock()
    leader = await notifier(config=fast_config(), subscriptions=path, clock=clock)
    other_copy = write_yaml(OTHER_ONLY, name="other-host.yaml")
    stale = await notifier(subscriptions=other_copy, run_scheduler=False)
    assert await _left_file(leader.service) == 1
    await stale.stop()
    clock.at += timedelta(hours=1)

    await wait_for(lambda: _nothing_left(leader.service), what="desk looked at")
    assert await _kept(leader.service, "desk") == list(RECORDS)
    streams = leader.service.runtime.streams
    assert await streams.client.sismember(streams.key("notifier:subscriptions:from-file"), "desk")
