"""Read one release file (.txt, .md, .json, .html) into a ``ReleasePublished``.

Every problem is a :class:`ReleaseFileError` with a one-line reason naming
the file: empty, too large, unreadable, not UTF-8 (nor the UTF-16 or UTF-32 its
byte-order mark names), no publication date (or one before 1900 or after tomorrow,
as ingest admits), bad front matter (an impossible date too), bad JSON fields (or a
key given twice in one object).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path
from stat import S_ISREG
from typing import Annotated, Callable, Final

import yaml
from urllib.parse import urlsplit

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from schemas import ReleasePublished
from services.common.encodings import NotText, decode_bytes
from services.common.errors import field_problems
from services.common.json_keys import loads_request
from services.common.yaml_lines import UniqueKeyLoader, yaml_error_line

from .admission import ReleaseRefused, check_published_at
from .calendar_days import impossible_day
from .errors import ContentError
from .html_text import html_meta, html_published, html_title
from .identity import content_hash, release_id_for
from .input_schema import document_release_input
from .links import clean_url, release_id_problem
from .page_text import page_to_text
from .source_names import release_source_problem
from .text_markup import markup_to_text

DEFAULT_MAX_BYTES = 2_000_000
SUFFIXES = (".txt", ".md", ".json", ".html", ".htm")

_LEADING_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*(?:\n|\Z)", re.S | re.M)
_OPENING = re.compile(r"\A---[ \t]*\n")
_MD_HEADING = re.compile(r"^#+\s*")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
LOCALE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
LANGUAGE_TAG_HINT = "write one such as en, cy or fr-CA"
_LOCALE_KEYS = ("locale", "language")
_DATE_KEYS = ("date", "published_at")
FRONT_MATTER_KEYS = ("date", "language", "locale", "published_at", "source", "title", "url", "withdrawn",
                     "withdrawn_notice")


class ReleaseFileError(ValueError):
    """A file that cannot become a release; the message says why."""


class NoPublicationDate(ReleaseFileError):
    """A text that says nothing of when it was published; ``ways`` are how it could say it."""

    def __init__(self, name: object, ways: tuple[str, ...]) -> None:
        self.name, self.ways = name, ways
        super().__init__(f"{name}: no publication date ({_either(ways)})")

    def or_given(self, way: str) -> str:
        """The message, with ``way`` of giving the date from outside the text first among the ways."""
        return str(NoPublicationDate(self.name, (way, *self.ways)))


def _either(ways: tuple[str, ...]) -> str:
    """``a or b``; ``a, b or c`` (three ways and more)."""
    return " or ".join(ways) if len(ways) < 3 else f"{', '.join(ways[:-1])} or {ways[-1]}"


def web_url(url: str) -> str:
    """``url`` if it can be a release's link: a web page (no ``javascript:``, ``ftp:``, ``file:``), else ValueError."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise ValueError(f"not a URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        given = f"{parts.scheme}:" if parts.scheme else "a URL without a scheme"
        raise ValueError(f"only http and https URLs are allowed, not {given}")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    return url


class _FrontMatterLoader(UniqueKeyLoader):
    """YAML for front matter: an impossible date (``2024-13-01``) is an error that knows its line, and so is a
    key given twice (``date:`` on two lines), rather than the last one read."""

    first_line = 2  # the block starts on the file's line 2
    timestamp_hint = "; write YYYY-MM-DD"


_ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}")
_DAY_ALONE = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")


def _iso_text(value: object) -> object:
    """``value`` if it is a string that starts as an ISO 8601 date does: a number (or a string of digits)
    is not read as seconds since 1970. A date alone is the start of that day, 00:00 UTC, as front matter's
    ``date:`` is: the event carries a full time."""
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise ValueError("write an ISO 8601 date-time string with its time zone, such as 2023-03-14T09:30:00+00:00, "
                         "or a date alone (2023-03-14: 00:00 UTC)")
    if _DAY_ALONE.fullmatch(value):
        return f"{value.strip()}T00:00:00+00:00"
    when = _read_when(value)
    if isinstance(when, datetime) and when.tzinfo is None:
        raise ValueError(_without_zone(repr(value), when))
    return value


