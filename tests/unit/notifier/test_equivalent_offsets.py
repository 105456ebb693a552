"""Two reminder offsets of one subscription that name the same moment (``P7D`` and ``P1W``, ``PT0S`` and ``P0D``)
would send every reminder twice: refused when given, kept once when read back as stored before this check."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import yaml

from schemas.alerts import ReminderInfo
from services.notifier.durations import canonical_duration, parse_duration
from services.notifier.planning import reminder_skip
from services.notifier.reminders import reminder_id, reminder_slot, written_reminder_id
from services.notifier.subscriptions import Subscription, SubscriptionError, parse_file_document, parse_subscription

NOW = datetime(2026, 5, 1, tzinfo=timezone.utc)


def _given(reminders: list[str]) -> dict:
    return {"id": "desk", "channels": ["console"], "reminders": reminders}


@pytest.mark.parametrize(("reminders", "message"), [
    pytest.param(["P7D", "P1W"], "offset 2, 'P1W', is offset 1, 'P7D', again (both 7 days before each due date): "
                 "every reminder would be sent twice", id="week-in-days"),
    pytest.param(["PT0S", "P0D"], "offset 2, 'P0D', is offset 1, 'PT0S', again (both on the due day): every "
                 "reminder would be sent twice", id="the-day-itself"),
    pytest.param(["P30D", "P1D", "PT24H"], "offset 3, 'PT24H', is offset 2, 'P1D', again (both 1 day before each "
                 "due date)", id="a-day-in-hours"),
    pytest.param(["P1Y", "P12M"], "offset 2, 'P12M', is offset 1, 'P1Y', again (both 1 year before each due date)",
                 id="a-year-in-months"),
    pytest.param(["P7D", "P7D"], "offset 2, 'P7D', is offset 1, 'P7D', again", id="the-same-text"),
])
def test_equivalent_offsets_given_are_refused_naming_both(reminders, message):
    """Before: ``P7D`` and ``P1W`` (or ``PT0S`` and ``P0D``) were taken, and two identical reminders sent at once."""
    with pytest.raises(SubscriptionError) as caught:
        parse_subscription(_given(reminders), now=NOW)
    [error] = caught.value.errors
    assert error["field"] == "reminders" and message in error["message"], error


@pytest.mark.parametrize("reminders", [
    pytest.param(["P1M", "P30D"], id="a-month-is-not-30-days"),
    pytest.param(["P1D", "PT23H"], id="a-day-is-not-23-hours"),
    pytest.param(["P1Y", "P365D"], id="a-year-is-not-365-days"),
    pytest.param(["P30D", "P7D", "P1D", "P0D"], id="the-default"),
])
def test_offsets_that_may_fall_on_other_moments_are_taken(reminders):
    assert parse_subscription(_given(reminders), now=NOW).reminders == reminders


def test_a_subscription_stored_with_equivalent_offsets_is_read_back_with_each_once():
    stored = '{"id": "desk", "channels": [{"type": "console"}], "reminders": ["P7D", "P1W", "PT0S", "P1D", "P0D"]}'
    assert Subscription.model_validate_json(stored).reminders == ["P7D", "PT0S", "P1D"]


def test_a_reminder_planned_for_the_second_of_two_equivalent_offsets_shares_the_firsts_slot():
    """Reminders planned before the upgrade, one for each offset, fire once: both are due (the offset is still
    there, however written), and both remind of one slot, whose mark the first to fire sets."""
    from schemas.alerts import ReleaseRef
    from schemas.alerts import ReminderDue
    from tests.unit.notifier.samples import FUNDING

    sub = Subscription.model_validate_json(
        '{"id": "desk", "channels": [{"type": "console"}], "reminders": ["P7D", "P1W"]}')
    release = ReleaseRef(release_id="r", version=1, url="https://www.gov.uk/x", title="T", source="gov-uk",
                         published_at=NOW)
    deadline = FUNDING.deadlines[0]
    due = {offset: ReminderDue(reminder_id=f"rem-{offset}", subscription_id="desk", release=release,
                               commitment=FUNDING, reminder=ReminderInfo(deadline=deadline, offset=offset,
                                                                         due=date(2026, 6, 1)), fired_at=NOW)
           for offset in ("P7D", "P1W")}
    assert reminder_skip(sub, due["P7D"], now=NOW) is None
    assert reminder_skip(sub, due["P1W"], now=NOW) is None
    assert reminder_slot("desk", FUNDING.id, date(2026, 6, 1), "P1W") == \
        reminder_slot("desk", FUNDING.id, date(2026, 6, 1), "P7D")


@pytest.mark.parametrize(("written", "canonical"), [
    pytest.param("P7D", "P7D", id="days-are-their-own"),
    pytest.param("P30D", "P30D", id="thirty-days"),
    pytest.param("P0D", "P0D", id="the-day"),
    pytest.param("P1W", "P7D", id="a-week"),
    pytest.param("P2W3D", "P17D", id="weeks-and-days"),
    pytest.param("PT24H", "P1D", id="a-day-in-hours"),
    pytest.param("PT0S", "P0D", id="zero-seconds"),
    pytest.param("P0Y0M0DT0H", "P0D", id="zero-in-every-unit"),
    pytest.param("PT90M", "PT1H30M", id="minutes-carried-to-hours"),
    pytest.param("P1DT36H", "P2DT12H", id="hours-carried-to-days"),
    pytest.param("P12M", "P1Y", id="months-carried-to-a-year"),
    pytest.param("P1Y14M", "P2Y2M", id="years-and-months"),
    pytest.param("P1M30D", "P1M30D", id="a-month-is-not-thirty-days"),
])
def test_an_offset_has_one_spelling_of_its_moment(written, canonical):
    assert canonical_duration(written) == canonical
    assert parse_duration(canonical) == parse_duration(written)


def test_reworded_offsets_name_one_reminder_and_one_slot_and_an_earlier_versions_id_is_kept_for_days():
    """``P7D`` written before the upgrade keeps its id; ``P1W`` had one of its own, which is kept as written."""
    ids = {o: reminder_id("desk", "c1", 0, o) for o in ("P7D", "P1W")}
    assert ids["P7D"] == ids["P1W"] == written_reminder_id("desk", "c1", 0, "P7D")
    assert written_reminder_id("desk", "c1", 0, "P1W") != ids["P1W"]
    assert reminder_slot("desk", "c1", date(2026, 6, 1), "PT24H") == reminder_slot("desk", "c1", date(2026, 6, 1), "P1D")


FILE = "subscriptions: [{id: desk, channels: [console], reminders: [P7D, P1W]}]"


def test_a_file_entry_with_equivalent_offsets_is_refused_when_checked():
    with pytest.raises(SubscriptionError) as caught:
        parse_file_document(yaml.safe_load(FILE))
    assert [e["field"] for e in caught.value.errors] == ["subscriptions.0 ('desk'): reminders"]


def test_a_file_the_notifier_read_before_is_taken_with_each_offset_once_and_a_warning():
    """As for the channel checks newer than some files: the notifier keeps reading a file it read before (a
    refusal would stop it at its next start), warning at each start and edit; ``validate`` refuses it."""
    warned: list[list[dict[str, str]]] = []
    (sub,) = parse_file_document(yaml.safe_load(FILE), older=warned.append)
    assert sub.reminders == ["P7D"]
    assert [[e["field"] for e in errors] for errors in warned] == [["subscriptions.0 ('desk'): reminders"]]
    assert "offset 2, 'P1W', is offset 1, 'P7D', again" in warned[0][0]["message"]
