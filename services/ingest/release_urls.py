"""A release's url without its source's credentials (pure).

A source's URL may carry a key (``?api_key=…``, ``user:password@``), and what the source serves often repeats it:
a page source's release is the page's own address, a feed's entries link to pages that need the key too. The key
is fetched with but never published: the url a release is published with (to the ledger, subscribers, the log)
has no user info, and no query parameter that is a credential, which is one

- named by a credential's word (``api_key``, ``apiKey``, ``token``, ``access_token``, ``sig``,
  ``X-Amz-Signature``, ``client_secret``…), whatever its value; or
- whose value is one of the source URL's own query values that looks like a key (eight or more characters,
  letters and digits both, as ``3f9a8b7c6d5e4f30``), whatever its name.

A filter the source URL carries (``organisations[]=home-office``, ``topic=borders``, a date, a page number) is no
key by either test and stays. The rest of the url is kept as written. A key in a path stays: no rule can tell it
from the page's address (docs/decisions/0053).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

CREDENTIAL_WORDS = frozenset({
    "key", "apikey", "token", "secret", "signature", "sig", "auth", "credential", "credentials", "password",
    "passwd", "pwd", "pass",
})
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_NOT_A_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]+")
_KEY_LIKE = re.compile(r"(?=[^\s]*[a-zA-Z])(?=[^\s]*[0-9])[^\s]{8,}")
_WEB = ("http", "https")


def credential_parameter(name: str) -> bool:
    """Whether a query parameter named ``name`` is a credential by one of its words (``apiKey``: api, key)."""
    words = _NOT_A_LETTER_OR_DIGIT.split(_CAMEL.sub(r"\1_\2", name).lower())
    return any(word in CREDENTIAL_WORDS for word in words)


def source_keys(source_url: str) -> frozenset[str]:
    """The values of ``source_url``'s query that look like keys."""
    query = urlsplit(source_url).query
    return frozenset(value for _, value in parse_qsl(query, keep_blank_values=True) if _KEY_LIKE.fullmatch(value))


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
    pairs = parts.query.split("&") if parts.query else []
    kept = [pair for pair in pairs if not _credential_pair(pair, keys)]
    netloc = parts.netloc.rpartition("@")[2]
    if len(kept) == len(pairs) and netloc == parts.netloc:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, "&".join(kept), parts.fragment))


def _credential_pair(pair: str, keys: frozenset[str]) -> bool:
    name, _, value = pair.partition("=")
    return credential_parameter(unquote_plus(name)) or unquote_plus(value) in keys
