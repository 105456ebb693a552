"""A .md/.txt release written with HTML entities or inline HTML tags reads as the text a person sees."""

import pytest

from services.classifier.core.classifier import classify
from services.ingest.files import load_release


def test_entities_and_inline_tags_in_a_markdown_body_are_read_as_text(tmp_path):
    path = tmp_path / "2026-03-03-h.md"
    path.write_text("HTML &amp; body\n<p>The <b>Home Office</b> will invest &pound;12m by 31&nbsp;March 2027 "
                    "to counter terrorism.</p>\n")
    release = load_release(path)
    assert release.title == "HTML & body"
    assert release.body == "The Home Office will invest \u00a312m by 31\u00a0March 2027 to counter terrorism."


def test_a_classified_markdown_release_finds_money_and_deadline_through_the_markup(tmp_path):
    path = tmp_path / "2026-03-03-h.md"
    path.write_text("HTML body\n<p>The <b>Home Office</b> will invest &pound;12m by 31&nbsp;March 2027 "
                    "to counter terrorism.</p>\n")
    [commitment] = classify(load_release(path)).commitments
    assert "<" not in commitment.text
    assert commitment.money is not None
    assert [deadline.due.isoformat() for deadline in commitment.deadlines] == ["2027-03-31"]


def test_block_tags_separate_paragraphs(tmp_path):
    path = tmp_path / "2026-03-03-p.txt"
    path.write_text("Title\n<p>The UK will act.</p><p>Second paragraph.<br>Third line.</p>\n")
    assert load_release(path).body == "The UK will act.\n\nSecond paragraph.\n\nThird line."


@pytest.mark.parametrize("body", [
    "Spending < 5m and > 2m; R&D and AT&T stay; &notice is a word; 3<4>2.",
    "Use <angle brackets> as you like & write a < b.",
    "An x <time limited> offer; spend <data for 2026> now; if a <b and c> d.",
])
def test_plain_text_that_only_looks_like_markup_is_kept(tmp_path, body):
    path = tmp_path / "2026-03-03-t.txt"
    path.write_text(f"Title\n{body}\n")
    assert load_release(path).body == body


def test_tags_with_attributes_are_still_read_as_markup(tmp_path):
    path = tmp_path / "2026-03-03-t.md"
    path.write_text('Title\n<span class="amount" data-x=1>£12m</span> by <time datetime="2027-03-31">31 March</time>'
                    '<br/>next <a href=\'/x\' hidden>line</a>\n')
    assert load_release(path).body == "£12m by 31 March\n\nnext line"
