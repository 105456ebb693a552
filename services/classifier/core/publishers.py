"""Who published a release: the actor of its "we" and of its passive pledges.

Read in this order, first hit wins:

1. ``release.organisations`` (set by the GOV.UK API sources);
2. the publishing site, from ``source`` then ``url``: a department's own domain or URL path
   (dhs.gov, /public-safety-canada/, /government/organisations/home-office, "govuk-home-office")
   or a short department slug among the words of the source, url or id ("dfe", "dhsc");
3. on UK and Canadian government sites, the first department or minister the title and body
   name ("the Home Secretary announced" → Home Office);
4. the government the site belongs to (gov.uk → UK government, canada.ca → Government of
   Canada, whitehouse.gov → United States government, ec.europa.eu → European Commission).

A release from a site missing from the table (or from none, and naming no UK minister) is read by the rules
as from "UK government", as it always was: what the decision model weighs stays what it was fitted on. Only
the name written for it differs (``shown_publisher``): the body its host spells ("ofcom.org.uk" → Ofcom),
else the site itself, else "the publisher" — never another government's name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, TypeVar
from urllib.parse import urlsplit

from schemas import ReleasePublished

from .folding import fold

UK_GOVERNMENT: Final = "UK government"
V = TypeVar("V")

# Site (the end of a host name, or a word of the source) → the body that speaks as "we" there.
_SITES: Final = [
    ("dhs.gov", "U.S. Department of Homeland Security"), ("state.gov", "U.S. Department of State"),
    ("defense.gov", "U.S. Department of Defense"), ("justice.gov", "U.S. Department of Justice"),
    ("treasury.gov", "U.S. Department of the Treasury"), (".gov", "United States government"),
    ("ec.europa.eu", "European Commission"), ("consilium.europa.eu", "Council of the EU"),
    ("europarl.europa.eu", "European Parliament"), ("europa.eu", "European Union"),
    ("govt.nz", "New Zealand government"),
    # An Australian state's or territory's site speaks for its own government, not the Commonwealth's.
    ("nsw.gov.au", "NSW Government"), ("vic.gov.au", "Victorian Government"),
    ("qld.gov.au", "Queensland Government"), ("wa.gov.au", "Government of Western Australia"),
    ("sa.gov.au", "Government of South Australia"), ("tas.gov.au", "Tasmanian Government"),
    ("act.gov.au", "ACT Government"), ("nt.gov.au", "Northern Territory Government"),
    ("gov.au", "Australian government"), ("gov.ie", "Irish government"),
    ("pm.gc.ca", "Government of Canada"), ("gc.ca", "Government of Canada"), ("canada.ca", "Government of Canada"),
    ("counterterrorism.police.uk", "Counter Terrorism Policing"), ("g7", "G7"), ("g20", "G20"),
    ("nato.int", "NATO"), ("un.org", "United Nations"),
    ("gov.uk", UK_GOVERNMENT), ("parliament.uk", UK_GOVERNMENT), ("number10", UK_GOVERNMENT),
]
# Short names of UK departments as they appear in slugs, source names and URL paths.
_SLUGS: Final = {
    "home-office": "Home Office", "ho": "Home Office", "dfe": "Department for Education",
    "department-for-education": "Department for Education", "dft": "Department for Transport",
    "department-for-transport": "Department for Transport", "dh": "Department of Health",
    "doh": "Department of Health", "department-of-health": "Department of Health",
    "dhsc": "Department of Health and Social Care",
    "department-of-health-and-social-care": "Department of Health and Social Care",
    "defra": "Defra", "moj": "Ministry of Justice", "ministry-of-justice": "Ministry of Justice",
    "mod": "Ministry of Defence", "ministry-of-defence": "Ministry of Defence",
    "dcms": "Department for Culture, Media and Sport", "dwp": "Department for Work and Pensions",
    "phe": "Public Health England", "mmo": "Marine Management Organisation", "cabinet-office": "Cabinet Office",
    "public-safety-canada": "Public Safety Canada", "fcdo": UK_GOVERNMENT, "fco": UK_GOVERNMENT,
    "pmo": UK_GOVERNMENT, "prime-ministers-office-10-downing-street": UK_GOVERNMENT,
}
_SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Ministers and departments named in the text. Foreign policy and the Prime Minister speak for the
# government as a whole; a domestic minister speaks for their department.
_NAMED: Final = [
    (r"Home Secretary|Home Office|Security Minister|Policing Minister|Immigration Minister", "Home Office"),
    (r"Education Secretary|Schools Minister|Children'?s Minister|Skills Minister|Department for Education"
     r"|Secretary of State for Education", "Department for Education"),
    (r"Transport Secretary|Rail Minister|Roads Minister|Road Safety Minister|Aviation Minister"
     r"|Department for Transport|Secretary of State for Transport", "Department for Transport"),
    (r"Health(?: and Social Care)? Secretary|Health Minister|Care Minister|Mental Health Minister"
     r"|Department of Health(?: and Social Care)?|Secretary of State for Health", "health"),
    (r"Justice Secretary|Justice Minister|Ministry of Justice", "Ministry of Justice"),
    (r"Defence Secretary|Armed Forces Minister|Ministry of Defence", "Ministry of Defence"),
    (r"Environment Secretary|Defra|Department for Environment", "Defra"),
    (r"Public Safety Canada|Minister of Public Safety(?: Minister)?|Public Safety(?: Minister)?",
     "Public Safety Canada"),
    (r"Global Affairs Canada|Health Canada|Transport Canada|Canadian Heritage|Infrastructure Canada", None),
    (r"Prime Minister|Foreign Secretary|Foreign Office|Chancellor|Cabinet Office", "government"),
]
_NAMED_RE: Final = re.compile("|".join(f"(?P<n{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(_NAMED)))
# The same names without the word boundaries: every alternative starts with a letter, so the search skips
# to the offsets holding one of those letters (a pattern that starts with \b is tried at every offset).
_NAME_START: Final = re.compile("|".join(p for p, _ in _NAMED))
_NAMES_DEPARTMENTS: Final = (UK_GOVERNMENT, "Government of Canada")


# Stands, in the rules' reading, for a publisher ``shown_publisher`` names: never a name a clause spells, so
# the rules compare and flag it as they did "UK government" (which no clause's name equals either).
UNLISTED: Final = "(the publisher)"
UNNAMED: Final = "the publisher"


def publisher(release: ReleasePublished) -> str:
    """The body that speaks as "we" in ``release`` (see the module docstring for the order)."""
    return _publisher(release)[0]


def shown_publisher(release: ReleasePublished) -> str | None:
    """The name to write for ``release``'s publisher where ``publisher`` says "UK government" only by default:
    on a site missing from the table, the body its host spells, else the host ("the publisher (osce.int)");
    with no site, naming no UK minister, "the publisher". None where ``publisher``'s name stands."""
    return publisher_and_shown(release)[1]


