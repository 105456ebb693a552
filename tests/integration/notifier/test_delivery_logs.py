"""What the notifier logs of a delivery that fails names the release the alert is of, so that "subscriber X never
got the alert for release Y" is answered from the log: grep the release id. Real Redis, a real receiver."""

import json
import logging

import pytest

from samples import BORDERS, release
from services.common.logs import JsonFormatter

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration


async def _given_up_after_two_attempts(notifier, receiver, write_yaml, publish_classified):
    """``desk``'s alert of version 3 of gov-uk/borders, to a webhook answering 500: two attempts, then a dead letter."""
    n = await notifier(config=fast_config(delivery_attempts=2), subscriptions=write_yaml(
        f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('fail')}'}}}}]}}]"))
    await publish_classified(n.service, release(BORDERS, release_id="gov-uk/borders", version=3))
    streams = n.service.runtime.streams
    await wait_for(lambda: streams.client.xlen(streams.key("dead-letters")), what="dead letter")


async def test_a_failed_attempt_and_its_dead_letter_are_logged_with_the_release_and_version(
        notifier, receiver, write_yaml, publish_classified, caplog):
    caplog.set_level(logging.INFO, logger="services.notifier.delivery")
    await _given_up_after_two_attempts(notifier, receiver, write_yaml, publish_classified)
    lines = [r.getMessage() for r in caplog.records if r.name == "services.notifier.delivery"]
    retried = [line for line in lines if "again in" in line]
    given_up = [line for line in lines if line.startswith("dead letter: ")]
    assert retried and given_up, lines
    for line in retried + given_up:
        assert line.startswith("desk: ") or line.startswith("dead letter: desk: "), line
        assert "(release gov-uk/borders v3)" in line, line


async def test_the_release_line_names_each_subscription_told_and_its_alert(
        notifier, receiver, write_yaml, publish_classified, caplog):
    """Before: "gov-uk/borders v1: 1 alert(s) for 2 subscription(s)", which of the two left to the streams."""
    caplog.set_level(logging.INFO, logger="services.notifier.service")
    hook = receiver.url("hook")
    n = await notifier(config=fast_config(), subscriptions=write_yaml(
        f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{hook}'}}}}]}},"
        f" {{id: nobody, filter: {{keywords: [zzzz]}}, channels: [{{webhook: {{url: '{hook}'}}}}]}}]"))
    await publish_classified(n.service, release(BORDERS, release_id="gov-uk/borders"))
    [hit] = await wait_for(lambda: receiver.hits("hook"), what="the POST")
    alert_id = hit[1]["X-Pledgewatch-Alert-Id"]
    [line] = [r.getMessage() for r in caplog.records if " alert(s) for " in r.getMessage()]
    assert line == f"gov-uk/borders v1: 1 alert(s) for 2 subscription(s): desk {alert_id}"


async def test_a_delivery_that_went_through_after_failing_logs_its_success(
        notifier, receiver, write_yaml, publish_classified, caplog):
    """Before: a line for each failed attempt and none for the one that went through: whether an alert whose last
    line was "attempt 3 again in …" arrived, the log did not say."""
    caplog.set_level(logging.INFO, logger="services.notifier.delivery")
    n = await notifier(config=fast_config(delivery_attempts=5, retry_base_seconds=0.3, retry_max_seconds=0.3),
                       subscriptions=write_yaml(
        f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('fail')}'}}}}]}}]"))
    await publish_classified(n.service, release(BORDERS, release_id="gov-uk/borders"))
    await wait_for(lambda: receiver.hits("fail"), what="the first attempt")
    receiver.fixed.add("fail")
    await wait_for(lambda: len(receiver.hits("fail")) >= 2, what="the second attempt")
    await n.service.worker.drain()
    lines = [r.getMessage() for r in caplog.records if r.name == "services.notifier.delivery"]
    assert lines[-1].startswith("desk: new-") and lines[-1].endswith(
        f"(release gov-uk/borders v1): webhook {receiver.url('***')} delivered at attempt 2"), lines


async def test_a_delivery_that_went_through_at_once_logs_nothing_of_its_own(
        notifier, receiver, write_yaml, publish_classified, caplog):
    """The release line names it; a line per delivery would repeat it for every subscriber."""
    caplog.set_level(logging.INFO, logger="services.notifier.delivery")
    n = await notifier(config=fast_config(), subscriptions=write_yaml(
        f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('hook')}'}}}}]}}]"))
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: receiver.hits("hook"), what="the POST")
    await n.service.worker.drain()
    assert [r.getMessage() for r in caplog.records if r.name == "services.notifier.delivery"] == []


async def test_a_failed_attempt_carries_its_ids_as_record_fields_for_json_logs(
        notifier, receiver, write_yaml, publish_classified, caplog):
    caplog.set_level(logging.INFO, logger="services.notifier")
    await _given_up_after_two_attempts(notifier, receiver, write_yaml, publish_classified)
    [told] = [json.loads(JsonFormatter().format(r)) for r in caplog.records if " alert(s) for " in r.getMessage()]
    assert (told["release_id"], told["version"]) == ("gov-uk/borders", 3)
    failed = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "services.notifier.delivery"]
    assert [(f["release_id"], f["version"], f["subscription_id"], f["attempt"]) for f in failed] == [
        ("gov-uk/borders", 3, "desk", 1), ("gov-uk/borders", 3, "desk", 2)]
    assert all(f["alert_id"].startswith("new-") for f in failed)
