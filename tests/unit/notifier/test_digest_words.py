"""A digest's subject and headings count its alerts in words, the day it covers named."""

from datetime import datetime, timezone

import pytest

from samples import BORDERS, TRAINING, release
from services.notifier.digest import assemble_digest
from services.notifier.mail_html import render_digest_html
from services.notifier.planning import plan_alerts
from services.notifier.rendering import render_digest_subject, render_digest_text
from services.notifier.subscriptions import Subscription

SENT = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)


def _digest(*commitments):
    sub = Subscription(id="morning", channels=["console"], mode="digest")
    alerts = [plan_alerts(sub, release(c, release_id=f"r-{c.id}"), sent={}, elapsed_sent=set(), now=SENT).alerts[0]
              for c in commitments]
    return assemble_digest("morning", alerts, since=None, until=SENT, now=SENT)


@pytest.mark.parametrize(("commitments", "count"), [((BORDERS,), "1 alert"), ((BORDERS, TRAINING), "2 alerts")])
def test_a_digest_counts_its_alerts_in_words(commitments, count):
    digest = _digest(*commitments)
    assert render_digest_subject(digest) == f"[pledgewatch] Daily digest, Saturday 5 December 2026: {count}"
    assert render_digest_text(digest).startswith(f"Daily digest, Saturday 5 December 2026: {count}\n")
    assert f"<h1 style=\"margin: 0 0 16px; font-size: 20px;\">Daily digest, Saturday 5 December 2026: {count}</h1>" \
        in render_digest_html(digest, unsubscribe_url=None)
    assert "(s)" not in render_digest_subject(digest) + render_digest_text(digest)