def publisher_and_shown(release: ReleasePublished) -> tuple[str, str | None]:
    """``publisher(release)`` and ``shown_publisher(release)``, read once."""
    name, defaulted = _publisher(release)
    if not defaulted:
        return name, None
    host = _first_host(release)
    if host is None:  # a file or a post with no address: a UK minister it names still says whose it is
        return name, UNNAMED if defaulted == "unnamed" else None
    return name, _site_body(release, host) or f"{UNNAMED} ({host})"


def _publisher(release: ReleasePublished) -> tuple[str, str]:
    """``publisher(release)``, and how it came to "UK government" with no site of the table to say so:
    "unnamed" (nothing named it), "minister" (a UK minister the text names), or "" (a site or name said)."""
    if release.organisations:
        return release.organisations[0], ""
    site = _source_site(release.source or "") or _site(release.url or "")
    slug = _slug(" ".join((release.source or "", url_path(release.url or ""), release.release_id)))
    if slug and (site is None or site in _NAMES_DEPARTMENTS):
        return slug, ""
    if site is None or site in _NAMES_DEPARTMENTS:
        named = _named(release.title + "\n" + release.body, site or UK_GOVERNMENT, release.published_at.year)
        if named:
            return named, "minister" if site is None and named == UK_GOVERNMENT else ""
    return site or UK_GOVERNMENT, "" if site else "unnamed"


# The labels of a host name that name no body: "ofcom.org.uk" is Ofcom's, "news.ontario.ca" Ontario's.
_GENERIC_LABELS: Final = frozenset("www org com net int edu gov govt co go ac news media info".split())


def _first_host(release: ReleasePublished) -> str | None:
    """The first host name of ``source``, else of a web ``url`` ("www." dropped); None for a file or an id."""
    for host in _HOST.findall((release.source or "").lower()):
        if "." in host:
            return host.removeprefix("www.")
    try:
        parts = urlsplit(release.url or "")
        host = parts.hostname if parts.scheme in ("http", "https") else None
    except ValueError:  # an address urlsplit cannot read ("http://[x/"): no host
        return None
    return host.removeprefix("www.") if host and "." in host else None


