"""Fast paths of the deadline, money, category, borrowing and id code decide exactly what the plain code they
replace decides (on the labelled releases' sentences and on random text built from the rules' own words)."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from schemas import Category
from services.classifier.core import build, categories, classifier, context, deadlines, money, records, terrorism
from services.classifier.core.calendar_units import MONTH
from services.classifier.core.deadline_rules import CORES, MONTH_NAME, NEEDS, RULES
from services.classifier.core.cues import read_body
from services.classifier.core.folding import LoweredBody, any_in, fold
from services.classifier.core.numbers import parse_number
from services.ingest.files import load_release
from tests.shipped_seeds import SEED_RELEASE

from .conftest import release_of

_PIECES = ["by ", "the ", "end of ", "next ", "this ", "year", "years ", "month ", "Week ", "decade ", "financial ",
           "1st ", "17 ", "of ", "June ", "Sept. ", "May ", "may ", "mayor ", "march ", "2018", "19", "-", "–", "/",
           " to ", " and ", ", ", "from ", "between ", "over ", "within ", "coming ", "three ", "days", "instantly ",
           "tomorrow ", "soon ", "due course ", "Spring ", "Q4 ", "half ", "quarter ", "İ", "ı", "ſ", "K", "x", " ", "\n",
           "’s", "today ", "second ", "2", "day"]
_ANY = re.compile(rf"\d|\b(?:{MONTH}|years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|spring|"
                  r"summer|autumn|fall|winter|instantly|tomorrow|soon|shortly|near\s+future|due\s+course|"
                  r"imminently)\b", re.IGNORECASE)


def _texts(sentences: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return sentences + ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 20))) for _ in range(count)]


def test_may_hold_deadline_as_the_regex_decides(labelled_sentences):
    for text in _texts(labelled_sentences, 3000, 21):
        assert deadlines.may_hold_deadline(text) == (_ANY.search(text) is not None), text


def test_rules_chosen_by_need_as_substring_tests_choose_them(labelled_sentences):
    month = re.compile(rf"\b{MONTH}")
    for text in _texts(labelled_sentences, 3000, 22):
        low = text.lower()
        held = {need for needs in NEEDS for need in needs if need != MONTH_NAME and need in low}
        if month.search(low):
            held.add(MONTH_NAME)
        assert deadlines._rules_for(low) == tuple(rule for rule, needs in zip(RULES, NEEDS) if held & set(needs))


@pytest.mark.parametrize("index", sorted(CORES))
def test_every_match_of_a_rule_holds_its_core(index, labelled_sentences):
    pattern, _ = RULES[index]
    for text in _texts(labelled_sentences, 3000, index):
        if pattern.search(text):
            assert CORES[index].search(fold(text)), text
        assert [m.span() for m in deadlines._finditer(pattern, text, fold(text))] == \
            [m.span() for m in pattern.finditer(text)], text


_PARTS = ["Q1", "q4", "H1", "h2", "first quarter", "Fourth  Quarter", "final quarter", "last quarter", "second half",
          "first Half", "third quarter"]


@pytest.mark.parametrize("index", [12, 20, 22])
def test_rules_found_by_their_core_and_first_words_as_by_a_scan(index):
    pattern, _ = RULES[index]
    rnd = random.Random(index)
    texts = [f"{prep} {edge}{part} {tail}" for prep in ("by", "in", "No later than", "until", "Deadline of", "x")
             for edge in ("", "the ", "the end of the ", "mid-", "end ") for part in _PARTS
             for tail in ("2019", "of 2020.", "this year", "next  year", "of year")]
    texts += [f"{rnd.choice(texts)}, {rnd.choice(['by', 'before', 'no later than', 'on'])} "
              f"{rnd.choice(['2019-20', '2023/24', 'Monday, June 3', 'the end of Sept. 30th, 2019', 'mid-March 1'])}"
              for _ in range(2000)]
    assert sum(pattern.search(text) is not None for text in texts) > 100
    for text in texts:
        if pattern.search(text):
            assert CORES[index].search(fold(text)), text
        assert [m.span() for m in deadlines._finditer(pattern, text, fold(text))] == \
            [m.span() for m in pattern.finditer(text)], text


def test_id_words_as_the_regex_finds_them(labelled_sentences):
    for text in _texts(labelled_sentences, 500, 23) + ["We’ll give £5m — 50% of it — to 3 councils, by 2020!", "A_b\tc\x0bd $4 K"]:
        low = text.lower()
        assert records._words(low) == " ".join(records._WORD.findall(low)), text


def test_content_words_as_the_regex_finds_them(labelled_sentences):
    pieces = list("abcxyz'’-\x01 .,é9AZ_\n\t") + ["ab", "abc", "-ab", "'ab-c", "’tis", "don’t", "counter-terrorism", "İi"]
    rnd = random.Random(29)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20))) for _ in range(5000)]
    for text in [sentence.lower() for sentence in labelled_sentences] + texts:
        assert context._words(text) == context._WORD.findall(text), text


def test_trigrams_are_the_joined_content_word_triples(labelled_sentences):
    for text in labelled_sentences:
        words = [w for w in context._WORD.findall(text.lower()) if w not in context._STOP]
        joined = {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}
        assert {" ".join(trigram) for trigram in context._trigrams(text)} == joined


_RULE_WORDS = ["early ", "mid-", "late ", "later ", "earlier ", "Monday, ", "in time for ", "no later than ", "until ",
               "beginning of ", "close of ", "middle of ", "start ", "summer ", "2020 ", "in ", "on ", "before ",
               "3rd ", "December ", "dec", "decision ", "market ", "Mar. ", "throughout ", "during ", "the ", "by ",
               "end of ", "this ", "next ", "year ", "month ", "June ", "may ", "17 ", "of ", "2019", "x ", "Q3 ",
               "h2 ", "second quarter ", "first half ", "no later than ", "no "]


@pytest.mark.parametrize("index", sorted(i for i, (pattern, _) in enumerate(RULES) if id(pattern) in deadlines._FIRST))
def test_rules_tried_where_their_words_begin_find_what_a_scan_finds(index, labelled_sentences):
    pattern, _ = RULES[index]
    rnd = random.Random(index)
    made = ["".join(rnd.choice(_RULE_WORDS) for _ in range(rnd.randint(0, 8))) for _ in range(3000)]
    made += ["".join(rnd.choice(_PIECES + _RULE_WORDS) for _ in range(rnd.randint(0, 12))) for _ in range(1000)]
    for text in labelled_sentences + made:
        assert [m.span() for m in deadlines._finditer(pattern, text, fold(text))] == \
            [m.span() for m in pattern.finditer(text)], text


def test_deadlines_found_with_the_fold_given_as_without(labelled_sentences):
    published = date(2017, 11, 29)
    for text in _texts(labelled_sentences, 1000, 24) + ["By İstanbul’s ſpring 2019 and ı June 2018"]:
        assert deadlines.find_deadlines(text, published, 7, folded=fold(text)) == \
            deadlines.find_deadlines(text, published, 7), text


_MONEY_PIECES = ["£5m ", "£", "$", "€", "US$4 ", "GBP10 ", "gbp5m ", "EUR ", "usd", "ten pounds ", "a dozen dollars ",
                 "euros ", "Pound ", "dollar", "and ", "1,2 ", "1.5 ", "million ", "bn ", "sterling ", "ſ", "İ", "x",
                 " ", "NZ$ ", "A$", "AUD ", "cad7 ", "Australian dollars ", "US dollars ", "10m pounds ", "half a ",
                 "-", " to ", "between ", "from ", "—"]


def _money_texts(sentences: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return sentences + ["".join(rnd.choice(_MONEY_PIECES) for _ in range(rnd.randint(0, 10))) for _ in range(count)]


def test_has_money_as_the_plain_matches_decide(labelled_sentences):
    def plain(text):
        if not money._ANY.search(text):
            return False
        matches = [m for p in (money._PREFIXED, money._SUFFIXED) for m in p.finditer(text)]
        return any(parse_number(m["num"]) is not None for m in matches)

    for text in _money_texts(labelled_sentences, 3000, 25):
        assert money.has_money(text) == plain(text), text
        assert money._names_code(fold(text)) == any_in(fold(text), money._CODES), text
        assert money.find_money(text, 3, folded=fold(text)) == money.find_money(text, 3), text


def _plain_category(text: str, has_money: bool) -> Category:
    folded = fold(text)
    for category, pattern in categories._SPECIFIC:
        if pattern.search(folded):
            return category
    if has_money:
        return Category.FUNDING
    if categories._MANDATE_RENEWED.search(folded):
        return Category.OTHER
    for category, pattern in ((Category.PREVENTION, categories._PREVENTION), (Category.FUNDING, categories._FUNDING),
                              (Category.INTERNATIONAL_COOPERATION, categories._COOPERATION),
                              (Category.CAPABILITY_BUILDING, categories._CAPABILITY)):
        if pattern.search(folded):
            return category
    return Category.OTHER


def test_categories_as_the_plain_rules_decide(labelled_sentences):
    words = [word for group in categories._WORDS.values() for word in group]
    words += ["asset freezes", "removing the", "posts", "un-", "under", "fund", "$", "works with", "g7 ", "İ", "x", "extended the mandate",
              "mandates renewed"]
    rnd = random.Random(26)
    made = [rnd.choice(["", "re", "a "]) + " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 5)))
            for _ in range(3000)]
    for text in labelled_sentences + made:
        for has_money in (False, True):
            assert categories.categorise(text, has_money=has_money) == _plain_category(text, has_money), text
        assert categories.categorise(text, has_money=False, folded=fold(text)) == \
            categories.categorise(text, has_money=False), text


def test_id_with_the_lowered_text_given_as_without(labelled_sentences):
    # a final "Σ" lowers to "ς" (the compiled build's own str.lower wrote "σ": setup.py)
    for text in labelled_sentences[:300] + ["İstanbul ſ ı", "ΟΔΥΣΣΕΥΣ said: stop Σterrorism.Σ"]:
        assert records.commitment_id("r", text, "HM Treasury", lowered=text.lower()) == \
            records.commitment_id("r", text, "HM Treasury"), text


_LENDING = [  # neighbours that lend deadlines, beside commitments with and without deadlines of their own
    "The Government will ban the sale of new petrol cars by 2030. Ministers will ban the sale of new petrol cars "
    "and vans. Councils will consult on the new parking rules by June 2031. The Department will publish the new "
    "parking rules. It will also fund 20 new buses.",
    "Restrictions will apply from 13 July to 6 August 2026. The council will enforce the restrictions that will "
    "apply. The police will support local councils. Officers will patrol the town centre.",
]


def _releases_to_borrow_for() -> list:
    root = Path(__file__).resolve().parents[3]
    files = sorted((root / "tests" / "data" / "releases").glob("*.json")) + [SEED_RELEASE]
    return [load_release(path) for path in files] + [release_of(body, "2026-01-05") for body in _LENDING]


@pytest.mark.skipif(build() != "pure", reason="the compiled classify calls borrow_deadlines directly, not through "
                                                "the module's name that monkeypatch replaces")
def test_deadlines_borrowed_as_when_every_neighbour_is_read(monkeypatch):
    asked = []
    monkeypatch.setattr(classifier, "borrow_deadlines", lambda *args, **_: asked.append(args) or args[0])
    for release in _releases_to_borrow_for():
        for days in (0, 400, 2000):  # later publication dates leave more commitments without a deadline
            classifier.classify(release.model_copy(update={"published_at": release.published_at + timedelta(days)}))
    lent = 0
    for commitments, sentences, body, published, year_starts in asked:
        # nothing known to be silent: every neighbour read
        lenders = context._Lenders(sentences, body, published, year_starts)
        plain = [commitment if commitment.deadlines else lenders.lend(commitment) for commitment in commitments]
        assert context.borrow_deadlines(commitments, sentences, body, published, year_starts) == plain
        assert context.borrow_deadlines(commitments, sentences, body, published, year_starts,
                                        lowered=LoweredBody(body, body.lower())) == plain
        assert context.borrow_deadlines(commitments, sentences, body, published, year_starts,
                                        lowered=LoweredBody(body, body.lower()),
                                        calendar=read_body(body).calendar) == plain
        lent += sum(1 for before, after in zip(commitments, plain) if before.deadlines != after.deadlines)
    assert lent >= 3


_TERROR_PIECES = ["terror", "terrorist ", "jihad", "jihadists", "Prevent", " programme", "Prevent)", "isis", "x", "_",
                  "é", " ", ". ", "\n", "-", "counter", "bombing", "the ", "hostage"]


def test_sentence_read_for_terrorism_only_when_its_paragraph_may_not_decide(labelled_sentences):
    rnd = random.Random(27)
    made = ["".join(rnd.choice(_TERROR_PIECES) for _ in range(rnd.randint(0, 6))) for _ in range(3000)]
    for text in labelled_sentences[:1000] + made:
        for _ in range(3):
            before, after = ("".join(rnd.choice(_TERROR_PIECES) for _ in range(rnd.randint(0, 2))) for _ in "ab")
            context = before + text + after
            known = terrorism.mentions_terrorism(context)
            plain = terrorism.mentions_terrorism(text) or known
            assert records._names_terrorism(text, context, known) == plain, (text, context)
            assert records._names_terrorism(text, context, None) == plain, (text, context)


def test_paragraph_read_for_terrorism_at_the_term_starts_of_the_body_as_on_its_own():
    rnd = random.Random(29)
    made = ["".join(rnd.choice(_TERROR_PIECES + ["\n\n", "İ"]) for _ in range(rnd.randint(0, 40))) for _ in range(2000)]
    bodies = [release.body for release in _releases_to_borrow_for()] + made
    read = 0
    for body in bodies:
        starts = read_body(body).term_starts
        first = 0
        while first <= len(body):
            last = body.find("\n", first)
            last = len(body) if last == -1 else last
            paragraph = body[first:last]
            given = classifier._starts_within(starts, first, last)
            read += given is not None
            assert terrorism.mentions_terrorism(paragraph, starts=given) == terrorism.mentions_terrorism(paragraph), \
                paragraph
            first = last + 1
    assert read > 3000


def test_commitment_trigrams_read_whenever_a_neighbour_may_share_one(labelled_sentences):
    words = ["new", "rules", "parking", "petrol", "cars", "the", "ban", "sale", "x", "newer", "’s", "-"]
    rnd = random.Random(28)
    made = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 8))) for _ in range(2000)]
    texts = labelled_sentences + made
    pairs = list(zip(texts, texts[1:])) + [(text, text) for text in texts[::7]]
    shared = 0
    for neighbour, text in pairs:
        theirs, lowered = context._trigrams(neighbour), text.lower()
        if not context._trigrams(lowered).isdisjoint(theirs):
            shared += 1
            assert context._may_share(theirs, lowered), (neighbour, text)
    assert shared > 150


def test_commitment_id_words_as_the_regex_finds_them(labelled_sentences):
    rnd = random.Random(31)
    pieces = ["We’ll ", "£5m ", "€3 ", "$4 ", "50% ", "—", "– ", "é", "ß", "İ", "ı", "ſ", "K", "\u00a0", "\u2003", "_",
              "x", " ", "\n", "\x1c", "don't ", "“quoted” ", "日本", "٣", "a-b", "."]
    texts = labelled_sentences + ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20))) for _ in range(3000)]
    for text in texts:
        low = text.lower()
        assert records._words(low) == " ".join(records._WORD.findall(low)), text