NO_ADDRESS: Final = "a release needs a url or an id"
NOTICE_ALONE: Final = ('a notice alone withdraws nothing: add "withdrawn": true to withdraw the release, or leave the '
                       'notice out')


def address_errors(value: dict[str, object]) -> list[dict[str, str]]:
    """The error of a posted release (``value``, its JSON object) that gives neither ``url`` nor ``id``, told beside
    those of its fields: none when it gives one."""
    return [] if value.get("url") or value.get("id") else [{"field": "url", "message": NO_ADDRESS}]


class ReleaseInput(BaseModel):
    """The release.published fields a file or a POST supplies; other fields are ignored.

    Strict JSON types: ``withdrawn`` is true or false (not ``"yes"`` or 1), ``published_at`` an ISO 8601
    string, every text a string: a value of another type is refused naming its field, never coerced."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, strict=True,
                              json_schema_extra=document_release_input)

    id: str | None = Field(default=None, description=(
        "The release's own id, 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit; unset: "
        "derived from url. A release needs a url or an id."))
    url: str | None = Field(default=None, description=(
        "Its web address: http or https with a host (a port, if any, 0 to 65535); unset: urn:pledgewatch:<id>."))
    title: str = Field(min_length=1, description="Not blank.")
    published_at: Annotated[AwareDatetime, BeforeValidator(_iso_text), Field(
        strict=False, description="A time with its zone, or a date alone: the start of that day, 00:00 UTC; from "
                                  "1900-01-01 to a day after now.",
        examples=["2023-03-14T09:30:00+00:00", "2023-03-14"])]
    body: str = Field(min_length=1, description="Plain text, paragraphs separated by blank lines; not blank.")
    source: str | None = Field(
        default=None, description="Where the release comes from, as written: a source's name (gov.uk) or words "
                                  "(canada.ca (via newswire.ca)), 1 to 200 characters on one line; unset: http "
                                  "for a POST, folder for a file.")
    locale: str = Field(default="en", json_schema_extra={"pattern": LOCALE_PATTERN})  # checked below, in words
    document_type: str | None = None
    organisations: list[str] = Field(default_factory=list)
    withdrawn: bool = False
    withdrawn_notice: str | None = None

    @field_validator("url")
    @classmethod
    def _web_url(cls, url: str | None) -> str | None:
        return None if url is None else web_url(clean_url(url))  # the id derived from it is admission's url's

    @field_validator("locale")
    @classmethod
    def _language_tag(cls, locale: str) -> str:
        if not re.match(LOCALE_PATTERN, locale):
            raise ValueError(f"{locale!r} is not a language tag ({LANGUAGE_TAG_HINT})")
        return locale

    @field_validator("id")
    @classmethod
    def _safe_id(cls, release_id: str | None) -> str | None:
        problem = None if release_id is None else release_id_problem(release_id)
        if problem is not None:
            raise ValueError(problem)
        return release_id

    def to_release(self, *, default_url: str | None = None, source: str) -> ReleasePublished:
        url = self.url or default_url
        if not url and not self.id:
            raise ReleaseRefused(NO_ADDRESS, field="url")
        if self.withdrawn_notice is not None and "withdrawn" not in self.model_fields_set:
            raise ReleaseRefused(f"withdrawn_notice: {NOTICE_ALONE}", field="withdrawn_notice", problem=NOTICE_ALONE)
        release = _release(release_id=self.id or release_id_for(url or ""), url=url or f"urn:pledgewatch:{self.id}",
                           title=self.title, published_at=self.published_at, body=self.body,
                           source=self.source or source)
        extra = self.model_dump(include={"locale", "document_type", "organisations", "withdrawn",
                                         "withdrawn_notice"})
        return release.model_copy(update=extra)


def read_bytes(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes; :class:`ReleaseFileError` if empty, over ``max_bytes`` or unreadable.

    ``FileNotFoundError`` passes through: a file gone since the scan is not a bad file.
    """
    try:
        info = path.stat()
        if not S_ISREG(info.st_mode):  # a pipe would block the read, and its size says nothing
            raise ReleaseFileError(f"{path}: not a regular file (a named pipe, a device or a socket)")
        if info.st_size > max_bytes:
            raise _too_large(path, info.st_size, max_bytes)
        with path.open("rb") as handle:  # a regular file: opening it does not block
            raw = handle.read(max_bytes + 1)  # no more, should it have grown since it was looked at
            if len(raw) > max_bytes:
                raise _too_large(path, max(len(raw), os.fstat(handle.fileno()).st_size), max_bytes)
        if not raw:
            raise ReleaseFileError(f"{path}: empty file")
        return raw
    except (FileNotFoundError, ReleaseFileError):
        raise
    except OSError as exc:
        raise ReleaseFileError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _too_large(path: Path, size: int, max_bytes: int) -> ReleaseFileError:
    return ReleaseFileError(f"{path}: {size} bytes is over the {max_bytes}-byte limit "
                            "(PLEDGEWATCH_MAX_RELEASE_BYTES: raise it to admit larger files)")


