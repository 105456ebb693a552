"""The text of `pledgewatch status`, and the Redis URL with its password hidden."""

from datetime import datetime, timezone

import pytest

from pledgewatch.status_view import reminders_line, render, versions_lines
from services.common.redis_url_shown import redacted


@pytest.mark.parametrize(("url", "shown"), [
    pytest.param("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0", id="no-password"),
    pytest.param("redis://:s3cret@cache:6380/1", "redis://:***@cache:6380/1", id="password-only"),
    pytest.param("rediss://app:s3cret@cache/0", "rediss://app:***@cache/0", id="user-and-password"),
    pytest.param("redis://app@cache/0", "redis://app@cache/0", id="user-only"),
    # redis-py takes the password from the query too
    pytest.param("redis://cache:6379/0?password=s3cret", "redis://cache:6379/0?password=***", id="query-password"),
    pytest.param("rediss://cache/0?username=app&password=s3cret&socket_timeout=5",
                 "rediss://cache/0?username=app&password=***&socket_timeout=5", id="query-password-among-others"),
    pytest.param("redis://cache/0?pass%77ord=s3cret", "redis://cache/0?pass%77ord=***", id="query-name-escaped"),
    pytest.param("redis://:s3cret@[::1]:6380/0", "redis://:***@[::1]:6380/0", id="ipv6-host"),
])
def test_the_password_is_hidden(url, shown):
    assert redacted(url) == shown


def test_status_shows_each_group_under_its_stream_and_the_dead_letters():
    status = {
        "data_folder": "/home/u/.local/share/pledgewatch", "run": {"pid": 42, "api": "http://127.0.0.1:8080"},
        "redis_url": "redis://127.0.0.1:6379/0", "prefix": "pledgewatch:",
        "api": {"url": "http://127.0.0.1:8080", "status": "ok", "checks": {"ingest": "ok"}},
        "streams": [{"name": "releases", "length": 3, "groups": [
                        {"name": "classifier", "consumers": 1, "pending": 2, "lag": 1},
                        {"name": "audit", "consumers": 0, "pending": 0, "lag": "10000+"}]},
                    {"name": "alerts", "length": 0, "groups": []}],
        "dead_letters": {"total": 2, "by_origin": {"file": 2}},
    }
    lines = render(status).splitlines()
    assert lines[0] == "pledgewatch running, pid 42"
    assert "api       http://127.0.0.1:8080  ok (ingest ok)" in lines
    assert "redis     redis://127.0.0.1:6379/0  the run's (redis-cli -u redis://127.0.0.1:6379/0)" in lines
    assert "keys      pledgewatch:*  (PLEDGEWATCH_PREFIX)" in lines
    assert "releases             3  classifier           1        2       1" in lines
    assert "                        audit                0        0  10000+" in lines
    assert "alerts               0" in lines
    assert lines[-1] == "dead letters  2 (file 2)"


def test_a_group_named_longer_than_the_column_keeps_the_columns_in_line():
    """A consumer's own group, "review-consumer", pushed its counts one column right of their headings."""
    status = {"data_folder": "/d", "run": None, "redis_url": "redis://h/0", "api": None,
              "streams": [{"name": "alerts", "length": 5, "groups": [
                  {"name": "notifier", "consumers": 1, "pending": 0, "lag": 0},
                  {"name": "review-consumer", "consumers": 1, "pending": 12, "lag": 3}]}],
              "dead_letters": {"total": 0, "by_origin": {}}}
    heading, *rows = [line for line in render(status).splitlines() if line.startswith(("stream ", "alerts", " "))][:3]
    for row in rows:
        for word in ("consumers", "pending", "lag"):
            end = heading.index(word) + len(word)
            assert row[end - 1] != " " and row[end:end + 1] in ("", " "), (heading, row)


def test_dead_letters_near_their_cap_are_a_warning_saying_what_to_do():
    status = {"data_folder": "/d", "run": None, "redis_url": "redis://h/0", "api": None, "streams": [],
              "dead_letters": {"total": 850, "by_origin": {"feed": 850}, "cap": 1000, "near_cap": True}}
    lines = render(status).splitlines()
    assert lines[-2] == "dead letters  850 (feed 850)"
    assert lines[-1] == ("  WARNING: 850 dead letters, 85% of the 1000 kept at most (PLEDGEWATCH_DEAD_LETTERS_MAXLEN): "
                         "past it the oldest are dropped; see them with `pledgewatch dlq list`, then replay or drop them")


