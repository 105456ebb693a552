"""A commitment that announces again one the subscriber was told of: linked to its chain, and told as a
re-announcement, never as new."""

import json
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.headerregistry import Address

import pytest
from hypothesis import given, strategies as st

from samples import BORDERS, FUNDING, FUNDING_AGAIN as AGAIN, PUBLISHED, release
from schemas.alerts import AlertKind, Announcement
from schemas.classified import DateDeadline, Money
from services.notifier.announcements import (Announced, Neighbours, announced_words, assign_chains,
                                             chain_announcements, read_announced, reannouncement, unindexed)
from services.notifier.channels.webhook import WebhookSender
from services.notifier.mail import build_email, mail_bytes
from services.notifier.mail_html import render_alert_html
from services.notifier.messages import chat_text
from services.notifier.planning import lookup_ids, plan_alerts, release_ref, reminder_alert
from services.notifier.reminders import reminder_id, reminder_jobs, reminder_slot, sibling_reminder_ids
from services.notifier.rendering import render_text
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=["console"])
MARCH_2018 = datetime(2018, 3, 14, 9, 0, tzinfo=timezone.utc)
FEB_2019 = datetime(2019, 2, 2, 9, 0, tzinfo=timezone.utc)
THIRD = AGAIN.model_copy(update={"id": "c-funding-third"})
OTHER_MONEY = AGAIN.model_copy(update={
    "id": "c-funding-20m", "money": Money(amount=20_000_000, currency="GBP", text="£20m", span=(20, 24))})


def _first(release_id: str, c, published: datetime = PUBLISHED) -> Announced:
    return Announced(release_id=release_id, published_at=published, chain=c.id, commitment=c)


def test_the_same_money_from_the_same_actor_in_another_release_joins_the_first_announcement():
    added = assign_chains([release(AGAIN, release_id="ho/2018", published_at=MARCH_2018)],
                          stored={FUNDING.id: _first("gov-uk/iraq-2017", FUNDING)},
                          neighbours={AGAIN.id: Neighbours(money=frozenset({FUNDING.id}))})
    assert added[AGAIN.id].chain == FUNDING.id


@pytest.mark.parametrize(("commitment", "why"), [
    pytest.param(OTHER_MONEY, "another amount", id="other-money"),
    pytest.param(BORDERS, "another action", id="other-action"),
])
def test_a_different_commitment_of_the_same_actor_starts_its_own_chain(commitment, why):
    stored = {FUNDING.id: _first("gov-uk/iraq-2017", FUNDING)}
    neighbours = {commitment.id: Neighbours(words={FUNDING.id: 3})}  # sharing words, not what they commit to
    added = assign_chains([release(commitment, release_id="ho/2018")], stored=stored, neighbours=neighbours)
    assert added[commitment.id].chain == commitment.id, why


def test_releases_read_together_see_each_other_in_order():
    first = release(FUNDING, release_id="gov-uk/iraq-2017")
    second = release(AGAIN, release_id="ho/2018", published_at=MARCH_2018)
    added = assign_chains([first, second], stored={}, neighbours={})
    assert (added[FUNDING.id].chain, added[AGAIN.id].chain) == (FUNDING.id, FUNDING.id)


@pytest.mark.parametrize("third_neighbours", [
    pytest.param({}, id="none-in-the-index"),
    pytest.param({THIRD.id: Neighbours(words={BORDERS.id: 2})}, id="another-in-the-index"),
    pytest.param({THIRD.id: Neighbours(money=frozenset({FUNDING.id}))}, id="the-first-in-the-index-too"),
])
def test_a_commitment_is_found_by_the_index_and_by_the_releases_read_before_it_together(third_neighbours):
    """Its neighbours in the index and the commitments of the releases before it in the read sharing its keys
    are candidates alike: the earliest announcement it repeats names its chain, whichever found it."""
    stored = {FUNDING.id: _first("gov-uk/iraq-2017", FUNDING), BORDERS.id: _first("gov-uk/iraq-2017", BORDERS)}
    neighbours = {AGAIN.id: Neighbours(money=frozenset({FUNDING.id})), **third_neighbours}
    added = assign_chains([release(AGAIN, release_id="ho/2018", published_at=MARCH_2018),
                           release(THIRD, release_id="fco/2019", published_at=FEB_2019)],
                          stored=stored, neighbours=neighbours)
    assert (added[AGAIN.id].chain, added[THIRD.id].chain) == (FUNDING.id, FUNDING.id)


