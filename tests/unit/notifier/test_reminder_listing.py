"""The reminders planned for a subscription as listed: those of its generation still planned, soonest first, each
with when it goes out (UTC and the subscription's zone), which deadline of which release, and its offset."""

from datetime import date, datetime, timezone

from samples import dated, release
from services.notifier.planning import release_ref
import pytest

from services.ledger.core.cursors import QueryError, encode_cursor
from services.notifier.reminder_listing import Found, Page, listing, place_of, still_planned
from services.notifier.reminder_records import PlannedRecord, Subject, subject_key
from services.notifier.subscriptions import Subscription

AT = datetime(2027, 3, 9, 22, 0, tzinfo=timezone.utc)  # 09:00 on 10 March in Sydney
SYDNEY = Subscription(id="desk", channels=["console"], timezone="Australia/Sydney", reminders=["P1D"])


def _record(sub="desk", generation=None, subject="s" * 24):
    return PlannedRecord(subject, 0, "P1D", sub, 1, 1, generation)


def test_only_reminders_still_planned_for_this_subscription_and_generation_are_listed():
    ids = ["fired", "mine", "other-generation", "someone-elses", "of-the-file", "unreadable"]
    raws = [None, _record(generation=2).to_json().encode(), _record(generation=1).to_json().encode(),
            _record(sub="bio").to_json().encode(), _record().to_json().encode(), b"{not json"]
    scores = [None, AT.timestamp(), AT.timestamp(), AT.timestamp(), AT.timestamp(), AT.timestamp()]
    assert [f.reminder_id for f in still_planned("desk", 2, ids, raws, scores)] == ["mine", "of-the-file"]
    assert [f.reminder_id for f in still_planned("desk", None, ids, raws, scores)] == \
        ["mine", "other-generation", "of-the-file"]  # a subscription of the file: no generation to compare


def test_a_listing_shows_the_first_few_soonest_first_in_the_subscriptions_zone_and_counts_the_rest():
    commitment = dated("c-ports", date(2027, 3, 11))
    subject = Subject(release_ref(release(commitment)), commitment)
    key = subject_key(subject.to_json())
    later = Found("rem-later", datetime(2027, 3, 10, 22, 0, tzinfo=timezone.utc), _record(subject=key))
    first = Found("rem-first", AT, _record(subject=key))
    answer = listing(SYDNEY, 2, Page([first], 1), {key: subject})
    assert (answer["planned"], answer["more"], answer["timezone"]) == (2, 1, "Australia/Sydney")
    assert place_of(answer["next_cursor"]) == (AT.timestamp(), "rem-first")
    assert later.fires_at > first.fires_at
    [shown] = answer["reminders"]
    assert shown == {"reminder_id": "rem-first", "fires_at": "2027-03-09T22:00:00Z",
                     "fires_at_local": "2027-03-10T09:00:00+11:00", "offset": "P1D", "deadline_index": 0,
                     "due": "2027-03-11",
                     "commitment": {"id": "c-ports", "actor": "UK", "text": commitment.text},
                     "release": {"release_id": "gov-uk/iraq-2017", "version": 1,
                                 "title": "UK ramps up counterterror effort in Iraq",
                                 "url": "https://www.gov.uk/government/news/iraq"},
                     "dropped": None}


def test_a_reminders_time_in_utc_is_written_as_every_other_answer_writes_one():
    # pydantic writes every UTC time the API answers with Z (a release's published_at, a pause's end): so does this
    commitment = dated("c-ports", date(2027, 3, 11))
    subject = Subject(release_ref(release(commitment)), commitment)
    key = subject_key(subject.to_json())
    answer = listing(SYDNEY, 1, Page([Found("rem-first", AT, _record(subject=key))], 0), {key: subject})
    assert answer["reminders"][0]["fires_at"] == "2027-03-09T22:00:00Z"


def test_a_reminder_the_subscription_would_drop_as_it_stands_says_why():
    commitment = dated("c-ports", date(2027, 3, 11))
    subject = Subject(release_ref(release(commitment)), commitment)
    found = [Found("rem-first", AT, _record(subject=subject_key(subject.to_json())))]
    paused = SYDNEY.model_copy(update={"paused_until": datetime(2027, 3, 10, tzinfo=timezone.utc)})
    [shown] = listing(paused, 1, Page(found, 0), {found[0].record.subject: subject})["reminders"]
    assert shown["dropped"] == "desk paused until 2027-03-10T00:00:00+00:00"
    no_offset = SYDNEY.model_copy(update={"reminders": ["P7D"]})
    [shown] = listing(no_offset, 1, Page(found, 0), {found[0].record.subject: subject})["reminders"]
    assert shown["dropped"] == "subscription gone or offset removed"


def test_a_reminder_whose_subject_cannot_be_read_is_listed_as_such():
    in_utc = SYDNEY.model_copy(update={"timezone": None})
    answer = listing(in_utc, 1, Page([Found("rem-x", AT, _record())], 0), {})
    assert (answer["timezone"], answer["more"], answer["next_cursor"]) == ("UTC", 0, None)
    [shown] = answer["reminders"]
    assert (shown["commitment"], shown["release"], shown["due"], shown["fires_at_local"], shown["dropped"]) == \
        (None, None, None, "2027-03-09T22:00:00+00:00", None)


def test_a_cursor_gives_back_the_time_of_the_last_reminder_shown_as_the_index_holds_it_to_the_bit():
    at = AT.timestamp() + 0.1234567  # a retry's time: finer than a datetime holds
    answer = listing(SYDNEY, 2, Page([Found("rem-a", datetime.fromtimestamp(at, timezone.utc), _record(), at)], 1), {})
    assert place_of(answer["next_cursor"]) == (at, "rem-a")


@pytest.mark.parametrize("cursor", ["", "nonsense", "W10", "WzEsMl0", "WyJ4IiwicmVtIl0", "WzFlKzMwMCwicmVtIl0",
                                    encode_cursor("reminders", -1e20, "rem")],
                         ids=["empty", "not-base64-json", "empty-list", "two-numbers", "time-not-a-number",
                              "time-past-the-last-year", "time-before-the-first-year"])
def test_a_cursor_this_server_did_not_give_is_refused_naming_the_cursor(cursor):
    with pytest.raises(QueryError, match=r"^cursor: not one this server gave \(ask again without it\)$"):
        place_of(cursor)
