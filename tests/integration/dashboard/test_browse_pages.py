"""The dashboard's pages of every release and every deadline, on the ledger's app, a real Redis holding 120
releases and a real HTTP server: paged by their links without repeats or gaps while more arrive, searched by
words and days, and a search that cannot be read answered 400 on the page, never 500."""

from __future__ import annotations

import base64
import csv
import io
import html
import json
import re
from datetime import date, datetime, timedelta, timezone

import aiohttp
import pytest
import redis.asyncio as aioredis

from services.common.service import build_app
from services.dashboard.browse_forms import BAD_CURSOR
from services.dashboard.service import LedgerWithDashboard
from services.ledger.core.cursors import decode_cursor, encode_cursor
from services.ledger.store import LedgerStore
from tests.unit.notifier.samples import dated, numbered_release, release

pytestmark = pytest.mark.integration

FIRST = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)
TODAY = datetime(2027, 3, 1, 12, 0, tzinfo=timezone.utc)  # release n's deadlines fall due on 1 Jan 2027 + n days
RELEASES = 120


@pytest.fixture
async def site(settings):
    """(base URL of the ledger's app with the dashboard, its ledger store): 120 releases read."""
    app = build_app([LedgerWithDashboard(settings, page_clock=lambda: TODAY)], settings, title="pledgewatch ledger")
    await app.start()
    client = aioredis.from_url(settings.redis_url)
    store = LedgerStore(client, settings.key)
    for n in range(RELEASES):
        await store.apply(numbered_release(n, first=FIRST), now=TODAY)
    yield f"http://127.0.0.1:{app.http.port}", store
    await client.aclose()
    await app.stop()


async def _get(url: str) -> tuple[int, dict, str]:
    async with aiohttp.ClientSession() as client, client.get(url, allow_redirects=False) as answer:
        return answer.status, dict(answer.headers), await answer.text()


