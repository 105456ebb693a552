"""The same commitment announced again in other releases: told once as new, then as a re-announcement with
its dates (or not at all for a subscription that opts out), whichever handler reads it; change alerts for a
commitment edited out of the filter; the last-version record expires. Real Redis, a real webhook receiver."""

import asyncio
import json
from datetime import date, datetime, timezone

import pytest

from samples import BORDERS, FUNDING, FUNDING_AGAIN, FUNDING_CUT, PUBLISHED, release
from schemas import ReleaseClassifiedEvent
from schemas.classified import Commitment, DateDeadline, ResponseTimeDeadline
from services.notifier.alert_commit import Commit
from services.notifier.announcement_index import COMMON, AnnouncementIndex
from services.notifier.announcements import Announced
from services.notifier.reminders import reminder_id

from notifier_harness import handled, wait_for

pytestmark = pytest.mark.integration

MARCH_2018 = datetime(2018, 3, 14, 9, 0, tzinfo=timezone.utc)
FEB_2019 = datetime(2019, 2, 2, 9, 0, tzinfo=timezone.utc)
THIRD = FUNDING_AGAIN.model_copy(update={"id": "c-funding-third"})

DESKS = """
subscriptions:
  - id: ct-desk
    channels: [{{webhook: {{url: "{all}"}}}}]
  - id: quiet-desk
    reannouncements: false
    channels: [{{webhook: {{url: "{quiet}"}}}}]
"""
ONE_DESK = 'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{url}"}}}}]}}]'


def _data(receiver, path):
    return [json.loads(body)["data"] for _, _, body, _ in receiver.hits(path)]


async def test_a_commitment_announced_three_times_is_new_once_then_a_re_announcement_with_its_dates(
        notifier, receiver, write_yaml, publish_classified, contract_schemas):
    n = await notifier(subscriptions=write_yaml(DESKS.format(all=receiver.url("all"), quiet=receiver.url("quiet"))))
    await publish_classified(n.service, release(FUNDING, release_id="gov-uk/iraq-2017"))
    await publish_classified(n.service, release(FUNDING_AGAIN, release_id="ho/2018", published_at=MARCH_2018))
    await publish_classified(n.service, release(FUNDING_AGAIN, release_id="ho/2018", published_at=MARCH_2018),
                             event_id="delivered-twice")
    last = await publish_classified(n.service, release(THIRD, release_id="fco/2019", published_at=FEB_2019))
    await wait_for(lambda: handled(n.service, last), what="the three releases handled")
    await wait_for(lambda: len(receiver.hits("all")) == 3, what="three alerts")
    await n.service.worker.drain()

    # in the order of the chain: an endpoint's sends run side by side, so they may arrive in either order
    alerts = sorted(_data(receiver, "all"),
                    key=lambda a: len(a["reannounced"][0]["announcements"]) if a["reannounced"] else 1)
    assert [(a["kind"], [c["id"] for c in a["commitments"]]) for a in alerts] == [
        ("new", ["c-funding"]), ("reannounced", ["c-funding-again"]), ("reannounced", ["c-funding-third"])]
    assert [[r["words"] for r in a["reannounced"]] for a in alerts] == [
        [], ["announced 2 times: 29 Nov 2017, 14 Mar 2018"],
        ["announced 3 times: 29 Nov 2017, 14 Mar 2018, 2 Feb 2019"]]
    assert [x["release_id"] for x in alerts[2]["reannounced"][0]["announcements"]] == [
        "gov-uk/iraq-2017", "ho/2018", "fco/2019"]
    assert [contract_schemas.event_errors(json.loads(b)) for _, _, b, _ in receiver.hits("all")] == [[], [], []]
    assert [(a["kind"], [c["id"] for c in a["commitments"]]) for a in _data(receiver, "quiet")] == [
        ("new", ["c-funding"])]  # opted out: told of the first announcement only


