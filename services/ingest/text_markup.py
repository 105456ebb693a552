"""HTML written into a .txt/.md release, read as the text a person sees (pure).

Markdown allows inline HTML, and text pasted from a web page brings entities
(``&pound;12m``, ``31&nbsp;March``) and tags (``<p>``, ``<b>``) with it; read
raw, they hide amounts and dates from the classifier. Only what is certainly
markup changes: a tag naming an HTML element (block elements become paragraph
breaks, others go), a comment, and an entity closed by ``;``. A text with none
of these is returned unchanged, so ``a < b``, ``<angle brackets>``, ``R&D`` and
``&notice`` stay as written.
"""

from __future__ import annotations

import html
import re

_BLOCK = ("address|article|aside|blockquote|br|caption|dd|details|div|dl|dt|fieldset|figcaption|figure|footer|"
          "h[1-6]|header|hr|legend|li|main|nav|ol|p|pre|section|summary|table|tbody|tfoot|thead|tr|ul")
_INLINE = ("a|abbr|b|bdi|bdo|big|cite|code|data|del|dfn|em|font|i|img|ins|kbd|mark|nobr|q|s|samp|small|span|"
           "strike|strong|sub|sup|td|th|time|tt|u|var|wbr")
# Attributes as HTML writes them (name, name=value, name="value"): "<data for 2026>" is prose, not a tag.
_ATTRIBUTES = r"""((?:\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?)*)\s*/?>"""
_BLOCK_TAG = re.compile(rf"<(/?)({_BLOCK})\b{_ATTRIBUTES}", re.I)
_INLINE_TAG = re.compile(rf"<(/?)({_INLINE})\b{_ATTRIBUTES}|<!--.*?-->", re.I | re.S)
_BARE_WORD = re.compile(r"""(?:^|\s)[A-Za-z_:][-\w:.]*(?=\s|$)""")
_VOID = frozenset("br hr img wbr".split())
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BREAKS = re.compile(r"[ \t]*\n(?:[ \t]*\n)+[ \t]*")


def markup_to_text(text: str) -> str:
    """``text`` with HTML tags, comments and entities read as text; paragraphs split where block tags were."""
    text, blocks = _BLOCK_TAG.subn(lambda tag: "\n\n" if _is_markup(tag) else tag.group(), text)
    text = _INLINE_TAG.sub(lambda tag: "" if tag.group(2) is None or _is_markup(tag) else tag.group(), text)
    if blocks:
        text = _BREAKS.sub("\n\n", text)
    return _ENTITY.sub(lambda entity: html.unescape(entity.group()), text)


def _is_markup(tag: re.Match[str]) -> bool:
    """A tag, unless it is an opening one whose attributes are bare words ("<b and c>", "<time limited>") and
    no closing tag of its element follows: prose in angle brackets, whose words must stay."""
    closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
    if closing or name in _VOID or not _BARE_WORD.search(attributes):
        return True
    return re.search(rf"</{name}\s*>", tag.string[tag.end():], re.I) is not None
