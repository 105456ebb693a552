"""Each fast path finds exactly what the plain regex it replaces finds (on the labelled releases' sentences
and on random text built from the patterns' own words)."""

from __future__ import annotations

import calendar
import random
import re
from datetime import date, timedelta

import pytest

from schemas import Kind
from services.classifier.core import (calendar_units, categories, commitments, cues, deadline_rules, deadlines,
                                      financial_years, money, penalties, records, signals, triggers, unruled)
from services.classifier.core.folding import Lexicon, WordSet, any_in, finditer_folded, fold, matches_at, word_starts

_PIECES = ["will ", "Will ", "shall ", "we'll ", "They’ll ", "is to ", "ARE ", "set to ", "committed to ", "for ",
           "within ", "Over ", "the next ", "3 ", "19", "2019-20 ", "from ", "March ", "between ", "£5m ", "US$4 ",
           "GBP10 ", "ten pounds ", "EUR ", "dollars", "NZ$ ", "AUD ", "US dollars ", "10m euros ", "£10-20m ", " to £",
           "CAN$", "c$", "aus$", "é$", "CAD $", "nz $", "-million ", "İ", "ı", "ſ", "K", "x", " ", ", and ", "; ", "\n", "-", ".",
           "announced ", "Thanks to £", "new ", "'ve ", "made available "]


def _random_texts(count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 25))) for _ in range(count)]


def _spans(matches) -> list[tuple[tuple[int, int], dict]]:
    return [(m.span(), m.groupdict()) for m in matches]


@pytest.mark.parametrize("pattern", list(triggers._PATTERNS) + [pattern for pattern, _ in deadlines.RULES]
                         + [money._PREFIXED, money._SUFFIXED])
def test_folded_regexes_find_what_ignorecase_finds(pattern, labelled_sentences):
    folded_pattern = {**{p: triggers._FOLDED[id(p)] for p in triggers._PATTERNS}, **{p: deadlines._FOLDED[id(p)] for p, _ in deadlines.RULES},
                      money._PREFIXED: money._PREFIXED_FOLDED, money._SUFFIXED: money._SUFFIXED_FOLDED}[pattern]
    for text in labelled_sentences + _random_texts(300, 11):
        assert _spans(finditer_folded(pattern, folded_pattern, text, fold(text))) == _spans(pattern.finditer(text))


def test_anchored_deadline_rules_and_money_verbs_find_what_a_scan_finds(labelled_sentences):
    for text in labelled_sentences + _random_texts(1000, 5):
        folded = fold(text)
        for pattern, _ in deadlines.RULES:
            assert _spans(deadlines._finditer(pattern, text, folded)) == _spans(pattern.finditer(text)), text
        assert [m.span() for m in triggers._finditer(triggers._MONEY_VERB, text, folded)] == \
            [m.span() for m in triggers._MONEY_VERB.finditer(text)], text  # groups: test_proposal_fast_paths.py


_DEADLINE_PIECES = ["by ", "in ", "on ", "the end of ", "from ", "between ", "for ", "early ", "this ", "next ", "the ",
                    "June ", "Sept. ", "1st ", "30 ", "٣ ", "2019", "19", "20", "2020-21 ", "2018/19", " to ", "and ",
                    "JUNE ", "ſeptember ", "İn ", "may ", "year ", "month", "financial year", "Q3 ", "h1", "quarter",
                    "half", "hours", "minute", "second", "x", "-", "–", " ", ", ", ".", "\n"]


def test_deadline_rule_cores_found_as_a_search_finds_them(labelled_sentences):
    """A rule's core is tried only where a match may begin: found exactly where ``search`` finds one."""
    rnd = random.Random(7)
    pieces = _DEADLINE_PIECES + ["fiscal year ", "FY", "fy ", "justify ", "Fiscal  Year\n", "2024 ", "and ", "& "]
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20))) for _ in range(3000)]
    for text in labelled_sentences + texts:
        folded = fold(text)
        for core in deadlines.CORES.values():
            assert deadlines._holds_core(core, folded) == (core.search(folded) is not None), (core.pattern, text)