@pytest.mark.parametrize("desk", [
    pytest.param("{id: desk, channels: [{webhook: {url: URL}}]}", id="told"),
    pytest.param("{id: desk, filter: {sources: [elsewhere]}, channels: [{webhook: {url: URL}}]}", id="not-told"),
])
async def test_two_announcements_handled_at_once_are_linked_and_make_one_new_alert(
        notifier, write_yaml, receiver, desk):
    n = await notifier(subscriptions=write_yaml(f"subscriptions: [{desk.replace('URL', receiver.url('hook'))}]"))

    def event(r):
        return ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test",
                                           time=datetime.now(timezone.utc), subject=r.release_id)

    for i in range(5):  # each a race between two handlers (two replicas) of two announcements of one £10m
        first, again = (c.model_copy(update={"id": f"{c.id}-{i}", "actor": f"UK {i}"})
                        for c in (FUNDING, FUNDING_AGAIN))
        await asyncio.gather(
            n.service.on_release_classified(event(release(first, release_id=f"first-{i}")), None),
            n.service.on_release_classified(event(release(again, release_id=f"again-{i}", published_at=MARCH_2018)),
                                            None))
    streams = n.service.runtime.streams
    records = [Announced.model_validate_json(raw)
               for raw in (await streams.client.hgetall(streams.key("notifier:announced"))).values()]
    assert len({a.chain for a in records}) == 5  # one chain per pair, whichever handler wrote first
    if "elsewhere" not in desk:
        await wait_for(lambda: len(receiver.hits("hook")) == 10, what="ten alerts")
        assert sorted(a["kind"] for a in _data(receiver, "hook")) == ["new"] * 5 + ["reannounced"] * 5


async def test_an_edit_out_of_the_filter_is_told_to_the_subscriber_who_had_it(
        notifier, receiver, write_yaml, publish_classified):
    n = await notifier(subscriptions=write_yaml(f"""
subscriptions:
  - id: ten-million
    filter: {{keywords: ["£10m"]}}
    channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}]
"""))
    await publish_classified(n.service, release(FUNDING, BORDERS))
    await publish_classified(n.service, release(FUNDING_CUT, BORDERS, version=2))
    last = await publish_classified(n.service, release(FUNDING_CUT, BORDERS, version=2), event_id="twice")
    await wait_for(lambda: handled(n.service, last), what="both versions handled")
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="two alerts")
    await n.service.worker.drain()
    first, second = _data(receiver, "hook")
    assert second["kind"] == "changed" and second["commitments"] == []
    assert [f["words"] for f in second["changes"][0]["changes"]] == [
        "money £10m \u2192 £8m", "no longer matches the subscription's filter"]


async def test_a_release_s_last_version_is_kept_for_the_memory_set_and_no_longer(
        notifier, write_yaml, publish_classified):
    n = await notifier(subscriptions=write_yaml("subscriptions: [{id: desk, channels: [console]}]"))
    last = await publish_classified(n.service, release(FUNDING))
    await wait_for(lambda: handled(n.service, last), what="the release handled")
    streams = n.service.runtime.streams
    ttl = await streams.client.ttl(streams.key("notifier:release:gov-uk/iraq-2017"))
    assert 729 * 86_400 < ttl <= 730 * 86_400


async def test_an_unreadable_record_of_the_index_holds_nothing_up_and_is_written_again(
        notifier, write_yaml, publish_classified, receiver):
    n = await notifier(subscriptions=write_yaml(ONE_DESK.format(url=receiver.url("hook"))))
    streams = n.service.runtime.streams
    await streams.client.hset(streams.key("notifier:announced"), FUNDING.id, "{not json")
    await publish_classified(n.service, release(FUNDING))
    await wait_for(lambda: len(receiver.hits("hook")) == 1, what="the alert")
    raw = await streams.client.hget(streams.key("notifier:announced"), FUNDING.id)
    assert Announced.model_validate_json(raw).chain == FUNDING.id


async def test_the_index_keeps_each_announcement_in_its_chain_and_only_new_words_in_its_sets(
        notifier, write_yaml, publish_classified):
    n = await notifier(subscriptions=write_yaml("subscriptions: [{id: desk, channels: [console]}]"))
    await publish_classified(n.service, release(FUNDING, release_id="gov-uk/iraq-2017"))
    await publish_classified(n.service, release(FUNDING_AGAIN, release_id="ho/2018", published_at=MARCH_2018))
    last = await publish_classified(n.service, release(THIRD, release_id="fco/2019", published_at=FEB_2019))
    await wait_for(lambda: handled(n.service, last), what="the three releases handled")
    client, key = n.service.runtime.streams.client, n.service.runtime.streams.key
    chain = await client.zrange(key("notifier:chain:c-funding"), 0, -1)
    assert [json.loads(m)[0] for m in chain] == ["c-funding", "c-funding-again", "c-funding-third"]
    # THIRD says what FUNDING_AGAIN said: whatever would find it finds FUNDING_AGAIN, earlier in its chain
    assert await client.smembers(key("notifier:announced:m:uk:GBP:10000000")) == {b"c-funding", b"c-funding-again"}
    assert await client.hexists(key("notifier:announced"), "c-funding-third")


