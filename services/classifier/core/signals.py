"""What the decision stage weighs about one proposed clause: the rules' reading of it and the words that
tell a commitment from a fact, a prediction or a past act.

``signals`` returns feature names (present = 1). Most are deliberately general: modality, tense,
operative verbs, who the subject is, where the clause stands, and the verb that follows a modal. The model
weighs each of those twice, once alone and once tied to whether the rules read a commitment (``tied``):
"urges" weighs differently in a clause the rules passed over than in one they took.

Beside them come the clause's own words and word pairs (``lexical``: "w:attend", "w2:will_attend"; a
word holding a digit is read as "0"), weighed once, never tied. They let the model learn the phrasings the
general signals miss ("will attend", "will be able to", "is part of"). Topic words come in with them; in
release-grouped cross-validation, and in folds that hold out whole publishers, the words lifted the
commitment F1 (0.734 to 0.742 on the project's folds), so they carry over to unseen releases. Training keeps
only the words seen in at least ``pledgewatch.training.LEXICAL_MIN_DF`` training releases.
"""

from __future__ import annotations

import re
from typing import Any, Final, NamedTuple

from .commitments import Found
from .deadlines import has_digit, may_hold_deadline
from .folding import matches_at, word_starts
from .money import has_money

# Words and word pairs that are a signal (the value is the feature name); words are read lowercased, with
# their apostrophes ("we'll"). A word not listed here may still be one by its beginning (_PREFIXES).
_WORDS: Final = {
    "will": "will", "shall": "shall",
    **dict.fromkeys(("we'll", "i'll", "they'll", "we’ll", "i’ll", "they’ll"), "ll"),
    "must": "must", "should": "should", "would": "would", **dict.fromkeys(("could", "might", "may"), "could"),
    **dict.fromkeys(("expected", "likely"), "expected"), **dict.fromkeys(("if", "unless", "whether"), "conditional"),
    **dict.fromkeys(("not", "never", "don't", "won't", "can't", "doesn't", "didn't", "isn't"), "negation"),
    **dict.fromkeys(("was", "were"), "past_be"), **dict.fromkeys(("today", "yesterday"), "today"),
    "remain": "continue", "remains": "continue",
    **dict.fromkeys(("urge", "urges", "request", "requests", "invite", "invites", "encourage", "encourages",
                     "demand", "demands", "direct", "directs", "require", "requires", "oblige",
                     "obliges", "instruct", "instructs", "ask", "asks", "insist", "insists",
                     # the participle a report of a resolution gives its clauses ("requesting the Secretary-General to")
                     "urging", "requesting", "inviting", "encouraging", "demanding", "directing", "requiring",
                     "obliging", "instructing", "asking", "insisting"), "operative"),
    # The same verbs reporting a decision taken today ("the Council requested CTED to report by March").
    **dict.fromkeys(("urged", "requested", "invited", "encouraged", "demanded", "directed", "instructed",
                     "asked", "insisted"), "operative_past"),
    # "decided to establish" is the body's own act, "decides that all States shall" binds others: its own signal
    **dict.fromkeys(("decide", "decides", "decided"), "decide"),
    **dict.fromkeys(("mandate", "mandates"), "mandate"),
    **dict.fromkeys(("extend", "extends", "extended", "extending", "renew", "renews", "renewed", "renewing",
                     "prolong", "prolonged", "prolonging", "extension", "renewal"), "extend"),
    **dict.fromkeys(("condemn", "condemns", "reaffirm", "reaffirms", "welcome", "welcomes", "note", "notes",
                     "recall", "recalls", "stresses", "emphasises", "emphasizes", "underline", "underlines",
                     "expresses", "recognises", "recognizes", "acknowledge", "acknowledges", "commend", "commends",
                     "reiterate", "reiterates", "deplore", "deplores", "regret", "regrets"), "declarative"),
    **dict.fromkeys(("required", "obliged", "obligation", "obligations", "duty", "duties", "mandatory",
                     "compulsory", "prohibited", "banned"), "duty"),
    **dict.fromkeys(("by", "within", "until", "before", "deadline"), "deadline_word"),
    **dict.fromkeys(("we", "our", "us"), "we"), "i": "i", "they": "they", "their": "they", "blocked": "blocked",
}
_PAIRS: Final = {
    **dict.fromkeys((("is", "to"), ("are", "to")), "is_to"), ("set", "to"): "set_to", ("to", "be"): "to_be",
    **dict.fromkeys((("need", "to"), ("needs", "to")), "need_to"),
    **dict.fromkeys((("have", "to"), ("has", "to")), "have_to"),
    **dict.fromkeys(((verb, "to") for verb in ("plan", "plans", "intend", "intends", "aim", "aims", "seek", "seeks",
                                               "want", "wants", "hope", "hopes")), "intend"),
    **dict.fromkeys(((verb, "to") for verb in ("commit", "commits", "committed", "agreed", "resolved")), "committed"),
    **dict.fromkeys((("call", "on"), ("calls", "on"), ("call", "upon"), ("calls", "upon"), ("appeals", "to")),
                    "operative"),
    **dict.fromkeys((("called", "on"), ("called", "upon"), ("calling", "on"), ("calling", "upon")), "operative_past"),
    **dict.fromkeys(((verb, word) for verb in ("call", "calls", "called", "calling") for word in ("for", "to")),
                    "call_for"),  # "called for specific measures", "reiterated its call to Member States"
    ("continue", "to"): "continue", ("no", "longer"): "negation", ("this", "week"): "today",
    ("no", "later"): "deadline_word",
    **dict.fromkeys(((verb, "that") for verb in ("demands", "demanded", "urges", "urged", "insists", "insisted",
                                                 "requests", "requested", "decides", "decided", "calls", "agreed",
                                                 "agrees")), "operative_that"),
    **dict.fromkeys((("determined", "to"), ("resolved", "to"), ("ready", "to")), "committed"),
    **dict.fromkeys((("legally", "required"), ("legal", "duty"), ("duty", "of"), ("now", "have"),
                     ("now", "required"), ("now", "being")), "legal_duty"),
}
_PREFIXES: Final = {  # checked in order; the first that begins the word names its signal
    "forecast": "expected", "pledg": "committed", "promis": "committed", "vow": "committed",
    "undertak": "committed", "announc": "announce", "unveil": "announce", "launch": "announce",
    "award": "money_verb", "allocat": "money_verb", "invest": "money_verb", "fund": "money_verb",
    "provid": "money_verb", "grant": "money_verb", "budget": "money_verb", "contribut": "money_verb",
    "donat": "money_verb", "designat": "blocked", "sanction": "blocked",
}
MONEY: Final = "money"  # the clause names an amount of money (``money.has_money``)
TIME_WORDS: Final = "time_words"  # it holds a digit or a calendar word (``deadlines.may_hold_deadline``)
_WORD: Final = re.compile(r"[a-z0-9'’]+")
_PREFIX: Final = re.compile("|".join(_PREFIXES))  # the first of _PREFIXES (in order) that begins a word
# Every byte of the UTF-8 text that is not part of a word becomes a space, and str.split finds the words (several
# times faster than _WORD.findall, with the same words). The one word character that is not ASCII, "’", stands
# in as "\x01" meanwhile; the bytes of every other character that is not ASCII become spaces.
_WORD_BYTES: Final = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789'\x01")
_TO_SPACES: Final = bytes(byte if byte in _WORD_BYTES else ord(" ") for byte in range(256))