def test_committed_core_and_there_before_as_the_regexes_find_them(labelled_sentences):
    pieces = ["committed ", "pledges ", "promised", "vows ", "undertakes ", "agreed ", "resolved ", "decided ",
              "commits ", "reaffirm ", "reiterates ", "renews ", "our ", "its full ", "strong ", "commitment ",
              "support ", "not only ", "itself ", "to ", "to", "There ", "there", "THERE\n", "x", "_", "é", "ſ", "K",
              " ", "\n", "\u00a0", ".", "-"]
    rnd = random.Random(3)
    made = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(4000)]
    for text in labelled_sentences + made:
        folded = fold(text)
        assert triggers._holds_committed_core(folded) == (triggers._COMMITTED_CORE.search(folded) is not None), text
        for end in range(len(text) + 1) if len(text) < 60 else (len(text),):
            assert triggers._there_before(text, end) == (triggers._THERE_BEFORE.search(text[:end]) is not None), \
                (text, end)


def test_money_matches_as_before(labelled_sentences):
    def reference(text):
        if not (any(c in text for c in "£$€") or any_in(fold(text), money._CODES + ("pound", "dollar"))) \
                or not money._ANY.search(text):
            return []
        prefixed = [money._bounded(m, fold(text)).span() for m in money._PREFIXED.finditer(text)]
        return prefixed + [m.span() for m in money._SUFFIXED.finditer(text)]

    for text in labelled_sentences + _random_texts(1500, 9):
        assert [m.span() for m, _ in money._matches(text)] == reference(text), text
        assert money.has_money(text) == bool(money.find_money(text))


def test_headline_cues_and_digits_as_the_regexes_find_them(labelled_sentences):
    for text in ["\n".join(labelled_sentences[:400])] + _random_texts(2000, 13) + ["Abc\nto X to y", "A\n to b\n9 to c"]:
        assert cues._headline_cues(text) == [m.start() for m in cues._HEADLINE_CUE.finditer(text)]
        assert deadlines.has_digit(text) == (re.search(r"\d", text) is not None)
    assert deadlines.has_digit("٣ days") and not deadlines.has_digit("three days")


def test_threatened_penalties_as_the_regexes_find_them(labelled_sentences):
    pieces = ["face ", "faces ", "FACING ", "fines ", "fine", "Fined ", "penalty ", "PENALTIES ", "be ", "being ",
              "liable to ", "punishable by ", "result in ", "or ", "must ", "has to ", "six months to ", "İ", "ı",
              "ſ", "x ", ".", ";", "\n"]
    rnd = random.Random(17)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(3000)]
    for text in labelled_sentences + texts:
        expected = penalties._THREAT.search(text) is not None and penalties._DUTY.search(text) is None
        assert penalties.threatens_penalty(text) == expected, text
        assert penalties.threatens_penalty(text, fold(text)) == expected, text


def test_breaks_before_headlines_as_the_regex_finds_them():
    pieces = ["\n", "\n\n", "A", "Z", "9", "a", " ", "  ", "\t", "\xa0", "\x1c", "\u2028", "to", "to ", "To ", " to\n",
              ".", ",", ";", ":", "tot", "x" * 10, "x" * 29, "y" * 58, "Council", " to", "É"]
    rnd = random.Random(19)
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30)))
        assert cues._breaks_before_headlines(text) == [m.end() for m in cues._BREAK_BEFORE_HEADLINE.finditer(text)], \
            text


def test_word_set():
    words = WordSet(("in", "within", "19"))
    assert words.in_("within 1919") and not words.in_("no match here")
    assert words.found("within 1919") == {"in", "within", "19"}
    assert words.starts("within 1919") == sorted(set(word_starts("within 1919", words.words)))


def test_a_few_words_found_by_find_as_the_matcher_finds_them(labelled_sentences):
    """A WordSet of a few words finds them by ``str.find``: the same starts, in order and once each, and the same
    answer to ``in_``, as the Aho–Corasick matcher of a larger set gives (nested and repeated words too)."""
    sets = [("19", "20"), ("within",), ("in", "within", "19"), ("on", "on or before", "no"), ("in", "in"),
            ("by", "before", "no"), ("this", "next", "the"), ("for", "within", "over", "in"), ("’", "ſ", "İn")]
    rnd = random.Random(13)
    texts = ["".join(rnd.choice(_DEADLINE_PIECES + ["on or before ", "’"]) for _ in range(rnd.randint(0, 20)))
             for _ in range(2000)]
    for words in sets:
        few, matcher = WordSet(words), Lexicon((word, None) for word in words)
        assert few._few
        for text in labelled_sentences + texts:
            folded = fold(text)
            assert few.starts(folded) == sorted({start for _, start, _ in matcher.hits(folded)}), (words, text)
            assert few.in_(folded) == matcher.any_in(folded)
    assert not WordSet(deadlines.PREP_WORDS)._few  # the twelve prepositions: one pass of the matcher