def decode_file(path: Path, raw: bytes) -> str:
    """The text of the file at ``path``: by its byte-order mark (UTF-8, UTF-16, UTF-32), else, for an HTML
    file, by the charset it declares, else UTF-8."""
    try:
        text = decode_bytes(raw, html=path.suffix.lower() in (".html", ".htm"))
    except NotText as exc:
        raise ReleaseFileError(f"{path}: {exc}") from None
    if not text.strip():
        raise ReleaseFileError(f"{path}: no text")
    return text


def load_release(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, source: str = "folder", published_at: datetime | None = None
) -> ReleasePublished:
    """Read ``path`` as version 1 of a release; ingest decides the real version. ``published_at`` (aware), when
    given, is its publication time if the file gives no date of its own (in its name, front matter, JSON or
    page); a date the file gives is its own, and ``published_at`` is not used."""
    path = Path(path)
    _check_suffix(path)
    try:
        raw = read_bytes(path, max_bytes=max_bytes)
    except FileNotFoundError:
        raise ReleaseFileError(f"{path}: no such file") from None
    return parse_release(path, raw, source=source, published_at=published_at)


def parse_release(path: Path, raw: bytes, *, source: str = "folder",
                  published_at: datetime | None = None) -> ReleasePublished:
    """The release in ``raw``, the bytes of the file at ``path`` (read by the caller); ``published_at`` as
    :func:`load_release` takes it.

    Every problem, whatever raised it (YAML, an impossible date, a field the
    event refuses), is a :class:`ReleaseFileError` with a one-line reason.
    """
    suffix = _check_suffix(path)
    text = decode_file(path, raw)
    url = path.resolve().as_uri()
    read = {".json": _from_json, ".html": _from_html, ".htm": _from_html}.get(suffix, _from_text)
    return _checked(path, lambda: read(path, text, url, source, published_at))


def named_by_its_path(release: ReleasePublished, path: Path) -> bool:
    """Whether ``release``, read from the file at ``path``, is named by the file's own address (it gives no url
    and no id of its own): ingest names it by the file's place instead (:mod:`.file_places`)."""
    url = path.resolve().as_uri()
    return release.url == url and release.release_id == release_id_for(url)


STDIN = Path("<stdin>")  # how a text read from standard input is named in what is said of it


def parse_piped_text(raw: bytes, *, published_at: datetime | None = None) -> ReleasePublished:
    """The release in ``raw``, a text given on standard input, read as a ``.txt`` file is (front matter, its title
    on the first line, the text below); named ``<stdin>`` in errors. With no front-matter ``url:``, its url is a
    ``urn:pledgewatch:stdin-…`` made from the text, so the same text gets the same release id."""
    text = decode_file(STDIN, raw)
    url = f"urn:pledgewatch:stdin-{release_id_for(text).removeprefix('rel-')}"
    return _checked(STDIN, lambda: _from_text(STDIN, text, url, "stdin", published_at))