def _words(low: str) -> list[str]:
    """``_WORD.findall(low)``, faster."""
    if "\x01" in low:  # the stand-in for "’"
        return _WORD.findall(low)
    if low.isascii():
        return low.encode().translate(_TO_SPACES).decode().split()
    return low.replace("’", "\x01").encode().translate(_TO_SPACES).decode().replace("\x01", "’").split()
_FIRST_WORD: Final = re.compile(r"[\W\d_]*([A-Za-z]+)")
_PRONOUNS: Final = frozenset("it this that these those they he she which there".split())
_DETERMINERS: Final = frozenset("the a an all every each any".split())
_PERFECT_AUXILIARIES: Final = frozenset(("has", "have", "had"))
_GIVING: Final = frozenset(("has", "have", "had", "give", "gives", "given", "gave"))  # "have six months to"
_TIME_UNITS: Final = frozenset("hour hours day days week weeks month months year years".split())
_MODAL_WORDS: Final = frozenset(("will", "shall", "must", "should", "to"))
_EARLY_WORDS: Final = 10  # an operative or declarative verb this near the start leads its clause


class Signals(NamedTuple):
    """What the decision stage weighs about one clause: its general signals, and the tokens its lexical
    names are made of. The model reads the tokens' weights straight off its vocabulary
    (``decision.Linear``), so scoring a clause builds none of its word and pair names."""

    general: set[str]
    tokens: list[str]  # the clause's words, a word holding a digit read as "0" (see ``lexical``)

    @property
    def names(self) -> set[str]:
        """Every feature name: ``signals(...)``."""
        return self.general | _lexical_names(self.tokens)


def signals(text: str, found: Found | None, *, alone: bool, first_paragraph: bool, low: str | None = None,
            folded: str | None = None, context: frozenset[str] = frozenset(), year: int | None = None) -> set[str]:
    """Feature names for ``text`` (one clause or sentence) given the rules' reading ``found`` (None when
    they read no commitment in it); ``alone``: alone in its paragraph; ``first_paragraph``: in the first;
    ``low``: ``text.lower()`` and ``folded``: ``fold(text)``, when known; ``context``: the names of where it
    stands and of the release's genre (``proposals.genre_of``); ``year``: the year its release was
    published, when known (``year_signal``)."""
    return read_signals(text, found, alone=alone, first_paragraph=first_paragraph, low=low, folded=folded,
                        context=context, year=year).names


