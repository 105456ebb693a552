"""Apprise, its plugins loaded, and the server an Apprise URL names by Apprise's own reading of it (nothing is
sent or resolved).

A plugin knows what follows ``scheme://`` in its URLs: a server of one's own where its URL templates have a
``{host}`` (json, xml, form, ntfy and gotify on one's own server, matrix, mattermost, rocket.chat, mailto, …),
a token or an id where they have something else (slack's ``{token_a}``, discord's ``{webhook_id}``, pushover's
``{token}``), and a plugin that reads a URL of its own cloud (ntfy's topic alone, matrix's t2bot, LaMetric's
cloud) keeps no host.
"""

from __future__ import annotations

import re
import warnings

with warnings.catch_warnings():  # Apprise's plugins import the deprecated imghdr module once
    warnings.simplefilter("ignore", DeprecationWarning)
    import apprise

    apprise.Apprise.instantiate("json://localhost")  # load the plugins now, inside this filter

# A host of one label, long and of letters and digits mixed, is an id a plugin took for a host, not a server.
_TOKEN_LIKE = re.compile(r"(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9\-_~+=]{16,}")


def apprise_host(url: str) -> str | None:
    """The host of the server ``url`` sends to, lowercase, as Apprise's plugin for it reads it; None when the
    URL names none (its part after ``scheme://`` is a token or an id) or Apprise does not understand it."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None or "host" not in plugin.template_tokens or not plugin.host:
        return None
    host = str(plugin.host).lower()
    return None if _TOKEN_LIKE.fullmatch(host) else host
