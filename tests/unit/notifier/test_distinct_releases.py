"""A batch of classified events is handled in runs in which no release appears twice."""

from types import SimpleNamespace

from services.notifier.service import distinct_releases


def _item(release_id: str, version: int = 1):
    return SimpleNamespace(data=SimpleNamespace(release_id=release_id, version=version)), None


def test_a_second_version_of_a_release_starts_a_new_run_and_order_is_kept():
    items = [_item("a"), _item("b"), _item("a", 2), _item("c"), _item("b", 2), _item("b", 3)]
    runs = distinct_releases(items)
    assert [[(e.data.release_id, e.data.version) for e, _ in run] for run in runs] == [
        [("a", 1), ("b", 1)], [("a", 2), ("c", 1), ("b", 2)], [("b", 3)]]


def test_no_items_no_runs():
    assert distinct_releases([]) == []
