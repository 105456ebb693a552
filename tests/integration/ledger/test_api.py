"""The ledger's query API on the real server and a real Redis: filters, pages, one commitment with its
announcements, releases with their spans, upcoming deadlines, and a subscription's calendar feed."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date, datetime, timedelta, timezone

import aiohttp
import icalendar
import pytest
import redis

from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.dashboard.reading import upcoming
from services.ledger.service import LedgerService
from services.notifier.config import NotifierConfig
from tests.unit.notifier.samples import BORDERS, CONTENT, FUNDING, FUNDING_CUT, PUBLISHED, TRAINING, dated, release

pytestmark = pytest.mark.integration

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)
AGAIN = FUNDING.model_copy(update={
    "id": "c-again", "actor": "The UK Government",
    "text": "The UK Government is investing £10m to strengthen Iraq's counter-terrorism forces."})
LATER = PUBLISHED + timedelta(days=100)


@pytest.fixture
async def ledger(settings):
    settings = settings.model_copy(update={"notifier": NotifierConfig(reminder_time="08:30")})
    service = LedgerService(settings, clock=lambda: NOW)
    await service.start()
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_routes(service.routes())
    await http.start()
    await service.store.apply(release(), now=NOW)
    await service.store.apply(release(AGAIN, dated("c-soon", date(2018, 2, 1)), dated("c-late", date(2019, 6, 1)),
                                      release_id="gov-uk/iraq-2018", published_at=LATER), now=NOW)
    yield service, f"http://127.0.0.1:{http.port}"
    await http.stop()
    await service.stop()


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, object, aiohttp.typedefs.LooseHeaders]:
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(url) as resp:
            body = await resp.json() if resp.content_type == "application/json" else await resp.text()
            return resp.status, body, resp.headers


def _keys(page: dict) -> list[str]:
    return [e["key"] for e in page["commitments"]]


@pytest.mark.parametrize(("query", "keys"), [
    pytest.param("", ["c-again", "c-late", "c-soon", "c-borders", "c-content", "c-funding", "c-training"], id="all"),
    pytest.param("?counter_terrorism=true&category=capability_building", ["c-again", "c-funding"], id="ct-category"),
    pytest.param("?category=training,border_security", ["c-borders", "c-training"], id="comma-separated"),
    pytest.param("?kind=demand", ["c-content"], id="kind"),
    pytest.param("?actor=communications", ["c-content"], id="actor"),
    pytest.param("?keyword=biometric", ["c-borders"], id="keyword"),
    pytest.param("?q=iraq+forces", ["c-again"], id="free-text"),
    pytest.param("?q=%E2%80%9CIRAQ%E2%80%99S+counter+terrorism%E2%80%9D", ["c-again", "c-funding"],
                 id="free-text-phrase"),  # curly quotes and apostrophe, a hyphen read as a space
    pytest.param("?due_after=2018-01-15&due_before=2018-03-01", ["c-soon"], id="due-window"),
    pytest.param("?min_confidence=0.85", ["c-again", "c-late", "c-soon", "c-content", "c-funding"], id="confidence"),
    pytest.param("?state=removed", [], id="state"),
    pytest.param("?source=elsewhere", [], id="source"),
])
async def test_commitments_are_filtered_by_every_criterion_the_latest_first(ledger, query, keys):
    _, url = ledger
    status, page, _ = await _get(f"{url}/ledger/commitments{query}")
    assert status == 200, page
    assert _keys(page) == keys and page["next_cursor"] is None


async def test_pages_follow_the_cursor_without_repeats_or_gaps(ledger):
    _, url = ledger
    seen, cursor = [], ""
    for _ in range(5):
        status, page, _ = await _get(f"{url}/ledger/commitments?limit=3{cursor}")
        assert status == 200 and len(page["commitments"]) <= 3
        seen += _keys(page)
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == ["c-again", "c-late", "c-soon", "c-borders", "c-content", "c-funding", "c-training"]


async def test_the_same_pages_as_csv_each_linking_to_the_next_by_its_link_header(ledger):
    """A spreadsheet's export: the rows of the JSON page, the same filters, the next page in ``Link``."""
    _, url = ledger
    seen, path = [], "/ledger/commitments.csv?counter_terrorism=true&limit=2"
    while path:
        status, text, headers = await _get(url + path)
        assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8", text
        assert 'filename="commitments.csv"' in headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert len(rows) <= 2 and all(row["counter_terrorism"] == "true" for row in rows)
        seen += [row["key"] for row in rows]
        link = headers.get("Link")
        path = link[1:link.index(">")] if link else None
        assert path is None or ("counter_terrorism=true" in path and "limit=2" in path)
    status, page, _ = await _get(f"{url}/ledger/commitments?counter_terrorism=true")
    assert seen == _keys(page) and len(seen) > 2
    status, error, _ = await _get(f"{url}/ledger/commitments.csv?category=nope")
    assert status == 422 and error["errors"][0]["field"] == "category"