async def test_a_set_of_the_index_too_common_to_be_read_grows_no_further(notifier, write_yaml, publish_classified):
    n = await notifier(subscriptions=write_yaml("subscriptions: [{id: desk, channels: [console]}]"))
    client, key = n.service.runtime.streams.client, n.service.runtime.streams.key
    common = key("notifier:announced:m:uk:GBP:10000000")
    await client.sadd(common, *[f"c-{i}" for i in range(COMMON + 1)])
    last = await publish_classified(n.service, release(FUNDING))
    await wait_for(lambda: handled(n.service, last), what="the release handled")
    assert await client.scard(common) == COMMON + 1
    assert await client.sismember(key("notifier:announced:w:uk:build"), "c-funding")


async def test_a_set_of_the_index_too_common_to_be_read_is_not_compared_when_the_run_is_written(redis_client,
                                                                                                key_prefix):
    client, p = redis_client, key_prefix
    index = AnnouncementIndex(client, lambda name: f"{p}{name}")
    common = f"{p}notifier:announced:m:uk:GBP:10000000"
    await client.sadd(common, *[f"c-{i}" for i in range(COMMON + 1)])
    await client.sadd(f"{p}notifier:announced:w:uk:build", "c-other")
    run = await index.read([release(FUNDING)])
    commit = Commit()
    index.write(commit, run)
    compared = dict(zip(commit.sizes[::2], commit.sizes[1::2]))
    assert common not in compared  # not read: what is added to it meanwhile changes nothing
    assert compared[f"{p}notifier:announced:w:uk:build"] == 1


async def test_a_runs_records_join_the_sets_it_compared_unchecked_and_never_a_set_too_common_to_be_read(
        redis_client, key_prefix):
    client, p = redis_client, key_prefix
    index = AnnouncementIndex(client, lambda name: f"{p}{name}")
    common = f"{p}notifier:announced:m:uk:GBP:10000000"
    await client.sadd(common, *[f"c-{i}" for i in range(COMMON + 1)])
    run = await index.read([release(FUNDING)])
    commit = Commit()
    index.write(commit, run)
    added, rest = {}, commit.sets
    while rest:
        key, n, *rest = rest
        added[key], rest = rest[:n], rest[n:]
    assert not commit.capped  # each set the run adds to was read and its size compared: no size read again
    assert common not in added  # past COMMON when read: it only grows, and is never read
    assert added[f"{p}notifier:announced:w:uk:build"] == ["c-funding"]


def _deployment(cid: str, officers: str) -> Commitment:
    text = f"The Home Office will deploy {officers} armed officers to railway stations by 1 November 2027."
    return Commitment(id=cid, text=text, span=(0, len(text)), kind="pledge", actor="Home Office",
                      category="capability_building", counter_terrorism=True, confidence=0.9,
                      deadlines=[DateDeadline(due=date(2027, 11, 1), text="by 1 November 2027", span=(69, 87))])


async def test_another_headcount_from_the_same_actor_is_a_new_commitment_told_to_every_desk(
        notifier, receiver, write_yaml, publish_classified):
    """Before: 50 and 5,000 armed officers were one chain, so the second release was sent as re-announced, and
    the desk opted out of re-announcements never heard of the 5,000."""
    n = await notifier(subscriptions=write_yaml(DESKS.format(all=receiver.url("all"), quiet=receiver.url("quiet"))))
    for cid, officers, release_id, published_at in (("c-50", "50", "ho/50", PUBLISHED),
                                                     ("c-5000", "5,000", "ho/5000", MARCH_2018),
                                                     ("c-5000-again", "5000", "ho/again", FEB_2019)):
        entry = await publish_classified(n.service, release(_deployment(cid, officers), release_id=release_id,
                                                            published_at=published_at))
        await wait_for(lambda: handled(n.service, entry), what=f"{release_id} handled")
    await wait_for(lambda: len(receiver.hits("all")) == 3, what="three alerts")
    await n.service.worker.drain()

    told = {a["commitments"][0]["id"]: a["kind"] for a in _data(receiver, "all")}
    assert told == {"c-50": "new", "c-5000": "new", "c-5000-again": "reannounced"}  # 5000 is 5,000 written otherwise
    assert sorted(a["commitments"][0]["id"] for a in _data(receiver, "quiet")) == ["c-50", "c-5000"]