def _site_body(release: ReleasePublished, host: str) -> str | None:
    """The body ``host`` is named after, as the release writes it ("osce.org" → "OSCE"): when its title or
    body holds the host's last telling label as a name (an acronym, or a capitalised word never written in
    lowercase, nor after "of" or "for": "justice.ie" names no body)."""
    labels = [label for label in host.split(".") if label not in _GENERIC_LABELS and len(label) > 2]
    if not labels:
        return None
    words = named_as(release.title + "\n" + release.body, labels[-1])
    if words and all(word[0].isupper() for word in words):
        return max(sorted(set(words)), key=words.count)
    return None


def named_as(text: str, label: str) -> list[str]:
    """The words of ``text`` that spell ``label`` in any case, as whole words, but for those after "of" or
    "for", which end another body's name ("Minister for Justice"): ``re.findall(rf"(?<!\\bof )(?<!\\bfor )
    \\b{label}\\b", text, re.IGNORECASE)``. A pattern that begins with the label is looked for by its first
    letter; one that begins with the look-behinds was tried at every offset of the body."""
    if not _is_word(label[:1]):
        return re.findall(rf"(?<!\bof )(?<!\bfor )\b{re.escape(label)}\b", text, re.IGNORECASE)
    if label.isascii():
        return _named_as_folded(text, label)
    pattern, words, at = _label_pattern(label), [], 0
    while (found := pattern.search(text, at)) is not None:
        start = found.start()
        if (start and _is_word(text[start - 1])) or _after_word(text, start, "of ") or _after_word(text, start, "for "):
            at = start + 1
            continue
        words.append(found.group())
        at = found.end()
    return words


def _named_as_folded(text: str, label: str) -> list[str]:
    """``named_as`` of an ASCII ``label``: each place ``label.lower()`` stands in ``fold(text)`` (where the
    IGNORECASE pattern matches, as :mod:`.folding` says), found by ``str.find``. The IGNORECASE search of the
    pattern over the body cost as much as the rest of naming the publisher."""
    folded, key, words = fold(text), label.lower(), []
    size, at = len(key), folded.find(key)
    while at != -1:
        end = at + size
        # the pattern's "\b" after the label, read on ``text`` as the regex reads it
        if _is_word(text[end - 1]) == (end < len(text) and _is_word(text[end])) \
                or (at and _is_word(text[at - 1])) or _after_word(text, at, "of ") or _after_word(text, at, "for "):
            at = folded.find(key, at + 1)
            continue
        words.append(text[at:end])
        at = folded.find(key, end)
    return words


@lru_cache(maxsize=256)
def _label_pattern(label: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(label)}\b", re.IGNORECASE)


def _is_word(char: str) -> bool:
    """Whether ``char`` is a word character of a regular expression (``\\w``)."""
    return len(char) == 1 and (char.isalnum() or char == "_")


def _after_word(text: str, start: int, word: str) -> bool:
    """Whether ``word`` (ending in a space), in any case and as a whole word, ends just before ``start``."""
    begin = start - len(word)
    return begin >= 0 and text[begin:start].lower() == word and (begin == 0 or not _is_word(text[begin - 1]))