@pytest.mark.parametrize(("query", "field", "message"), [
    pytest.param("?limit=201", "limit", "less than or equal to 200", id="limit-over-200"),
    pytest.param("?limit=0", "limit", "greater than or equal to 1", id="limit-0"),
    pytest.param("?due_after=2018-13-01", "due_after", "date", id="bad-date"),
    pytest.param("?due_after=2019-01-01&due_before=2018-01-01", "due_before", "before due_after", id="window"),
    pytest.param("?category=cooking", "category", "Input should be", id="category"),
    pytest.param("?cursor=nonsense", "cursor", "not one this server gave", id="cursor"),
    pytest.param("?colour=red", "colour", "not a query parameter", id="unknown"),
    pytest.param("?q=a&q=b", "q", "give it once", id="twice"),
    pytest.param("?min_confidence=nan", "min_confidence", "finite number", id="confidence-nan"),
    pytest.param("?currency=GBP&min_amount=-1", "min_amount", "is negative: give 0 or more", id="amount-negative"),
    pytest.param("?currency=GBP&max_amount=ten", "max_amount", "'ten' is not an amount", id="amount-not-a-number"),
    pytest.param("?currency=GBP&min_amount=5m&max_amount=1m", "max_amount", "is less than min_amount", id="min>max"),
    pytest.param("?currency=XYZ", "currency", "'XYZ' is not a currency the ledger records", id="unknown-currency"),
    pytest.param("?min_amount=1", "currency", "give the currency of min_amount", id="amount-without-currency"),
    # before: "'$' is not a currency the ledger records", as though it meant none
    pytest.param("?currency=%24&min_amount=1", "currency",
                 "'$' is any dollar: give the one meant, AUD, CAD, NZD or USD", id="any-dollar"),
])
@pytest.mark.parametrize("path", ["/ledger/commitments", "/ledger/commitments.csv", "/ledger/deadlines"])
async def test_a_bad_query_is_a_422_naming_the_parameter(ledger, path, query, field, message):
    _, url = ledger
    status, answer, _ = await _get(f"{url}{path}{query}")
    assert status == 422, answer
    (error,) = answer["errors"]
    assert error["field"] == field and message in error["message"], error


LIST_PARAMETERS = ["category", "kind", "actor", "keyword", "source", "state"]
SINGLE_PARAMETERS = ["counter_terrorism", "min_confidence", "due_after", "due_before", "q", "limit", "cursor"]


@pytest.mark.parametrize("path", ["/ledger/commitments", "/ledger/deadlines"])
@pytest.mark.parametrize(("name", "value"), [
    *((name, "") for name in LIST_PARAMETERS + SINGLE_PARAMETERS),
    *((name, "%20") for name in LIST_PARAMETERS + SINGLE_PARAMETERS),
    *((name, ",%20,") for name in LIST_PARAMETERS),
])
async def test_a_parameter_given_no_value_is_a_422_naming_it_never_an_empty_page(ledger, path, name, value):
    """Before: ``?category=`` or ``?actor=`` answered 200 with no commitments, ``?q=`` a 422."""
    _, url = ledger
    status, answer, _ = await _get(f"{url}{path}?{name}={value}")
    assert status == 422, answer
    (error,) = answer["errors"]
    assert error == {"field": name, "message": "no value: give one, or leave the parameter out"}


@pytest.mark.parametrize("path", ["/ledger/commitments", "/ledger/deadlines", "/ledger/releases",
                                  "/ledger/commitments.csv"])
@pytest.mark.parametrize("q", ["-", "%E2%80%94", "%22", "%22%20-%20%22"])
async def test_words_holding_no_word_to_search_for_are_a_422_never_every_one_as_found(ledger, path, q):
    """Before: ``?q=-`` folded to no word and answered every commitment, deadline or release as if found."""
    _, url = ledger
    status, answer, _ = await _get(f"{url}{path}?{'' if 'releases' in path else 'due_after=2000-01-01&'}q={q}")
    assert status == 422, answer
    (error,) = answer["errors"]
    assert error["field"] == "q" and "holds no word to search for" in error["message"], error


@pytest.mark.parametrize("path", ["/ledger/commitments", "/ledger/deadlines"])
async def test_a_window_that_ends_before_it_starts_is_told_without_pydantics_prefix(ledger, path):
    """Before: "Value error, due_before is before due_after"; then the field named again in the message, where
    ``/ledger/releases`` says "is before published_after"."""
    _, url = ledger
    status, answer, _ = await _get(f"{url}{path}?due_after=2027-01-01&due_before=2026-01-01")
    assert status == 422
    assert answer["errors"] == [{"field": "due_before", "message": "is before due_after"}]


async def test_a_repeated_parameter_with_one_value_empty_is_a_422(ledger):
    _, url = ledger
    status, answer, _ = await _get(f"{url}/ledger/commitments?actor=UK&actor=")
    assert status == 422 and answer["errors"][0]["field"] == "actor", answer
    status, page, _ = await _get(f"{url}/ledger/commitments?category=training,")  # a trailing comma names no one
    assert status == 200 and _keys(page) == ["c-training"], page


async def test_an_empty_cursor_of_releases_is_a_422(ledger):
    _, url = ledger
    status, answer, _ = await _get(f"{url}/ledger/releases?cursor=")
    assert status == 422, answer
    assert answer["errors"] == [{"field": "cursor", "message": "no value: give one, or leave the parameter out"}]


