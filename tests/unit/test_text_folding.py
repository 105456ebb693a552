"""Folding text for a search: the ASCII shortcut and the regexes fold as the plain translation does."""

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from services.common.text_folding import folded, straight_quotes

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"'})
_DASHES = str.maketrans(dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2212", " "))
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_TYPOGRAPHY = "\u2018\u2019\u201b\u02bc\u2032\u201c\u201d\u201e\u201f\u00ab\u00bb-\u2010\u2011\u2012\u2013\u2014\u2212"


def plainly_folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text).translate(_QUOTES).translate(_DASHES)
    return " ".join(_MARKS.sub("", decomposed).casefold().split())


texts = st.text(alphabet=st.one_of(st.sampled_from(_TYPOGRAPHY + "'\" \t\n\u00a0ÉéßİﬁǅΣς\u0301½"),
                                   st.characters(codec="ascii"), st.characters()), max_size=40)


@given(texts)
def test_folding_is_the_plain_translation(text):
    assert folded(text) == plainly_folded(text)
    assert straight_quotes(text) == text.translate(_QUOTES)


def test_examples():
    assert folded("Sinn Féin’s  PLAN") == "sinn fein's plan"
    assert folded("Straße") == "strasse"
    assert folded("counter\u2011terrorism 2026–27") == "counter terrorism 2026 27"
    assert folded("Counter-Terrorism 2026-27") == "counter terrorism 2026 27"


def test_a_dash_written_as_a_compatibility_form_is_a_space_too():
    """A fullwidth or small hyphen, or a vertical dash, decomposes into a hyphen or a dash: it is folded as one.
    Before, the dashes were read before the decomposition, and "counter－terrorism" folded to "counter-terrorism",
    which ``counter-terrorism`` (folded "counter terrorism") did not find; a fold is also the same folded again."""
    assert folded("counter\uff0dterrorism") == folded("counter\ufe63terrorism") == "counter terrorism"
    assert folded("2026\ufe582027") == "2026 2027"
    assert folded(folded("a\uff0db")) == folded("a\uff0db")