def test_commitment_id_as_before():
    text = "We’ll give £5m — 50% of it — to 3 councils, by 2020!"
    before = " ".join(re.sub(r"[^\w£$€%]+", " ", text.lower()).split())
    assert " ".join(records._WORD.findall(text.lower())) == before


def test_matches_at_on_folded_text():
    pattern = re.compile(r"\bwithin\s+\d+\s+days?\b")
    text = fold("Within 3 days, WITHIN 10 DAYS, notwithin 2 days")
    assert [m.span() for m in matches_at(pattern, text, WordSet(("within",)).starts(text))] == \
        [m.span() for m in pattern.finditer(text)]


def test_category_words_in_one_pass(labelled_sentences):
    words = [word for group in categories._WORDS.values() for word in group] + ["x", "İ"]
    rnd = random.Random(7)
    made = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 6))) for _ in range(500)]
    for text in labelled_sentences + _random_texts(300, 8) + made:
        folded = fold(text)
        assert categories._categories_of(categories._word_hits(folded)) == {c for c, group in categories._WORDS.items() if any_in(folded, group)}


def test_category_rules_tried_where_their_words_begin(labelled_sentences):
    words = [word for group in categories._WORDS.values() for word in group] + [
        "removing ", "taken down", "terrorist ", "illegal ", "harmful ", "content ", "posts ", "videos ", "on its ",
        "websites", "engines", "asset freezes", "freezing of assets", "travel bans", "x", "İ", ".", "ſ", "K"]
    rnd = random.Random(9)
    made = [rnd.choice(["", " "]).join(rnd.choice(words) for _ in range(rnd.randint(0, 8))) for _ in range(3000)]
    for text in labelled_sentences + _random_texts(300, 8) + made:
        folded = fold(text)
        hits = categories._word_hits(folded)
        present = categories._categories_of(hits)
        for category, pattern in categories._SPECIFIC:
            if category in present:
                assert categories._rule_matches(category, pattern, folded, hits) == \
                    (pattern.search(folded) is not None), (category, text)


def test_financial_years_named_as_the_regex_finds_them(labelled_sentences):
    pieces = _PIECES + ["Fiscal ", "FINANCIAL ", "year ", "years ", "(FY) ", "FY", "fy ", "Fy2023 ", "2017", "-18 ",
                        "/19", "–20", "1999", "2003/04 ", "ﬁscal ", "fİscal ", "financıal ", "fiſcal "]
    rnd = random.Random(17)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30))) for _ in range(3000)]
    for text in ["\n".join(labelled_sentences)] + labelled_sentences + texts:
        expected = _spans(financial_years._COUNTS_IN_YEARS.finditer(text))
        assert _spans(financial_years.named_years(text)) == expected, text


def test_the_party_and_the_acting_verb_of_an_unruled_clause_found_as_a_search_finds_them(labelled_sentences):
    pieces = _PIECES + ["has ", "have been ", "Has quickly ", "awarded ", "Allocates ", "adopt", "provides ", "is now ",
                        "are set to ", "required ", "to ", "ANNOUNCE ", "commits", "decides ", "agree ", "must ",
                        "should ", "hAve ", "this ", "chairs ", "urges ", "called upon ", "Requests ", "invited ",
                        "encourages ", "obliged ", "directs ", "asked ", "gives ", "gave ", "them ", "all States ",
                        "six months ", "to act ", "(", ","]
    rnd = random.Random(19)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20))) for _ in range(3000)]
    for text in labelled_sentences + texts:
        folded = fold(text)
        for found, expected in ((unruled.acting_at(folded), unruled._ACTING_FOLDED.search(folded)),
                                (unruled.addressed_at(folded), unruled._ADDRESSED_FOLDED.search(folded))):
            assert (found and found.span()) == (expected and expected.span()), text


def test_people_who_only_where_who_stands(labelled_sentences):
    pieces = _PIECES + ["those ", "Those who ", "who ", "WHO ", "who", "\t", "anyone ", "people ", "who quickly ",
                        "whom ", "all "]
    rnd = random.Random(23)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(3000)]
    for text in labelled_sentences + texts:
        folded = fold(text)
        for end in {len(folded), len(folded) // 2}:
            assert commitments._people_who(folded, end) == \
                (commitments._PEOPLE_WHO_FOLDED.search(folded, 0, end) is not None), text


def test_the_years_a_clause_names_as_the_regex_finds_them(labelled_sentences):
    rnd = random.Random(8)
    pieces = ["19", "20", "1950", "2030", "-", ".", ",", "/", "1", "9", "0", "5", " ", "x", "by ", "٣"]
    made = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 15))) for _ in range(5000)]
    for text in labelled_sentences + made:
        years = [int(year) for year in signals._YEAR.findall(text)]
        expected = None if not years else "year:future" if max(years) > 2020 else \
            "year:current" if 2020 in years else "year:past"
        assert signals.year_signal(text, 2020) == expected, text