async def test_one_commitment_with_its_history_and_its_announcements(ledger):
    _, url = ledger
    status, detail, _ = await _get(f"{url}/ledger/commitments/c-again")
    assert status == 200, detail
    assert detail["commitment"]["chain"] == "c-funding"
    assert [e["key"] for e in detail["announcements"]] == ["c-funding", "c-again"]
    assert (await _get(f"{url}/ledger/commitments/c-borders"))[1]["announcements"] == []
    status, answer, _ = await _get(f"{url}/ledger/commitments/c-nothing")
    assert status == 404 and answer["errors"][0]["field"] == "key"


async def test_releases_the_latest_first_and_one_with_its_spans(ledger):
    _, url = ledger
    status, page, _ = await _get(f"{url}/ledger/releases?limit=1")
    assert status == 200, page
    assert [(r["release_id"], r["commitments"]) for r in page["releases"]] == [("gov-uk/iraq-2018", 3)]
    status, rest, _ = await _get(f"{url}/ledger/releases?limit=1&cursor={page['next_cursor']}")
    assert [r["release_id"] for r in rest["releases"]] == ["gov-uk/iraq-2017"] and rest["next_cursor"] is None
    status, one, _ = await _get(f"{url}/ledger/releases/gov-uk/iraq-2017")
    assert status == 200, one
    assert one["title"] == "UK ramps up counterterror effort in Iraq" and one["version"] == 1
    funding = next(e for e in one["entries"] if e["key"] == "c-funding")["commitment"]
    assert (funding["span"], funding["money"]["span"], funding["deadlines"][0]["span"]) == \
        ([100, 210], [120, 124], [125, 150])
    assert (await _get(f"{url}/ledger/releases/gov-uk/none"))[0] == 404


async def test_upcoming_deadlines_soonest_first_from_today(ledger):
    _, url = ledger
    status, page, _ = await _get(f"{url}/ledger/deadlines")
    assert status == 200, page
    assert [(d["due"], d["commitment"]["key"]) for d in page["deadlines"]] == \
        [("2018-02-01", "c-soon"), ("2019-06-01", "c-late"), ("2020-11-29", "c-again"), ("2020-11-29", "c-funding")]
    assert page["deadlines"][0]["deadline"]["text"] == "by 1 February 2018"
    status, page, _ = await _get(f"{url}/ledger/deadlines?due_before=2019-12-31&limit=1")
    assert [d["commitment"]["key"] for d in page["deadlines"]] == ["c-soon"] and page["next_cursor"]


async def test_deadlines_the_latest_first_page_by_their_cursor_without_repeats_or_gaps_while_more_arrive(ledger):
    """Before: ``order`` was no query parameter (422): the deadlines came soonest first only."""
    service, url = ledger
    seen, cursor, pages = [], "", 0
    while True:
        status, page, _ = await _get(f"{url}/ledger/deadlines?order=latest&limit=1{cursor}")
        assert status == 200, page
        seen += [(d["due"], d["commitment"]["key"]) for d in page["deadlines"]]
        pages += 1
        if pages == 1:  # one on the day already shown (placed before the cursor) and one still ahead of it
            await service.store.apply(release(dated("c-zzz", date(2020, 11, 29)), dated("c-mid", date(2018, 6, 1)),
                                              release_id="gov-uk/late", published_at=LATER), now=NOW)
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == [("2020-11-29", "c-funding"), ("2020-11-29", "c-again"), ("2019-06-01", "c-late"),
                    ("2018-06-01", "c-mid"), ("2018-02-01", "c-soon")]
    status, page, _ = await _get(f"{url}/ledger/deadlines?order=latest&due_after=2017-01-01&due_before=2019-12-31")
    assert [(d["due"], d["commitment"]["key"]) for d in page["deadlines"]] == \
        [("2019-06-01", "c-late"), ("2018-06-01", "c-mid"), ("2018-02-01", "c-soon")]
    status, page, _ = await _get(f"{url}/ledger/deadlines?order=soonest&limit=2")
    assert [d["commitment"]["key"] for d in page["deadlines"]] == ["c-soon", "c-mid"]


@pytest.mark.parametrize(("path", "message"), [
    pytest.param("/ledger/deadlines?order=newest", "Input should be 'soonest' or 'latest'", id="not-an-order"),
    pytest.param("/ledger/deadlines?order=", "no value: give one, or leave the parameter out", id="no-value"),
    pytest.param("/ledger/deadlines?order=latest&order=soonest", "give it once", id="twice"),
    pytest.param("/ledger/commitments?order=latest", "not a query parameter", id="commitments-take-none"),
])
async def test_an_order_of_deadlines_that_cannot_be_read_is_a_422_naming_it(ledger, path, message):
    _, url = ledger
    status, answer, _ = await _get(url + path)
    assert status == 422, answer
    (error,) = answer["errors"]
    assert error["field"] == "order" and message in error["message"], error