def read_signals(text: str, found: Found | None, *, alone: bool, first_paragraph: bool, low: str | None = None,
                 folded: str | None = None, context: frozenset[str] = frozenset(),
                 year: int | None = None, money: bool | None = None, calendar: list[int] | None = None) -> Signals:
    """``signals(...)``, its lexical names left as the tokens they are made of (``money``: ``has_money(text)``,
    and ``calendar``: where a calendar word may begin, ``may_hold_deadline``'s ``starts``, when known)."""
    low = text.lower() if low is None else low
    names = {"bias", *context}
    if found is None:
        names.add("rule:none")
    else:
        trigger, actor = found
        # "rule:kind:" + the kind's value: a Kind is a str holding its value, and its ``.value`` a Python call
        names.update(("rule:found", "rule:kind:" + trigger.kind, f"rule:verb:{trigger.verb.split()[0]}"))
        names.add("rule:own" if actor.own else "rule:agent" if actor.agent else "rule:thing")
        if trigger.actor is not None:
            names.add("rule:named_party")
    words = _words(low)
    _read_words(words, names)
    first = _FIRST_WORD.match(text)
    if first is not None:
        word = first.group(1)
        lower = word.lower()
        names.add("first:pronoun" if lower in _PRONOUNS else "first:determiner" if lower in _DETERMINERS
                  else "first:we" if lower in ("we", "i", "our") else "first:capital" if word[0].isupper()
                  else "first:lower")
    if has_money(text, folded=folded) if money is None else money:
        names.add(MONEY)
        if "will" in names or "perfect" in names or "announce" in names:
            names.add("money:stated")
    digit = has_digit(low)  # the same as has_digit(text): no digit has a case
    if may_hold_deadline(text, folded=folded, digit=digit, starts=calendar):
        names.add(TIME_WORDS)
        if year is not None and digit:
            when = year_signal(text, year)
            if when is not None:
                names.add(when)
    if alone:
        names.add("alone")
    if first_paragraph:
        names.add("first_paragraph")
    if text.rstrip().endswith("?"):
        names.add("question")
    if text[:1] in "\"“‘'" or text.rstrip()[-1:] in "\"”’":
        names.add("quoted")
    count = len(words)
    names.add("length:short" if count < 12 else "length:long" if count > 45 else "length:medium")
    # built by tuple.__new__, as a NamedTuple's own __new__ is a Python frame (see ``triggers._new_cues``)
    return tuple.__new__(Signals, (names, lexical_tokens(words) if digit else words))


# The years a clause names against the year its release was published: "In 2024, $274.5 million was disbursed"
# (published in 2025) tells of the past, "by 2030" of what is to come. The clause's words cannot say it (a word
# holding a digit is "0"), and it holds across publishers. Weighed by the commitment model only: whether a clause
# commits, not whom.
YEAR_PREFIX: Final = "year:"
_YEAR: Final = re.compile(r"(?<![\d.,/-])(?:19[5-9]\d|20\d\d)(?![\d.,/-]\d)")  # not in "2018-19", "2,000", "1.2019"
_YEAR_STARTS: Final = ("19", "20")  # every match begins with one


def year_signal(text: str, year: int) -> str | None:
    """"year:future" when ``text`` names a year after ``year`` (the release's), else "year:current" when it
    names that year, else "year:past" when it names an earlier one; None when it names no year."""
    # Tried only where "19" or "20" stands: a pattern that begins with a look-behind is otherwise tried at every
    # offset of the clause.
    years = [int(found.group()) for found in matches_at(_YEAR, text, word_starts(text, _YEAR_STARTS))]
    if not years:
        return None
    if max(years) > year:
        return YEAR_PREFIX + "future"
    return YEAR_PREFIX + ("current" if year in years else "past")


LEXICAL_PREFIXES: Final = ("w:", "w2:")  # the names ``lexical`` makes: weighed once, never tied to the rules' reading
# The names of where a clause stands and of what kind of text its release is (``proposals.genre_of``): weighed
# by the commitment model only (the kind model, fitted with them, fell from 0.958 to 0.947 in cross-validation).
CONTEXT_PREFIXES: Final = ("genre:", "place:")
_DIGIT: Final = re.compile(r"\d")


def lexical(words: list[str]) -> set[str]:
    """The lowercased ``words`` ("w:attend") and word pairs ("w2:will_attend") as feature names; a word
    holding a digit is read as "0" ("2025", "10m" and "2017" are all "w:0")."""
    return _lexical_names(lexical_tokens(words))


