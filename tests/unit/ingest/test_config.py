"""Sources YAML and ingest settings: good files load, bad ones say where and why."""

from __future__ import annotations

import pytest

from services.common.settings import Settings
from services.ingest.config import IngestSettings, SourcesError, feed_name, load_sources, parse_sources


def test_sources_file_lists_feeds_and_pages_with_names():
    sources = parse_sources("""
sources:
  - name: govuk-home-office
    url: https://www.gov.uk/search/news-and-communications.atom?organisations%5B%5D=home-office
    interval: 600
  - name: ministry-page
    type: page
    url: https://example.org/press
""")
    assert [(s.name, s.type, s.interval, s.follow) for s in sources] == [
        ("govuk-home-office", "feed", 600, "auto"), ("ministry-page", "page", None, "auto")]


@pytest.mark.parametrize(
    ("text", "message"),
    [pytest.param("- name: x\n  url: file:///etc/passwd\n", "only http:// and https://", id="file-url"),
     pytest.param("- name: Bad Name\n  url: https://x.org/f\n", "name", id="bad-name"),
     pytest.param("- name: x\n  url: https://x.org/f\n  interval: 0\n", "interval", id="zero-interval"),
     pytest.param("- name: x\n  url: https://x.org/f\n  colour: red\n", "colour", id="unknown-key"),
     pytest.param("sources: {name: x}\n", "expected a list", id="not-a-list"),
     pytest.param("- name: [\n", "not YAML", id="bad-yaml"),
     # before: a subscriptions file given as the sources file was read as no sources at all, silently
     pytest.param("subscriptions:\n  - id: desk\n    channels: [console]\n",
                  r"unknown key 'subscriptions' \(a sources file is a list of sources, or 'sources:' with a list\)",
                  id="a-subscriptions-file")],
)
def test_bad_sources_file_is_refused_with_the_reason(text, message):
    with pytest.raises(SourcesError, match=message):
        parse_sources(text, origin="sources.yaml")


def test_a_bad_source_name_is_refused_in_the_words_of_the_rule_not_a_pattern():
    """Before: "name: String should match pattern '^[a-z0-9][a-z0-9._-]{0,63}$'"."""
    with pytest.raises(SourcesError) as refused:
        parse_sources("- name: Home Office\n  url: https://x.org/f\n", origin="sources.yaml")
    assert str(refused.value) == (
        "sources.yaml: source 1: name: 'Home Office': not a source name; use 1 to 64 lowercase letters, digits, "
        "'.', '_' or '-', starting with a letter or digit")


@pytest.mark.parametrize(("url", "problem"), [
    pytest.param("http://x.org:0/f", "'http://x.org:0/f': port 0 is no port a request can go to", id="port-0"),
    pytest.param("http://x.org:99999/f", "'http://x.org:99999/f': the port is not a number from 1 to 65535",
                 id="port-out-of-range"),
    pytest.param("http://:80/f", "'http://:80/f': no host", id="no-host"),
    pytest.param("http://127.1/f", "'http://127.1/f': host '127.1' is neither a name nor an IPv4 address written "
                 "a.b.c.d (each 0 to 255, no leading zero)", id="short-ipv4"),
    pytest.param("http://2130706433/f", "'http://2130706433/f': host '2130706433' is neither a name nor an IPv4 "
                 "address written a.b.c.d (each 0 to 255, no leading zero)", id="ipv4-as-one-number"),
    pytest.param("http://exa mple.org/f", "'http://exa mple.org/f': host 'exa mple.org' holds a space or a control "
                 "character, which no host name has", id="space-in-host"),
])
def test_a_source_url_no_request_can_go_to_is_refused_at_once(url, problem):
    """Before: taken, and every poll of the source failed ("InvalidUrlClientError", "Cannot connect to host x:0",
    "only http:// and https:// URLs are fetched")."""
    with pytest.raises(SourcesError) as refused:
        parse_sources(f"- name: x\n  url: {url}\n", origin="sources.yaml")
    assert str(refused.value) == f"sources.yaml: source 1 (x): url: {problem}"


def test_feeds_from_settings_join_the_sources_file(tmp_path, monkeypatch):
    path = tmp_path / "sources.yaml"
    path.write_text("- name: one\n  url: https://example.org/one.atom\n")
    monkeypatch.setenv("PLEDGEWATCH_SOURCES", str(path))
    monkeypatch.setenv("PLEDGEWATCH_FEEDS", "https://example.org/a.rss, https://example.org/b.rss")
    monkeypatch.setenv("PLEDGEWATCH_FEED_INTERVAL", "60")
    settings = Settings().ingest
    names = [s.name for s in load_sources(settings)]
    assert names == ["one", feed_name("https://example.org/a.rss"), feed_name("https://example.org/b.rss")]
    assert names[1].startswith("feed-example.org-") and settings.feed_interval == 60


def test_duplicate_source_names_are_refused_naming_the_file_and_both_sources(tmp_path):
    """Before: "source name 'a' is used twice", naming neither the file nor which of its sources."""
    path = tmp_path / "s.yaml"
    path.write_text("- {name: a, url: 'https://x.org/1'}\n- {name: a, url: 'https://x.org/2'}\n")
    with pytest.raises(SourcesError) as refused:
        load_sources(IngestSettings(sources=path, feeds=[]))
    assert str(refused.value) == f"{path}: source 2: name 'a' is used twice (first by source 1)"