@pytest.mark.parametrize(("order", "keys"), [("soonest", ["c-older", "c-old"]), ("latest", ["c-old", "c-older"])])
async def test_deadlines_before_today_asked_without_a_start_are_every_one_up_to_that_day(ledger, order, keys):
    """The window starts today unless ``due_before`` looks back: then it starts at the first deadline, as the
    dashboard's passed deadlines do. Before: the window started today whatever ``due_before`` said (an empty page,
    as if there were none), then a 422 asking for a ``due_after`` of some day long ago."""
    service, url = ledger
    await service.store.apply(release(dated("c-old", date(2017, 6, 1)), dated("c-older", date(2016, 3, 1)),
                                      release_id="gov-uk/old", published_at=PUBLISHED), now=NOW)
    status, page, _ = await _get(f"{url}/ledger/deadlines?order={order}&due_before=2017-12-31")
    assert status == 200, page
    assert [d["commitment"]["key"] for d in page["deadlines"]] == keys
    status, page, _ = await _get(f"{url}/ledger/deadlines?order={order}&due_after=2017-01-01&due_before=2017-12-31")
    assert [d["commitment"]["key"] for d in page["deadlines"]] == ["c-old"]
    status, page, _ = await _get(f"{url}/ledger/deadlines?order={order}&due_before=2018-01-01")  # today: from today
    assert (status, page) == (200, {"deadlines": [], "next_cursor": None})


async def test_a_subscriptions_deadlines_as_a_calendar_with_its_reminders(ledger, api_headers):
    service, url = ledger
    from services.notifier.subscriptions import parse_subscription
    await service.subscriptions.put(parse_subscription(
        {"id": "desk", "channels": [{"console": {}}], "filter": {"categories": ["funding"]},
         "reminders": ["P7D", "P0D"]}))
    status, text, headers = await _get(f"{url}/subscriptions/desk/deadlines.ics")
    assert status == 200 and headers["Content-Type"].startswith("text/calendar"), text
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    # funding: the commitments of that category, and those of another that pledge money (the £10m of c-funding
    # and c-again, capability building)
    assert sorted(str(e["uid"]) for e in events) == ["c-again-0@pledgewatch", "c-funding-0@pledgewatch",
                                                     "c-late-0@pledgewatch", "c-soon-0@pledgewatch"]
    alarms = [a.decoded("trigger") for a in events[0].walk("VALARM")]
    assert len(alarms) == 2
    assert (await _get(f"{url}/subscriptions/nobody/deadlines.ics"))[0] == 404


async def test_a_subscriptions_calendar_alarms_are_at_its_reminders_moments_in_its_time_zone(ledger):
    """Before: at 08:30 UTC (the reminder time), 19:30 the evening before the due day in Sydney, while its reminders
    came at 08:30 there."""
    service, url = ledger
    from services.notifier.subscriptions import parse_subscription
    await service.subscriptions.put(parse_subscription(
        {"id": "sydney", "channels": [{"console": {}}], "filter": {"categories": ["funding"]},
         "reminders": ["P7D", "P0D"], "timezone": "Australia/Sydney"}))
    status, text, _ = await _get(f"{url}/subscriptions/sydney/deadlines.ics")
    assert status == 200, text
    [soon] = [e for e in icalendar.Calendar.from_ical(text).walk("VEVENT") if str(e["uid"]) == "c-soon-0@pledgewatch"]
    assert soon.decoded("dtstart") == date(2018, 2, 1)
    assert [a.decoded("trigger") for a in soon.walk("VALARM")] == [  # 08:30 AEDT (UTC+11)
        datetime(2018, 1, 24, 21, 30, tzinfo=timezone.utc), datetime(2018, 1, 31, 21, 30, tzinfo=timezone.utc)]


async def test_reads_need_the_token_when_open_reads_is_off(settings, api_headers):
    settings = settings.model_copy(update={"open_reads": False})
    service = LedgerService(settings, clock=lambda: NOW)
    await service.start()
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_routes(service.routes())
    await http.start()
    try:
        url = f"http://127.0.0.1:{http.port}/ledger/commitments"
        assert (await _get(url))[0] == 401
        assert (await _get(url, api_headers))[0] == 200
    finally:
        await http.stop()
        await service.stop()


async def _post(url: str, body: object, headers: dict[str, str]) -> tuple[int, dict]:
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(url, json=body) as resp:
            return resp.status, await resp.json()


async def test_a_filter_is_backtested_before_it_is_saved(ledger, api_headers):
    _, url = ledger
    status, answer = await _post(url + "/ledger/backtest", {"filter": {"counter_terrorism": True, "categories":
                                 ["capability_building"]}, "since": "2017-01-01T00:00:00Z"}, api_headers)
    assert status == 200, answer
    assert (answer["alerts"], answer["commitments"]) == (2, 2)
    assert [a["release"]["release_id"] for a in answer["shown"]] == ["gov-uk/iraq-2018", "gov-uk/iraq-2017"]
    assert answer["shown"][0]["commitments"] == ["c-again"]
    status, later = await _post(url + "/ledger/backtest", {"since": LATER.isoformat()}, api_headers)
    assert (status, later["alerts"], later["commitments"]) == (200, 1, 3)


