"""Release files become release.published data; bad files give one clear error."""

import os
from datetime import datetime, timezone

import pytest

from services.ingest.files import NoPublicationDate, ReleaseFileError, load_release
from services.ingest.identity import content_hash


def test_seed_text_file_takes_date_from_name_and_title_from_first_line(seed_file):
    release = load_release(seed_file)
    assert release.published_at == datetime(2017, 11, 29, tzinfo=timezone.utc)
    assert release.title.startswith("Press release: UK ramps up counterterror effort")
    assert release.body.startswith("On 29 November 2017 the Prime Minister")
    assert release.release_id.startswith("rel-") and release.version == 1


def test_markdown_front_matter_sets_date_title_and_url(tmp_path):
    path = tmp_path / "statement.md"
    path.write_text("---\ndate: 2019-05-15\ntitle: Christchurch Call\nurl: https://example.org/cc\n---\n"
                    "Companies must remove terrorist content within one hour.\n")
    release = load_release(path)
    assert release.title == "Christchurch Call"
    assert release.url == "https://example.org/cc"
    assert release.published_at.date().isoformat() == "2019-05-15"
    assert release.body == "Companies must remove terrorist content within one hour."


@pytest.mark.parametrize("content", [
    pytest.param("---\n---\nBorder plan\nThe UK will invest.\n", id="empty"),
    pytest.param("---\n\n---\nBorder plan\nThe UK will invest.\n", id="blank-line"),
])
def test_an_empty_front_matter_block_is_no_front_matter(tmp_path, content):
    """Before: the release was published with the title '---' and the rest as its body."""
    path = tmp_path / "2026-05-05-plan.md"
    path.write_text(content)
    release = load_release(path)
    assert (release.title, release.body) == ("Border plan", "The UK will invest.")