def test_commitments_of_one_release_never_repeat_each_other_and_a_stored_one_is_kept():
    stored = {FUNDING.id: _first("gov-uk/iraq-2017", FUNDING)}
    added = assign_chains([release(FUNDING, AGAIN)], stored=stored,
                          neighbours={AGAIN.id: Neighbours(money=frozenset({FUNDING.id}))})
    assert list(added) == [AGAIN.id] and added[AGAIN.id].chain == AGAIN.id


def _chain(*pairs):
    return [Announcement(release_id=r, commitment_id=c, published_at=p) for r, c, p in pairs]


CHAIN = _chain(("gov-uk/iraq-2017", FUNDING.id, PUBLISHED), ("ho/2018", AGAIN.id, MARCH_2018),
               ("fco/2019", THIRD.id, FEB_2019))


def test_announced_words_list_every_date():
    assert announced_words(CHAIN) == "announced 3 times: 29 Nov 2017, 14 Mar 2018, 2 Feb 2019"


# Announced weekly from 29 Nov 2017, the 52nd on 21 Nov 2018: THIRD's
LONG_CHAIN = _chain(*((f"ho/{n}", f"c-funding-{n}", PUBLISHED + timedelta(weeks=n)) for n in range(51)),
                    ("fco/2018", THIRD.id, PUBLISHED + timedelta(weeks=51)))
SHORT_WORDS = "announced 52 times, first on 29 Nov 2017, latest on 21 Nov 2018"


def test_announced_words_past_four_dates_name_the_first_and_the_latest():
    """Before: every date, up to 100 of them in one line."""
    assert announced_words(LONG_CHAIN) == SHORT_WORDS
    assert announced_words(LONG_CHAIN[:4]) == "announced 4 times: 29 Nov 2017, 6 Dec 2017, 13 Dec 2017, 20 Dec 2017"


def _long_reannouncement():
    third = release(THIRD, release_id="fco/2018", published_at=LONG_CHAIN[-1].published_at)
    [alert] = plan_alerts(SUB, third, sent={"c-funding-0": "1:abc"}, elapsed_sent=set(), now=NOW,
                          chains={THIRD.id: LONG_CHAIN}).alerts
    return alert


def _channel_texts(alert) -> dict[str, str]:
    mail = message_from_bytes(mail_bytes(build_email(alert, sender=Address("pledgewatch", "alerts", "example.org"),
                                                     recipient=Address("", "desk", "example.org"), now=NOW)),
                              policy=policy.default)
    return {"email plain": mail.get_body(("plain",)).get_content(),
            "email html": mail.get_body(("html",)).get_content(), "chat": chat_text(alert)[1]}


def test_a_long_re_announcement_is_told_in_short_in_every_channel_and_whole_in_its_fields():
    alert = _long_reannouncement()
    for channel, text in _channel_texts(alert).items():
        assert SHORT_WORDS in text and "6 Dec 2017" not in text, channel
    _, body = WebhookSender("http://127.0.0.1:9/hook", None, timeout=1).request(alert, now=0)
    [repeat] = json.loads(body)["data"]["reannounced"]
    assert repeat["words"] == SHORT_WORDS
    assert [a["commitment_id"] for a in repeat["announcements"]] == [a.commitment_id for a in LONG_CHAIN]


def test_an_alert_written_with_every_date_in_its_words_is_told_in_short():
    """An alert decided before the words were cut short (in a digest's buffer, say) is rendered from its
    announcements, as a new one is."""
    alert = _long_reannouncement()
    [repeat] = alert.reannounced
    every_date = "announced 52 times: " + ", ".join(f"{a.published_at:%-d %b %Y}" for a in LONG_CHAIN)
    old = alert.model_copy(update={"reannounced": [repeat.model_copy(update={"words": every_date})]})
    for channel, text in _channel_texts(old).items():
        assert SHORT_WORDS in text and "6 Dec 2017" not in text, channel


def test_a_chain_read_from_the_index_gives_the_same_words_and_announcements_as_a_list():
    chain = chain_announcements(CHAIN[:2], [], FUNDING.id)
    chain = chain_announcements([*chain, CHAIN[2]], [], FUNDING.id)
    assert chain == CHAIN and chain.words == announced_words(CHAIN)
    assert reannouncement(THIRD.id, chain, {AGAIN.id: "1:abc"}) == reannouncement(THIRD.id, CHAIN, {AGAIN.id: "1:abc"})