@pytest.mark.parametrize(("money", "keys"), [
    ({"currency": "GBP", "min_amount": "10m"}, [["c-again"], ["c-funding"]]),
    ({"currency": "gbp", "min_amount": 9_000_000, "max_amount": "0.01bn"}, [["c-again"], ["c-funding"]]),
    ({"currency": "GBP", "max_amount": "9,999,999"}, []),
    ({"currency": "EUR"}, []),
    ({"currency": "£", "min_amount": "10m"}, [["c-again"], ["c-funding"]]),  # before: "not a currency"
])
async def test_a_filters_money_is_backtested(ledger, api_headers, money, keys):
    _, url = ledger
    status, answer = await _post(url + "/ledger/backtest", {"filter": money, "since": "2017-01-01T00:00:00Z"},
                                 api_headers)
    assert status == 200, answer
    assert [a["commitments"] for a in answer["shown"]] == keys


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"filter": {"categories": ["weather"]}, "since": "2017-01-01T00:00:00Z"}, 422, "filter.categories.0"),
    ({"filter": {}}, 422, "since"),
    ({"since": "2017-01-01T00:00:00"}, 422, "since"),  # no time zone
    ({"since": "2017-01-01T00:00:00Z", "colour": "red"}, 422, "colour"),
    ({"filter": {"currency": "GBP", "min_amount": "-1m"}, "since": "2017-01-01T00:00:00Z"}, 422, "filter.min_amount"),
    ({"filter": {"currency": "GBP", "min_amount": "9m", "max_amount": "1m"}, "since": "2017-01-01T00:00:00Z"}, 422,
     "filter.max_amount"),
    ({"filter": {"currency": "XYZ"}, "since": "2017-01-01T00:00:00Z"}, 422, "filter.currency"),
    ({"filter": {"currency": "$"}, "since": "2017-01-01T00:00:00Z"}, 422, "filter.currency"),
    ({"filter": {"min_amount": "10m"}, "since": "2017-01-01T00:00:00Z"}, 422, "filter.currency"),
])
async def test_a_bad_backtest_says_which_field(ledger, api_headers, body, status, field):
    _, url = ledger
    got, answer = await _post(url + "/ledger/backtest", body, api_headers)
    assert got == status and answer["errors"][0]["field"] == field


async def test_a_bad_backtest_is_told_in_the_words_the_subscriptions_api_uses(ledger, api_headers):
    """Before: "Extra inputs are not permitted" and "Value error, …", where the subscriptions API says
    "unknown field" and gives the message alone."""
    _, url = ledger
    _, answer = await _post(url + "/ledger/backtest", {"since": "2017-01-01T00:00:00Z", "colour": "red"}, api_headers)
    assert answer["errors"] == [{"field": "colour", "message": "unknown field"}]
    _, answer = await _post(url + "/ledger/backtest", {"since": "2017-01-01T00:00:00"}, api_headers)
    assert not answer["errors"][0]["message"].startswith("Value error")