def test_front_matter_closing_at_the_end_of_the_file_is_front_matter(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("---\ndate: 2026-05-05\ntitle: Border plan\n---")
    with pytest.raises(ReleaseFileError, match="no body text"):
        load_release(path)


def test_json_release_keeps_its_id_and_ignores_other_fields(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"id": "uk-1", "url": "https://www.gov.uk/x", "title": "X", "note": "ignored",'
                    ' "published_at": "2018-01-02T09:30:00+00:00", "body": "The UK will act.", "source": "gov.uk"}')
    release = load_release(path)
    assert (release.release_id, release.source, release.url) == ("uk-1", "gov.uk", "https://www.gov.uk/x")


def test_html_release_drops_scripts_and_keeps_paragraphs(tmp_path):
    path = tmp_path / "2020-03-01-page.html"
    path.write_text("<html><head><title>Page</title><script>track()</script></head><body>"
                    "<nav>Menu</nav><main><h1>Border plan</h1><p>We will invest.</p><p>Second.</p></main>"
                    "</body></html>")
    release = load_release(path)
    assert release.title == "Border plan"
    assert release.body == "Border plan\n\nWe will invest.\n\nSecond."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("2020-01-01-empty.txt", b"", "empty file", id="empty"),
        pytest.param("2020-01-01-latin1.txt", "Caf\u00e9 title\nbody".encode("latin-1"), "not UTF-8", id="not-utf8"),
        pytest.param("2020-01-01-bom.txt", b"\xef\xbb\xbfCaf\xe9 title\nbody", "not UTF-8 (byte 6: b'\\xe9')",
                     id="not-utf8-after-a-byte-order-mark"),
        pytest.param("2026-05-05-open.md", b"---\ntitle: T\nThe UK will invest.\n",
                     ":1: bad front matter: the '---' that opens it has no '---' line closing it", id="unclosed"),
        pytest.param("no-date.txt", b"Title\nBody text", "no publication date", id="no-date"),
        pytest.param("2026-02-30-baddate.txt", b"Title\nBody text", ": the date in the file name, 2026-02-30, is "
                     "not a real date (February 2026 has 28 days); rename the file", id="impossible-name-date"),
        pytest.param("2026-13-01-baddate.html", b"<title>T</title><p>Body text</p>", ": the date in the file name, "
                     "2026-13-01, is not a real date (there is no month 13)", id="impossible-name-month"),
        pytest.param("r.json", b'{"title": "T", "body": "B"}', ': no publication date (name the file '
                     'YYYY-MM-DD-... or add "published_at")', id="json-missing"),
        pytest.param("2026-02-30-r.json", b'{"title": "T", "body": "B"}', ": the date in the file name, 2026-02-30, "
                     "is not a real date (February 2026 has 28 days); rename the file", id="json-impossible-name-date"),
        pytest.param("r.json", b'{"title": "T", "body": "B", "published_at": "2020-01-01T00:00:00"}',
                     "is a time without its zone", id="json-naive-time"),
        pytest.param("r.pdf", b"%PDF", "unsupported file type", id="pdf"),
        pytest.param("r.md", b"---\ndate: 2017-02-30\n---\nT\nB",
                         ":2: bad front matter: day is out of range for month: '2017-02-30' is not a real date",
                     id="impossible-date"),
        pytest.param("r.md", b"---\npublished_at: 2017-13-01T09:00:00Z\n---\nT\nB",
                     "bad front matter: month must be in 1..12", id="impossible-month"),
        pytest.param("r.md", b"---\ndate: [2017\n---\nT\nB", ":2: bad front matter: while parsing a flow sequence",
                     id="bad-yaml"),  # before: ":3:", the line after, where the end of the block was found
        pytest.param("r.md", b'---\ntitle: "T\n---\nB', ":2: bad front matter: while scanning a quoted scalar",
                     id="unclosed-quote"),
        pytest.param("r.md", b"---\ndate: 2020-01-01\ntitle: [T\nurl: https://a.example/r\n---\nB",
                     ":3: bad front matter: while parsing a flow sequence", id="unclosed-bracket-before-a-key"),
        pytest.param("r.md", b"---\ndate: 2020-01-01\n*x\n---\nB", ":3: bad front matter: while scanning a simple key",
                     id="no-colon"),
        pytest.param("r.md", b"---\ntitle: T\n  bad: indent\n---\nB", ":3: bad front matter: mapping values",
                     id="indented-key"),
        pytest.param("r.md", b"---\ndate: 2020-01-01\nurl: www.gov.uk/r\n---\nT\nB", ":3: front matter url "
                     "'www.gov.uk/r': only http and https URLs are allowed, not a URL without a scheme (the web "
                     "page", id="url-without-a-scheme"),  # before: "…, not no scheme:"
        pytest.param("r.md", b"---\ndate: 2020-01-01\nurl: ftp://x.example/r\n---\nT\nB", ":3: front matter url "
                     "'ftp://x.example/r': only http and https URLs are allowed, not ftp:", id="url-of-ftp"),
        pytest.param("fmbad.md", "---\ndate: 5th May 2026\n---\nThe UK will invest £1bn.\n".encode(),
                     ":2: bad front matter: date '5th May 2026' is not a date; write YYYY-MM-DD",
                     id="unreadable-date"),
        pytest.param("2026-05-05-named.md", b"---\ntitle: T\npublished_at: May 2026\n---\nB",
                     ":3: bad front matter: published_at 'May 2026' is not a date; write YYYY-MM-DD",
                     id="unreadable-date-beside-a-dated-name"),
        pytest.param("r.md", b"---\ndate: 2026\n---\nT\nB", ":2: bad front matter: date 2026 is not a date",
                     id="a-year-alone"),
        pytest.param("2026-05-05-colour.md", b"---\ntitle: T\ncolour: red\n---\nB",
                     ":3: bad front matter: unknown key 'colour' (known keys: date, language, locale, published_at, "
                     "source, title, url, withdrawn, withdrawn_notice)", id="unknown-front-matter-key"),
        pytest.param("2026-05-05-typo.md", b"---\ntitel: T\n---\nT\nB", ":2: bad front matter: unknown key 'titel'",
                     id="misspelt-front-matter-key"),
        *(pytest.param("2026-12-07-plan.md", f"---\ntitle: T\n{line}\n---\nB".encode(),
                       f":3: bad front matter: withdrawn {shown} is not true or false (withdrawn: true withdraws the "
                       "release)", id=f"withdrawn-{name}")  # before: an unknown key
          for line, shown, name in [('withdrawn: "yes"', "'yes'", "text"), ("withdrawn: 1", "1", "a-number"),
                                    ("withdrawn: [true]", "[true] (a list)", "a-list")]),
        pytest.param("1899-12-31-old.txt", b"Very old\nThe UK will invest.", ": published_at "
                     "1899-12-31T00:00:00+00:00 is before 1900-01-01", id="before-1900"),
        pytest.param("r.json", b'{"id": "x", "title": "T", "body": "B", "published_at": "2020-02-30T00:00:00Z"}',
                     "published_at: Input should be a valid datetime", id="json-impossible-date"),
        pytest.param("r.json", b'{"id": "x", "title": "T", "body": "B", "published_at": "2020-01-01T00:00:00Z", '
                     b'"withdrawn": "no"}', "withdrawn: Input should be a valid boolean", id="json-withdrawn-string"),
        pytest.param("r.json", b'{"id": "x", "title": "T", "body": "B", "published_at": "2020-01-01T00:00:00Z", '
                     b'"locale": "English"}', "locale: 'English' is not a language tag (write one such as en, cy or "
                     "fr-CA)", id="json-locale-a-word"),
        pytest.param("r.json", b'{"id": "x", "title": "T", "body": "B", "published_at": 1577836800}',
                     "published_at: write an ISO 8601 date-time string", id="json-date-a-number"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert message in str(caught.value) and str(caught.value).startswith(f"{path}:")  # path: or path:line:
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("content", [
    pytest.param(b"Title\nThe UK will invest.\n", id="plain-text"),
    pytest.param(b'{"title": "T", "body": "B",', id="cut-off"),
    pytest.param(b'{"title": "T"} trailing', id="trailing-text"),
])
def test_a_json_file_that_is_not_json_is_refused_as_the_file_not_a_field(tmp_path, content):
    path = tmp_path / "j3.json"
    path.write_bytes(content)
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value).startswith(f"{path}: not JSON: "), caught.value
    assert "body" not in str(caught.value).removeprefix(f"{path}: ") and "\n" not in str(caught.value)


def test_a_json_file_that_is_json_but_not_an_object_says_so(tmp_path):
    path = tmp_path / "list.json"
    path.write_text('["The UK will invest."]')
    with pytest.raises(ReleaseFileError, match=r"list\.json: not a JSON object; a release is"):
        load_release(path)


@pytest.mark.parametrize(("content", "where", "key"), [
    pytest.param('{"title": "A", "published_at": "2020-01-01", "body": "B", "title": "C"}', "title", "title",
                 id="a-field"),
    pytest.param('{"title": "A", "published_at": "2020-01-01", "body": "B", "note": {"by": "x", "\\u0062y": "y"}}',
                 "note.by", "by", id="escaped-in-an-ignored-object"),
])
def test_a_json_file_giving_a_key_twice_is_refused_naming_the_key_and_where(tmp_path, content, where, key):
    """Before: ``{"title": "a", "title": "b"}`` was read as its last value without a word, where a POSTed body
    giving a key twice is refused."""
    path = tmp_path / "twice.json"
    path.write_text(content)
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value) == f"{path}: {where}: key {key!r} given twice in one object: give each key once"