def _removal(cid: str, within: str, duration: str) -> Commitment:
    """As the classifier reads "Platforms must remove terrorist content within 1 hour of being notified."."""
    rule = f"within {within} of being notified"
    text = f"Platforms must remove terrorist content {rule}."
    return Commitment(id=cid, text=text, span=(0, len(text)), kind="demand", actor="Platforms",
                      category="online_content", counter_terrorism=True, confidence=0.9,
                      deadlines=[ResponseTimeDeadline(min=duration, max=duration, anchor="notification", text=rule,
                                                      span=(text.index(rule), len(text) - 1))])


async def test_another_response_time_demanded_of_the_same_actor_is_a_new_commitment_told_to_every_desk(
        notifier, receiver, write_yaml, publish_classified):
    """Before: a response time was neither a due date nor a quantity, so "within 1 hour" and, later, "within 5
    hours" were one chain, and the desk opted out of re-announcements never heard of the changed demand."""
    n = await notifier(subscriptions=write_yaml(DESKS.format(all=receiver.url("all"), quiet=receiver.url("quiet"))))
    for cid, within, duration, release_id, published_at in (("c-1h", "1 hour", "PT1H", "ho/1h", PUBLISHED),
                                                             ("c-5h", "5 hours", "PT5H", "ho/5h", MARCH_2018),
                                                             ("c-60m", "60 minutes", "PT60M", "ho/60m", FEB_2019)):
        entry = await publish_classified(n.service, release(_removal(cid, within, duration), release_id=release_id,
                                                            published_at=published_at))
        await wait_for(lambda: handled(n.service, entry), what=f"{release_id} handled")
    await wait_for(lambda: len(receiver.hits("all")) == 3, what="three alerts")
    await n.service.worker.drain()

    told = {a["commitments"][0]["id"]: a["kind"] for a in _data(receiver, "all")}
    assert told == {"c-1h": "new", "c-5h": "new", "c-60m": "reannounced"}  # 60 minutes is 1 hour written otherwise
    again = next(a for a in _data(receiver, "all") if a["kind"] == "reannounced")
    assert [x["release_id"] for x in again["reannounced"][0]["announcements"]] == ["ho/1h", "ho/60m"]
    assert sorted(a["commitments"][0]["id"] for a in _data(receiver, "quiet")) == ["c-1h", "c-5h"]


REMINDED_DESKS = """
subscriptions:
  - id: ct-desk
    reminders: [P7D]
    channels: [{{webhook: {{url: "{all}"}}}}]
  - id: quiet-desk
    reannouncements: false
    reminders: [P7D]
    channels: [{{webhook: {{url: "{quiet}"}}}}]
"""
DUE_LATER = DateDeadline(due=date(2030, 6, 1), text="by 1 June 2030", span=(0, 14))
FIRST, AGAIN, AGAIN_THIRD = (c.model_copy(update={"deadlines": [DUE_LATER]}) for c in (FUNDING, FUNDING_AGAIN, THIRD))


def _classified(r):
    return ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test",
                                       time=datetime.now(timezone.utc), subject=r.release_id)


SAME_READ_SCENARIOS = {
    "two releases": ([release(FIRST, release_id="gov-uk/iraq-2017"),
                      release(AGAIN, release_id="ho/2018", published_at=MARCH_2018)],
                     [("new", ["c-funding"]), ("reannounced", ["c-funding-again"])]),
    "three copies, one delivered twice": ([release(FIRST, release_id="gov-uk/iraq-2017"),
                                           release(AGAIN, release_id="ho/2018", published_at=MARCH_2018),
                                           release(AGAIN_THIRD, release_id="fco/2019", published_at=FEB_2019),
                                           release(AGAIN, release_id="ho/2018", published_at=MARCH_2018)],
                                          [("new", ["c-funding"]), ("reannounced", ["c-funding-again"]),
                                           ("reannounced", ["c-funding-third"])]),
}