def _checked(path: Path, read: Callable[[], ReleasePublished]) -> ReleasePublished:
    """What ``read`` makes of the file at ``path``, any problem a :class:`ReleaseFileError`, and refused as ingest
    refuses it."""
    try:
        release = read()
    except ReleaseFileError:
        raise
    except ValidationError as exc:
        raise ReleaseFileError(f"{path}: {'; '.join(field_problems(exc))}") from None
    except (ValueError, TypeError, RecursionError, ContentError) as exc:  # ContentError: HTML nested too deep
        raise ReleaseFileError(f"{path}: {_first_line(exc)}") from None
    # the bounds ingest admits a release within, so `classify` refuses what `ingest` would
    problem = check_published_at(release.published_at, now=datetime.now(timezone.utc))
    if problem is not None:
        raise ReleaseFileError(f"{path}: {problem}")
    if problem := release_source_problem(release.source):  # the file's own: JSON source, front matter source:
        raise ReleaseFileError(f"{path}: source: {problem}")
    return release


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReleaseFileError(f"{path}: unsupported file type {suffix!r} (use {', '.join(SUFFIXES)})")
    return suffix


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _need_body(path: Path, body: str, hint: str) -> None:
    if not body.strip():
        raise ReleaseFileError(f"{path}: no body text ({hint})")


def _release(*, release_id: str, url: str, title: str, published_at: datetime, body: str,
             source: str) -> ReleasePublished:
    return ReleasePublished(
        release_id=release_id, version=1, url=url, title=title.strip(), published_at=published_at,
        source=source, body=body, content_hash=content_hash(title, body),
    )


class NotAnObject(ValueError):
    """JSON that is no object, where a release was expected."""


_A_RELEASE_IS: Final = 'a release is {"title": …, "published_at": …, "body": …}'


def release_object(value: object) -> dict[str, object]:
    """``value``, a release file's or a posted body's JSON, if it is an object; else :class:`NotAnObject` saying
    what a release is (pydantic's "Input should be a valid dictionary" would not)."""
    if not isinstance(value, dict):
        raise NotAnObject(f"not a JSON object; {_A_RELEASE_IS}")
    if "body" not in value and "base_path" in value and isinstance(value.get("details"), dict):
        # Saved from GOV.UK's /api/content/<path>: the fields are there under other names.
        raise NotAnObject(f"a GOV.UK Content API item, not a release: {_A_RELEASE_IS}: write its title, "
                          "first_published_at and details.body (as text) under those names, or watch its page "
                          "through a sources file, which reads such items")
    return value


def _from_json(path: Path, text: str, url: str, source: str, published_at: datetime | None) -> ReleasePublished:
    fields = release_object(loads_request(text))  # "not JSON: …", a key given twice: the file's problem
    title = fields.get("title")
    if isinstance(title, str) and not title.strip():
        raise ReleaseFileError(f'{path}: no title: give the release\'s title as "title"')
    given = fields.get("published_at") is not None
    published = None if given else _date_from_name(path) or published_at
    if published is None and not given:
        raise NoPublicationDate(path, ("name the file YYYY-MM-DD-...", 'add "published_at"'))
    release = ReleaseInput.model_validate(
        fields if published is None else {**fields, "published_at": published.isoformat()}
    ).to_release(default_url=url, source=source)
    return release if published is None else release.model_copy(update={"published_at": published})


def _from_html(path: Path, text: str, url: str, source: str, published_at: datetime | None) -> ReleasePublished:
    published = _parse_when(html_published(text)) or _date_from_name(path) or published_at
    if published is None:
        raise NoPublicationDate(path, ("name the file YYYY-MM-DD-...",
                                       'add <meta property="article:published_time">'))
    body = page_to_text(text, name=str(path))
    title = html_title(text) or body.split("\n", 1)[0]
    _need_body(path, body, "the page holds no article text")
    release = _release(release_id=release_id_for(url), url=url, title=title, published_at=published,
                       body=body, source=source)
    return release.model_copy(update=_html_withdrawal(path, text))


