"""The HTML part of alert and digest emails: a Jinja2 template, escaped, a table of commitments."""

from datetime import datetime, timezone
from html.parser import HTMLParser

from samples import CONTENT, FUNDING, release
from services.notifier.digest import assemble_digest
from services.notifier.mail_html import render_alert_html, render_digest_html
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
UNSUBSCRIBE = "https://alerts.example.org/unsubscribe/tok"


class _Cells(HTMLParser):
    """The text of each table row's cells, and every link (href, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in_cell = True
        elif tag == "a":
            self._href = dict(attrs)["href"]
            self.links.append((self._href, ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_cell = False
            self.rows[-1][-1] = " ".join(self.rows[-1][-1].split())

    def handle_data(self, data):
        if self._in_cell:
            self.rows[-1][-1] += data
        if self._href is not None and self.links:
            self.links[-1] = (self.links[-1][0], self.links[-1][1] + data.strip())
            self._href = None


def _alert(*commitments, title=None):
    classified = release(*commitments)
    if title is not None:
        classified = classified.model_copy(update={"title": title})
    sub = Subscription(id="desk", channels=[{"email": "desk@example.org"}])
    return plan_alerts(sub, classified, sent={}, elapsed_sent=set(), now=NOW).alerts[0]


def _parsed(html: str) -> _Cells:
    cells = _Cells()
    cells.feed(html)
    return cells


def test_alert_html_lists_each_commitment_as_a_table_row_with_its_particulars():
    html = render_alert_html(_alert(FUNDING, CONTENT), unsubscribe_url=UNSUBSCRIBE)
    assert "<pre" not in html
    rows = _parsed(html).rows
    assert rows[0] == ["Who", "Commitment", "Money", "Deadlines"]
    assert rows[1][0] == "Pledge by UK"
    assert rows[1][1].startswith("The UK will invest £10m over the next three years")
    assert "capability building · counter-terrorism · confidence 90%" in rows[1][1]
    assert rows[1][2] == "GBP 10,000,000 (\u201c£10m\u201d)"
    assert rows[1][3] == ("from 29 November 2017 to 29 November 2020 (\u201cover the next three years\u201d) "
                          "\u2014 passed on 29 November 2020")
    assert rows[2][:3] == ["Demand on major communications companies",
                           rows[2][1], "\u2014"]
    assert "within 1 hour to 2 hours of each release" in rows[2][3]


def test_alert_html_links_the_release_and_the_unsubscribe_page():
    links = _parsed(render_alert_html(_alert(FUNDING), unsubscribe_url=UNSUBSCRIBE)).links
    assert ("https://www.gov.uk/government/news/iraq", "UK ramps up counterterror effort in Iraq") in links
    assert (UNSUBSCRIBE, "Unsubscribe") in links


def test_alert_html_escapes_what_the_release_says():
    html = render_alert_html(_alert(FUNDING, title='<script>alert("x")</script> & more'), unsubscribe_url=None)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; more" in html
    assert "Unsubscribe" not in html


def test_alert_html_links_only_web_addresses():
    alert = _alert(FUNDING)
    odd = alert.model_copy(update={"release": alert.release.model_copy(update={"url": "javascript:alert(1)"})})
    html = render_alert_html(odd, unsubscribe_url=None)
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html


def test_digest_html_has_a_section_per_alert():
    first, second = _alert(FUNDING), _alert(CONTENT, title="Online content statement")
    digest = assemble_digest("desk", [first, second], since=None, until=NOW, now=NOW)
    html = render_digest_html(digest, unsubscribe_url=UNSUBSCRIBE)
    parsed = _parsed(html)
    assert "2 alerts" in html
    titles = [text for href, text in parsed.links if href.startswith("https://www.gov.uk")]
    assert titles == ["UK ramps up counterterror effort in Iraq", "Online content statement"]
    assert [row[0] for row in parsed.rows if row[0] != "Who"] == ["Pledge by UK",
                                                                  "Demand on major communications companies"]
