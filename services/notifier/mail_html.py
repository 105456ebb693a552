"""The HTML part of alert and digest emails, from the Jinja2 templates in ``templates/``. Pure.

Autoescaping is on: nothing from a release (titles, sentences, actors) can add markup. Only http and
https addresses become links.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from schemas.alerts import Alert

from .digest import Digest
from .rendering import alert_view


def web_address(url: str) -> bool:
    """Whether ``url`` may be a link: http or https with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


_TEMPLATES = Environment(loader=PackageLoader("services.notifier", "templates"), autoescape=True,
                         undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_TEMPLATES.filters["web_address"] = web_address


def render_alert_html(alert: Alert, *, unsubscribe_url: str | None) -> str:
    """The alert as an HTML document: headline, linked title, a table of its commitments."""
    view = alert_view(alert)
    return _TEMPLATES.get_template("alert.html.j2").render(
        alert=view, title=f"{view.headline}: {view.title}", subscription_id=alert.subscription_id,
        unsubscribe_url=unsubscribe_url)


def render_digest_html(digest: Digest, *, unsubscribe_url: str | None) -> str:
    """The digest as an HTML document: one section per alert, oldest first."""
    count = len(digest.alerts)
    return _TEMPLATES.get_template("digest.html.j2").render(
        alerts=[alert_view(a) for a in digest.alerts], subscription_id=digest.subscription_id,
        title=f"pledgewatch digest: {count} alert{'' if count == 1 else 's'}", unsubscribe_url=unsubscribe_url)