def test_oversized_file_is_rejected(tmp_path):
    path = tmp_path / "2020-01-01-big.txt"
    path.write_text("Title\n" + "x" * 200)
    with pytest.raises(ReleaseFileError, match="over the 100-byte limit"):
        load_release(path, max_bytes=100)


def test_an_oversized_file_says_which_setting_admits_it(tmp_path):
    path = tmp_path / "2020-01-01-big.txt"
    path.write_text("Title\n" + "x" * 200)
    with pytest.raises(ReleaseFileError, match=r"206 bytes is over the 100-byte limit \(PLEDGEWATCH_MAX_RELEASE_BYTES"):
        load_release(path, max_bytes=100)


def test_whitespace_changes_do_not_change_the_content_hash():
    assert content_hash("T", "We will act.\n\nNow.") == content_hash("T ", "We  will act.\nNow. ")
    assert content_hash("T", "We will act.") != content_hash("T", "We will not act.")


def test_a_named_pipe_is_refused_as_no_regular_file(tmp_path):
    """Before: "empty file" (a pipe's size is 0), of a file that may well have a writer."""
    path = tmp_path / "2026-01-05-pipe.txt"
    os.mkfifo(path)
    with pytest.raises(ReleaseFileError, match=r"pipe\.txt: not a regular file \(a named pipe, a device or a socket\)"):
        load_release(path)


def test_a_free_text_source_is_kept_as_written_and_one_naming_nothing_is_refused_as_ingest_refuses_it(tmp_path):
    """Before: `pledgewatch classify` read any source while ingest refused all but source names; now both read
    the same ones and refuse the same ones, with the same line."""
    path = tmp_path / "2026-12-05-r.md"
    path.write_text("---\nsource: Bad Name!\n---\nPort plan\n\nThe UK will invest £5m.\n")
    assert load_release(path).source == "Bad Name!"
    path.write_text("---\nsource: '" + "x" * 201 + "'\n---\nPort plan\n\nThe UK will invest £5m.\n")
    with pytest.raises(ReleaseFileError) as refused:
        load_release(path)
    assert str(refused.value) == (f"{path}: source: {'x' * 80!r}: not a release's source; use 1 to 200 "
                                  "characters on one line, not all blank")


