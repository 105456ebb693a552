"""HTML to plain text with paragraphs kept (scripts, styles and page chrome dropped).

This is the fragment reader: everything it is given is taken for text (a GOV.UK body,
a feed entry's content). Whole web pages go through ``page_text.page_to_text``, which
finds the article first and renders it with this function.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

_DROP = "script, style, noscript, template, nav, header, footer, aside, form, iframe, svg"
_BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
    "h6", "blockquote", "pre", "table", "caption", "tr", "dl", "dt", "dd", "figure", "figcaption", "br",
    "details", "summary", "hr", "address", "fieldset", "legend",
})
_CELLS = frozenset({"td", "th"})
# Ends a table cell. NUL never comes out of the parser (it drops it from text), so it cannot clash.
_CELL_END = "\x00"
_CELL_GAPS = re.compile(r" ?\x00[ \x00]*")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")


def _pieces(root: Node) -> list[str]:
    """The text of ``root`` in document order, with paragraph breaks and cell ends.

    Iterative, with an explicit stack: no nesting depth can exhaust Python's recursion limit.
    """
    out: list[str] = []
    in_pre = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag in _CELLS:
                out.append(_CELL_END)
            elif tag in _BLOCKS:
                out.append("\n\n")
                in_pre -= tag == "pre"
            continue
        if tag == "-text":
            text = node.text_content or ""
            out.append(text if in_pre else text.replace("\n", " "))  # a source line break is a space
            continue
        if tag in _BLOCKS:
            out.append("\n\n- " if tag == "li" else "\n\n")
            in_pre += tag == "pre"
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    return out


def _line(line: str) -> str:
    line = _SPACES.sub(" ", line)
    if _CELL_END in line:
        line = _CELL_GAPS.sub(" | ", line.strip(" " + _CELL_END))
    return line.strip()


def html_to_text(html: str) -> str:
    """Main text of an HTML page or fragment, paragraphs separated by blank lines.

    Block elements (paragraphs, headings, list items, table rows, ``<summary>``) are
    paragraphs; list items start with ``- ``; the cells of a row are joined with ``" | "``;
    a line break in the source is a space, except inside ``<pre>``.
    """
    tree = HTMLParser(html)
    for node in tree.css(_DROP):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    if root is None:
        return ""
    text = "".join(_pieces(root))
    lines = [_line(line) for line in text.split("\n")]
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