def lexical_tokens(words: list[str]) -> list[str]:
    """``words`` as ``lexical`` reads them: a word holding a digit becomes "0"."""
    return [word if word.isalpha() or not _DIGIT.search(word) else "0" for word in words]


def _lexical_names(tokens: list[str]) -> set[str]:
    names = set(map("w:".__add__, tokens))
    names.update(map("w2:{}_{}".format, tokens, tokens[1:]))
    return names


def _read_words(words: list[str], names: set[str]) -> None:
    """Add the signals of the lowercased ``words`` to ``names``: single words, pairs, the perfect tense, and
    the verb after the first modal."""
    modal_verb = None
    last = len(words) - 1
    for index, word in enumerate(words):
        reading = _READING_OF.get(word, _UNKNOWN)  # compiled: a C look-up, where a bound method is a Python call
        if reading is None:  # most words: one look-up each
            continue
        if reading is _UNKNOWN:
            reading = _remember(word)
            if reading is None:
                continue
        name, special = reading
        if name is not None:
            names.add(name)
            if index < _EARLY_WORDS and name in _LEADING:
                names.add(name + ":early")
        if not special:
            continue
        if index < last:
            pair = _PAIRS.get((word, words[index + 1]))
            if pair is None and index + 1 < last and _adverb(words[index + 1]):  # "called directly on"
                pair = _PAIRS.get((word, words[index + 2]))
            if pair is not None:
                names.add(pair)
                if index < _EARLY_WORDS and pair in _LEADING:
                    names.add(pair + ":early")
        if word in _PERFECT_AUXILIARIES and _participle(words, index + 1):
            names.add("perfect")
        if word in _GIVING and _window(words, index + 1):
            names.add("window")
        if word in _EXPECTING and "to" in words[index + 2:index + 7] and words[index + 1:index + 2] != ["to"]:
            names.add("expects_party")  # "we expect platforms to ensure": a demand, not a prediction
        if modal_verb is None and word in _MODAL_WORDS:
            modal_verb = _verb_after(words, index + 1)
    if modal_verb:
        names.add("after_modal:" + modal_verb)


_UNKNOWN: Final[Any] = object()
_LEADING: Final = frozenset(("operative", "declarative", "operative_past", "operative_that", "decide"))
_EXPECTING: Final = frozenset(("expect", "expects", "want", "wants", "need", "needs"))
_SPECIAL: Final = frozenset({first for first, _ in _PAIRS} | _PERFECT_AUXILIARIES | _MODAL_WORDS | _GIVING | _EXPECTING)
_Reading = tuple[str | None, bool]  # a word's signal, and whether it is one of _SPECIAL
# Every word seen, with its reading: None for most (no signal, not special), so that they cost one look-up.
_READING_OF: Final[dict[str, _Reading | None]] = {word: (_WORDS.get(word), word in _SPECIAL) for word in {*_WORDS, *_SPECIAL}}
_MAX_REMEMBERED: Final = 1 << 16


def _remember(word: str) -> _Reading | None:
    """The reading of a word not yet seen (its signal by its beginning), remembered (up to a bound)."""
    match = _PREFIX.match(word)
    name = _PREFIXES[match.group()] if match else None
    reading = None if name is None and word not in _SPECIAL else (name, word in _SPECIAL)
    if len(_READING_OF) < _MAX_REMEMBERED:
        _READING_OF[word] = reading
    return reading


def _adverb(word: str) -> bool:
    """An adverb that may stand inside a pair ("called directly on"); "likely" never does: "is likely to" is a
    prediction, not "is to"."""
    return word.endswith("ly") and word != "likely"


def _participle(words: list[str], at: int) -> bool:
    """A past participle at ``words[at]``, after an adverb or "been" if any ("has recently been awarded")."""
    while at < len(words) and (words[at].endswith("ly") or words[at] == "been"):
        at += 1
    return at < len(words) and words[at].endswith(("ed", "en", "t"))


def _window(words: list[str], at: int) -> bool:
    """A time given to act: "six months to", "the industry four months to" (within five words)."""
    for index in range(at, min(at + 5, len(words) - 1)):
        if words[index] in _TIME_UNITS and words[index + 1] == "to":
            return True
    return False


def _verb_after(words: list[str], at: int) -> str:
    """The word after a modal, past an adverb and "be" ("will also be invested" → "invested")."""
    while at < len(words) and (words[at].endswith("ly") or words[at] == "be"):
        at += 1
    return words[at] if at < len(words) else ""


def tied(names: set[str], found: bool) -> set[str]:
    """The feature names the model is trained on: ``names``, and each again tied to the rules' reading (the
    lexical names, ``LEXICAL_PREFIXES``, are not: they are many, and tying them did not help)."""
    tag = "|rule" if found else "|none"
    return names | {name + tag for name in names if not name.startswith(("rule", *LEXICAL_PREFIXES))}