def test_every_release_file_of_the_training_corpus_is_one_ingest_takes():
    """Before: 12 of them ('g7 (via mofa.go.jp)', 'un.org/press', …) were no source name, so ingest would
    dead-letter them although `pledgewatch classify` and `pledgewatch eval` read them."""
    from pathlib import Path

    from services.ingest.source_names import release_source_problem

    files = sorted((Path(__file__).resolve().parents[1] / "data" / "releases").glob("*.json"))
    assert len(files) > 300
    sources = {load_release(path).source for path in files}
    assert "g7 (via mofa.go.jp)" in sources
    assert [s for s in sources if release_source_problem(s)] == []


def test_a_govuk_content_api_item_is_named_as_one_with_the_fields_to_write(tmp_path):
    """Before: an item saved from GOV.UK's Content API (`/api/content/<path>`) was refused with `published_at:
    Field required; body: Field required`, though it holds both, under other names."""
    import json

    path = tmp_path / "item.json"
    path.write_text(json.dumps({
        "base_path": "/government/news/x", "content_id": "abc", "schema_name": "news_article", "title": "X",
        "first_published_at": "2017-11-29T10:00:00.000+00:00", "details": {"body": "<p>The UK will invest £10m.</p>"}}))
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value) == (
        f"{path}: a GOV.UK Content API item, not a release: a release is {{\"title\": …, \"published_at\": …, "
        "\"body\": …}: write its title, first_published_at and details.body (as text) under those names, or "
        "watch its page through a sources file, which reads such items")


def test_an_html_file_nested_too_deep_is_refused_naming_it(tmp_path):
    """Before: `pledgewatch classify` said `unexpected ContentError: HTML nested deeper than 1000 elements …`
    and asked for a bug report; it is the file's problem, said as any other."""
    from services.ingest.html_text import MAX_HTML_DEPTH

    path = tmp_path / "2026-01-01-nested.html"
    depth = MAX_HTML_DEPTH + 1
    path.write_text("<html><body><article>" + "<div>" * depth + "<p>The UK will invest £5m.</p>" + "</div>" * depth
                    + "</article></body></html>")
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value) == f"{path}: HTML nested deeper than {MAX_HTML_DEPTH} elements: refused unread"


@pytest.mark.parametrize("content", [
    pytest.param(b"#\nThe UK will invest \xc2\xa35m by 2027.\n", id="a-markdown-heading-of-nothing"),
    pytest.param(b"\t\n\n# \nThe UK will invest \xc2\xa35m by 2027.\n", id="blank-lines-then-an-empty-heading"),
    pytest.param(b"---\ntitle: ' '\n---\nThe UK will invest \xc2\xa35m by 2027.\n", id="a-blank-front-matter-title"),
])
def test_a_text_file_whose_title_is_blank_is_refused_as_a_json_file_of_a_blank_title_is(tmp_path, content):
    """Before: published with the title '' ("New commitments — " in an alert, nothing to click on the dashboard),
    where a .json file or a POST of a blank title is refused."""
    path = tmp_path / "2026-01-01-plan.md"
    path.write_bytes(content)
    with pytest.raises(ReleaseFileError, match="no title: add a 'title:' front-matter line, or put the title on "
                                               "the first line and the text below it"):
        load_release(path)


def test_lines_of_spaces_before_the_title_are_passed_over_as_empty_lines_are(tmp_path):
    path = tmp_path / "2026-01-01-plan.txt"
    path.write_bytes(b"  \n\t\n\nBorder plan\nThe UK will invest \xc2\xa35m by 2027.\n")
    release = load_release(path)
    assert release.title == "Border plan" and release.body == "The UK will invest \u00a35m by 2027."


def test_a_file_of_a_front_matter_title_and_no_text_is_told_where_the_text_goes(tmp_path):
    """Before: `no body text (the first line is the release's title: …)`, of a file whose title is its front
    matter's and whose first line is no title."""
    path = tmp_path / "2026-01-01-plan.md"
    path.write_text("---\ntitle: Border plan\n---\n\n")
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value) == f"{path}: no body text (the title is the front matter's: put the text of the " \
                                "release below the front matter)"


