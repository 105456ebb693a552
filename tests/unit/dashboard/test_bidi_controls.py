"""A release's title or text cannot reorder what follows it on a dashboard page, the tab's title included: its
bidirectional embeddings, overrides and isolates are dropped and each title is isolated (``dir="auto"``);
right-to-left scripts are kept as they are."""

from tests.unit.dashboard.test_views import TODAY, _home, entry
from services.dashboard.pages import render
from services.dashboard.views import release_view
from services.ledger.models import ReleaseSummary
from tests.unit.notifier.samples import FUNDING

RLO = "\u202e"
SCOPED = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ARABIC = "\u062a\u0639\u0647\u062f \u0627\u0644\u062d\u0643\u0648\u0645\u0629"


def _view(title, text=FUNDING.text):
    entries = [entry(FUNDING.model_copy(update={"text": text, "actor": f"UK{RLO}"}), title=title)]
    return release_view(ReleaseSummary.of("r1", 1, entries), entries, today=TODAY)


def _release_page(view):
    return render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, release=view, json_reads=True)


def test_an_unterminated_override_reaches_neither_the_release_page_nor_the_home_page():
    view = _view(f"Port fund {RLO}announced", text=f"The UK will {RLO}invest {SCOPED}£10m in ports.")
    for page in (_release_page(view), _home(releases=[view])):
        assert not any(ch in page for ch in SCOPED)
        assert "Port fund announced" in page
    assert "<title>Port fund announced · pledgewatch</title>" in _release_page(view)
    assert '<h1 dir="auto">Port fund announced</h1>' in _release_page(view)


def test_an_arabic_title_keeps_its_letters_and_marks():
    title = f"{ARABIC}\u200f 2026"
    page = _release_page(_view(title))
    assert f"<title>{title} · pledgewatch</title>" in page and f'<h1 dir="auto">{title}</h1>' in page
    assert f">{title}</a>" in _home(releases=[_view(title)])
