"""The subscriptions API takes ``due_this_week``, shows it back, changes and turns it off, and refuses bad
values naming the field."""

from __future__ import annotations

import pytest

from notifier_harness import api_call

pytestmark = pytest.mark.integration

DESK = {"id": "desk", "channels": ["console"]}


async def test_the_option_is_created_shown_changed_and_turned_off(notifier):
    n = await notifier(http=True)
    status, body = await api_call(n, "POST", "/subscriptions", {**DESK, "due_this_week": True})
    assert (status, body["due_this_week"]) == (201, {"weekday": "monday", "at": "08:00"})  # the subscription's zone
    status, body = await api_call(n, "PATCH", "/subscriptions/desk",
                               {"due_this_week": {"weekday": "friday", "at": "16:30", "time_zone": "Europe/London"}})
    assert (status, body["due_this_week"]) == (200, {"weekday": "friday", "at": "16:30", "time_zone": "Europe/London"})
    assert (await n.service.store.get("desk")).due_this_week.time_zone == "Europe/London"
    status, body = await api_call(n, "PATCH", "/subscriptions/desk", {"due_this_week": None})
    assert status == 200 and "due_this_week" not in body


@pytest.mark.parametrize(("option", "errors"), [
    pytest.param({"weekday": "funday", "at": "8am", "time_zone": "Europe/Lundun"}, [
        {"field": "due_this_week.weekday",
         "message": "Input should be 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday' or 'sunday'"},
        {"field": "due_this_week.at", "message": "expected a time of day as HH:MM (in time_zone), 00:00 to 23:59"},
        {"field": "due_this_week.time_zone",
         "message": "unknown time zone 'Europe/Lundun'; expected an IANA name such as Europe/London or UTC"}],
        id="every-field-wrong"),
    pytest.param({"every": "week"}, [{"field": "due_this_week.every", "message": "unknown field"}], id="unknown-field"),
    pytest.param("weekly", [{"field": "due_this_week",
                             "message": "Input should be a valid dictionary or instance of DueThisWeek"}],
                 id="not-an-object"),
])
async def test_bad_values_are_refused_naming_each_field(notifier, option, errors):
    n = await notifier(http=True)
    status, body = await api_call(n, "POST", "/subscriptions", {**DESK, "due_this_week": option})
    assert (status, body) == (422, {"errors": errors})
