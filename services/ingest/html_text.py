"""HTML to plain text with paragraphs kept (scripts, styles and page chrome dropped).

This is the fragment reader: everything it is given is taken for text (a GOV.UK body,
a feed entry's content). Whole web pages go through ``page_text.page_to_text``, which
finds the article first and renders it with this function.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from .errors import ContentError

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


# How deeply elements may nest. The parser's time grows with the square of the depth of open elements (100,000
# nested <div>s, 1.1 MB, take 30 s, and every service of the process waits), while real pages nest a few dozen
# deep: a document past this is refused before it is parsed (browsers stop nesting at 512).
MAX_HTML_DEPTH = 1000
_MARKUP = re.compile(  # possessive and ended by the end of the text too: linear whatever the text
    r"<!--.*?(?:-->|\Z)"  # a comment: no tags in it
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)\b[^>]*+(?:>.*?(?:</\1\s*>|\Z)|\Z)"
    r"|<(/?)([A-Za-z][^\s/>]*+)([^>]*+)(?:>|\Z)",
    re.IGNORECASE | re.DOTALL)
# Elements that hold nothing, and those a sibling of their own kind ends (<p>, <li>, a table's rows and cells):
# neither deepens the tree, so neither is counted.
_FLAT = frozenset("area base br col embed hr img input link meta param source track wbr keygen "
                  "p li dt dd tr td th option optgroup rb rp rt rtc thead tbody tfoot colgroup".split())
_FOREIGN = frozenset({"svg", "math"})  # where "/>" closes an element


@lru_cache(maxsize=8)  # a page is read by a few of these functions in turn
def _too_deep(html: str) -> bool:
    """Whether ``html``'s elements nest deeper than :data:`MAX_HTML_DEPTH`, read as a parser would nest
    them: an end tag closes the innermost open element of its name and those within it, and nothing when none
    is open; linear in the length of ``html``."""
    stack: list[str] = []
    open_names: Counter[str] = Counter()
    foreign = 0
    for found in _MARKUP.finditer(html):
        name = found.group(3)
        if name is None:
            continue
        name = name.lower()
        if name in _FLAT:
            continue
        if found.group(2):  # an end tag
            if open_names[name]:
                while stack:
                    closed = stack.pop()
                    open_names[closed] -= 1
                    foreign -= closed in _FOREIGN
                    if closed == name:
                        break
            continue
        if found.group(4).endswith("/") and (foreign or name in _FOREIGN):
            continue
        stack.append(name)
        open_names[name] += 1
        foreign += name in _FOREIGN
        if len(stack) > MAX_HTML_DEPTH:
            return True
    return False


def check_depth(html: str) -> None:
    """:class:`ContentError` when ``html`` nests deeper than :data:`MAX_HTML_DEPTH` elements."""
    if _too_deep(html):
        raise ContentError(f"HTML nested deeper than {MAX_HTML_DEPTH} elements: refused unread")


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
    check_depth(html)
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
    check_depth(html)
    tree = HTMLParser(html)
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        if node is not None and node.text(strip=True):
            return _SPACES.sub(" ", node.text(strip=True))
    return None


def html_published(html: str) -> str | None:
    """The page's declared publication time, if any (meta or <time datetime>)."""
    check_depth(html)
    tree = HTMLParser(html)
    for selector in (
        'meta[property="article:published_time"]',
        # a meta's name is case-insensitive in HTML: <meta name="Date"> is <meta name="date">
        'meta[name="govuk:first-published-at" i]',
        'meta[name="date" i]',
        'meta[name="dcterms.date" i]',
    ):
        node = tree.css_first(selector)
        if node is not None and node.attributes.get("content"):
            return node.attributes["content"]
    node = tree.css_first("time[datetime]")
    return node.attributes.get("datetime") if node is not None else None


def html_meta(html: str, *names: str) -> dict[str, str]:
    """The ``content`` of the first ``<meta name="…">`` in the page's ``<head>`` of each of ``names`` that it has,
    by name, the name matched in any case as HTML's are: ``""`` for one with no content; a name the head has no
    such element of is left out (one in the ``<body>``, quoted or misplaced, among them)."""
    check_depth(html)
    tree = HTMLParser(html)
    found = {name: tree.css_first(f'head meta[name="{name}" i]') for name in names}
    return {name: node.attributes.get("content") or "" for name, node in found.items() if node is not None}