_WITHDRAWN_META = '<meta name="withdrawn" content="{}">'


def _html_withdrawal(path: Path, text: str) -> dict[str, object]:
    """The ``withdrawn`` and ``withdrawn_notice`` an HTML file's ``<head>`` gives as front matter gives them:
    ``<meta name="withdrawn" content="true">`` (true or false in any case; false when there is none) and
    ``<meta name="withdrawn_notice" content="…">``. Any other content is refused naming the element, as front
    matter's ``withdrawn: yes`` is, never read as a yes."""
    meta = html_meta(text, "withdrawn", "withdrawn_notice")
    notice = " ".join(meta.get("withdrawn_notice", "").split()) or None
    given = meta.get("withdrawn")
    if given is None and notice is not None:
        raise ReleaseFileError(f'{path}: <meta name="withdrawn_notice"> alone withdraws nothing: add '
                               f"{_WITHDRAWN_META.format('true')} to withdraw the release, or take the notice out")
    if given is None or given.strip().lower() in ("true", "false"):
        return {"withdrawn": given is not None and given.strip().lower() == "true", "withdrawn_notice": notice}
    raise ReleaseFileError(f"{path}: {_WITHDRAWN_META.format(given)}: not true or false "
                           f"({_WITHDRAWN_META.format('true')} withdraws the release)")


def _from_text(path: Path, text: str, url: str, source: str, published_at: datetime | None) -> ReleasePublished:
    text = text.replace("\r\n", "\n")
    meta: dict[str, object] = {}
    texts: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match is None and _OPENING.match(text):
        raise ReleaseFileError(f"{path}:1: bad front matter: the '---' that opens it has no '---' line closing it")
    if match:
        meta = _front_matter(path, match.group(1)) if match.group(1).strip() else {}
        _check_keys(path, match, meta)
        texts = {key: _meta_text(path, match, meta, key) for key in ("title", "url", "source", "withdrawn_notice")}
        text = text[match.end():]
    text = markup_to_text(text)
    published = _front_matter_date(path, match, meta) or _date_from_name(path) or published_at
    if published is None:
        ways = ("add a 'date:' front-matter line",)
        raise NoPublicationDate(path, ways if path == STDIN else ("name the file YYYY-MM-DD-...", *ways))
    # the title is the first line that holds something; a body under a front-matter title is kept as written
    stripped = text.lstrip("\n") if "title" in meta else _LEADING_BLANK_LINES.sub("", text)
    first, _, rest = stripped.partition("\n")
    title = markup_to_text(texts.get("title", "")) or _MD_HEADING.sub("", first)
    body = (rest if "title" not in meta else stripped).strip("\n")
    if (match and "title" not in meta and first.strip() and not body.strip()) or (body.strip() and not title.strip()):
        raise ReleaseFileError(f"{path}: no title: add a 'title:' front-matter line, or put the title on the "
                               "first line and the text below it")
    canonical_url = clean_url(texts.get("url") or url)
    if meta.get("url"):
        try:
            web_url(canonical_url)
        except ValueError as exc:
            raise ReleaseFileError(f"{path}:{_meta_line(match, 'url')}: front matter url {canonical_url!r}: {exc} "
                                   "(the web page the release was published on; leave it out for a local file)"
                                   ) from None
    _need_body(path, body, "the title is the front matter's: put the text of the release below the front matter"
               if "title" in meta else
               "the first line is the release's title: put the text of the release on the lines below it")
    release = _release(release_id=release_id_for(canonical_url), url=canonical_url, title=title,
                       published_at=published, body=body, source=texts.get("source") or source)
    return release.model_copy(update={"locale": _meta_locale(path, match, meta),
                                      "withdrawn": _meta_withdrawn(path, match, meta),
                                      "withdrawn_notice": texts.get("withdrawn_notice") or None})


