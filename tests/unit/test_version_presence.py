import json

from services.common.version_presence import Presence, live, other_releases, other_schemas, parse_presences


def _record(release="0.1.0", schema=1, at=100.0):
    return json.dumps({"release": release, "schema": schema, "pid": 7, "at": at})


def test_an_unreadable_record_is_left_out_not_refused():
    fields = {"a": _record(), "b": "not json", "c": json.dumps({"release": "0.1.0"})}
    assert [p.consumer for p in parse_presences(fields)] == ["a"]


def test_a_record_older_than_the_live_window_is_a_process_gone():
    presences = parse_presences({"old": _record(at=0.0), "new": _record(at=95.0)})
    assert [p.consumer for p in live(presences, now=100.0, live_seconds=60.0)] == ["new"]


def test_another_schema_refuses_and_another_release_of_the_same_schema_is_an_upgrade_never_oneself():
    others = [Presence("me", "0.0.1", 0, 1, 0.0), Presence("a", "0.2.0", 2, 1, 0.0),
              Presence("b", "0.1.1", 1, 1, 0.0), Presence("c", "0.1.0", 1, 1, 0.0)]
    assert [p.consumer for p in other_schemas(others, me="me", schema=1)] == ["a"]
    assert [p.consumer for p in other_releases(others, me="me", release="0.1.0", schema=1)] == ["b"]