def test_a_re_announcement_is_one_only_for_a_subscriber_told_of_another_of_its_chain():
    assert reannouncement(THIRD.id, CHAIN, {AGAIN.id: "1:abc"}).words.startswith("announced 3 times")
    assert reannouncement(THIRD.id, CHAIN, {THIRD.id: "1:abc"}) is None
    assert reannouncement(THIRD.id, CHAIN, {}) is None


def test_a_re_announcement_is_told_as_such_in_every_rendering_not_as_new():
    third = release(THIRD, release_id="fco/2019", published_at=FEB_2019)
    plan = plan_alerts(SUB, third, sent={FUNDING.id: "1:abc"}, elapsed_sent=set(), now=NOW,
                       chains={THIRD.id: CHAIN})
    [alert] = plan.alerts
    assert alert.kind is AlertKind.REANNOUNCED and [c.id for c in alert.commitments] == [THIRD.id]
    [repeat] = alert.reannounced
    assert [a.release_id for a in repeat.announcements] == ["gov-uk/iraq-2017", "ho/2018", "fco/2019"]
    words = "announced 3 times: 29 Nov 2017, 14 Mar 2018, 2 Feb 2019"
    assert repeat.words == words
    text = render_text(alert)
    assert text.startswith("Commitments announced again") and f"re-announced: {words}" in text
    assert f"Re-announced: {words}" in render_alert_html(alert, unsubscribe_url=None)
    assert THIRD.id in plan.sent  # told: its own edits are changes from now on


def test_a_re_announcement_beside_a_new_commitment_keeps_the_alert_new_and_marks_only_it():
    both = release(THIRD, BORDERS, release_id="fco/2019", published_at=FEB_2019)
    [alert] = plan_alerts(SUB, both, sent={FUNDING.id: "1:abc"}, elapsed_sent=set(), now=NOW,
                          chains={THIRD.id: CHAIN}).alerts
    assert alert.kind is AlertKind.NEW and [r.commitment_id for r in alert.reannounced] == [THIRD.id]


def test_a_subscriber_never_told_of_the_first_announcement_gets_it_as_new():
    third = release(THIRD, release_id="fco/2019", published_at=FEB_2019)
    [alert] = plan_alerts(SUB, third, sent={}, elapsed_sent=set(), now=NOW, chains={THIRD.id: CHAIN}).alerts
    assert alert.kind is AlertKind.NEW and alert.reannounced == []


def test_a_subscription_that_opts_out_is_not_told_of_re_announcements_at_all():
    quiet = Subscription(id="desk", channels=["console"], reannouncements=False)
    third = release(THIRD, release_id="fco/2019", published_at=FEB_2019)
    plan = plan_alerts(quiet, third, sent={FUNDING.id: "1:abc"}, elapsed_sent=set(), now=NOW,
                       chains={THIRD.id: CHAIN})
    assert plan.alerts == [] and plan.sent == {} and plan.matched == []  # nor reminded of


def test_the_records_read_include_the_chain_and_every_commitment_to_pair():
    third = release(THIRD, BORDERS, release_id="fco/2019")
    assert lookup_ids([THIRD.id], third, [FUNDING], {THIRD.id: CHAIN}) == [
        THIRD.id, BORDERS.id, FUNDING.id, AGAIN.id]


def test_the_records_read_leave_out_the_chain_of_a_commitment_the_subscriber_does_not_match():
    both = release(THIRD, BORDERS, release_id="fco/2019")
    assert lookup_ids([BORDERS.id], both, [], {THIRD.id: CHAIN}) == [BORDERS.id, THIRD.id]


def test_a_stored_record_reads_back_and_an_unreadable_one_reads_as_none():
    record = _first("gov-uk/iraq-2017", FUNDING)
    assert read_announced(record.model_dump_json().encode()) == record
    assert read_announced(b'{"release_id": "r"}') is None and read_announced(None) is None


@given(st.binary(max_size=200))
def test_reading_any_bytes_as_a_record_never_raises(raw):
    assert read_announced(raw) is None or isinstance(read_announced(raw), Announced)


def _in(chain: str, c, release_id: str, published: datetime) -> Announced:
    return Announced(release_id=release_id, published_at=published, chain=chain, commitment=c)


def test_an_announcement_in_the_same_words_as_an_earlier_one_of_its_chain_needs_no_place_in_the_index():
    first, again = _first("gov-uk/iraq-2017", FUNDING), _in(FUNDING.id, AGAIN, "ho/2018", MARCH_2018)
    third = _in(FUNDING.id, THIRD, "fco/2019", FEB_2019)  # AGAIN's words under another id
    added = {AGAIN.id: again, THIRD.id: third}
    assert unindexed(added, [first, again, third]) == {THIRD.id}


