"""The process's counters: bounded labels, and one registry per HTTP app over the same counters."""

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from pledgewatch.build_info import this_build
from services.common.metrics import count_cancelled, count_delivery, registry_with, time_send


def _samples(registry):
    text = generate_latest(registry).decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_every_bounded_series_is_exported_from_the_start():
    samples = _samples(registry_with())
    assert ("pledgewatch_releases_published_total", (("source_kind", "backfill"),)) in samples
    assert ("pledgewatch_commitments_found_total", (("counter_terrorism", "no"),)) in samples
    assert ("pledgewatch_deliveries_total", (("channel", "apprise"), ("outcome", "failed"))) in samples
    assert ("pledgewatch_deliveries_given_up_total", (("channel", "email"),)) in samples
    assert not any(name.endswith("_created") for name, _ in samples)


def test_an_unknown_channel_type_is_counted_as_other_never_as_itself():
    other_failed = ("pledgewatch_deliveries_total", (("channel", "other"), ("outcome", "failed")))
    before = _samples(registry_with()).get(other_failed, 0)
    count_delivery("https://hooks.example/secret", ok=False)
    after = _samples(registry_with())
    assert after[other_failed] == before + 1
    assert not any("hooks.example" in str(labels) for _, labels in after)


def test_two_apps_in_one_process_each_register_the_same_counters():
    first, second = registry_with(), registry_with()
    count_delivery("console", ok=True)
    key = ("pledgewatch_deliveries_total", (("channel", "console"), ("outcome", "sent")))
    assert _samples(first)[key] == _samples(second)[key] >= 1


def test_a_cancelled_delivery_counts_once_as_cancelled_never_as_given_up():
    """A delivery whose subscription was deleted: cancelled, and failed too when an attempt was made."""
    def series(outcome):
        return ("pledgewatch_deliveries_total", (("channel", "webhook"), ("outcome", outcome)))

    given_up = ("pledgewatch_deliveries_given_up_total", (("channel", "webhook"),))
    before = _samples(registry_with())
    count_cancelled("webhook", attempted=False)
    count_cancelled("webhook", attempted=True)
    after = _samples(registry_with())
    assert after[series("cancelled")] == before[series("cancelled")] + 2
    assert after[series("failed")] == before[series("failed")] + 1
    assert after[given_up] == before[given_up]


def test_the_build_is_a_gauge_of_one_labelled_by_release_and_commit():
    build = this_build()
    assert _samples(registry_with())[("pledgewatch_build_info", (("commit", build.commit),
                                                                ("version", build.release)))] == 1


def test_the_deliveries_help_names_every_cause_of_a_cancellation():
    """Before: "cancelled: a delivery whose subscription was deleted", though one whose channel now sends elsewhere
    (`cancelled: channel changed`) is counted there too."""
    [family] = [f for f in text_string_to_metric_families(generate_latest(registry_with()).decode())
                if f.name == "pledgewatch_deliveries"]
    assert "subscription was deleted" in family.documentation
    assert "channel was changed" in family.documentation


def test_each_channel_types_send_time_is_exported_from_the_start():
    samples = _samples(registry_with())
    for channel in ("webhook", "email", "apprise", "console"):
        assert ("pledgewatch_delivery_send_seconds_count", (("channel", channel),)) in samples


def test_every_attempt_counts_and_times_in_its_channels_series_each_time():
    """Counted and timed again and again (each series looked up once, then kept), every attempt lands in its own
    channel's series; an unknown channel type in ``other``'s, which appear once something is counted there."""
    def key(name, *labels):
        return (name, tuple(sorted(labels)))

    sent = key("pledgewatch_deliveries_total", ("channel", "webhook"), ("outcome", "sent"))
    failed = key("pledgewatch_deliveries_total", ("channel", "email"), ("outcome", "failed"))
    given_up = key("pledgewatch_deliveries_given_up_total", ("channel", "email"))
    timed = key("pledgewatch_delivery_send_seconds_count", ("channel", "webhook"))
    timed_other = key("pledgewatch_delivery_send_seconds_count", ("channel", "other"))
    slow = key("pledgewatch_delivery_send_seconds_bucket", ("channel", "webhook"), ("le", "0.1"))
    before = _samples(registry_with())
    for _ in range(3):
        count_delivery("webhook", ok=True)
        count_delivery("email", ok=False, final=True)
        time_send("webhook", 0.2)
        time_send("ftp://example.org/secret", 0.01)
    after = _samples(registry_with())
    assert after[sent] == before[sent] + 3
    assert after[failed] == before[failed] + 3
    assert after[given_up] == before[given_up] + 3
    assert after[timed] == before[timed] + 3
    assert after[slow] == before[slow]  # 0.2 s is above the 0.1 s bucket
    assert after[timed_other] == before.get(timed_other, 0) + 3
    assert not any("example.org" in str(labels) for _, labels in after)
