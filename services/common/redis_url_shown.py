"""A Redis URL as it may be shown (a log line, ``pledgewatch status``): its password hidden. Pure."""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit, urlunsplit


def redacted(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``, in the user part or in the query (``?password=``,
    which redis-py reads too); the user name stays."""
    parts = urlsplit(url)
    netloc, query = parts.netloc, parts.query
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}:***@{host}"
    if query:
        query = "&".join(_hidden_if_password(pair) for pair in query.split("&"))
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def _hidden_if_password(pair: str) -> str:
    name, equals, _ = pair.partition("=")
    return f"{name}=***" if equals and unquote_plus(name) == "password" else pair