@pytest.mark.parametrize(("third", "why"), [
    pytest.param(_in("c-other-chain", THIRD, "fco/2019", FEB_2019), "in another chain", id="other-chain"),
    pytest.param(_in(FUNDING.id, THIRD, "fco/2017", PUBLISHED), "published before it", id="earlier"),
    pytest.param(_in(FUNDING.id, OTHER_MONEY, "fco/2019", FEB_2019), "another amount", id="other-words"),
])
def test_an_announcement_keeps_its_place_in_the_index_unless_an_earlier_one_of_its_chain_says_the_same(third, why):
    again = _in(FUNDING.id, AGAIN, "ho/2018", MARCH_2018)
    added = {third.commitment.id: third}
    assert unindexed(added, [_first("gov-uk/iraq-2017", FUNDING), again, third]) == set(), why


def test_of_two_announcements_in_the_same_words_at_the_same_time_the_one_handled_later_needs_no_place():
    again = _in(FUNDING.id, AGAIN, "ho/2018", MARCH_2018)
    first_id, later_id = (AGAIN.model_copy(update={"id": cid}) for cid in ("c-a-first", "c-z-later"))
    for earlier, later in [(first_id, later_id), (later_id, first_id)]:  # whichever id sorts first
        stored, added = _in(FUNDING.id, earlier, "fco/2019", FEB_2019), _in(FUNDING.id, later, "dfid/2019", FEB_2019)
        assert unindexed({later.id: added}, [stored, added]) == {later.id}
    both = {c.id: _in(FUNDING.id, c, f"r/{c.id}", MARCH_2018) for c in (later_id, first_id)}  # added together
    assert unindexed(both, [again, *both.values()]) == {later_id.id, first_id.id}  # alike AGAIN, stored
    assert unindexed(both, list(both.values())) == {first_id.id}  # the first handled keeps its place


@pytest.mark.parametrize("other, same", [
    pytest.param(("desk", "c-funding", "2027-03-31", "P7D"), True, id="same-chain-day-offset-subscriber"),
    pytest.param(("desk", "c-funding", "2027-06-30", "P7D"), False, id="another-day"),
    pytest.param(("desk", "c-funding", "2027-03-31", "P1D"), False, id="another-offset"),
    pytest.param(("desk", "c-borders", "2027-03-31", "P7D"), False, id="another-chain"),
    pytest.param(("other-desk", "c-funding", "2027-03-31", "P7D"), False, id="another-subscriber"),
])
def test_two_announcements_reminded_for_one_day_share_one_reminder_slot(other, same):
    sub, chain, due, offset = other
    slot = reminder_slot("desk", "c-funding", date(2027, 3, 31), "P7D")
    assert (reminder_slot(sub, chain, date.fromisoformat(due), offset) == slot) is same


def test_the_reminders_other_announcements_plan_for_a_day_are_those_of_their_deadlines_due_that_day():
    day, other_day = date(2027, 3, 31), date(2027, 6, 30)
    both = _dated(AGAIN, day, other_day, day)
    assert sibling_reminder_ids("desk", [both, _dated(THIRD, other_day)], day, "P7D") == [
        reminder_id("desk", both.id, 0, "P7D"), reminder_id("desk", both.id, 2, "P7D")]
    assert sibling_reminder_ids("desk", [FUNDING], day, "P7D") == []  # a period ending on another day


def _dated(c, *days):
    return c.model_copy(update={"deadlines": [DateDeadline(due=d, text=f"by {d:%-d %B %Y}", span=(0, 10))
                                              for d in days]})


def test_a_reminder_of_a_re_announced_commitment_says_so_in_every_rendering():
    due = date(2027, 3, 31)
    third = _dated(THIRD, due)
    ref = release_ref(release(third, release_id="fco/2019", published_at=FEB_2019))
    (job,) = reminder_jobs("desk", ["P7D"], ref, [third], now=NOW)
    repeat = reannouncement(THIRD.id, CHAIN, {FUNDING.id: "1:abc"})
    alert, _ = reminder_alert(job.due(fired_at=NOW), now=NOW, reannounced=repeat)
    assert alert.kind is AlertKind.REMINDER and alert.reannounced == [repeat]
    words = "announced 3 times: 29 Nov 2017, 14 Mar 2018, 2 Feb 2019"
    text = render_text(alert)
    assert text.startswith("Deadline reminder") and f"re-announced: {words}" in text
    assert f"Re-announced: {words}" in render_alert_html(alert, unsubscribe_url=None)
    assert reminder_alert(job.due(fired_at=NOW), now=NOW)[0].reannounced == []