def test_a_feed_given_twice_in_the_feeds_setting_is_one_feed():
    """Before: refused as "source name 'feed-x.org-…' is used twice (fix the sources file)", a name the user never
    wrote, of a file not given; a folder given twice is likewise watched once."""
    settings = IngestSettings(feeds=["https://x.org/a.rss", "https://x.org/b.rss", "https://x.org/a.rss"])
    assert [s.url for s in load_sources(settings)] == ["https://x.org/a.rss", "https://x.org/b.rss"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_sources_file_saved_with_a_byte_order_mark_is_read_as_yaml_admits(tmp_path, encoding):
    """Before: a UTF-16 file (as Windows editors save "Unicode" text) was refused: "cannot read: 'utf-8' codec …"."""
    path = tmp_path / "s.yaml"
    path.write_bytes("- name: defense  # défense\n  url: https://x.org/f\n".encode(encoding))
    assert [s.name for s in load_sources(IngestSettings(sources=path, feeds=[]))] == ["defense"]


def test_a_sources_file_that_is_not_text_is_refused_naming_the_byte(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes("- name: a\n  url: https://x.org/£\n".encode("latin-1"))
    with pytest.raises(SourcesError) as refused:
        load_sources(IngestSettings(sources=path, feeds=[]))
    assert str(refused.value) == f"{path}: not a text file: not UTF-8 (byte 31: b'\\xa3')"


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("- name: a\n  url: https://x.org/1\n  name: b\n",
                 "sources.yaml:3: not YAML: key 'name' given twice (first on line 1)", id="a-key-of-a-source"),
    pytest.param("sources:\n  - {name: a, url: 'https://x.org/1'}\nsources:\n  - {name: b, url: 'https://x.org/2'}\n",
                 "sources.yaml:3: not YAML: key 'sources' given twice (first on line 1)", id="the-list-of-sources"),
])
def test_a_key_given_twice_in_the_sources_file_is_refused_naming_both_lines(text, message):
    """Before: read as its last value without a word, so a second ``sources:`` list dropped every source of the
    first, and a second ``url:`` polled another address than the first one written; the subscriptions file and
    a release file's front matter refuse a key given twice."""
    with pytest.raises(SourcesError) as refused:
        parse_sources(text, origin="sources.yaml")
    assert str(refused.value) == message


@pytest.mark.parametrize("interval", [".inf", "1e999", "1e12"])
def test_an_interval_no_poll_could_wait_is_refused_naming_the_source(interval):
    """Before: taken, and ``pledgewatch run`` stopped at start with ``unexpected OverflowError: cannot convert
    float infinity to integer`` (``date value out of range`` for 1e12), naming no setting."""
    with pytest.raises(SourcesError) as refused:
        parse_sources(f"- name: a\n  url: https://x.org/1\n  interval: {interval}\n", origin="sources.yaml")
    assert str(refused.value).startswith("sources.yaml: source 1 (a): interval: Input should be ")


def test_an_interval_written_with_an_exponent_is_a_number_although_yaml_reads_it_as_text():
    [source] = parse_sources("- name: a\n  url: https://x.org/1\n  interval: 1e3\n")
    assert source.interval == 1000


def test_an_interval_of_a_year_is_taken():
    [source] = parse_sources("- name: a\n  url: https://x.org/1\n  interval: 31536000\n")
    assert source.interval == 31_536_000


NOT_NUMBERS = {"true": "True", "false": "False", "''": "''", "5m": "'5m'", "[300]": "[300]"}  # YAML: as shown


@pytest.mark.parametrize(("interval", "shown"), NOT_NUMBERS.items(), ids=["true", "false", "blank", "words", "a-list"])
def test_an_interval_that_is_not_a_number_is_refused_naming_the_source_and_field(interval, shown):
    """Before: ``interval: true`` was read as 1 second (a boolean taken for an integer), and the source polled
    every second."""
    with pytest.raises(SourcesError) as refused:
        parse_sources(f"- name: home-office\n  url: https://x.org/1\n  interval: {interval}\n", origin="sources.yaml")
    assert str(refused.value) == (f"sources.yaml: source 1 (home-office): interval: {shown} is not a number of "
                                  "seconds: give one such as 300")


@pytest.mark.parametrize("follow", ["auto", "page", "govuk", "none"])
def test_follow_on_a_page_source_is_refused_naming_the_source_and_field(follow):
    """Before: taken and ignored, as a page is read itself, never through links: a page given ``follow: govuk``
    was read as a page without a word."""
    with pytest.raises(SourcesError) as refused:
        parse_sources(f"- name: statement\n  type: page\n  url: https://x.org/s\n  follow: {follow}\n",
                      origin="sources.yaml")
    assert str(refused.value) == ("sources.yaml: source 1 (statement): follow: only a feed's entries are followed "
                                  "(a page is read itself): take follow out of this page source")


def test_a_page_source_without_follow_and_a_feed_with_it_are_taken():
    sources = parse_sources("- {name: s, type: page, url: 'https://x.org/s'}\n"
                            "- {name: f, url: 'https://x.org/f', follow: none}\n")
    assert [(s.type, s.follow) for s in sources] == [("page", "auto"), ("feed", "none")]


def test_an_impossible_date_in_a_sources_file_is_refused_naming_its_line():
    """Before: a bare ValueError ("unexpected ValueError ... report it") instead of the file's line."""
    with pytest.raises(SourcesError) as caught:
        parse_sources("sources:\n  - name: home-office\n    url: https://example.org/feed\n    interval: 2026-02-30\n")
    assert str(caught.value) == ("sources:4: not YAML: day is out of range for month: '2026-02-30' is not a real "
                                 "date or time")
