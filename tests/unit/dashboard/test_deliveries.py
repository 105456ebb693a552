"""Each subscription's deliveries: delivered, retrying or dead-lettered by their last attempt."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from schemas.alerts import DeliveryAttempt
from services.dashboard.deliveries import DeliveryStatus, delivery_statuses
from services.notifier.channels.recipients_missed import read, told

T0 = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)


def attempt(sub, alert, n, outcome, *, final=False, minutes=0, destination="https://hooks.example.org/***",
            job=None):
    """An attempt after its event's id, ``<job>/<n>`` (the job by default one of each alert and destination)."""
    return (f"{job or f'job-{sub}-{alert}-{destination}'}/{n}",
            DeliveryAttempt(alert_id=alert, subscription_id=sub, channel="webhook", destination=destination,
                            attempt=n, outcome=outcome, final=final or outcome == "delivered",
                            at=T0 + timedelta(minutes=minutes)))


def test_each_delivery_counts_once_by_its_last_attempt_whatever_the_order_read():
    attempts = [
        attempt("desk", "a1", 2, "delivered", minutes=2), attempt("desk", "a1", 1, "failed", minutes=1),  # retried
        attempt("desk", "a2", 1, "failed", minutes=3),  # another attempt to come
        attempt("desk", "a3", 1, "failed", minutes=0), attempt("desk", "a3", 5, "failed", final=True, minutes=9),
        attempt("other", "a1", 1, "delivered", minutes=4),
    ]
    statuses = delivery_statuses(attempts)
    desk = statuses["desk"]
    assert (desk.delivered, desk.retrying, desk.dead_lettered) == (1, 1, 1)
    assert desk.last.alert_id == "a3" and desk.last_at == T0 + timedelta(minutes=9)
    assert (statuses["other"].delivered, statuses["other"].retrying) == (1, 0)


def test_one_alert_through_two_channels_is_two_deliveries():
    statuses = delivery_statuses([attempt("desk", "a1", 1, "delivered"),
                                  attempt("desk", "a1", 1, "failed", destination="smtp://mail.example.org")])
    assert (statuses["desk"].delivered, statuses["desk"].retrying) == (1, 1)


def test_one_alert_through_two_webhooks_shown_alike_is_two_deliveries():
    """Two webhooks of one host are both shown as ``https://hooks.example.org/***``: their jobs tell them apart."""
    statuses = delivery_statuses([attempt("desk", "a1", 1, "delivered", job="job-aa"),
                                  attempt("desk", "a1", 1, "failed", job="job-bb", minutes=1)])
    assert (statuses["desk"].delivered, statuses["desk"].retrying) == (1, 1)


def test_a_replayed_round_is_the_same_delivery_by_its_latest_attempt():
    first = attempt("desk", "a1", 5, "failed", final=True, job="job-aa")
    replayed = ("job-aa/r1/1", attempt("desk", "a1", 1, "delivered", minutes=9)[1])
    for read_in in ([replayed, first], [first, replayed]):
        desk = delivery_statuses(read_in)["desk"]
        assert (desk.delivered, desk.dead_lettered) == (1, 0)


def test_an_event_id_naming_no_job_is_told_apart_by_its_alert_and_destination():
    retried = [("a1-first", attempt("desk", "a1", 1, "failed")[1]),
               ("a1-second", attempt("desk", "a1", 2, "delivered", minutes=1)[1])]
    assert (delivery_statuses(retried)["desk"].delivered, delivery_statuses(retried)["desk"].retrying) == (1, 0)


def test_no_attempt_no_status():
    assert delivery_statuses([]) == {}
    assert DeliveryStatus().last_at is None


def mail(alert, error, *, final=True):
    return (f"job-{alert}/1", DeliveryAttempt(alert_id=alert, subscription_id="ct-mail", channel="email",
                                              destination="smtp://mx:25", attempt=1, outcome="failed", final=final,
                                              error=error, at=T0))


def test_an_email_that_reached_some_recipients_is_partly_delivered_naming_the_refused():
    """2 of 3 recipients mailed, one refused for good: not "0 delivered · 1 dead-lettered"."""
    statuses = delivery_statuses([
        mail("a1", "recipients refused: bounce@example.org (reached 2 of 3)"),
        mail("a2", "recipients refused: bounce@example.org (reached 2 of 3)"),
        mail("a3", "recipients refused: a@example.org, b@example.org (reached 0 of 2)"),
        mail("a4", "recipients refused: old@example.org"),  # written before the count was: cannot tell
    ])
    mail_status = statuses["ct-mail"]
    assert (mail_status.delivered, mail_status.partly_delivered, mail_status.retrying,
            mail_status.dead_lettered) == (0, 2, 0, 2)
    assert mail_status.not_reached == ("bounce@example.org",)



def test_a_recipient_not_reached_is_named_with_its_domain_in_unicode_as_its_channel_names_it():
    statuses = delivery_statuses([mail("a1", "recipients refused: jane@xn--bcher-kva.example (reached 1 of 2)")])
    assert statuses["ct-mail"].not_reached == ("jane@b\u00fccher.example",)

def test_an_email_still_to_be_retried_for_a_deferred_recipient_is_retrying():
    statuses = delivery_statuses([mail("a1", "recipients deferred: grey@example.org (reached 2 of 3)", final=False)])
    assert (statuses["ct-mail"].partly_delivered, statuses["ct-mail"].retrying) == (0, 1)


def test_an_email_both_deferred_and_refused_lists_every_address_it_did_not_reach():
    error = told(deferred=["slow@example.org"], refused=["gone@example.org"], reached=1, total=3)
    missed = read(error)
    assert missed is not None
    assert (missed.addresses, missed.reached, missed.total) == (("slow@example.org", "gone@example.org"), 1, 3)
    assert read("recipients refused: gone@example.org (reached 1 of 2)").addresses == ("gone@example.org",)


def test_an_email_missed_with_the_servers_answer_is_read_back_the_same():
    error = told(deferred=[], refused=["gone@example.org"], reached=0, total=1,
                 answer="500 Error: (FileNotFoundError) [Errno 2]\r\n No such file or directory")
    assert error == ("recipients refused: gone@example.org (reached 0 of 1); the server answered "
                     "500 Error: (FileNotFoundError) [Errno 2] No such file or directory")
    missed = read(error)
    assert missed is not None
    assert (missed.how, missed.addresses, missed.reached) == ("refused", ("gone@example.org",), 0)


def test_an_email_refused_for_want_of_smtputf8_is_read_back_naming_the_address():
    error = told(deferred=[], refused=["jos\u00e9@example.org"], reached=1, total=2,
                 reasons=["jos\u00e9@example.org: the server does not offer SMTPUTF8 (RFC 6531), which an address not "
                          "in ASCII before the @ needs"])
    missed = read(error)
    assert missed is not None
    assert (missed.how, missed.addresses, missed.reached, missed.total) == ("refused", ("jos\u00e9@example.org",), 1, 2)
