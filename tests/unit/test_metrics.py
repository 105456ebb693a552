"""The process's counters: bounded labels, and one registry per HTTP app over the same counters."""

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from pledgewatch.build_info import this_build
from services.common.metrics import count_cancelled, count_delivery, registry_with


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
