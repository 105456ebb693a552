"""The subscriptions file as the notifier's file store reads it: the shapes every reader takes, and no other."""

import logging
import os

import pytest

from services.notifier.store import FileSubscriptions, load_file
from services.notifier.subscriptions import SubscriptionError, parse_file_document
from services.notifier.yaml_text import load_yaml


def _edit(path, text: str, mtime: float) -> None:
    path.write_text(text)
    os.utime(path, (mtime, mtime))


def test_the_store_takes_a_file_of_one_subscription_and_an_edit_to_the_list_of_them(tmp_path, caplog):
    """Before: "file: expected a mapping with one key, 'subscriptions'" of the file `subscriptions add` takes."""
    path = tmp_path / "subs.yaml"
    _edit(path, "id: desk\nchannels: [console]\n", 1_000)
    clock = [100.0]
    store = FileSubscriptions(path, monotonic=lambda: clock[0])
    assert [s.id for s in store.current()] == ["desk"]
    _edit(path, "subscriptions:\n  - {id: desk, channels: [console]}\n  - {id: wire, channels: [console]}\n", 2_000)
    clock[0] += 2
    assert [s.id for s in store.current()] == ["desk", "wire"]


def _error_of_broken_edit(path, caplog, edit: str) -> str:
    """The one ERROR the store logs when the file at ``path``, holding ``desk``, is edited to ``edit``; the
    store keeps ``desk``."""
    _edit(path, "subscriptions:\n  - {id: desk, channels: [console]}\n", 1_000)
    clock = [100.0]
    store = FileSubscriptions(path, monotonic=lambda: clock[0])
    caplog.set_level(logging.INFO, logger="services.notifier.store")
    _edit(path, edit, 2_000)
    clock[0] += 2
    assert [s.id for s in store.current()] == ["desk"]
    (error,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    return error


def test_an_edit_that_gives_a_key_twice_is_refused_and_the_last_good_set_kept(tmp_path, caplog):
    """Before: taken, as its last value: the subscription became `wire` without a word."""
    path = tmp_path / "subs.yaml"
    error = _error_of_broken_edit(path, caplog, "subscriptions:\n  - id: desk\n    channels: [console]\n    id: wire\n")
    assert f"{path}:4: not valid YAML: key 'id' given twice (first on line 2)" in error


def test_an_empty_mapping_is_one_subscription_without_its_fields_not_an_empty_file(tmp_path):
    """Before: the store took ``{}`` as no subscription, while ``validate`` refused it."""
    path = tmp_path / "subs.yaml"
    path.write_text("{}\n")
    with pytest.raises(SubscriptionError) as info:
        load_file(path)
    assert [e["field"] for e in info.value.errors] == ["id", "channels"]


@pytest.mark.parametrize("doc, said", [
    (["x"], "a list at the top: put it under 'subscriptions:'"),
    ("desk", "expected 'subscriptions:' and a list, or one subscription's fields; found a string"),
    (True, "expected 'subscriptions:' and a list, or one subscription's fields; found true or false"),
    ({"subscriptions": [], "version": 2}, "version: unknown key beside 'subscriptions:', which a file holds alone"),
    ({"subscriptions": "desk"}, "subscriptions: expected a list"),
])
def test_a_document_of_another_shape_is_refused_in_one_sentence(doc, said):
    from services.notifier.subscriptions import file_entries

    with pytest.raises(SubscriptionError) as info:
        file_entries(doc)
    assert str(info.value) == said


@pytest.mark.parametrize("doc", [None, {"subscriptions": None}, {"subscriptions": []}])
def test_no_subscription_is_a_valid_file(doc):
    assert parse_file_document(doc) == []


def test_a_key_merged_in_may_be_given_again_and_a_time_stays_text():
    doc = load_yaml("base: &b {mode: digest, digest_at: 08:30}\nsub: {<<: *b, mode: immediate}\n")
    assert doc["sub"] == {"mode": "immediate", "digest_at": "08:30"}


def test_an_edit_giving_an_impossible_date_is_refused_naming_its_line_and_the_last_good_set_kept(tmp_path, caplog):
    """Before: YAML's date of `paused_until: 2026-02-30` raised a bare ValueError out of the reader: the running
    notifier's watch of the file stopped (unhealthy from then on, without a word in its log), and `pledgewatch
    subscriptions validate` or `add` said "unexpected ValueError ... report it"."""
    path = tmp_path / "subs.yaml"
    error = _error_of_broken_edit(
        path, caplog, "subscriptions:\n  - id: desk\n    paused_until: 2026-02-30\n    channels: [console]\n")
    assert (f"{path}:3: not valid YAML: day is out of range for month: '2026-02-30' is not a real date "
            "or time") in error
