"""Summing workers' counters into the run's /metrics: counters and histograms add up, a gauge only from a
running worker, a broken snapshot is left out rather than breaking the scrape."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.common.worker_metrics import field_name, merged, snapshot


def _registry(count: float, in_flight: float, seconds: float) -> CollectorRegistry:
    registry = CollectorRegistry()
    Counter("done", "Things done.", ["kind"], registry=registry).labels(kind="a").inc(count)
    Gauge("in_flight", "Things in flight.", registry=registry).set(in_flight)
    Histogram("took_seconds", "Time taken.", buckets=(1.0,), registry=registry).observe(seconds)
    return registry


class _Merged:
    def __init__(self, registry: CollectorRegistry, shipped: dict[str, str], live: set[int]) -> None:
        self.registry, self.shipped, self.live = registry, shipped, live

    def collect(self):
        return merged(self.registry.collect(), self.shipped, self.live)


def _values(registry) -> dict[tuple[str, tuple], float]:
    text = generate_latest(registry).decode()  # what a scrape gets: it must also parse
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_counters_and_histograms_add_up_and_a_gauge_only_from_running_workers():
    own = _registry(count=3, in_flight=1, seconds=0.5)
    shipped = {field_name(2, 101): snapshot(_registry(count=4, in_flight=2, seconds=2.0)),  # running
               field_name(2, 100): snapshot(_registry(count=5, in_flight=7, seconds=0.2))}  # killed, restarted
    values = _values(_Merged(own, shipped, live={101}))
    assert values[("done_total", (("kind", "a"),))] == 12
    assert values[("in_flight", ())] == 3  # the killed worker's last "7 in flight" is not true now
    assert values[("took_seconds_count", ())] == 3
    assert values[("took_seconds_bucket", (("le", "1.0"),))] == 2
    assert values[("took_seconds_sum", ())] == 2.7


def test_a_family_only_a_worker_has_is_added_and_a_broken_snapshot_is_left_out(caplog):
    own = CollectorRegistry()
    Counter("mine", "Only the run's.", registry=own).inc()
    shipped = {field_name(2, 7): snapshot(_registry(count=2, in_flight=0, seconds=1.0)),
               field_name(3, 8): "{not json", field_name(4, 9): '[{"name": "x"}]'}
    values = _values(_Merged(own, shipped, live={7, 8, 9}))
    assert values[("mine_total", ())] == 1 and values[("done_total", (("kind", "a"),))] == 2
    assert sum("left out" in r.getMessage() for r in caplog.records) == 2


def _built(commit: str) -> CollectorRegistry:
    registry = CollectorRegistry()
    Info("build", "The build.", registry=registry).info({"version": "0.1.0", "commit": commit})
    return registry


def test_the_run_s_build_info_names_each_build_its_live_processes_run_once_at_one():
    """A worker started again after the checkout moved on shows as a second build; a stopped one's goes."""
    shipped = {field_name(2, 200): snapshot(_built("aaa")), field_name(3, 300): snapshot(_built("bbb")),
               field_name(4, 400): snapshot(_built("ccc"))}
    values = _values(_Merged(_built("aaa"), shipped, {100, 200, 300}))
    assert {labels: value for (name, labels), value in values.items() if name == "build_info"} == {
        (("commit", "aaa"), ("version", "0.1.0")): 1.0, (("commit", "bbb"), ("version", "0.1.0")): 1.0}