def test_deadline_rules_sharing_the_starts_found_in_a_text_find_what_a_scan_finds(labelled_sentences):
    """The starts of a WordSet, found once in a text for every rule and core that asks (``known``), give what
    each core's search gives and what each rule finds without them, whichever asks first."""
    rnd = random.Random(13)
    texts = ["".join(rnd.choice(_DEADLINE_PIECES) for _ in range(rnd.randint(0, 20))) for _ in range(3000)]
    for text in labelled_sentences + texts:
        folded = fold(text)
        known: dict[int, list[int]] = {}
        for core in reversed(list(deadlines.CORES.values())):
            assert deadlines._holds_core(core, folded, known) == (core.search(folded) is not None), (core.pattern, text)
        for pattern, _ in deadlines.RULES:
            assert _spans(deadlines._finditer(pattern, text, folded, known)) == \
                _spans(deadlines._finditer(pattern, text, folded)), text


def test_a_rules_group_read_as_its_groupdict_reads_it(labelled_sentences):
    for text in labelled_sentences + _random_texts(300, 17):
        for pattern, _ in deadlines.RULES:
            for match in pattern.finditer(text):
                for name in ("prep", "edge", "rel", "yrel", "none"):
                    assert deadline_rules._group(match, name) == match.groupdict().get(name)


def test_end_of_month_as_calendar_reads_it():
    for year in list(range(1, 2500)) + [9999]:
        for month in range(1, 13):
            assert calendar_units.end_of_month(year, month) == date(year, month, calendar.monthrange(year, month)[1])
    for month in (0, 13, -1):
        with pytest.raises(calendar.IllegalMonthError):
            calendar_units.end_of_month(2024, month)
    with pytest.raises(ValueError):
        calendar_units.end_of_month(10000, 1)


def test_a_kind_added_to_a_name_reads_its_value():
    for kind in Kind:
        assert "rule:kind:" + kind == f"rule:kind:{kind.value}"
        assert type("rule:kind:" + kind) is str


def _exception_or(call):
    try:
        return call()
    except (ValueError, OverflowError) as error:
        return type(error)


def test_months_added_as_relativedelta_adds_them():
    from dateutil.relativedelta import relativedelta

    days = [date(2024, 1, 31), date(2024, 2, 29), date(2023, 2, 28), date(2025, 3, 30), date(2019, 12, 31),
            date(1, 1, 1), date(1, 3, 31), date(9999, 12, 31), date(9999, 1, 15), date(2000, 8, 31)]
    for start in days:
        for months in list(range(-30, 31)) + [-24000, 119988, 10 ** 6, -(10 ** 6), 10 ** 20]:
            assert _exception_or(lambda: calendar_units.add_months(start, months)) == \
                _exception_or(lambda: start + relativedelta(months=months)), (start, months)


def test_units_added_as_with_relativedelta():
    from dateutil.relativedelta import relativedelta

    def reference(start, amount, unit):  # add_units as it was written with relativedelta
        unit = unit.lower().rstrip("s")
        whole = int(amount)
        if unit == "month":
            return start + relativedelta(months=whole) + timedelta(days=round((amount - whole) * 30))
        if unit == "year":
            return start + relativedelta(years=whole, months=round((amount - whole) * 12))
        return start + relativedelta(years=round(amount * 10))

    for start in (date(2024, 1, 31), date(2024, 2, 29), date(2025, 8, 31), date(9990, 6, 30), date(1, 1, 1)):
        for amount in (0.0, 0.5, 1.0, 1.5, 2.25, 2.99, 3.0, 10.0, 12.0, 0.96, 100.0, 1e6, 1e30):
            for unit in ("month", "Months", "year", "years", "decade", "decades"):
                assert _exception_or(lambda: calendar_units.add_units(start, amount, unit)) == \
                    _exception_or(lambda: reference(start, amount, unit)), (start, amount, unit)
    for published in (date(2024, 1, 31), date(2023, 12, 15), date(2025, 5, 31)):
        for following in range(0, 14):
            first = published.replace(day=1) + relativedelta(months=following)
            assert calendar_units.end_of_unit(published, "month", following=following) == \
                calendar_units.end_of_month(first.year, first.month)


