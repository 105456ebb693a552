"""A release's url without its source's credentials (pure).

A source's URL may carry a key (``?api_key=…``, ``user:password@``), and what the source serves often repeats it:
a page source's release is the page's own address, a feed's entries link to pages that need the key too. The key
is fetched with but never published: the url a release is published with (to the ledger, subscribers, the log)
has no user info, and no parameter of its query or fragment (``&`` or ``;`` between them) that is a credential:

- one named as a credential only is (``api_key``, ``apiKey``, ``access_token``, ``auth_token``,
  ``client_secret``, ``password``, ``X-Amz-Signature``…), whatever its value; ``sig`` and ``signature`` so too
  beside an ``X-Amz-`` parameter or an expiry (``se``, ``Expires``), as signed URLs carry them;
- one named by a word a filter may be named by too (``key``, ``token``, ``auth``, ``secret``, ``sig``: ``sort_key``,
  ``page_token``) whose value looks like a key: eight or more characters, letters and digits both
  (``3f9a8b7c6d5e4f30``, a UUID), or twenty or more of base64's alphabet alone;
- one whose value is one of the source URL's own query values that looks like a key (a UUID not counted: GOV.UK's
  taxons are UUIDs), whatever its name, unless the name is a filter's (``level_one_taxon``, ``keywords``,
  ``organisations[]``).

A filter the source URL carries (``organisations[]=home-office``, ``topic=borders``, ``key=borders``, a date, a
page number) is no key and stays. The rest of the url is kept as written. A key in a path stays: no rule can tell
it from the page's address (docs/decisions/0053).
"""

from __future__ import annotations

import re
from functools import partial
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit

from services.common.shown_urls import urls_shown_in

CREDENTIAL_NAMES = (  # as words, matched anywhere in a name's words: google_api_key, oauth_access_token
    ("api", "key"), ("apikey",), ("api", "token"), ("apitoken",), ("access", "token"), ("accesstoken",),
    ("auth", "token"), ("authtoken",), ("refresh", "token"), ("id", "token"), ("session", "token"),
    ("private", "token"), ("security", "token"), ("client", "secret"), ("clientsecret",), ("secret", "key"),
    ("password",), ("passwd",), ("pwd",), ("x", "amz", "signature"), ("x", "amz", "credential"),
)
CREDENTIAL_WORDS = frozenset({"key", "token", "auth", "secret", "sig", "signature", "credential", "credentials",
                              "pass"})
SIGNATURE_WORDS = frozenset({"sig", "signature"})
EXPIRY_NAMES = frozenset({"se", "expires", "expiry", "exp", "x-amz-expires"})
FILTER_WORDS = frozenset({"q", "query", "keywords", "search", "topic", "taxon", "organisations", "people", "order",
                          "sort", "page", "filter", "type", "lang", "locale", "from", "to", "date", "timestamp"})
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_NOT_A_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]+")
_KEY_LIKE = re.compile(r"(?=[^\s]*[a-zA-Z])(?=[^\s]*[0-9])[^\s]{8,}|[A-Za-z0-9+/=]{20,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SEPARATOR = re.compile(r"([&;])")
_WEB = ("http", "https")


def _words(name: str) -> tuple[str, ...]:
    return tuple(word for word in _NOT_A_LETTER_OR_DIGIT.split(_CAMEL.sub(r"\1_\2", name).lower()) if word)


def credential_name(name: str) -> bool:
    """Whether a parameter named ``name`` is a credential whatever its value (``apiKey``: api, key)."""
    words = _words(name)
    return any(words[i:i + len(phrase)] == phrase for phrase in CREDENTIAL_NAMES for i in range(len(words)))


def _values(value: str) -> set[str]:
    """A parameter's value read both ways a server may read a raw ``+``: as itself, and as a space."""
    return {unquote(value), unquote_plus(value)}


def source_keys(source_url: str) -> frozenset[str]:
    """The values of ``source_url``'s query that look like keys."""
    query = urlsplit(source_url).query
    values = {value for pair in _SEPARATOR.split(query)[::2] for value in _values(pair.partition("=")[2])}
    return frozenset(value for value in values if _KEY_LIKE.fullmatch(value))


def url_without_credentials(url: str, *, source_url: str) -> str:
    """``url`` (an http(s) address read from the source configured at ``source_url``) without its user info and
    its credential parameters; ``url`` itself when it has none, or is no web address."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed host: admission refuses it, naming the url
        return url
    if parts.scheme.lower() not in _WEB:
        return url
    keys = source_keys(source_url)
    query = _without_credentials(parts.query, keys)
    fragment = _without_credentials(parts.fragment, keys) if "=" in parts.fragment else parts.fragment
    netloc = parts.netloc.rpartition("@")[2]
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def text_without_credentials(text: str, *, source_url: str) -> str:
    """``text`` (an entry's link, what went wrong naming links) with each web address in it as a release's url is
    published: without the key of the source configured at ``source_url``, the rest kept to find it by."""
    return urls_shown_in(text, partial(url_without_credentials, source_url=source_url))


def _without_credentials(query: str, keys: frozenset[str]) -> str:
    """``query`` (``a=1&b=2;c=3``) without its credential parameters, the rest written as it was."""
    tokens = _SEPARATOR.split(query) if query else []
    pairs = list(zip([""] + tokens[1::2], tokens[::2]))
    names = [_words(unquote_plus(pair.partition("=")[0])) for _, pair in pairs]
    signed = any(words[:2] == ("x", "amz") or "-".join(words) in EXPIRY_NAMES for words in names)
    kept = [(sep, pair) for sep, pair in pairs if not _credential_pair(pair, keys, signed=signed)]
    if len(kept) == len(pairs):
        return query
    return "".join(pair if i == 0 else sep + pair for i, (sep, pair) in enumerate(kept))


def _credential_pair(pair: str, keys: frozenset[str], *, signed: bool) -> bool:
    name, _, value = pair.partition("=")
    name = unquote_plus(name)
    words = set(_words(name))
    values = _values(value)
    if credential_name(name) or (signed and words & SIGNATURE_WORDS):
        return True
    if words & CREDENTIAL_WORDS:
        return any(_KEY_LIKE.fullmatch(v) for v in values)
    if words & FILTER_WORDS or "[" in name:
        return False
    return any(not _UUID.fullmatch(v) for v in values & keys)
