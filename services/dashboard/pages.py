"""The dashboard's HTML: Jinja2 templates shipped with the package, autoescaped (a release cannot add markup)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.common.bidi import shown
from services.notifier.templates import web_address

from .forms import pause_label
from .views import utc_day_label

_TEMPLATES = Environment(loader=PackageLoader("services.dashboard", "templates"),
                         autoescape=select_autoescape(default=True, default_for_string=True),
                         undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                         finalize=shown)  # no bidi override from a release reorders the page
_TEMPLATES.filters["web_address"] = web_address  # only http and https addresses become links, as in emails
_TEMPLATES.filters["pause_label"] = pause_label  # a row's pause day, as its refusals name it too
_TEMPLATES.filters["utc_day"] = utc_day_label

# The page needs nothing from elsewhere: its style is inline, it runs no script, its forms post to itself.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # each page holds its session's CSRF token
}


def render(template: str, **context: Any) -> str:
    return _TEMPLATES.get_template(template).render(**context)
