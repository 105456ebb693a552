"""HTML to plain text with paragraphs kept (scripts, styles and page chrome dropped)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

_DROP = "script, style, noscript, template, nav, header, footer, aside, form, iframe, svg"
_BLOCKS = {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
    "h6", "blockquote", "pre", "table", "tr", "dl", "dt", "dd", "figure", "figcaption", "br",
}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")


def _walk(node: Node, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
            continue
        if tag in _BLOCKS:
            out.append("\n\n")
        if tag == "li":
            out.append("- ")
        _walk(child, out)
        if tag in _BLOCKS:
            out.append("\n\n")


def html_to_text(html: str) -> str:
    """Main text of an HTML page or fragment, paragraphs separated by blank lines."""
    tree = HTMLParser(html)
    for node in tree.css(_DROP):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    if root is None:
        return ""
    parts: list[str] = []
    _walk(root, parts)
    text = "".join(parts)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def html_title(html: str) -> str | None:
    tree = HTMLParser(html)
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        if node is not None and node.text(strip=True):
            return _SPACES.sub(" ", node.text(strip=True))
    return None


def html_published(html: str) -> str | None:
    """The page's declared publication time, if any (meta or <time datetime>)."""
    tree = HTMLParser(html)
    for selector in (
        'meta[property="article:published_time"]',
        'meta[name="govuk:first-published-at"]',
        'meta[name="date"]',
        'meta[name="dcterms.date"]',
    ):
        node = tree.css_first(selector)
        if node is not None and node.attributes.get("content"):
            return node.attributes["content"]
    node = tree.css_first("time[datetime]")
    return node.attributes.get("datetime") if node is not None else None
