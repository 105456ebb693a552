"""The HTML part of an email in a reader's dark mode (Apple Mail, iOS Mail, Outlook for Mac follow the message's
own `prefers-color-scheme` styles when it says it supports dark), in a real headless browser: a dark page whose
every text, links and the grey notes included, keeps a contrast of at least 4.5:1 (WCAG AA), as in light mode.

Without chromium these tests skip, as the phone-width tests do."""

import pytest

from test_email_phone_width import _alert_html, _digest_html

_CONTRASTS = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const texts = [...document.body.querySelectorAll('*')].filter(
    (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
  return {
    page: lum(background(document.body)),
    worst: Math.min(...texts.map((el) => {
      const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    })),
  };
}"""


@pytest.mark.parametrize("html", [pytest.param(_alert_html, id="alert"), pytest.param(_digest_html, id="digest")])
@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_every_text_is_readable_in_the_readers_colour_scheme(browser, html, scheme):
    """Before: white in dark mode, the message saying nothing of dark (a bright page in a dark mailbox)."""
    page = await browser.new_page(viewport={"width": 900, "height": 700}, color_scheme=scheme)
    await page.set_content(html())
    seen = await page.evaluate(_CONTRASTS)
    assert (seen["page"] < 0.05) == (scheme == "dark"), seen
    assert seen["worst"] >= 4.5, seen