async def test_pledgewatch_subscriptions_backtest_prints_what_each_subscription_would_have_got(
        ledger, settings, tmp_path, capsys, monkeypatch):
    import asyncio

    from pledgewatch.cli import main

    _, url = ledger
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    path = tmp_path / "subscriptions.yaml"
    path.write_text("subscriptions:\n"
                    "  - id: ct-funding\n    channels: [console]\n"
                    "    filter: {counter_terrorism: true, categories: [capability_building]}\n"
                    "  - id: demands\n    channels: [console]\n    filter: {kinds: [demand]}\n")
    assert await asyncio.to_thread(main, ["subscriptions", "--url", url, "backtest", str(path),
                                          "--since", "2017-01-01"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "ct-funding: would have sent 2 alert(s) since 1 Jan 2017 (2 commitment(s))"
    assert out[1].startswith("  2018-03-09  1  ") and out[2].startswith("  2017-11-29  1  ")
    assert out[3] == "demands: would have sent 1 alert(s) since 1 Jan 2017 (1 commitment(s))"


async def test_pledgewatch_subscriptions_backtest_takes_the_file_of_one_subscription_add_takes(
        ledger, settings, tmp_path, capsys, monkeypatch):
    """Before: "expected a mapping with one key, 'subscriptions'" of a file `subscriptions add` takes."""
    import asyncio

    from pledgewatch.cli import main

    _, url = ledger
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    path = tmp_path / "one.yaml"
    path.write_text("id: demands\nchannels: [{console: {}}]\nfilter: {kinds: [demand]}\n")
    assert await asyncio.to_thread(main, ["subscriptions", "--url", url, "backtest", str(path),
                                          "--since", "2017-01-01"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.splitlines()[0] == \
        "demands: would have sent 1 alert(s) since 1 Jan 2017 (1 commitment(s))"


async def test_pledgewatch_subscriptions_backtest_prints_a_releases_control_characters_escaped(
        ledger, settings, tmp_path, capsys, monkeypatch):
    """A feed's title may hold C1 controls (ingest strips C0 only): an 8-bit CSI (U+009B) or OSC (U+009D) was
    printed as it was, a control sequence of the feed's choosing on the terminal of whoever tried a filter."""
    import asyncio

    from pledgewatch.cli import main

    service, url = ledger
    titled = release(dated("c-odd", date(2018, 6, 1)), release_id="odd-title", published_at=LATER)
    await service.store.apply(titled.model_copy(update={"title": "Port fund \x9b2J\x9d0;owned"}), now=NOW)
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    path = tmp_path / "one.yaml"
    path.write_text("id: all\nchannels: [console]\n")
    assert await asyncio.to_thread(main, ["subscriptions", "--url", url, "backtest", str(path),
                                          "--since", "2017-01-01"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\x9d" not in out, out
    assert "  2018-03-09  1  Port fund \\x9b2J\\x9d0;owned" in out.splitlines(), out


async def test_a_release_with_no_commitments_is_listed_with_its_title_url_source_and_time(ledger):
    service, url = ledger
    nothing = release(release_id="gov-uk/nothing", published_at=LATER + timedelta(days=1)).model_copy(update={
        "commitments": [], "title": "Minister visits school", "url": "https://www.gov.uk/government/news/nothing"})
    await service.store.apply(nothing, now=NOW)
    status, page, _ = await _get(f"{url}/ledger/releases?limit=1")
    assert status == 200, page
    assert page["releases"] == [{
        "release_id": "gov-uk/nothing", "version": 1, "title": "Minister visits school",
        "url": "https://www.gov.uk/government/news/nothing", "source": "seeds",
        "published_at": "2018-03-10T10:00:00Z", "commitments": 0, "removed": 0, "withdrawn_commitments": 0,
        "unsupported_reason": None, "withdrawn": False,
        "withdrawn_notice": None}]
    status, one, _ = await _get(f"{url}/ledger/releases/gov-uk/nothing")
    assert (one["title"], one["entries"]) == ("Minister visits school", [])


async def test_a_later_versions_title_url_source_and_time_win_over_the_first(ledger):
    service, url = ledger
    later = PUBLISHED + timedelta(hours=2)
    await service.store.apply(release(FUNDING, BORDERS, version=2, source="ministry", published_at=later).model_copy(
        update={"title": "Headline corrected", "url": "https://www.gov.uk/government/news/iraq-corrected"}), now=NOW)
    status, one, _ = await _get(f"{url}/ledger/releases/gov-uk/iraq-2017")
    assert status == 200, one
    assert (one["version"], one["title"], one["url"], one["source"], one["published_at"]) == \
        (2, "Headline corrected", "https://www.gov.uk/government/news/iraq-corrected", "ministry",
         "2017-11-29T12:00:00Z")
    assert {(e["key"], e["title"], e["source"], e["state"]) for e in one["entries"]} == {
        ("c-funding", "Headline corrected", "ministry", "active"),
        ("c-borders", "Headline corrected", "ministry", "active"),
        ("c-content", "Headline corrected", "ministry", "removed"),
        ("c-training", "Headline corrected", "ministry", "removed")}
    # each entry keeps the time of the version that first held it
    assert {e["published_at"] for e in one["entries"]} == {"2017-11-29T10:00:00Z"}
    status, page, _ = await _get(f"{url}/ledger/commitments?q=corrected&source=ministry")
    assert sorted(_keys(page)) == ["c-borders", "c-content", "c-funding", "c-training"]


async def test_a_release_recorded_before_its_title_was_kept_reads_it_from_its_first_entry(ledger, key_prefix):
    service, url = ledger
    await service.store.client.hdel(f"{key_prefix}ledger:release:gov-uk/iraq-2017", "title", "url", "source",
                                    "published_at")
    status, one, _ = await _get(f"{url}/ledger/releases/gov-uk/iraq-2017")
    assert status == 200, one
    assert (one["title"], one["source"], one["published_at"]) == \
        ("UK ramps up counterterror effort in Iraq", "seeds", "2017-11-29T10:00:00Z")


async def test_the_deadlines_of_a_removed_commitment_are_not_listed_as_upcoming(ledger):
    service, url = ledger
    await service.store.apply(release(AGAIN, dated("c-late", date(2019, 6, 1)), release_id="gov-uk/iraq-2018",
                                      published_at=LATER, version=2), now=NOW)  # c-soon removed
    status, page, _ = await _get(f"{url}/ledger/deadlines")
    assert status == 200, page
    assert "c-soon" not in [d["commitment"]["key"] for d in page["deadlines"]]
    status, page, _ = await _get(f"{url}/ledger/deadlines?state=removed")
    assert [(d["due"], d["commitment"]["key"], d["commitment"]["state"]) for d in page["deadlines"]] == \
        [("2018-02-01", "c-soon", "removed")]
    timeline = await upcoming(service.store, await service.index.due_order(), today=NOW.date(), limit=10)
    assert "c-soon" not in [entry.key for _, _, entry in timeline]  # the dashboard's "Upcoming deadlines"


FUNDING_6M = FUNDING.model_copy(update={
    "id": "c-funding-6m", "text": FUNDING.text.replace("£10m", "£6m"),
    "money": FUNDING.money.model_copy(update={"amount": 6_000_000, "text": "£6m"})})


async def test_a_commitment_is_found_by_every_id_it_has_had(ledger):
    """Alerts, reminders and feeds carry a commitment's current id; the ledger keeps it under its first."""
    service, url = ledger
    await service.store.apply(release(FUNDING_CUT, BORDERS, CONTENT, TRAINING, version=2), now=NOW)
    await service.store.apply(release(FUNDING_6M, BORDERS, CONTENT, TRAINING, version=3), now=NOW)
    for commitment_id in ("c-funding", "c-funding-8m", "c-funding-6m"):
        status, detail, _ = await _get(f"{url}/ledger/commitments/{commitment_id}")
        assert status == 200, (commitment_id, detail)
        assert (detail["commitment"]["key"], detail["commitment"]["commitment"]["id"]) == ("c-funding", "c-funding-6m")


async def test_a_commitment_edited_before_its_ids_were_kept_is_found_by_its_current_id(settings, key_prefix):
    first = LedgerService(settings, clock=lambda: NOW)
    await first.start()
    await first.store.apply(release(), now=NOW)
    await first.store.apply(release(FUNDING_CUT, BORDERS, CONTENT, TRAINING, version=2), now=NOW)
    await first.stop()
    client = redis.Redis.from_url(settings.redis_url)
    for name in client.keys(f"{key_prefix}ledger:ids*"):  # as an earlier version left the ledger
        client.delete(name)
    client.close()
    service = LedgerService(settings, clock=lambda: NOW)
    await service.start()
    try:
        assert (await service.store.entry_by_id("c-funding-8m")).key == "c-funding"
        assert await service.store.entry_by_id("c-nothing") is None
    finally:
        await service.stop()


async def test_a_release_read_only_in_part_says_why_until_a_version_is_read_in_full(ledger):
    service, url = ledger
    reason = "read up to character 93681 of 1900000: stopped at 500 commitments"
    await service.store.apply(release(FUNDING, version=2).model_copy(update={"unsupported_reason": reason}), now=NOW)
    status, one, _ = await _get(f"{url}/ledger/releases/gov-uk/iraq-2017")
    assert status == 200 and one["unsupported_reason"] == reason, one
    status, page, _ = await _get(f"{url}/ledger/releases")
    assert [r["unsupported_reason"] for r in page["releases"] if r["release_id"] == "gov-uk/iraq-2017"] == [reason]
    await service.store.apply(release(FUNDING, BORDERS, version=3), now=NOW)
    status, one, _ = await _get(f"{url}/ledger/releases/gov-uk/iraq-2017")
    assert one["unsupported_reason"] is None


async def test_a_stored_url_with_a_line_break_never_breaks_a_calendar_feed(ledger):
    service, url = ledger
    from services.notifier.subscriptions import parse_subscription
    await service.subscriptions.put(parse_subscription({"id": "all", "channels": [{"console": {}}]}))
    # as a feed entry with no link and a line break in its Atom id was stored before ingest cleaned urls
    await service.store.apply(release(dated("c-harbours", date(2029, 4, 30)), release_id="rel-b559a7096be22001")
                              .model_copy(update={"url": "urn:a\nb c"}), now=NOW)
    status, text, _ = await _get(f"{url}/subscriptions/all/deadlines.ics")
    assert status == 200, text
    events = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    assert "url" not in events["c-harbours-0@pledgewatch"] and "c-soon-0@pledgewatch" in events


async def test_an_unchanged_entry_keeps_its_calendar_dtstamp_from_one_request_to_the_next(settings):
    """Before: DTSTAMP was the time of each request, so that every event looked revised at every poll."""
    minutes = itertools.count()
    service = LedgerService(settings, clock=lambda: NOW + timedelta(minutes=next(minutes)))
    await service.start()
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_routes(service.routes())
    await http.start()
    try:
        stored = NOW - timedelta(days=2)
        await service.store.apply(release(dated("c-soon", date(2018, 2, 1))), now=stored)
        from services.notifier.subscriptions import parse_subscription
        await service.subscriptions.put(parse_subscription({"id": "desk", "channels": [{"console": {}}]}))
        stamps = []
        for _ in range(2):
            status, text, _ = await _get(f"http://127.0.0.1:{http.port}/subscriptions/desk/deadlines.ics")
            assert status == 200, text
            stamps.append([e.decoded("dtstamp") for e in icalendar.Calendar.from_ical(text).walk("VEVENT")])
        assert stamps == [[stored], [stored]]
    finally:
        await http.stop()
        await service.stop()


async def test_a_cursor_of_one_list_is_a_422_on_another(ledger):
    """Before: every list's cursor was an untagged [number, id], and each list paged from the other's place."""
    _, url = ledger
    cursors = {}
    for path in ("commitments", "releases", "deadlines?order=latest&due_before=2030-01-01"):
        status, page, _ = await _get(f"{url}/ledger/{path}{'&' if '?' in path else '?'}limit=1")
        assert status == 200 and page["next_cursor"], page
        cursors[path.split("?")[0]] = page["next_cursor"]
    for given, cursor in cursors.items():
        for other in set(cursors) - {given}:
            status, answer, _ = await _get(f"{url}/ledger/{other}?cursor={cursor}")
            assert (status, answer["errors"]) == \
                (422, [{"field": "cursor", "message": "not one this server gave (ask again without it)"}]), other


async def test_a_release_counts_its_removed_and_withdrawn_commitments_apart(ledger):
    """Before: ``commitments`` alone, counting those a later version took out, or withdrew, as though still made."""
    service, url = ledger
    await service.store.apply(release(FUNDING, BORDERS, version=2), now=NOW)
    await service.store.apply(release(dated("c-gone", date(2018, 5, 1)), release_id="gov-uk/gone",
                                      published_at=LATER - timedelta(days=1)), now=NOW)
    await service.store.apply(release(release_id="gov-uk/gone", published_at=LATER - timedelta(days=1), version=2)
                              .model_copy(update={"withdrawn": True, "commitments": []}), now=NOW)
    status, page, _ = await _get(f"{url}/ledger/releases")
    assert status == 200, page
    counted = {r["release_id"]: (r["commitments"], r["removed"], r["withdrawn_commitments"]) for r in page["releases"]}
    assert counted == {"gov-uk/iraq-2018": (3, 0, 0), "gov-uk/gone": (1, 0, 1), "gov-uk/iraq-2017": (4, 2, 0)}
    status, one, _ = await _get(f"{url}/ledger/releases/gov-uk/iraq-2017")
    assert (one["commitments"], one["removed"], one["withdrawn_commitments"]) == (4, 2, 0)


@pytest.mark.parametrize(("query", "keys"), [
    pytest.param("?q=%C2%A310", [], id="ten-pounds-is-not-ten-million"),  # before: every £10m and £100m as well
    pytest.param("?q=%C2%A310m", ["c-again", "c-funding"], id="ten-million"),
    pytest.param("?q=%C2%A310+million+iraq", ["c-again", "c-funding"], id="written-out-with-a-word"),
    pytest.param("?currency=GBP", ["c-again", "c-funding"], id="currency"),
    pytest.param("?currency=GBP&min_amount=10m", ["c-again", "c-funding"], id="at-least"),
    pytest.param("?currency=GBP&min_amount=10.5m", [], id="more-than-any"),
    pytest.param("?currency=gbp&max_amount=10000000", ["c-again", "c-funding"], id="at-most"),
    pytest.param("?currency=USD", [], id="another-currency"),
    pytest.param("?q=10+million", ["c-again", "c-funding"], id="no-currency-any"),  # before: the words, found nowhere
    pytest.param("?q=10m+USD", [], id="no-currency-then-its-code"),
    pytest.param("?q=%C2%A38m+%C2%A310m", ["c-again", "c-funding"], id="either-amount"),  # before: both, so none
    pytest.param("?q=GBP+iraq", ["c-again", "c-funding"], id="a-currency-alone"),  # before: the word "GBP"
    pytest.param("?q=%24", [], id="a-sign-alone"),
    pytest.param("?currency=%C2%A3&min_amount=10m", ["c-again", "c-funding"], id="a-currency-by-its-sign"),
])
async def test_commitments_are_selected_by_their_amount_and_a_range_of_amounts(ledger, query, keys):
    _, url = ledger
    status, page, _ = await _get(f"{url}/ledger/commitments{query}")
    assert status == 200, page
    assert _keys(page) == keys
    status, text, _ = await _get(f"{url}/ledger/commitments.csv{query}")
    assert status == 200 and [row["key"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))] == keys


@pytest.mark.parametrize(("query", "keys", "releases"), [
    pytest.param("?q=NZ%244.5m", ["c-kiwi"], [], id="a-country-dollar-sign"),  # before: the words "nz$4.5m"
    pytest.param("?q=NZ%24+4.5m", ["c-kiwi"], [], id="its-sign-apart"),  # before: 4.5m in any currency, "nz$"
    pytest.param("?q=4.5+million+New+Zealand+dollars", ["c-kiwi"], [], id="currency-words"),
    pytest.param("?q=10m+pounds", ["c-again", "c-funding"], [], id="pounds"),  # before: the word "pounds" too
    pytest.param("?q=A%2420m", [], ["gov-uk/pacific"], id="a-title-s-range-is-its-upper-bound"),
    pytest.param("?q=A%2410m", [], [], id="not-its-lower-bound"),  # before: the title's "A$10m"
    pytest.param("?currency=NZ%24", ["c-kiwi"], [], id="currency-by-a-country-dollar-sign"),  # before: a 422
])
async def test_money_is_searched_in_the_forms_the_classifier_reads(ledger, query, keys, releases):
    service, url = ledger
    kiwi = FUNDING.model_copy(update={
        "id": "c-kiwi", "text": "New Zealand will give NZ$ 4.5m to Pacific policing.",
        "money": FUNDING.money.model_copy(update={"amount": 4_500_000, "currency": "NZD", "text": "NZ$ 4.5m"})})
    await service.store.apply(release(kiwi, release_id="gov-uk/pacific", published_at=LATER - timedelta(days=1))
                              .model_copy(update={"title": "A$10m-A$20m for Pacific policing"}), now=NOW)
    status, page, _ = await _get(f"{url}/ledger/commitments{query}")
    assert status == 200 and _keys(page) == keys, page
    if "q=" in query:
        status, page, _ = await _get(f"{url}/ledger/releases{query}")
        assert status == 200 and [r["release_id"] for r in page["releases"]] == releases, page


async def test_the_deadlines_are_searched_by_money_as_the_commitments_are(ledger):
    _, url = ledger
    for query in ("?q=10+million", "?q=%C2%A38m+%C2%A310m", "?q=GBP", "?q=%C2%A3"):
        status, page, _ = await _get(f"{url}/ledger/deadlines{query}")
        assert status == 200 and [d["commitment"]["key"] for d in page["deadlines"]] == ["c-again", "c-funding"], \
            (query, page)


async def test_the_range_of_amounts_is_documented(ledger):
    _, url = ledger
    _, document, _ = await _get(f"{url}/openapi.json")
    for path in ("/ledger/commitments", "/ledger/commitments.csv", "/ledger/deadlines"):
        described = {p["name"]: p.get("description", "") for p in document["paths"][path]["get"]["parameters"]}
        assert {"min_amount", "max_amount", "currency"} <= set(described), path
        assert "GBP" in described["currency"] and "10m" in described["min_amount"]
