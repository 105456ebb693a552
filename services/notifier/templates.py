"""The Jinja2 templates in ``templates/`` (emails' HTML parts, the unsubscribe pages). Pure.

Autoescaping is on: nothing from a release (titles, sentences, actors) nor from a request can add
markup. Only http and https addresses become links (the ``web_address`` test); an email address is shown with its
domain in Unicode (the ``shown_mailbox`` filter), as it was written, not as the A-label it is mailed under.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from services.common.bidi import shown

from .addresses import shown_mailbox


def web_address(url: str) -> bool:
    """Whether ``url`` may be a link: http or https with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


_TEMPLATES = Environment(loader=PackageLoader("services.notifier", "templates"), autoescape=True,
                         undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                         finalize=shown)  # no bidi override from a release reorders the email
_TEMPLATES.filters["web_address"] = web_address
_TEMPLATES.filters["shown_mailbox"] = shown_mailbox


def render(name: str, **context: Any) -> str:
    """The template ``templates/<name>`` filled with ``context``."""
    return _TEMPLATES.get_template(name).render(**context)