def _meta_withdrawn(path: Path, match: re.Match[str] | None, meta: dict[str, object]) -> bool:
    """The front matter's ``withdrawn``: YAML's true or false (a release of a watched text file is withdrawn by
    its publisher so, as a ``.json`` file's ``"withdrawn": true`` withdraws one), False when not given; text,
    a number or a list is refused naming its line, as a ``.json`` file's is, never read as a yes."""
    value = meta.get("withdrawn")
    if "withdrawn" not in meta and meta.get("withdrawn_notice") is not None:
        raise ReleaseFileError(f"{path}:{_meta_line(match, 'withdrawn_notice')}: bad front matter: a withdrawn_notice "
                               "alone withdraws nothing: add 'withdrawn: true' to withdraw the release, or take the "
                               "notice out")
    if value is None or isinstance(value, bool):
        return bool(value)
    raise ReleaseFileError(f"{path}:{_meta_line(match, 'withdrawn')}: bad front matter: withdrawn "
                           f"{_as_written(match, 'withdrawn', value)} is not true or false (withdrawn: true "
                           "withdraws the release)")


def _meta_text(path: Path, match: re.Match[str] | None, meta: dict[str, object], key: str) -> str:
    """The front matter's ``key`` as text ("" when not given): a value YAML reads as a number, a yes/no or a
    date kept as the file writes it (``1.50``, not ``1.5``), a list or a mapping refused naming its line."""
    value = meta.get(key)
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, (list, dict)):
        raise ReleaseFileError(f"{path}:{_meta_line(match, key)}: bad front matter: {key} "
                               f"{_as_written(match, key, value)} is not text; write it on one line "
                               "(quoted if it starts with '[' or '{' or holds ': ')")
    return (_value_text(match.group(1), key) if match else None) or str(value)


def _meta_locale(path: Path, match: re.Match[str] | None, meta: dict[str, object]) -> str:
    """The language tag front matter gives as ``locale:`` or ``language:``; ``en`` when it gives none."""
    given = [key for key in _LOCALE_KEYS if meta.get(key) is not None]
    if len(given) > 1:
        raise ReleaseFileError(f"{path}: front matter gives both locale: and language:; keep one")
    if not given:
        return "en"
    key, value = given[0], meta[given[0]]
    if not isinstance(value, str) or not re.match(LOCALE_PATTERN, value.strip()):
        raise ReleaseFileError(f"{path}:{_meta_line(match, key)}: front matter {key} {_as_written(match, key, value)}: "
                               "not a language tag "
                               f"({LANGUAGE_TAG_HINT})")
    return value.strip()