@pytest.mark.parametrize("reads", ["one read", "a read each"])
@pytest.mark.parametrize("scenario", list(SAME_READ_SCENARIOS))
async def test_announcements_of_one_commitment_in_one_read_are_told_as_read_one_after_the_other(
        notifier, receiver, write_yaml, scenario, reads):
    """Before: the releases of one read were each planned against the records read before it, so the second
    announcement was new to every desk, the one opted out of re-announcements too, and reminded to it."""
    releases, told = SAME_READ_SCENARIOS[scenario]
    n = await notifier(subscriptions=write_yaml(REMINDED_DESKS.format(all=receiver.url("all"),
                                                                      quiet=receiver.url("quiet"))),
                       run_scheduler=False)
    items = [(_classified(r), None) for r in releases]
    for batch in [items] if reads == "one read" else [[item] for item in items]:
        await n.service.on_classified_batch(batch)
    await wait_for(lambda: len(receiver.hits("all")) >= len(told) and len(receiver.hits("quiet")) >= 1,
                   what="the alerts")
    await n.service.worker.drain()

    def kinds(path):
        return sorted(((a["kind"], [c["id"] for c in a["commitments"]]) for a in _data(receiver, path)),
                      key=lambda t: (t[0] != "new", t[1]))

    assert kinds("all") == told
    assert kinds("quiet") == [("new", ["c-funding"])]  # opted out: told of the first announcement only
    if scenario.startswith("three"):
        assert sorted(r["words"] for a in _data(receiver, "all") for r in a["reannounced"]) == [
            "announced 2 times: 29 Nov 2017, 14 Mar 2018",
            "announced 3 times: 29 Nov 2017, 14 Mar 2018, 2 Feb 2019"]
    streams = n.service.runtime.streams
    records = {desk: sorted(k.decode() for k in await streams.client.hkeys(streams.key(f"notifier:sent:{desk}")))
               for desk in ("ct-desk", "quiet-desk")}
    assert records == {"ct-desk": sorted(cid for _, ids in told for cid in ids), "quiet-desk": ["c-funding"]}
    chains = {Announced.model_validate_json(raw).chain
              for raw in (await streams.client.hgetall(streams.key("notifier:announced"))).values()}
    assert chains == {"c-funding"}
    planned = {rid for rid, _ in await n.service.reminders.scheduled()}
    assert planned == {reminder_id(desk, cid, 0, "P7D") for desk, ids in records.items() for cid in ids}


@pytest.mark.parametrize("reads", ["one read", "a read each"])
async def test_two_announcements_in_one_release_are_one_new_commitment_however_read(
        notifier, receiver, write_yaml, reads):
    """Commitments of one release never repeat each other: the one written twice is new once, named once, in one
    alert, to every desk (decision 0040); a later release repeating it is a re-announcement."""
    n = await notifier(subscriptions=write_yaml(DESKS.format(all=receiver.url("all"), quiet=receiver.url("quiet"))))
    releases = [release(FUNDING, FUNDING_AGAIN, release_id="gov-uk/iraq-2017"),
                release(THIRD, release_id="fco/2019", published_at=FEB_2019)]
    items = [(_classified(r), None) for r in releases]
    for batch in [items] if reads == "one read" else [[item] for item in items]:
        await n.service.on_classified_batch(batch)
    await wait_for(lambda: len(receiver.hits("all")) >= 2 and len(receiver.hits("quiet")) >= 1, what="the alerts")
    await n.service.worker.drain()
    assert sorted((a["kind"], [c["id"] for c in a["commitments"]]) for a in _data(receiver, "all")) == [
        ("new", ["c-funding"]), ("reannounced", ["c-funding-third"])]
    assert [(a["kind"], [c["id"] for c in a["commitments"]]) for a in _data(receiver, "quiet")] == [
        ("new", ["c-funding"])]


async def test_two_handlers_one_reading_both_announcements_the_other_one_tell_each_desk_once_as_new(
        notifier, write_yaml, receiver):
    n = await notifier(subscriptions=write_yaml(DESKS.format(all=receiver.url("all"), quiet=receiver.url("quiet"))))
    for i in range(5):  # a race between a replica's read of both and another's read of the second
        first, again = (c.model_copy(update={"id": f"{c.id}-{i}", "actor": f"UK {i}"})
                        for c in (FUNDING, FUNDING_AGAIN))
        both = [(_classified(release(first, release_id=f"first-{i}")), None),
                (_classified(release(again, release_id=f"again-{i}", published_at=MARCH_2018)), None)]
        await asyncio.gather(n.service.on_classified_batch(both), n.service.on_classified_batch(both[1:]))
    await wait_for(lambda: len(receiver.hits("all")) >= 10 and len(receiver.hits("quiet")) >= 5, what="the alerts")
    await n.service.worker.drain()
    assert sorted(a["kind"] for a in _data(receiver, "all")) == ["new"] * 5 + ["reannounced"] * 5
    assert [a["kind"] for a in _data(receiver, "quiet")] == ["new"] * 5