def test_a_record_written_before_quantities_were_compared_is_read_and_compared_by_them():
    """A record keeps the commitment, not its likeness: one written before is read as it is, and its quantities
    are read from its text."""
    text = "The Home Office will deploy {} armed officers to railway stations."
    raw = ('{"release_id": "ho/50", "published_at": "2017-11-29T10:00:00Z", "chain": "c-50", "commitment": '
           f'{{"id": "c-50", "text": "{text.format(50)}", "span": [0, 70], "kind": "pledge", "actor": "Home Office", '
           '"category": "capability_building", "counter_terrorism": true, "confidence": 0.9, "money": null, '
           '"deadlines": []}}').encode()
    stored = read_announced(raw)
    assert stored is not None
    fifty, five_thousand = (stored.commitment.model_copy(update={"id": f"c-{n}", "text": text.format(n)})
                            for n in ("fifty", "5,000"))
    added = assign_chains([release(fifty, five_thousand, release_id="ho/2018", published_at=MARCH_2018)],
                          stored={"c-50": stored}, neighbours={c.id: Neighbours(words={"c-50": 5})
                                                               for c in (fifty, five_thousand)})
    assert (added["c-fifty"].chain, added["c-5,000"].chain) == ("c-50", "c-5,000")


def test_a_runs_commitment_finds_its_chain_as_its_release_left_it_not_with_the_runs_later_releases():
    from services.notifier.announcement_index import PendingRun

    third, twice = (AGAIN.model_copy(update={"id": cid}) for cid in ("c-funding-third", "c-funding-twice"))
    releases = [release(FUNDING), release(AGAIN, twice, BORDERS, release_id="ho/2018", published_at=MARCH_2018),
                release(third, release_id="fco/2019", published_at=datetime(2019, 2, 2, tzinfo=timezone.utc))]
    added = assign_chains(releases, stored={}, neighbours={})
    chain_of = {cid: a.chain for cid, a in added.items()}
    run = PendingRun(added=added, chain_of=chain_of, names=sorted(set(chain_of.values())), known=added).complete([])
    assert {cid: [a.commitment_id for a in chain] for cid, chain in run.chains.items()} == {
        "c-funding": ["c-funding"], "c-borders": ["c-borders"],
        "c-funding-again": ["c-funding", "c-funding-again", "c-funding-twice"],  # a release's own are all in it
        "c-funding-twice": ["c-funding", "c-funding-again", "c-funding-twice"],
        "c-funding-third": ["c-funding", "c-funding-again", "c-funding-twice", "c-funding-third"]}


def test_only_the_announcements_of_the_added_ones_chains_are_compared_with_them():
    """A read's known records of other chains (its own commitments' stored records, candidates that joined no new
    one) cannot be alike an added one, which is alike only within its own chain: their likeness is not worked out
    (it is what it costs), and with nothing added none is."""
    others = [_in(f"c-chain-{n}", FUNDING.model_copy(update={"id": f"c-{n}"}), f"r/{n}", PUBLISHED) for n in range(3)]
    again = _in(FUNDING.id, AGAIN, "ho/2018", MARCH_2018)
    third = _in(FUNDING.id, THIRD, "fco/2019", FEB_2019)
    assert unindexed({}, [*others, again]) == set()
    assert unindexed({THIRD.id: third}, [*others, again, third]) == {THIRD.id}
    assert all("likeness" not in vars(a) for a in [*others])
    assert "likeness" in vars(again)


def test_a_commitments_candidates_are_ranked_once_however_often_asked(monkeypatch):
    """Asked for the records to read, then again to assign its chain: a common amount's hundreds of hits ranked
    once; each answer a list of its own, the likeliest first."""
    import services.notifier.announcements as announcements
    ranked = []
    real = announcements.likely_candidates
    monkeypatch.setattr(announcements, "likely_candidates", lambda *a, **k: ranked.append(1) or real(*a, **k))
    near = Neighbours(words={FUNDING.id: 3, "c-other": 5}, money=frozenset({FUNDING.id}))
    first, again = near.candidates(AGAIN), near.candidates(AGAIN)
    assert first == again == [FUNDING.id, "c-other"] and first is not again
    assert len(ranked) == 1
    assert near.candidates(FUNDING) == ["c-other"] and len(ranked) == 2