def test_a_json_file_is_dated_by_its_name_as_a_text_file_is(tmp_path):
    """Before: refused, `published_at: Field required`, where a .txt or .md file of that name is dated by it."""
    path = tmp_path / "2017-11-29-plan.json"
    path.write_text('{"title": "Border plan", "body": "The UK will invest \u00a35m."}')
    assert load_release(path).published_at == datetime(2017, 11, 29, tzinfo=timezone.utc)


def test_a_json_files_own_published_at_stands_over_its_names_date(tmp_path):
    path = tmp_path / "2017-11-29-plan.json"
    path.write_text('{"title": "Border plan", "body": "B", "published_at": "2018-01-02T09:00:00Z"}')
    assert load_release(path).published_at == datetime(2018, 1, 2, 9, tzinfo=timezone.utc)


def test_an_undated_json_file_is_told_of_published_when_one_file_is_given(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{"title": "Border plan", "body": "B"}')
    with pytest.raises(NoPublicationDate) as caught:
        load_release(path)
    assert caught.value.or_given("--published YYYY-MM-DD") == (
        f'{path}: no publication date (--published YYYY-MM-DD, name the file YYYY-MM-DD-... or add "published_at")')


@pytest.mark.parametrize("title", ["", "   ", "\\t\\n"])
def test_a_json_file_whose_title_is_blank_is_told_so_as_a_text_file_is(tmp_path, title):
    """Before: `title: String should have at least 1 character`, pydantic's words of a title of spaces."""
    path = tmp_path / "2026-01-01-plan.json"
    path.write_text(f'{{"title": "{title}", "body": "The UK will invest \u00a35m."}}')
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value) == f'{path}: no title: give the release\'s title as "title"'


def test_front_matter_withdraws_a_text_release(tmp_path):
    """Before: `withdrawn:` was an unknown key, so a release of a watched .txt or .md file could not be withdrawn
    at all (a .json file's `"withdrawn": true` could, and deleting the file withdraws nothing)."""
    path = tmp_path / "2026-12-07-plan.md"
    path.write_text("Border plan\nThe UK will invest £5m by 1 May 2027.\n")
    before = load_release(path)
    path.write_text("---\nwithdrawn: true\nwithdrawn_notice: Published in error.\n---\n"
                    "Border plan\nThe UK will invest £5m by 1 May 2027.\n")
    release = load_release(path)
    assert (release.withdrawn, release.withdrawn_notice) == (True, "Published in error.")
    assert (release.release_id, release.title, release.body) == (before.release_id, before.title, before.body)
    assert not before.withdrawn and before.withdrawn_notice is None


_PAGE = ("<html><head><title>Border plan</title>{meta}</head><body><article><h1>Border plan</h1>"
         "<p>The UK will invest £5m by 1 May 2027.</p></article></body></html>")


def test_a_meta_withdraws_an_html_release(tmp_path):
    """Before: an .html file had no way to say its release was withdrawn (front matter is a text file's), so a
    release of a watched .html file could not be withdrawn at all, and deleting the file withdraws nothing."""
    path = tmp_path / "2026-12-07-plan.html"
    path.write_text(_PAGE.format(meta=""))
    before = load_release(path)
    path.write_text(_PAGE.format(meta='<meta name="withdrawn" content="true">'
                                      '<meta name="withdrawn_notice" content="Published in error.">'))
    release = load_release(path)
    assert (release.withdrawn, release.withdrawn_notice) == (True, "Published in error.")
    assert (release.release_id, release.title, release.body) == (before.release_id, before.title, before.body)
    assert not before.withdrawn and before.withdrawn_notice is None


@pytest.mark.parametrize(("content", "withdrawn"), [("false", False), ("TRUE", True), (" true ", True)])
def test_an_html_withdrawn_meta_is_true_or_false_in_any_case(tmp_path, content, withdrawn):
    path = tmp_path / "2026-12-07-plan.html"
    path.write_text(_PAGE.format(meta=f'<meta name="withdrawn" content="{content}">'))
    assert load_release(path).withdrawn is withdrawn


def test_an_html_withdrawn_meta_is_named_in_any_case(tmp_path):
    """Before: ``<meta name="Withdrawn">`` was not read (HTML's meta names are case-insensitive), so the
    release stayed live."""
    path = tmp_path / "2026-12-07-plan.html"
    path.write_text(_PAGE.format(meta='<meta name="Withdrawn" content="true">'
                                      '<META NAME="WITHDRAWN_NOTICE" content="Published in error.">'))
    release = load_release(path)
    assert (release.withdrawn, release.withdrawn_notice) == (True, "Published in error.")