def test_dead_letters_well_under_their_cap_are_one_line():
    status = {"data_folder": "/d", "run": None, "redis_url": "redis://h/0", "api": None, "streams": [],
              "dead_letters": {"total": 799, "by_origin": {"feed": 799}, "cap": 1000, "near_cap": False}}
    assert render(status).splitlines()[-1] == "dead letters  799 (feed 799)"


def test_counts_above_the_letters_are_a_warning_naming_the_recount():
    """The roll-back and forward an operator found: before, this was the last line, and nothing more."""
    status = {"data_folder": "/d", "run": None, "redis_url": "redis://h/0", "api": None, "streams": [],
              "dead_letters": {"total": 0, "by_origin": {"classified": 1, "file": 1, "notifier": 1}, "overcounted": 3,
                               "cap": 1000, "near_cap": False}}
    lines = render(status).splitlines()
    assert lines[-2] == "dead letters  0 (classified 1, file 1, notifier 1)"
    assert lines[-1] == ("  WARNING: the dead letters' counts hold 3 more than there are letters (deleted by a version "
                         "that did not count them down): run pledgewatch dlq recount")


def test_status_says_which_redis_it_reads():
    """Before: the same "redis" line whether the Redis was the run's or one REDIS_URL named."""
    status = {"data_folder": "/d", "run": None, "redis_url": "redis://h/0", "api": None, "streams": None,
              "dead_letters": None}
    assert "redis     redis://h/0  from REDIS_URL (redis-cli -u redis://h/0)" in render(status).splitlines()


def test_a_group_holding_back_trimming_is_a_warning_saying_what_to_do():
    from datetime import datetime, timezone

    status = {
        "data_folder": "/d", "run": None, "redis_url": "redis://127.0.0.1:6379/0", "prefix": "pledgewatch:",
        "api": None, "dead_letters": {"total": 0, "by_origin": {}},
        "streams": [{"name": "releases", "length": 150_000, "cap": 100_000, "groups": [
            {"name": "classifier", "consumers": 1, "pending": 0, "lag": 0, "held_back": 0, "held_back_since": None},
            {"name": "audit", "consumers": 0, "pending": 0, "lag": "10000+", "held_back": 50_000,
             "held_back_since": "2026-12-03T09:00:00Z"}]}],
    }
    lines = render(status, now=datetime(2026, 12, 6, 14, 0, tzinfo=timezone.utc)).splitlines()
    assert ("  WARNING: group audit of releases holds back 50000 entries past the cap of 100000 "
            "(PLEDGEWATCH_STREAM_MAXLEN), unread since 2026-12-03 09:00:00 UTC (3 days ago): if it is retired, "
            "XGROUP DESTROY pledgewatch:releases audit; else fix its consumer") in lines
    assert sum("WARNING" in line for line in lines) == 1


def test_a_redis_url_shown_without_its_password_says_how_to_see_it():
    """The embedded Redis asks for a password: `redis-cli -u` with `***` for it would be refused (NOAUTH)."""
    status = {"data_folder": "/d", "run": {"pid": 42}, "redis_url": "redis://:***@127.0.0.1:5000/0", "api": None,
              "streams": None, "dead_letters": None}
    assert ("redis     redis://:***@127.0.0.1:5000/0  the run's (redis-cli -u <this URL with its password: "
            "pledgewatch status --show-secrets>)") in render(status).splitlines()


def test_status_names_the_model_each_classifier_runs_under_the_versions():
    mine = {"version": "rules-0.14.4+model-sha256:abababababab", "model": "/srv/mine.json", "sha256": "ab" * 32}
    shipped = {"version": "rules+model-0.14.4", "model": None, "sha256": "cd" * 32}
    live = [{"consumer": c, "release": "0.1.0", "schema": 1, "pid": 7, "at": 0.0, "classifier": model}
            for c, model in (("a", mine), ("b", mine), ("c", shipped), ("ingest", None))]
    assert versions_lines({"live": live, "warnings": ["classifiers run different models: …"]}) == [
        "versions      0.1.0 (key schema 1): 4 processes",
        f"classifier    rules+model-0.14.4 (the shipped model), sha256:{'cd' * 32}: 1 process",
        f"              rules-0.14.4+model-sha256:abababababab (/srv/mine.json), sha256:{'ab' * 32}: 2 processes",
        "  WARNING: classifiers run different models: …"]