def test_deadline_rules_tried_only_outside_words_find_what_a_scan_finds(labelled_sentences):
    """A rule of ``_AT_A_WORD`` is not tried where a word character stands before its first word: it begins with
    "\\b", and each of its first words with a word character."""
    for key in deadlines._AT_A_WORD:
        pattern = next(pattern for pattern, _ in deadlines.RULES if id(pattern) == key)
        assert pattern.pattern.startswith(r"\b"), pattern.pattern
        assert all(re.match(r"\w", word) for word in deadlines._FIRST[key].words), pattern.pattern
    glue = ["x", "_", "é", "ñ", "2", "ſ", "İ", "’", "-", " ", "\u00a0"]
    pieces = [piece for piece in _DEADLINE_PIECES if piece != "٣ "] + glue + [
        "within ", "tomorrow ", "soon", "no later than ", "under ", "less than ", "at most ", "12 ", "hours ",
        "after ", "the period beginning ", "ending ", "1 April ", "fiscal year ", "FY", "fy ", "justify ",
        "throughout ", "across ", "both ", "2024, ", "2025 ", "& ", "over "]
    rnd = random.Random(19)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 24))) for _ in range(4000)]
    for text in labelled_sentences + texts:
        folded = fold(text)
        for pattern, _ in deadlines.RULES:
            assert _spans(deadlines._finditer(pattern, text, folded)) == _spans(pattern.finditer(text)), text


def test_paragraphs_as_the_regex_finds_them(labelled_sentences):
    from services.classifier.core import sentences
    pieces = ["\n", "\n\n", " ", "  ", "\t", "\r", "\xa0", "\x1c", "\u2028", "\u3000", "a", "Word", ".", "É", "x" * 40]
    rnd = random.Random(23)
    texts = ["\n".join(labelled_sentences[i:i + 5]) for i in range(0, len(labelled_sentences), 5)]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30))) for _ in range(20000)]
    for text in texts:
        assert sentences._paragraphs(text) == [(*m.span(1), m.end()) for m in sentences._PARAGRAPH.finditer(text)], \
            text


def test_a_currency_word_found_as_the_regex_finds_it(labelled_sentences):
    """``money._currency_word`` holds wherever a match of ``_SUFFIXED`` may: exactly where its currency word does."""
    word = re.compile(r"\s(?:pound|dollar|euro)s?\b")
    pieces = ["pound", "dollar", "euro", "s", "ss", "pe", "_", " ", "\n", "\xa0", "5 ", "ten ", "million ", ".", "é",
              "٣", "x"]
    rnd = random.Random(29)
    texts = [fold(text) for text in labelled_sentences]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(20000)]
    for text in texts:
        assert money._currency_word(text) == (word.search(text) is not None), text
        if money._SUFFIXED_FOLDED.search(text) is not None:
            assert money._currency_word(text), text


def test_a_currency_named_as_the_regex_finds_it(labelled_sentences):
    """``money._named`` of the codes and currency words is ``_ANY_FOLDED.search`` of a text with no currency symbol."""
    pieces = ["gbp", "usd", "eur", "aud", "cad", "nzd", "pound", "dollar", "euro", "s", "pe", "_", " ", "\n", "x", "é",
              "٣", "5"]
    rnd = random.Random(31)
    texts = [fold(text) for text in labelled_sentences]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(20000)]
    for text in texts:
        if not money._has_symbol(text):
            named = money._named(text, money._CODES + money._CURRENCY_WORDS)
            assert named == (money._ANY_FOLDED.search(text) is not None), text


def test_category_model_words_as_its_token_regex_finds(labelled_sentences):
    from services.classifier.core.category_model import TOKEN, words

    pieces = ["a", "b", "ab", "we'll", "'", "-", "--x", "'s", "x-", "£", "$", "€", "£5m", "US$4", "é", "İ", "ı",
              "K", "ſ", "’", " ", "\n", "\u00a0", "\x1c", "\x01", "\x02", "\x03", "Z", "9", "_", ".", ","]
    rnd = random.Random(41)
    made = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(20000)]
    for text in labelled_sentences + _random_texts(300, 41) + made:
        assert words(text) == TOKEN.findall(text.lower()), text