def _front_matter(path: Path, text: str) -> dict[str, object]:
    """The front-matter block's keys; a problem names the file's line (the block starts on line 2)."""
    try:
        loaded = yaml.load(text, Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = yaml_error_line(exc)
        where = f"{path}:{line + 2}" if line is not None else str(path)
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ReleaseFileError(f"{where}: bad front matter: {problem}") from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise ReleaseFileError(f"{path}: bad front matter: {_first_line(exc)}") from None
    if not isinstance(loaded, dict):
        raise ReleaseFileError(f"{path}: front matter must be 'key: value' lines")
    return loaded


def _check_keys(path: Path, match: re.Match[str], meta: dict[str, object]) -> None:
    """A :class:`ReleaseFileError` naming the first key front matter does not know (a typo would otherwise be
    dropped without a word) and its line."""
    unknown = next((str(key) for key in meta if key not in FRONT_MATTER_KEYS), None)
    if unknown is not None:
        raise ReleaseFileError(f"{path}:{_meta_line(match, unknown)}: bad front matter: unknown key {unknown!r} "
                               f"(known keys: {', '.join(FRONT_MATTER_KEYS)})")


def _front_matter_date(path: Path, match: re.Match[str] | None, meta: dict[str, object]) -> datetime | None:
    """The front matter's ``date`` or ``published_at`` (one of them: both is an error, as ``locale`` and
    ``language`` are); a :class:`ReleaseFileError` naming its line when it is there but not a date (``5th May
    2026``), rather than a file with no date at all, or a time without its zone (which a ``.json`` file and
    ``POST /releases`` refuse too: it says no moment)."""
    given = [key for key in _DATE_KEYS if meta.get(key) not in (None, "")]
    if len(given) > 1:
        raise ReleaseFileError(f"{path}: front matter gives both date: and published_at:; keep one")
    if not given:
        return None
    key = given[0]
    value = meta[key]
    when = _read_when(value)
    where = f"{path}:{_meta_line(match, key)}: bad front matter: {key} {_as_written(match, key, value)}"
    if when is None:
        raise ReleaseFileError(f"{where} is not a date; write YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SS+01:00 with a time)")
    if isinstance(when, datetime) and when.tzinfo is None:
        raise ReleaseFileError(_without_zone(where, when))
    return _parse_when(when)


def _as_written(match: re.Match[str] | None, key: str, value: object) -> str:
    """``value``, the front matter's ``key``, as the file writes it, for an error: a string quoted, anything else
    (a number, ``yes``, a list) in the file's own text, a list or a mapping said to be one; never as Python
    writes it (``[datetime.date(2026, 12, 1)]``)."""
    if isinstance(value, str):
        return repr(value)
    written = _value_text(match.group(1), key) if match else None
    kind = " (a list)" if isinstance(value, list) else " (key: value pairs)" if isinstance(value, dict) else ""
    return f"{written or value}{kind}"


def _value_text(block: str, key: str) -> str | None:
    """The text of ``key``'s value in the front-matter ``block``, on one line; None when it cannot be found."""
    try:
        root = yaml.compose(block, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for key_node, value_node in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return " ".join(block[value_node.start_mark.index:value_node.end_mark.index].split()) or None
    return None


def _meta_line(match: re.Match[str] | None, key: str) -> int:
    """The file's line number of ``key:`` in the front matter (line 1 is its opening ``---``)."""
    lines = match.group(1).split("\n") if match else []
    return next((number for number, line in enumerate(lines, start=2) if line.startswith(f"{key}:")), 1)


def _date_from_name(path: Path) -> datetime | None:
    """The date the file's name starts with; :class:`ReleaseFileError` when it names no real day."""
    match = _LEADING_DATE.match(path.name)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.group(1).split("-"))
    problem = impossible_day(year, month, day)
    if problem:
        raise ReleaseFileError(f"{path}: the date in the file name, {match.group(1)}, is not a real date ({problem}); "
                               "rename the file")
    return datetime(year, month, day, tzinfo=timezone.utc)


def _read_when(value: object) -> datetime | date | None:
    """A date or datetime (str or YAML-parsed) as written: a date alone as a ``date``, a time as a ``datetime``
    (naive when it gives no zone); None when it is neither."""
    if isinstance(value, date):  # a datetime too
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _without_zone(written: str, when: datetime) -> str:
    """What to write instead of ``when``, a time without its zone (it says no moment), ``written`` as given."""
    return (f"{written} is a time without its zone; write it with one ({when.isoformat()}+00:00, or Z for UTC), "
            "or the date alone")


def _parse_when(value: object) -> datetime | None:
    """A date or datetime (str or YAML-parsed) as an aware datetime; date-only is midnight UTC, and so is a time
    without its zone (a web page's ``article:published_time``; front matter refuses one first)."""
    if value is None or value == "":
        return None
    moment = _read_when(value)
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def publication_time(text: str) -> datetime:
    """``text``, an ISO 8601 date (midnight UTC) or date-time with its zone, as an aware datetime; a ValueError
    saying what to write when it is neither, or a time without its zone (it says no moment)."""
    when = _read_when(text)
    if when is None:
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SS+01:00 with a time)")
    if isinstance(when, datetime) and when.tzinfo is None:
        raise ValueError(_without_zone(repr(text), when))
    return when if isinstance(when, datetime) else datetime(when.year, when.month, when.day, tzinfo=timezone.utc)


def dump_release_json(release: ReleasePublished) -> str:
    """The .json release-file form of a release (what ``load_release`` reads back)."""
    fields = release.model_dump(mode="json", include={"url", "title", "published_at", "source", "body"})
    return json.dumps({"id": release.release_id, **fields}, ensure_ascii=False, indent=2)