def test_status_lists_builds_of_one_release_apart_under_the_versions():
    live = [{"consumer": c, "release": "0.1.0", "schema": 1, "pid": 7, "at": 0.0, "classifier": None, "commit": commit}
            for c, commit in (("a", "3c4b5078c66b"), ("b", "3c4b5078c66b"), ("c", "5683ee44a1b2"), ("d", "unknown"))]
    assert versions_lines({"live": live, "warnings": []}) == [
        "versions      0.1.0 (key schema 1): 1 process",
        "              0.1.0 (commit 3c4b5078c66b) (key schema 1): 2 processes",
        "              0.1.0 (commit 5683ee44a1b2) (key schema 1): 1 process"]


@pytest.mark.parametrize(("url", "hint"), [
    # redis-cli 6.0 to 7.0 (Debian 12's 7.0.15) sends `AUTH "" <password>` for an empty user name and is refused
    # (WRONGPASS); the user every Redis 6+ password belongs to is `default`
    pytest.param("redis://:s3cret@127.0.0.1:5000/0", "redis-cli -u redis://default:s3cret@127.0.0.1:5000/0",
                 id="password-only"),
    pytest.param("rediss://app:s3cret@cache/0", "redis-cli -u rediss://app:s3cret@cache/0", id="user-and-password"),
    pytest.param("redis://127.0.0.1:6379/0", "redis-cli -u redis://127.0.0.1:6379/0", id="no-password"),
    pytest.param("redis://:s3cret@[::1]:6380/0", "redis-cli -u redis://default:s3cret@[::1]:6380/0", id="ipv6-host"),
])
def test_the_redis_cli_hint_names_the_default_user_of_a_password_alone(url, hint):
    status = {"data_folder": "/d", "run": {"pid": 42}, "redis_url": url, "api": None,
              "streams": None, "dead_letters": None}
    assert f"redis     {url}  the run's ({hint})" in render(status).splitlines()


def test_planned_reminders_are_counted_beside_the_stream_of_those_fired():
    now = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
    line = reminders_line({"planned": 3, "next_at": "2026-12-09T09:00:00+00:00"}, now)
    assert line.startswith("reminders     3 planned, the next 2026-12-09 09:00 UTC (in 2 days); "
                           "the reminders stream above counts those sent")
    assert "pledgewatch subscriptions reminders ID" in line
    assert reminders_line({"planned": 1, "next_at": "2026-12-07T10:30:00+00:00"}, now).startswith(
        "reminders     1 planned, the next 2026-12-07 10:30 UTC (in 90 min);")
    assert reminders_line({"planned": 0, "next_at": None}, now) == \
        "reminders     none planned (the reminders stream above counts those sent)"


def test_status_shows_the_planned_reminders_after_the_deliveries():
    status = {"data_folder": "/d", "run": None, "redis_url": "redis://127.0.0.1:6379/0", "api": None,
              "streams": [{"name": "reminders", "length": 0, "groups": []}],
              "dead_letters": {"total": 0, "by_origin": {}},
              "deliveries": {"queued": 0, "due": 0, "oldest_due_seconds": 0, "delivery_processes": None},
              "reminders": {"planned": 2, "next_at": "2026-12-08T09:00:00+00:00"}}
    lines = render(status, now=datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)).splitlines()
    assert lines[lines.index("deliveries    0 queued") + 1].startswith(
        "reminders     2 planned, the next 2026-12-08 09:00 UTC (in 24 h);")


def test_each_polled_source_is_a_row_saying_when_a_poll_of_it_last_succeeded():
    status = {"data_folder": "/d", "run": None, "redis_url": "redis://h/0", "api": None, "streams": [],
              "dead_letters": {"total": 0, "by_origin": {}},
              "polled": [{"name": "a-rather-long-source-name", "kind": "feed", "last_poll": "2026-12-06T09:10:00Z"},
                         {"name": "broken", "kind": "page", "last_poll": None}],
              "sources": [{"name": "broken", "since": "2026-12-06T09:00:00Z", "failures": 1, "error": "HTTP 500",
                           "retry_at": None}]}
    assert render(status).splitlines()[-4:] == [
        "source                     kind  last poll answered",
        "a-rather-long-source-name  feed  2026-12-06 09:10:00 UTC",
        "broken                     page  never",
        "  WARNING: source broken failing since 2026-12-06 09:00 UTC, 1 poll; last: HTTP 500"]