# A web address in its usual form: a scheme, "//" and a host with no brackets, all ASCII, with nothing that
# ``urlsplit`` strips. Its path is read by this match; ``urlsplit`` (whose own cache holds fewer addresses than
# a day brings) cost as much as the rest of naming the publisher.
_PLAIN_URL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\[\]]*+(?![\[\]])(?P<path>[^?#]*)")


def url_path(url: str) -> str:
    """``urlsplit(url).path``."""
    plain = _PLAIN_URL.match(url) if url.isascii() and url.isprintable() and " " not in url else None
    return plain["path"] if plain is not None else urlsplit(url).path


# A host name starts where a run of host characters starts: trying the offsets inside a run could find
# nothing more, and took time quadratic in the run's length.
_HOST: Final = re.compile(r"(?<![a-z0-9.-])[a-z0-9.-]+\.[a-z]{2,}|\b(?:g7|g20|number10)\b")
_SITE_ENDINGS: Final = [(suffix, "." + suffix.lstrip("."), name) for suffix, name in _SITES]
_SITE_NAMES: Final = frozenset(suffix for suffix, _, _ in _SITE_ENDINGS)
_ANY_SITE_ENDING: Final = tuple(ending for _, ending, _ in _SITE_ENDINGS)


@lru_cache(maxsize=256)  # a few sources publish most releases
def _source_site(source: str) -> str | None:
    return _site(source)


def _site(text: str) -> str | None:
    for host in _HOST.findall(text.lower()):
        host = host.removeprefix("www.")
        if host not in _SITE_NAMES and not host.endswith(_ANY_SITE_ENDING):
            continue  # no site: skip the look-up in order
        for suffix, ending, name in _SITE_ENDINGS:
            if host == suffix or host.endswith(ending):
                return name
    return None


_ALNUM: Final = re.compile(r"[a-z0-9]+")
_PHRASES: Final = sorted((k for k in _SLUGS if "-" in k), key=len, reverse=True)  # the longest first


def _slug(text: str) -> str | None:
    lowered = text.lower()
    for phrase in _PHRASES:
        if phrase in lowered:
            return _SLUGS[phrase]
    for word in _alnum_words(lowered):
        if word in _SLUGS:
            return _SLUGS[word]
    return None


_ALNUM_BYTES: Final = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_NOT_ALNUM_TO_SPACES: Final = bytes(byte if byte in _ALNUM_BYTES else ord(" ") for byte in range(256))


def _alnum_words(lowered: str) -> list[str]:
    """``_ALNUM.findall(lowered)``; for ASCII text, by a byte translation (the regex cost as much as the rest
    of naming the publisher)."""
    if lowered.isascii():
        return lowered.encode().translate(_NOT_ALNUM_TO_SPACES).decode().split()
    return _ALNUM.findall(lowered)


def _named(text: str, site: str, year: int) -> str | None:
    match = _first_name(text)
    if match is None:
        return None
    name = _NAMED[int(match.lastgroup[1:])][1]  # type: ignore[index]  # a named group matched
    if name == "health":
        return "Department of Health and Social Care" if year >= 2018 else "Department of Health"
    if name == "government":
        return site
    return name or match.group()


def _first_name(text: str) -> re.Match[str] | None:
    """``_NAMED_RE.search(text)``, tried only where a name without its word boundaries begins."""
    at = 0
    while (candidate := _NAME_START.search(text, at)) is not None:
        match = _NAMED_RE.match(text, candidate.start())
        if match is not None:
            return match
        at = candidate.start() + 1
    return None


# By the end of the publishing site's host name: the month its government's financial year starts in (Australia
# and New Zealand count from July, the United States from October; the UK, Canada and others from April) and
# the currency a bare "$" means there.
_FINANCIAL_YEAR_STARTS: Final = ((".au", 7), (".nz", 7), (".gov", 10))
_DOLLARS: Final = ((".au", "AUD"), (".nz", "NZD"), (".ca", "CAD"), (".gov", "USD"))
APRIL: Final = 4


def financial_year_start(release: ReleasePublished) -> int:
    """The month the financial year of ``release``'s publisher starts in; April when its site says nothing."""
    return _by_site(release, _FINANCIAL_YEAR_STARTS) or APRIL


def site_dollar(release: ReleasePublished) -> str | None:
    """The currency a bare "$" means on ``release``'s site ("AUD" on an Australian one), if it says."""
    return _by_site(release, _DOLLARS)


def _by_site(release: ReleasePublished, table: tuple[tuple[str, V], ...]) -> V | None:
    """The value ``table`` gives the first host name ending in ``source``, then in ``url``."""
    for text in (release.source or "", release.url or ""):
        lowered = text.lower()
        if not _holds_any(lowered, table):  # no host name ends in what the text does not hold
            continue
        for host in _HOST.findall(lowered):
            for ending, value in table:
                if host.endswith(ending):
                    return value
    return None


def _holds_any(lowered: str, table: tuple[tuple[str, V], ...]) -> bool:
    for ending, _ in table:
        if ending in lowered:
            return True
    return False


_GOVERNMENTS: Final = {"Public Safety Canada": "Government of Canada", "Government of Canada": "Government of Canada",
                "Counter Terrorism Policing": UK_GOVERNMENT}


def government_of(publisher_name: str) -> str:
    """The government a publisher belongs to ("the government" in its releases): a UK department's is
    the UK government; a body that is no department of a government is its own."""
    if publisher_name in _GOVERNMENTS:
        return _GOVERNMENTS[publisher_name]
    if publisher_name in _SLUGS.values() or any(name == publisher_name for _, name in _NAMED):
        return "Government of Canada" if publisher_name.endswith("Canada") else UK_GOVERNMENT
    if publisher_name.startswith("U.S. "):
        return "United States government"
    return publisher_name
