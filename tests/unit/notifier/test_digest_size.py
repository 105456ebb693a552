"""A digest email Gmail does not clip: past a size its first commitments are listed in full, and it ends saying how
many more there are and where each is, in both parts; never cut without a word."""

import email
import re
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address

from samples import FUNDING, release
from services.notifier.digest import assemble_digest
from services.notifier.mail import DIGEST_HTML_BOUND, GMAIL_CLIPS_PAST, build_email, mail_bytes
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=[{"email": "desk@example.org"}])
BASE = plan_alerts(SUB, release(FUNDING), sent={}, elapsed_sent=set(), now=NOW).alerts[0]
UNSUBSCRIBE = "https://alerts.example.org/unsubscribe/t0k3n"


def _page(release_id: str) -> str:
    return f"https://alerts.example.org/dashboard/releases/{release_id}"


def _digest(releases: int, each: int):
    """``releases`` alerts of ``each`` commitments, each a sentence of its own (£1m, £2m, …)."""
    def commitments(r: int):
        return [FUNDING.model_copy(update={"id": f"c-{r}-{i}", "span": (1000 * i, 1000 * i + 110),
                                           "text": FUNDING.text.replace("£10m", f"£{r}.{i}m")}) for i in range(each)]
    alerts = [BASE.model_copy(update={
        "alert_id": f"a-{r}", "commitments": commitments(r),
        "release": BASE.release.model_copy(update={"release_id": f"gov-uk/r{r}", "title": f"Release {r}"})})
        for r in range(releases)]
    return assemble_digest("desk", alerts, since=None, until=NOW, now=NOW)


def _sent(digest, *, release_page=_page):
    raw = mail_bytes(build_email(digest, sender=Address("", "alerts", "example.org"),
                                 recipient=Address("", "desk", "example.org"), now=NOW, unsubscribe_url=UNSUBSCRIBE,
                                 release_page=release_page))
    mail = email.message_from_bytes(raw, policy=policy.default)
    html_part = mail.get_body(("html",))
    return html_part, html_part.get_content(), mail.get_body(("plain",)).get_content()


def _listed(text: str) -> list[str]:
    return re.findall(r"£(\d+\.\d+)m over", text)


def test_a_digest_of_125_commitments_stays_under_the_size_gmail_clips_at_listing_the_first_in_full():
    digest = _digest(5, 25)
    part, html, text = _sent(digest)
    assert len(part.as_bytes()) <= DIGEST_HTML_BOUND < GMAIL_CLIPS_PAST
    shown = _listed(html)
    assert 60 <= len(shown) < 125
    assert shown == [f"{r}.{i}" for r in range(5) for i in range(25)][:len(shown)]  # the first, in order
    assert _listed(text) == shown  # the plain text lists the same ones
    more = 125 - len(shown)
    for part_text in (html, text):
        assert re.search(rf"{more} more commitments\b.*not listed here", part_text, re.S), part_text[-2000:]
        assert UNSUBSCRIBE in part_text.split("not listed here")[-1]  # the end is still there
    last_shown = int(shown[-1].split(".")[0])
    for r in range(last_shown, 5):  # each release holding one not listed is named with its page
        assert _page(f"gov-uk/r{r}") in html.split("not listed here")[-1]
        assert _page(f"gov-uk/r{r}") in text.split("not listed here")[-1]


def test_the_summary_still_names_every_release_and_counts_every_commitment():
    _, html, text = _sent(_digest(5, 25))
    for part_text in (html, text):
        assert "5 releases, 125 commitments (125 counter-terrorism)" in part_text
        assert all(f"Release {r}" in part_text.split("commitments (125 counter-terrorism)")[1] for r in range(5))


def test_a_summary_entry_whose_section_is_not_listed_links_its_release_page_not_a_missing_anchor():
    _, html, _ = _sent(_digest(5, 25))
    anchors = set(re.findall(r'id="(release-\d+)"', html))
    assert all(target in anchors for target in re.findall(r'href="#(release-\d+)"', html))
    assert f'href="{_page("gov-uk/r4")}"' in html


def test_without_a_dashboard_the_releases_not_listed_are_named_with_their_own_address():
    _, html, text = _sent(_digest(5, 25), release_page=None)
    assert "not listed here" in html and "not listed here" in text
    assert "https://www.gov.uk/government/news/iraq" in text.split("not listed here")[-1]


def test_a_digest_under_the_bound_is_sent_whole_without_a_word_of_it():
    _, html, text = _sent(_digest(2, 10))
    assert len(_listed(html)) == 20 and len(_listed(text)) == 20
    assert "not listed here" not in html and "not listed here" not in text


