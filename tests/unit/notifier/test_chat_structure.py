"""Telegram's HTML of a message shows its plain text's layout: what Apprise's reduction to Telegram's tags leaves of
it, read as Telegram shows it, is each line as the plain text has it, particulars as indented list entries."""

import html
import re
from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st
from apprise.plugins.telegram import TelegramHTMLReducer

from samples import BORDERS, CONTENT, FUNDING, release
from services.notifier.channels.chat_structure import Kind, read_lines, shown_text, telegram_html
from services.notifier.digest import assemble_digest
from services.notifier.messages import chat_text
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2017, 12, 1, 8, 0, tzinfo=timezone.utc)


def _alert(*commitments, alert_id="a-1"):
    alert = plan_alerts(Subscription(id="desk", channels=["console"]), release(*commitments), sent={},
                        elapsed_sent=set(), now=NOW).alerts[0]
    return alert.model_copy(update={"alert_id": alert_id})


def _seen(text: str) -> str:
    reduced = TelegramHTMLReducer().reduce(telegram_html(text))
    return html.unescape(re.sub(r"</?b>", "", reduced)).replace("\r\n", "\n")


@pytest.mark.parametrize("message", [
    _alert(FUNDING, BORDERS, CONTENT),
    assemble_digest("desk", [_alert(FUNDING, alert_id="a-1"), _alert(BORDERS, CONTENT, alert_id="a-2")],
                    since=None, until=NOW, now=NOW),
], ids=["alert", "digest"])
def test_what_telegram_shows_is_the_plain_text_line_for_line_with_its_particulars_indented(message):
    _, underlined = chat_text(message, underline=True)
    _, plain = chat_text(message)
    expected = plain.rstrip("\n").replace("\n    ", "\n  - ")
    assert _seen(underlined) == expected == shown_text(underlined)


def test_a_heading_is_known_by_its_underline_and_a_line_of_dashes_alone_is_text():
    lines = read_lines("Due this week\n=============\n\nMonday 7 December\n-----------------\n- Pledge\n    money: x\n---")
    assert [line.kind for line in lines] == [Kind.HEADING, Kind.BLANK, Kind.HEADING, Kind.ITEM, Kind.DETAIL, Kind.TEXT]


def test_every_word_is_escaped_and_the_heading_alone_is_bold():
    written = telegram_html("Fund <b>x</b> & y\n=================\n- a <i>\n    money: <a href='z'>")
    assert written.startswith("<b>Fund &lt;b&gt;x&lt;/b&gt; &amp; y</b>")
    assert "<i>" not in written and "<a " not in written and "&lt;a href='z'&gt;" in written


_WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\n\r"),
                max_size=40)
_LINES = st.lists(st.one_of(_WORDS, _WORDS.map(lambda w: f"- {w}"), _WORDS.map(lambda w: f"    {w}"), st.just(""),
                            _WORDS.filter(str.strip).map(lambda w: f"{w}\n{'=' * len(w)}")), max_size=12)


@given(_LINES.map("\n".join))
def test_any_text_adds_no_markup_but_the_structures_own_and_keeps_every_word(text):
    written = telegram_html(text)
    assert set(re.findall(r"<[^>]*>", written)) <= {"<b>", "</b>", "<ul>", "</ul>", "<li>", "</li>"}
    expected = "".join(("- " if line.kind is Kind.ITEM else "") + line.words for line in read_lines(text))
    assert html.unescape(re.sub(r"</?(b|ul|li)>", "", written)).replace("\n", "") == expected