def _next_link(page: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', page)
    return html.unescape(found.group(1)) if found else None


def _previous_link(page: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="prev">Previous page</a>', page)
    return html.unescape(found.group(1)) if found else None


def _release_ids(page: str) -> list[str]:
    listed = re.split(r'<ol class="browse"[^>]*>', page, maxsplit=1)[1].split("</ol>", 1)[0] \
        if '<ol class="browse"' in page else ""
    return re.findall(r'href="/dashboard/releases/([^"]+)"', listed)


def _deadlines(page: str) -> list[tuple[str, str]]:
    """(day, release id) of each deadline listed."""
    return re.findall(r'<time>([^<]+)</time>.*?href="/dashboard/releases/([^"#]+)[^"]*"', page, flags=re.S)


def _expected_releases() -> list[str]:
    placed = [(numbered_release(n, first=FIRST).published_at.timestamp(), f"gov-uk/r{n:03d}") for n in range(RELEASES)]
    return [release_id for _, release_id in sorted(placed, reverse=True)]


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


async def test_every_release_once_the_latest_first_by_the_next_page_links_while_one_more_arrives(site):
    base, store = site
    seen, link, pages = [], "/dashboard/releases", []
    while link:
        status, headers, page = await _get(base + link)
        assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
        seen += _release_ids(page)
        pages.append(page)
        if len(pages) == 2:  # published after the first pages were read: it is on none of the later ones
            await store.apply(numbered_release(RELEASES, first=FIRST, published_at=TODAY), now=TODAY)
        link = _next_link(page)
    assert seen == _expected_releases()
    assert [len(_release_ids(p)) for p in pages] == [25, 25, 25, 25, 20]
    assert "3 commitments" in pages[0].split("gov-uk/r119", 1)[1].split("</li>")[0]  # r119: 119 % 3 + 1
    assert _previous_link(pages[1]) == "/dashboard/releases" and "First page" not in pages[1]  # the same page
    assert 'href="/dashboard/releases">First page</a>' in pages[2]


def _first_number(page: str) -> int:
    """The number the page's list of releases shows for its first release."""
    opening = re.search(r'<ol class="browse"([^>]*)>', page).group(1)
    found = re.search(r'start="(\d+)"', opening)
    return int(found.group(1)) if found else 1


async def test_each_page_of_releases_numbers_its_releases_on_from_the_page_before(site):
    """Before: every page numbered its releases from 1."""
    base, _ = site
    pages, link = [], "/dashboard/releases"
    while link:
        _, _, page = await _get(base + link)
        pages.append(page)
        link = _next_link(page)
    assert [_first_number(p) for p in pages] == [1, 26, 51, 76, 101]
    assert 'start=' not in pages[0].split('<ol class="browse"', 1)[1].split(">", 1)[0]
    numbers = []
    link = _previous_link(pages[-1])
    while link:  # back, each page numbered as it was going forward
        _, _, page = await _get(base + link)
        numbers.append(_first_number(page))
        link = _previous_link(page)
    assert numbers == [76, 51, 26, 1]


async def test_the_previous_page_links_go_back_through_the_pages_shown_and_paging_on_repeats_and_skips_nothing(site):
    """Before: a page past the first linked to the next one and to the first, never to the one before it."""
    base, store = site
    forward, link = [], "/dashboard/releases"
    while link:
        _, _, page = await _get(base + link)
        forward.append(_release_ids(page))
        link, last = _next_link(page), page
    backward, link, page = [], _previous_link(last), last
    while link:
        _, _, page = await _get(base + link)
        backward.append(_release_ids(page))
        if len(backward) == 2:  # one arrives, published among the releases of the page before this one
            among = numbered_release(80, first=FIRST).published_at + timedelta(minutes=1)
            await store.apply(numbered_release(RELEASES, first=FIRST, published_at=among), now=TODAY)
        link = _previous_link(page)
    assert backward[:2] == forward[-2::-1][:2]  # the pages shown, the latest page before first
    assert backward[-1][0] == forward[0][0] and "First page" not in page and "Previous page" not in page
    assert "gov-uk/r120" in [r for p in backward[2:] for r in p]  # arrived on a page before: shown there
    seen, link = [], "/dashboard/releases"
    while link:  # on from the first page again: every release once, the one arrived in its place
        _, _, page = await _get(base + link)
        seen += _release_ids(page)
        link = _next_link(page)
    assert seen == _expected_releases()[:39] + ["gov-uk/r120"] + _expected_releases()[39:]


async def test_passed_deadlines_go_back_to_the_page_before_as_searched(site):
    base, _ = site
    pages, link = [], "/dashboard/deadlines?show=past&q=release"
    while link and len(pages) < 3:
        _, _, page = await _get(base + link)
        pages.append(page)
        link = _next_link(page)
    previous = _previous_link(pages[2])
    assert "show=past" in previous and "q=release" in previous
    _, _, page = await _get(base + previous)
    assert _deadlines(page) == _deadlines(pages[1]) and _previous_link(page) == _previous_link(pages[1])


async def test_releases_searched_by_words_and_days_each_linking_to_its_page(site):
    base, _ = site
    status, _, page = await _get(f"{base}/dashboard/releases?q=Borders&from=2026-01-01&to=2026-02-15&cursor=")
    assert status == 200
    assert _release_ids(page) == [f"gov-uk/r{n:03d}" for n in (40, 30, 20, 10, 0)]
    assert 'value="Borders"' in page and 'value="2026-02-15"' in page  # the search shown as typed
    status, _, one = await _get(f"{base}/dashboard/releases/gov-uk/r040")
    assert status == 200 and "Release 040 on borders" in one


async def test_past_deadlines_the_latest_first_and_upcoming_ones_page_without_repeats_or_gaps(site):
    base, store = site
    today = TODAY.date()
    every = sorted(((date(2027, 1, 1) + timedelta(days=n), f"gov-uk/r{n:03d}")
                    for n in range(RELEASES) for _ in range(n % 3 + 1)))
    for show, expected in (("past", [d for d in every if d[0] < today][::-1]),
                           ("upcoming", [d for d in every if d[0] >= today])):
        seen, link, pages = [], f"/dashboard/deadlines?show={show}", 0
        while link:
            status, _, page = await _get(base + link)
            assert status == 200, page
            seen += _deadlines(page)
            pages += 1
            if pages == 1 and show == "upcoming":  # a deadline on a day already shown arrives: it shifts nothing
                await store.apply(release(dated("c-late", today), release_id="gov-uk/late", published_at=TODAY),
                                  now=TODAY)
            link = _next_link(page)
        assert seen == [(_day(d), r) for d, r in expected], show
        assert pages == -(-len(expected) // 50)
    status, _, page = await _get(f"{base}/dashboard/deadlines?show=past&q=release+058")
    assert _deadlines(page) == [(_day(date(2027, 2, 28)), "gov-uk/r058")] * 2
    assert "passed: whether met is not known" in page


async def test_a_range_of_days_reaching_to_the_other_side_of_today_says_so_and_links_to_those_deadlines(site):
    """Before: deadlines searched from 1 to 10 January 2027 with Show left at "Upcoming" (today 1 March 2027) said
    "No deadline matches this search.", of days holding fourteen passed deadlines, and gave no way to them."""
    base, _ = site
    status, _, page = await _get(f"{base}/dashboard/deadlines?from=2027-01-01&to=2027-01-10")
    assert status == 200 and _deadlines(page) == []
    assert "No deadline matches this search." not in page
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Every day of this search is before today (1 Mar 2027): its deadlines have passed." in words
    found = re.search(r'<a href="([^"]+)">Show the passed deadlines of these days</a>', page)
    assert found, page
    status, _, page = await _get(base + html.unescape(found.group(1)))
    within = sorted((date(2027, 1, 1) + timedelta(days=n), f"gov-uk/r{n:03d}") for n in range(10) for _ in range(n % 3 + 1))
    assert _deadlines(page) == [(_day(d), r) for d, r in within[::-1]]
    status, _, page = await _get(f"{base}/dashboard/deadlines?show=past&from=2027-02-20&to=2027-03-10")
    assert _deadlines(page)  # the passed ones of these days
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Days of this search from today (1 Mar 2027) on hold upcoming deadlines, not shown here." in words
    assert '">Show the upcoming deadlines of these days</a>' in page
    status, _, page = await _get(f"{base}/dashboard/deadlines?from=2027-03-01&to=2027-03-10")
    assert "Show the passed deadlines" not in page  # nothing of the search left out


@pytest.mark.parametrize(("path", "message"), [
    pytest.param("/dashboard/releases?from=06/12/2026", "From: '06/12/2026' is not a day", id="malformed-day"),
    pytest.param("/dashboard/releases?from=2026-03-01&to=2026-02-01", "the range ends before it starts",
                 id="range-reversed"),
    pytest.param("/dashboard/releases?cursor=not-a-cursor", BAD_CURSOR, id="cursor-not-given"),
    pytest.param(f"/dashboard/releases?cursor={encode_cursor('releases', float('nan'), 'gov-uk/r001')}", BAD_CURSOR,
                 id="cursor-redis-cannot-compare"),
    pytest.param("/dashboard/deadlines?to=2027-13-01", "To: '2027-13-01' is not a day", id="deadlines-month-13"),
    pytest.param("/dashboard/deadlines?show=everything", "Show: 'everything' is not a choice", id="show"),
    pytest.param("/dashboard/deadlines?cursor=" + "A" * 600, BAD_CURSOR, id="cursor-too-long"),
    pytest.param("/dashboard/releases?back=first", BAD_CURSOR, id="way-back-without-a-cursor"),
    pytest.param(f"/dashboard/releases?cursor={encode_cursor('releases', 1.0, 'gov-uk/r001')}&back=first.nonsense", BAD_CURSOR,
                 id="way-back-not-given"),
])
async def test_a_search_that_cannot_be_read_is_a_400_page_saying_why(site, path, message):
    base, _ = site
    status, headers, page = await _get(base + path)
    assert status == 400 and headers["Content-Type"].startswith("text/html"), page[:300]
    assert message in html.unescape(page)
    assert 'role="alert"' in page and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "<ol" not in page.split('id="found-title"')[1]  # no list beside the refusal


def _cursor_of(link: str) -> str:
    return re.search(r"[?&]cursor=([^&]+)", link).group(1)


def _hand_made(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


async def test_a_page_link_of_the_other_list_is_a_400_page_not_an_empty_list(site):
    """Before: a cursor of the passed deadlines opened the releases page as "No release read yet.", and one of the
    releases the deadlines page as "No dated deadline falls due from today on.", both 200."""
    base, _ = site
    _, _, deadlines = await _get(f"{base}/dashboard/deadlines?show=past")
    _, _, releases = await _get(f"{base}/dashboard/releases")
    for path in (f"/dashboard/releases?cursor={_cursor_of(_next_link(deadlines))}",
                 f"/dashboard/deadlines?cursor={_cursor_of(_next_link(releases))}",
                 f"/dashboard/deadlines?show=past&cursor={_cursor_of(_next_link(releases))}"):
        status, _, page = await _get(base + path)
        assert status == 400 and BAD_CURSOR in html.unescape(page), path


@pytest.mark.parametrize("path", [
    *("/dashboard/deadlines?cursor=" + _hand_made(f'[{n},"x"]') for n in ("NaN", "1e400", "true", "-5", "1.5")),
    *("/dashboard/releases?cursor=" + _hand_made(f'[{n},"x"]') for n in ("-5", "Infinity", "false")),
    "/dashboard/releases?cursor=" + _hand_made('[1767258000.0,"c-0123456789abcdef"]'),  # a commitments cursor
], ids=["deadlines-nan", "deadlines-1e400", "deadlines-true", "deadlines-negative", "deadlines-float",
        "releases-int", "releases-infinity", "releases-false", "releases-commitments-cursor"])
async def test_a_hand_made_page_link_is_a_400_page(site, path):
    base, _ = site
    status, _, page = await _get(base + path)
    assert status == 400 and BAD_CURSOR in html.unescape(page), page[:300]


@pytest.mark.parametrize(("path", "listed"), [("/dashboard/releases", "releases"),
                                             ("/dashboard/deadlines?show=past", "deadlines")])
async def test_page_links_given_before_cursors_named_their_list_still_open_their_page(site, path, listed):
    """A link in a browser from before: its cursor the untagged [place, id] of the same place."""
    base, _ = site
    _, _, first = await _get(base + path)
    next_link = _next_link(first)
    _, _, second = await _get(base + next_link)
    cursor = _cursor_of(next_link)
    old = _hand_made(json.dumps(list(decode_cursor(cursor, listed)), separators=(",", ":")))
    status, _, again = await _get(base + next_link.replace(cursor, old))
    assert status == 200 and _release_ids(again) + _deadlines(again) == _release_ids(second) + _deadlines(second)
    assert _release_ids(second) or _deadlines(second)


async def test_the_home_page_links_to_every_release_and_every_deadline(site):
    base, _ = site
    _, _, page = await _get(base + "/")
    assert '<a href="/dashboard/releases">All releases</a>' in page
    assert '<a href="/dashboard/deadlines">All deadlines</a>' in page


@pytest.mark.parametrize("path", ["/dashboard/releases", "/dashboard/deadlines?show=past"])
async def test_a_list_page_labels_every_field_and_keeps_its_headings_in_order(site, path):
    base, _ = site
    _, _, page = await _get(base + path)
    fields = re.findall(r'<(?:input|select) id="([^"]+)"', page)
    assert fields and all(f'<label for="{f}">' in page for f in fields)
    levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))


@pytest.mark.parametrize(("path", "heading"), [("/dashboard/releases?q=x", "Could not show the releases"),
                                               ("/dashboard/deadlines?show=past", "Could not show the deadlines")])
async def test_while_redis_is_frozen_a_list_page_is_the_dashboards_own_503_page(ledger_app, redis_server, frozen,
                                                                                path, heading):
    server, url = redis_server
    base = await ledger_app(redis_url=url, http_redis_seconds=0.3)
    with frozen(server):
        status, headers, page = await _get(base + path)
    assert (status, headers.get("Retry-After")) == (503, "5") and f"<h1>{heading}</h1>" in page


@pytest.mark.parametrize("path", ["/dashboard/releases", "/dashboard/deadlines"])
async def test_with_reads_closed_a_list_page_asks_to_sign_in_first(ledger_app, path):
    base = await ledger_app(open_reads=False)
    status, _, page = await _get(base + path)
    assert status == 401 and "API token" in page and "<ol" not in page


async def _with_money(store: LedgerStore) -> None:
    """Two releases of money, their deadlines after every numbered one's: £10m and £100m."""
    from schemas.classified import Money

    for n, (amount, text) in enumerate([(10_000_000, "£10m"), (100_000_000, "£100m")]):
        c = dated(f"c-money-{n}", date(2027, 6, 1) + timedelta(days=n))
        c = c.model_copy(update={"text": f"The UK will invest {text} in policing by June 2027.",
                                 "money": Money(amount=amount, currency="GBP", text=text, span=(19, 19 + len(text)))})
        await store.apply(release(c, release_id=f"gov-uk/money-{n}", published_at=FIRST), now=TODAY)


@pytest.mark.parametrize(("query", "listed"), [
    pytest.param("?q=%C2%A310", [], id="ten-pounds-is-not-a-prefix"),  # before: £10m and £100m
    pytest.param("?q=%C2%A310m", ["gov-uk/money-0"], id="ten-million"),
    pytest.param("?q=100+million", ["gov-uk/money-1"], id="no-currency"),  # before: none, "£100m" written
    pytest.param("?q=%C2%A310m+%C2%A3100m", ["gov-uk/money-0", "gov-uk/money-1"], id="either-amount"),  # before: none
    pytest.param("?q=GBP+policing", ["gov-uk/money-0", "gov-uk/money-1"], id="a-currency-alone"),  # before: none
    pytest.param("?currency=GBP&min_amount=50m", ["gov-uk/money-1"], id="range"),
    pytest.param("?currency=GBP&max_amount=100m&from=2027-05-01", ["gov-uk/money-0", "gov-uk/money-1"], id="with-days"),
])
async def test_deadlines_are_searched_by_amount_and_link_the_same_commitments_as_csv(site, query, listed):
    base, store = site
    await _with_money(store)
    status, _, page = await _get(base + "/dashboard/deadlines" + query)
    assert status == 200, page[:300]
    assert [release_id for _, release_id in _deadlines(page)] == listed
    found = re.search(r'<a href="(/ledger/commitments\.csv\?[^"]+)"', page)
    if not listed:  # no file of nothing to download
        assert found is None
        return
    link = html.unescape(found.group(1))
    status, _, text = await _get(base + link)
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(row["release_id"] for row in rows) == listed


async def test_a_range_of_amounts_that_cannot_be_read_is_a_400_page_beside_its_field(site):
    base, _ = site
    status, _, page = await _get(base + "/dashboard/deadlines?min_amount=-1&currency=GBP&max_amount=x")
    assert status == 400
    assert "Money from: is negative: give 0 or more." in html.unescape(page)
    assert 'id="min_amount" name="min_amount" value="-1"' in page and 'aria-describedby="min_amount-error"' in page
    assert "/ledger/commitments.csv" not in page
