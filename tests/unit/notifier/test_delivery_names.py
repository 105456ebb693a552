"""A delivery's name in the log: an alert's names its release and version, other messages their id alone."""

import pytest

from services.notifier.delivery_names import alerts_named, delivery_fields, delivery_name


@pytest.mark.parametrize("data, named", [
    ({"release": {"release_id": "rel-2955c2c7e5a2f924", "version": 2}},
     "desk: new-1fca (release rel-2955c2c7e5a2f924 v2)"),
    ({"digest_id": "new-1fca", "alerts": []}, "desk: new-1fca"),
    ({"alert_id": "new-1fca"}, "desk: new-1fca"),
    ({"release": "not a mapping"}, "desk: new-1fca"),
], ids=["alert of a release", "digest", "message kept apart from its event", "malformed"])
def test_a_delivery_is_named_by_its_release_when_it_has_one(data, named):
    assert delivery_name("desk", "new-1fca", data) == named


@pytest.mark.parametrize("told, named", [
    ([], ""),
    ([("desk", "new-1"), ("all", "new-2")], "desk new-1, all new-2"),
    ([("s1", "new-1"), ("s2", "new-2"), ("s3", "new-3")], "s1 new-1, s2 new-2, and 1 more"),
], ids=["none", "every one", "past the limit"])
def test_a_releases_alerts_are_named_up_to_a_limit(told, named):
    assert alerts_named(told, limit=2) == named


def test_a_digests_attempt_carries_its_digest_id_and_no_release():
    assert delivery_fields("desk", "digest-1", {"digest_id": "digest-1"}, attempt=2) == {
        "subscription_id": "desk", "digest_id": "digest-1", "attempt": 2}
