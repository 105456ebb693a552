"""What the review found: a leader loop that died, reminders lost or left stale, double alerts
from concurrent handlers, unbounded claims, secrets in events. Real Redis, real HTTP receivers."""

import asyncio
import json
import re
import time
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from samples import BORDERS, CONTENT, dated, release
from schemas import ReleaseClassifiedEvent, decode_event
from schemas.streams import ALERTS, DEAD_LETTER_COUNTS, DEAD_LETTERS, DELIVERIES, EVENT_FIELD
from services.dashboard.deliveries import delivery_statuses
from services.dashboard.reading import latest_attempts
from services.notifier.firing import ReminderFiring
from services.notifier.reminder_store import CLAIMED
from services.notifier.service import NotifierService
from services.notifier.leader import LeaderLock

from notifier_harness import fast_config, scheduled, wait_for

pytestmark = pytest.mark.integration


async def _events(service, name):
    streams = service.runtime.streams
    return [decode_event(f[EVENT_FIELD.encode()]).data for _, f in await streams.client.xrange(streams.key(name))]


def _hook_yaml(url, *, reminders=None):
    extra = f"\n    reminders: [{', '.join(reminders)}]" if reminders else ""
    return f"""
subscriptions:
  - id: desk{extra}
    channels: [{{webhook: {{url: "{url}"}}}}]
"""