def test_a_withdrawn_meta_outside_the_head_withdraws_nothing(tmp_path):
    """Before: a <meta name="withdrawn"> in the page's body, quoted in its text or a sample, withdrew it."""
    path = tmp_path / "2026-12-07-plan.html"
    path.write_text(_PAGE.replace("</article>", '<meta name="withdrawn" content="true">'
                                                '<meta name="withdrawn_notice" content="No."></article>').format(meta=""))
    release = load_release(path)
    assert (release.withdrawn, release.withdrawn_notice) == (False, None)


@pytest.mark.parametrize("name", ["Date", "DCTERMS.date", "GOVUK:first-published-at"])
def test_an_html_date_meta_is_named_in_any_case(tmp_path, name):
    path = tmp_path / "plan.html"
    path.write_text(_PAGE.format(meta=f'<meta name="{name}" content="2019-05-18">'))
    assert load_release(path).published_at == datetime(2019, 5, 18, tzinfo=timezone.utc)


@pytest.mark.parametrize("content", ["yes", "1", ""])
def test_an_html_withdrawn_meta_neither_true_nor_false_is_refused_naming_it(tmp_path, content):
    path = tmp_path / "2026-12-07-plan.html"
    path.write_text(_PAGE.format(meta=f'<meta name="withdrawn" content="{content}">'))
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value) == (f'{path}: <meta name="withdrawn" content="{content}">: not true or false '
                                 '(<meta name="withdrawn" content="true"> withdraws the release)')


@pytest.mark.parametrize(("name", "content", "own"), [
    pytest.param("2019-05-15-named.txt", "Port plan\nThe UK will act.\n", "2019-05-15", id="name"),
    pytest.param("front.md", "---\ndate: 2019-05-16\n---\nPort plan\nThe UK will act.\n", "2019-05-16", id="front"),
    pytest.param("r.json", '{"id": "r", "title": "T", "body": "B", "published_at": "2019-05-17"}', "2019-05-17",
                 id="json"),
    pytest.param("r.html", '<meta property="article:published_time" content="2019-05-18"><h1>T</h1><p>B</p>',
                 "2019-05-18", id="html"),
    pytest.param("undated.txt", "Port plan\nThe UK will act.\n", "2026-03-01", id="undated"),
])
def test_a_date_given_dates_only_a_file_that_gives_none(tmp_path, name, content, own):
    """Before: the date given stood over the date every file gave."""
    path = tmp_path / name
    path.write_text(content)
    release = load_release(path, published_at=datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert release.published_at.date().isoformat() == own


@pytest.mark.parametrize(("name", "text", "error"), [
    ("2026-12-07-plan.md", "---\nwithdrawn_notice: Published in error.\n---\nBorder plan\nThe UK will invest £5m.\n",
     "{path}:2: bad front matter: a withdrawn_notice alone withdraws nothing: add 'withdrawn: true' to withdraw "
     "the release, or take the notice out"),
    ("2026-12-07-plan.html", _PAGE.format(meta='<meta name="withdrawn_notice" content="Published in error.">'),
     '{path}: <meta name="withdrawn_notice"> alone withdraws nothing: add <meta name="withdrawn" content="true"> '
     "to withdraw the release, or take the notice out"),
    ("2026-12-07-plan.json", '{"title": "Border plan", "body": "The UK will invest £5m.", '
                             '"withdrawn_notice": "Published in error."}',
     '{path}: withdrawn_notice: a notice alone withdraws nothing: add "withdrawn": true to withdraw the release, '
     "or leave the notice out"),
])
def test_a_withdrawal_notice_without_the_withdrawal_is_refused(tmp_path, name, text, error):
    """Before: a notice given without ``withdrawn: true`` was published as a live release, the notice dropped
    downstream: its subscribers were told nothing and kept every reminder, though its writer meant to withdraw it."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value) == error.format(path=path)


@pytest.mark.parametrize(("name", "text"), [
    ("2026-12-07-plan.md", "---\nwithdrawn: false\nwithdrawn_notice: Published in error.\n---\nBorder plan\nx\n"),
    ("2026-12-07-plan.html", _PAGE.format(meta='<meta name="withdrawn" content="false">'
                                               '<meta name="withdrawn_notice" content="Published in error.">')),
    ("2026-12-07-plan.json", '{"title": "Border plan", "body": "x", "withdrawn": false, '
                             '"withdrawn_notice": "Published in error."}'),
])
def test_a_notice_beside_withdrawn_false_is_a_restored_release(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    assert load_release(path).withdrawn is False