def test_the_most_commitments_that_fit_are_found_in_a_few_measures():
    from services.notifier.digest_cut import most_shown

    sizes = [3000 - 20 * i for i in range(125)]  # the first commitments the longest
    measured = []

    def size(shown):
        measured.append(shown)
        return 5000 + sum(sizes[:125 if shown is None else shown])

    shown = most_shown(125, size, 300_000)
    assert shown is None and measured == [None]
    measured.clear()
    shown = most_shown(125, size, 150_000)
    assert size(shown) <= 150_000 < size(shown + 1) + 3000 and len(measured) <= 8
    assert most_shown(125, lambda shown: 10**6, 150_000) == 0  # even none listed is too long: none listed


def test_a_cut_inside_a_section_lists_its_first_commitments_and_names_the_rest_of_it():
    from services.notifier.digest_cut import cut_digest

    cut = cut_digest(_digest(3, 4), 6, _page)
    assert [len(a.commitments) for a in cut.alerts] == [4, 2]
    assert [(n.number, n.count, n.page) for n in cut.not_listed] == [(2, 2, _page("gov-uk/r1")),
                                                                    (3, 4, _page("gov-uk/r2"))]
    assert cut.words() == "6 more commitments, of 2 releases, are not listed here"
    assert cut_digest(_digest(3, 4), None, _page).not_listed == ()


def _digest_ct_last(releases: int, each: int):
    """:func:`_digest`, the counter-terrorism commitments only in its last section."""
    digest = _digest(releases, each)
    alerts = [a.model_copy(update={"commitments": [c.model_copy(update={"counter_terrorism": n == releases - 1})
                                                   for c in a.commitments]})
              for n, a in enumerate(digest.alerts)]
    return digest.model_copy(update={"alerts": alerts})


def test_a_cut_digest_lists_its_counter_terrorism_commitments_first_whichever_section_holds_them():
    """The summary ranks counter-terrorism first; the cut leaves out the others before any of them."""
    _, html, text = _sent(_digest_ct_last(5, 25))
    for part_text in (html, text):
        shown = _listed(part_text)
        assert 60 <= len(shown) < 125
        assert {f"4.{i}" for i in range(25)} <= set(shown)  # every counter-terrorism one
        assert shown == sorted(shown, key=lambda s: tuple(map(int, s.split("."))))  # each in the digest's order
    assert _listed(html) == _listed(text)


def test_sections_listed_past_a_skipped_one_keep_the_anchors_their_summary_entries_link():
    _, html, _ = _sent(_digest_ct_last(5, 25))
    anchors = set(re.findall(r'id="(release-\d+)"', html))
    assert "release-5" in anchors  # the counter-terrorism section, the digest's fifth
    assert all(target in anchors for target in re.findall(r'href="#(release-\d+)"', html))


def test_a_section_without_commitments_is_never_named_as_one_with_commitments_not_listed():
    from services.notifier.digest_cut import cut_digest

    digest = _digest(3, 4)
    empty = digest.alerts[2].model_copy(update={"commitments": []})
    cut = cut_digest(digest.model_copy(update={"alerts": [*digest.alerts[:2], empty]}), 4, _page)
    assert [(n.number, n.count) for n in cut.not_listed] == [(2, 4)]
    assert cut.words() == "4 more commitments, of 1 release, are not listed here"


def test_a_listing_measured_once_serves_each_recipient_with_one_render_and_keeps_each_under_the_bound(monkeypatch):
    """The size is measured for the longest unsubscribe link; each recipient's message is then rendered once, and
    lists the same commitments."""
    from services.notifier import mail
    from services.notifier.mail import digest_listing

    renders = []
    real = mail.render_digest_html

    def counted(*args, **kwargs):
        renders.append(kwargs.get("shown"))
        return real(*args, **kwargs)

    monkeypatch.setattr(mail, "render_digest_html", counted)
    digest = _digest(5, 25)
    links = [f"{UNSUBSCRIBE}/{'x' * n}" for n in (0, 300, 40)]
    listed = digest_listing(digest, unsubscribe_urls=links, release_page=_page)
    measured = len(renders)
    shown = []
    for n, link in enumerate(links):
        raw = mail_bytes(build_email(digest, sender=Address("", "alerts", "example.org"),
                                     recipient=Address("", f"desk{n}", "example.org"), now=NOW, unsubscribe_url=link,
                                     release_page=_page, listed=listed))
        part = email.message_from_bytes(raw, policy=policy.default).get_body(("html",))
        assert len(part.as_bytes()) <= DIGEST_HTML_BOUND
        shown.append(_listed(part.get_content()))
    assert len(renders) - measured == len(links)  # one each
    assert shown[0] == shown[1] == shown[2] and 60 <= len(shown[0]) < 125