def _reminders_sent(receiver):
    return [json.loads(h[2])["data"] for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"]


def _soon(seconds):
    """A deadline two days ahead and the offset that makes its reminder fire ``seconds`` from now
    (with reminder_time 00:00)."""
    due = datetime.now(timezone.utc).date() + timedelta(days=2)
    on_day = datetime.combine(due, datetime.min.time(), tzinfo=timezone.utc)
    return due, f"PT{int((on_day - datetime.now(timezone.utc) - timedelta(seconds=seconds)).total_seconds())}S"


async def _none_scheduled(service):
    return await scheduled(service) == {}


# --- 1. the leader loop -------------------------------------------------------------------
async def test_leader_loop_survives_a_failing_hook_and_keeps_ticking(notifier):
    n = await notifier()
    lock = LeaderLock(n.service.runtime.streams.client, n.service.runtime.streams.key("test-lock"), ttl=0.15)
    calls = {"elected": 0, "tick": 0}

    async def elected():
        calls["elected"] += 1
        if calls["elected"] == 1:
            raise ConnectionError("redis blip")

    async def tick():
        calls["tick"] += 1
        if calls["tick"] == 1:
            raise RuntimeError("send_digests failed")

    async def deposed():
        pass

    task = asyncio.create_task(lock.run(on_elected=elected, on_deposed=deposed, on_tick=tick))
    try:
        await wait_for(lambda: calls["tick"] >= 3, timeout=5, what="ticks after two failures")
        assert calls["elected"] == 2 and not task.done()  # a failed election hook is tried again
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_hook_slower_than_the_lease_does_not_lose_the_lease(notifier):
    """The lease is renewed on its own task: a long tick (a burst of due reminders and digests) must not let
    it run out and hand the scheduler to a second replica while the first still runs it."""
    n = await notifier()
    client, key = n.service.runtime.streams.client, n.service.runtime.streams.key("test-lock-slow")
    first, second = LeaderLock(client, key, ttl=0.3, name="first"), LeaderLock(client, key, ttl=0.3, name="second")
    ticks = []

    async def slow_tick():
        ticks.append(1)
        await asyncio.sleep(1.0)

    async def nothing():
        pass

    leading = asyncio.create_task(first.run(on_elected=nothing, on_deposed=nothing, on_tick=slow_tick))
    try:
        await wait_for(lambda: ticks, timeout=5, what="the first tick")
        for _ in range(20):  # two seconds of a rival trying, while the first is inside its slow ticks
            assert not await second.try_acquire(), "the lease ran out during a slow tick"
            await asyncio.sleep(0.1)
        assert first.is_leader
    finally:
        leading.cancel()
        await asyncio.gather(leading, return_exceptions=True)


async def test_a_dead_background_task_makes_the_health_check_fail(notifier):
    n = await notifier()
    await n.service.ping()
    leader = next(t for t in n.service._tasks if t.get_name() == "notifier-leader")
    leader.cancel()
    await asyncio.gather(leader, return_exceptions=True)
    with pytest.raises(RuntimeError, match="notifier-leader stopped"):
        await n.service.ping()


# --- 2. reminders that fail while firing ----------------------------------------------------
@pytest.fixture
def flaky_firing(monkeypatch):
    """``flaky_firing(n)``: the next ``n`` firings raise (n=None: all of them)."""
    original, calls = ReminderFiring._commit, []

    def make(failures):
        async def commit(self, sending, dropped, *, now):
            calls.append(sending)
            if failures is None or len(calls) <= failures:
                raise ConnectionError(f"redis blip {len(calls)}")
            return await original(self, sending, dropped, now=now)
        monkeypatch.setattr(ReminderFiring, "_commit", commit)
        return calls
    return make


async def test_a_reminder_that_fails_while_firing_is_fired_again_later(notifier, receiver, write_yaml,
                                                                      publish_classified, flaky_firing):
    calls = flaky_firing(2)
    due, offset = _soon(0.5)
    config = fast_config(reminder_time="00:00", reminder_retry_base_seconds=0.1, reminder_retry_max_seconds=0.2)
    n = await notifier(config=config, subscriptions=write_yaml(_hook_yaml(receiver.url("hook"), reminders=[offset])))
    await publish_classified(n.service, release(dated("c-dated", due)))
    await wait_for(lambda: _reminders_sent(receiver), timeout=10, what="the reminder, third time lucky")
    assert len(calls) == 3 and len(_reminders_sent(receiver)) == 1
    streams = n.service.runtime.streams
    assert await streams.client.hlen(streams.key(CLAIMED)) == 0


async def test_a_reminder_that_keeps_failing_is_dead_lettered_with_the_reason(notifier, receiver, write_yaml,
                                                                             publish_classified, flaky_firing):
    calls = flaky_firing(None)
    due, offset = _soon(0.5)
    config = fast_config(reminder_time="00:00", reminder_attempts=3, reminder_retry_base_seconds=0.05,
                         reminder_retry_max_seconds=0.1)
    n = await notifier(config=config, subscriptions=write_yaml(_hook_yaml(receiver.url("hook"), reminders=[offset])))
    await publish_classified(n.service, release(dated("c-dated", due)))
    (letter,) = await wait_for(lambda: _events(n.service, DEAD_LETTERS), timeout=10, what="the dead letter")
    # A second's firing reads the reminder without claiming it, and the leader's tick may claim it meanwhile:
    # an attempt can be fired twice (and fail twice), but it counts once (see the test below).
    assert re.search(r"redis blip \d+ \(attempt 3 of 3\)$", letter.reason) and letter.deliveries == 3
    assert {f.claimed.record.attempt for sending in calls for f in sending} == {1, 2, 3}
    assert _reminders_sent(receiver) == []
    assert await scheduled(n.service) == {}


async def test_two_firings_of_a_reminder_that_fail_together_count_one_attempt_and_leave_one_dead_letter(
        notifier, receiver, write_yaml, publish_classified, flaky_firing):
    """A second's firing reads what it fires without claiming it, so a claim can fire the same reminder meanwhile
    (the leader's tick fires what is due): when both firings fail, the reminder is one attempt further, not
    two, and its last attempt is dead-lettered once."""
    calls = flaky_firing(None)
    due = datetime.now(timezone.utc).date() + timedelta(days=2)
    config = fast_config(reminder_time="00:00", reminder_attempts=2, reminder_retry_base_seconds=3600,
                         reminder_retry_max_seconds=3600)  # planned for tomorrow, retried an hour on: never due here
    n = await notifier(config=config, subscriptions=write_yaml(_hook_yaml(receiver.url("hook"), reminders=["P1D"])))
    await publish_classified(n.service, release(dated("c-dated", due)))
    await wait_for(lambda: scheduled(n.service), what="the reminder planned")
    store, firing, until = n.service.reminders, n.service.firing, time.time() + 3 * 86400

    async def both_fail():
        overlapping = [await store.due_by(until=until, limit=10), await store.due_by(until=until, limit=10)]
        for read in overlapping:
            assert [c.record.attempt for c in read] == [attempt]
            await firing.fire(read)

    for attempt in (1, 2):
        await both_fail()
    assert len(calls) == 4
    (letter,) = await _events(n.service, DEAD_LETTERS)
    assert "(attempt 2 of 2)" in letter.reason and letter.deliveries == 2
    streams = n.service.runtime.streams
    assert await streams.client.hgetall(streams.key(DEAD_LETTER_COUNTS)) == {b"reminders": b"1"}
    assert await scheduled(n.service) == {}


async def _first_leader_dies_in(cls, method, notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """The first notifier "dies" (hangs for good) on entering ``cls.<method>`` after APScheduler deleted the
    job that fires the reminder; a second one starts. Returns the reminders the receiver got."""
    due, offset = _soon(0.5)
    path = write_yaml(_hook_yaml(receiver.url("hook"), reminders=[offset]))
    config = fast_config(reminder_time="00:00")
    original, hung = getattr(cls, method), asyncio.Event()

    async def dies(self, *args, **kwargs):
        hung.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(cls, method, dies)
    first = await notifier(config=config, subscriptions=path)
    await publish_classified(first.service, release(dated("c-dated", due)))
    await asyncio.wait_for(hung.wait(), timeout=10)
    await wait_for(lambda: first.service.scheduler.jobs() == [], what="APScheduler deleting the job")
    await first.stop()

    monkeypatch.setattr(cls, method, original)
    second = await notifier(config=config, subscriptions=path)
    await wait_for(lambda: _reminders_sent(receiver), timeout=10, what="the recovered reminder")
    assert await second.service.reminders.reclaim(now=datetime.now(timezone.utc)) == 0  # nothing left claimed
    assert await second.service.firing.fire_due() == 0  # nor due
    await asyncio.sleep(0.3)
    return _reminders_sent(receiver)


async def test_a_reminder_cut_short_by_a_crash_is_fired_by_the_next_leader_once(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """Killed after the reminder was claimed, before it was recorded as fired."""
    sent = await _first_leader_dies_in(ReminderFiring, "_complete", notifier, receiver, write_yaml, publish_classified,
                                       monkeypatch)
    assert len(sent) == 1


async def test_a_reminder_whose_job_was_deleted_before_its_firing_was_recorded_is_not_lost(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """Killed after APScheduler deleted the job and before anything was written (or claimed)."""
    sent = await _first_leader_dies_in(NotifierService, "fire_second", notifier, receiver, write_yaml, publish_classified, monkeypatch)
    assert len(sent) == 1


# --- 3. stale reminders ---------------------------------------------------------------------
async def test_only_the_latest_versions_reminders_remain_and_a_withdrawn_release_has_none(
        notifier, write_yaml, publish_classified):
    today = datetime.now(timezone.utc).date()
    n = await notifier(subscriptions=write_yaml("subscriptions: [{id: desk, channels: [console]}]"),
                       run_scheduler=False)
    march = dated("c-by-march", today + timedelta(days=60))
    june = dated("c-by-june", today + timedelta(days=150))  # the sentence changed: a new commitment id
    await publish_classified(n.service, release(march, BORDERS))
    async def four():
        jobs = await scheduled(n.service)
        return len(jobs) == 4 and jobs

    v1 = await wait_for(four, what="v1's four reminders")
    await publish_classified(n.service, release(june, BORDERS, version=2))
    await publish_classified(n.service, release(march, BORDERS), event_id="v1-redelivered")  # stale: no effect
    async def replaced():
        jobs = await scheduled(n.service)
        return jobs and not set(jobs) & set(v1) and jobs

    v2 = await wait_for(replaced, what="v1's reminders replaced by v2's")
    assert len(v2) == 4 and min(v2.values()).date() == today + timedelta(days=120)
    await asyncio.sleep(0.3)
    assert await scheduled(n.service) == v2
    withdrawn = release(june, BORDERS, version=3).model_copy(update={"withdrawn": True})
    await publish_classified(n.service, withdrawn)
    await wait_for(lambda: _none_scheduled(n.service), what="no reminder for a withdrawn release")


# --- 4. concurrent handlers -----------------------------------------------------------------
async def test_two_versions_handled_at_once_tell_each_commitment_once(notifier, write_yaml):
    n = await notifier(subscriptions=write_yaml("subscriptions: [{id: desk, channels: [console]}]"))
    handle = n.service.on_release_classified

    def event(r):
        return ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test",
                                           time=datetime.now(timezone.utc), subject=r.release_id)

    for i in range(5):  # each a race between v1 and v2 of one release
        rid = f"race-{i}"
        borders, content = (c.model_copy(update={"id": f"{c.id}-{i}"}) for c in (BORDERS, CONTENT))
        await asyncio.gather(handle(event(release(borders, release_id=rid)), None),
                             handle(event(release(borders, content, version=2, release_id=rid)), None))
    told = [c.id for a in await _events(n.service, ALERTS) for c in a.commitments]
    assert sorted(told) == sorted(f"{c}-{i}" for c in ("c-borders", "c-content") for i in range(5))


# --- 5. claims bounded by free slots --------------------------------------------------------
async def test_a_hanging_destination_with_a_backlog_holds_only_its_own_slots(notifier, receiver, write_yaml,
                                                                            publish_classified):
    path = write_yaml(f"""
subscriptions:
  - {{id: stuck-a, channels: [{{webhook: {{url: "{receiver.url('hang-a')}"}}}}]}}
  - {{id: stuck-b, channels: [{{webhook: {{url: "{receiver.url('hang-b')}"}}}}]}}
  - {{id: stuck-c, channels: [{{webhook: {{url: "{receiver.url('hang-c')}"}}}}]}}
  - {{id: prompt, channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}]}}
""")
    n = await notifier(config=fast_config(destination_concurrency=1, delivery_max_inflight=4),
                       subscriptions=path, webhook_timeout=30)
    for i in range(6):
        await publish_classified(n.service, release(BORDERS.model_copy(update={"id": f"c{i}"}), release_id=f"r{i}"))
    await wait_for(lambda: len(receiver.hits("hook")) == 6, timeout=10, what="all six to the prompt endpoint")
    worker = n.service.worker
    for _ in range(5):  # several polls: the backlog stays queued, not in flight
        assert len(worker._inflight) <= 4 and all(v <= 1 for v in worker.inflight().values())
        await asyncio.sleep(0.06)
    outbox = n.service.outbox
    queued = await outbox.client.zcount(outbox.zset, "-inf", time.time())  # due, not claimed
    assert (queued, await outbox.pending()) == (18 - 3, 18)  # one in flight per hanging endpoint
    receiver.release_hang.set()
    await wait_for(lambda: len([r for r in receiver.requests if r[0].startswith("hang")]) == 18, timeout=20,
                   what="the backlog drains once the endpoints answer")


# --- 7. secrets ------------------------------------------------------------------------------
async def test_no_token_or_password_leaves_through_events_dead_letters_or_the_api(notifier, receiver, write_yaml,
                                                                                  publish_classified):
    gone = receiver.url("gone").replace("http://", "http://ops:pa55word@") + "?token=t0ken"
    path = write_yaml(f"""
subscriptions:
  - id: desk
    channels:
      - webhook: {{url: "{gone}", secret: "hmac-key"}}
      - apprise: "json://127.0.0.1:{receiver.port}/chat?token=t0ken"
""")
    n = await notifier(subscriptions=path, http=True)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: _events(n.service, DEAD_LETTERS), what="the 404 dead letter")
    await wait_for(lambda: len(receiver.requests) >= 2, what="both sends")
    await n.service.worker.drain()
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        async with session.get(f"{n.url}/subscriptions") as resp:
            api = await resp.text()
    deliveries = await _events(n.service, DELIVERIES)
    shown = json.dumps([[d.model_dump(mode="json") for d in deliveries], api,
                        [d.model_dump(mode="json") for d in await _events(n.service, DEAD_LETTERS)]])
    for secret in ("pa55word", "t0ken", "hmac-key"):
        assert secret not in shown
    assert sorted(d.destination for d in deliveries) == [
        f"http://***@127.0.0.1:{receiver.port}/***", f"json://127.0.0.1:{receiver.port}/***"]


async def test_a_webhook_url_is_read_without_the_token_as_its_host_and_no_path(notifier, write_yaml):
    """A Slack-style hook's tokens (`/services/T000/B000/XXXX`) and a short `/webhook/<token>` are too short to be
    told from words: an open read shows the host, and the path as `***` (so does a read with the token)."""
    path = write_yaml("""
subscriptions:
  - id: desk
    channels:
      - webhook: {url: "https://hooks.example.org/services/T000/B000/XXXX"}
      - webhook: {url: "https://hooks.example.org/webhook/s3cr3t"}
""")
    n = await notifier(subscriptions=path, http=True)
    for headers in ({}, n.api_headers):
        async with aiohttp.ClientSession(headers=headers) as session:
            async with session.get(f"{n.url}/subscriptions") as resp:
                assert resp.status == 200, await resp.text()
                api = await resp.json()
        [desk] = [s for s in api["subscriptions"] if s["id"] == "desk"]
        assert desk["channels"] == [{"webhook": {"url": "https://hooks.example.org/***"}}] * 2


async def test_a_delivery_names_a_webhook_by_its_host_and_no_path(notifier, receiver, write_yaml,
                                                                  publish_classified):
    n = await notifier(subscriptions=write_yaml(_hook_yaml(receiver.url("gone"))), http=True)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: _events(n.service, DEAD_LETTERS), what="the 404 dead letter")
    deliveries = await _events(n.service, DELIVERIES)
    assert {d.destination for d in deliveries} == {f"http://127.0.0.1:{receiver.port}/***"}
    letters = json.dumps([d.model_dump(mode="json") for d in await _events(n.service, DEAD_LETTERS)])
    assert "/gone" not in letters and f"127.0.0.1:{receiver.port}/***" in letters, letters


async def test_two_webhooks_of_one_host_are_two_deliveries_on_the_dashboard(notifier, receiver, write_yaml,
                                                                            publish_classified):
    """Both are shown as the host alone: the dashboard, which told one delivery from another by the shown
    destination, counted one alert sent through both as one delivery."""
    path = write_yaml(f"""
subscriptions:
  - id: desk
    channels:
      - webhook: {{url: "{receiver.url('hook')}"}}
      - webhook: {{url: "{receiver.url('hook')}?channel=ops"}}
""")
    n = await notifier(subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="the alert through both webhooks")
    streams = n.service.runtime.streams
    await wait_for(lambda: _delivered(streams), what="both deliveries recorded")
    attempts = await latest_attempts(streams.client, streams.key(DELIVERIES))
    assert {a.destination for _, a in attempts} == {f"http://127.0.0.1:{receiver.port}/***"}
    assert delivery_statuses(attempts)["desk"].delivered == 2


async def _delivered(streams) -> bool:
    return await streams.client.xlen(streams.key(DELIVERIES)) == 2


async def test_a_subscription_sent_back_as_shown_keeps_its_real_url(notifier):
    n = await notifier(http=True)
    url = "https://ops:pa55word@hooks.example.org/in?token=t0ken"
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        body = {"id": "desk", "channels": [{"webhook": {"url": url}}]}
        async with session.post(f"{n.url}/subscriptions", json=body) as resp:
            shown = await resp.json()
        assert shown["channels"] == [{"webhook": {"url": "https://***@hooks.example.org/***"}}]
        shown.pop("origin")
        async with session.put(f"{n.url}/subscriptions/desk", json={**shown, "mode": "digest"}) as resp:
            assert resp.status == 200, await resp.text()
    stored = await n.service.store.get("desk")
    assert (stored.mode, stored.channels[0].url) == ("digest", url)



SLACK_OPS = "https://hooks.example.org/services/T000/B000/XXXX"
SLACK_DESK = "https://hooks.example.org/services/T000/B111/YYYY"


async def _put_shown(n, body, change):
    """``body`` saved, then sent back as the API shows it with ``change(shown channels)``: the PUT's answer."""
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        async with session.post(f"{n.url}/subscriptions", json=body) as resp:
            assert resp.status == 201, await resp.text()
            shown = await resp.json()
        shown.pop("origin")
        async with session.put(f"{n.url}/subscriptions/{body['id']}",
                               json={**shown, "channels": change(shown["channels"])}) as resp:
            return resp.status, await resp.json()


async def test_a_webhook_sent_back_as_shown_after_a_channel_removed_before_it_keeps_its_real_url(notifier):
    """Shown as its host, a webhook sent back in another place of the list (the email before it removed) was
    saved as ``https://hooks.example.org/***``, to which every alert then went."""
    n = await notifier(http=True)
    body = {"id": "desk", "channels": [{"email": {"to": ["desk@example.org"]}}, {"webhook": {"url": SLACK_OPS}}]}
    status, answer = await _put_shown(n, body, lambda channels: channels[1:])
    assert status == 200, answer
    stored = await n.service.store.get("desk")
    assert [c.url for c in stored.channels] == [SLACK_OPS]


async def test_one_of_two_webhooks_shown_alike_sent_back_alone_is_refused_not_taken_for_the_other(notifier):
    """Both are shown as ``https://hooks.example.org/***``: sent back without the first, the second was saved as
    the first's URL (the one at its place), and the webhook meant to stay was the one dropped."""
    n = await notifier(http=True)
    body = {"id": "desk", "channels": [{"webhook": {"url": SLACK_OPS}}, {"webhook": {"url": SLACK_DESK}}]}
    status, answer = await _put_shown(n, body, lambda channels: channels[1:])
    assert status == 422
    assert answer["errors"][0]["field"] == "channels.0.url"
    assert "whole URL" in answer["errors"][0]["message"]
    stored = await n.service.store.get("desk")
    assert [c.url for c in stored.channels] == [SLACK_OPS, SLACK_DESK]
    status, answer = await _put_shown(n, {**body, "id": "ops"}, lambda channels: channels)  # as shown: each its own
    assert status == 200, answer
    assert [c.url for c in (await n.service.store.get("ops")).channels] == [SLACK_OPS, SLACK_DESK]

@pytest.mark.parametrize("shown", ["https://hooks.example.org/***", "https://***@hooks.example.org/***",
                                   "https://***@hooks.example.org", "json://***@hooks.example.org:8080/***"])
async def test_a_url_as_shown_that_stands_for_no_stored_channel_is_refused_not_saved(notifier, shown):
    """A URL as a read shows it, sent where no stored channel is shown so (a PUT that makes the subscription, a POST,
    a PUT whose stored webhook is of another host), was saved as written: every alert then went to
    ``https://hooks.example.org/***``."""
    n = await notifier(http=True)
    kind = "apprise" if shown.startswith("json:") else "webhook"
    other = {"id": "ops", "channels": [{"webhook": {"url": "https://elsewhere.example.org/in"}}]}
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        async with session.put(f"{n.url}/subscriptions/ops", json=other) as resp:
            assert resp.status == 201, await resp.text()
        for method, path, sub_id in (("PUT", "/subscriptions/desk", "desk"), ("POST", "/subscriptions", "desk"),
                                     ("PUT", "/subscriptions/ops", "ops")):
            body = {"id": sub_id, "channels": [{"console": {}}, {kind: {"url": shown}}]}
            async with session.request(method, f"{n.url}{path}", json=body) as resp:
                assert resp.status == 422, (method, path, await resp.text())
                (error,) = (await resp.json())["errors"]
            assert error["field"] == "channels.1.url"
            assert "whole URL" in error["message"] and shown in error["message"]
    assert await n.service.store.get("desk") is None
    assert [c.url for c in (await n.service.store.get("ops")).channels] == ["https://elsewhere.example.org/in"]



async def test_a_secret_as_shown_with_no_stored_secret_is_refused_not_saved(notifier):
    """Before: a new webhook sent with ``secret: "***"`` (a secret as a read shows it) was saved with the secret
    ``***``, and every POST was signed with it."""
    n = await notifier(http=True)
    body = {"id": "desk", "channels": [{"console": {}}, {"webhook": {"url": "https://hooks.example.org/in",
                                                                     "secret": "***"}}]}
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        for method, path in (("PUT", "/subscriptions/desk"), ("POST", "/subscriptions")):
            async with session.request(method, f"{n.url}{path}", json=body) as resp:
                assert resp.status == 422, (method, path, await resp.text())
                (error,) = (await resp.json())["errors"]
            assert error["field"] == "channels.1.secret" and "give the secret itself" in error["message"]
    assert await n.service.store.get("desk") is None


async def test_a_channel_written_with_its_type_beside_its_fields_is_read_as_sent_back_too(notifier):
    """Before: ``{type: webhook, url: …}``, a form a subscription takes, was not looked at: a URL and secret as shown
    were saved as written, and a PUT of a channel as read in that form replaced the stored URL and secret."""
    n = await notifier(http=True)
    stored = {"id": "ops", "channels": [{"webhook": {"url": "https://hooks.example.org/in", "secret": "k3y"}}]}
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        async with session.put(f"{n.url}/subscriptions/ops", json=stored) as resp:
            assert resp.status == 201, await resp.text()
        sent_back = {"id": "ops", "channels": [{"type": "webhook", "url": "https://hooks.example.org/***",
                                                "secret": "***"}]}
        async with session.put(f"{n.url}/subscriptions/ops", json=sent_back) as resp:
            assert resp.status == 200, await resp.text()
        new = {"id": "desk", "channels": [{"type": "webhook", "url": "https://hooks.example.org/***"}]}
        async with session.post(f"{n.url}/subscriptions", json=new) as resp:
            assert resp.status == 422, await resp.text()
            assert [e["field"] for e in (await resp.json())["errors"]] == ["channels.0.url"]
    (kept,) = (await n.service.store.get("ops")).channels
    assert (kept.url, kept.secret) == ("https://hooks.example.org/in", "k3y")
    assert await n.service.store.get("desk") is None


# --- 9. one webhook timeout setting --------------------------------------------------------
async def test_the_common_webhook_timeout_setting_bounds_a_webhook_post(notifier, receiver, write_yaml,
                                                                         publish_classified):
    n = await notifier(config=fast_config(delivery_attempts=1), webhook_timeout=0.3,
                       subscriptions=write_yaml(_hook_yaml(receiver.url("hang"))))
    await publish_classified(n.service, release(BORDERS))
    (failed,) = await wait_for(lambda: _events(n.service, DELIVERIES), what="the timed-out attempt")
    assert failed.error == "timed out after 0.3s"
