"""Who acts: the publisher of a release, and the actor named in a clause's subject."""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from .folding import WordSet, case_sensitive, fold
from .non_parties import PARTITIVE, QUANTIFIERS, after_numbers, is_led_time, names_a_time, without_time
from .publishers import UK_GOVERNMENT, government_of, named_as

# Things a publisher acts through: "the Community Resilience Fund will contribute" is the publisher acting.
_INSTRUMENT: Final = re.compile(r"\b(?:Programme|Program|Fund|Scheme|Strategy|Plan|Initiative|Grant|Budget|Package"
                         r"|Funding|Investment)s?$", re.IGNORECASE)
# Where a name's head ends: "the Office of Justice Programs" is an office, "the Fund for Peace" a fund
_COMPLEMENT: Final = re.compile(r"\s+(?:of|for)\s+")
_FIRST_PERSON: Final = re.compile(r"\b(?:we|us|our|i)\b", re.IGNORECASE)
# Ministers speak for their government: an actor that is only a title is the publisher. Written in lowercase
# (the same pattern under IGNORECASE) so that case_sensitive() can run it over folded text.
_TITLE: Final = re.compile(
    r"^(?:the\s+)?(?:(?:uk|british|home|foreign|defence|justice|health|security|culture|education|transport|"
    r"digital|business|policing|immigration|armed forces|treasury|cabinet|prime|deputy prime)\s+)*"
    r"(?:prime minister|minister|secretary(?: of state)?(?: for [a-z][\w ]+)?|chancellor|ministers?|government|uk"
    r"|britain|united kingdom|hm government)$",
    re.IGNORECASE,
)
# A capitalised name or a number, and the capitalised words joined to it: "(?:[A-Z][\w’'&.-]*|\d+)(?:…)*" written
# to begin with one character class, so that a search skips to where one can begin (a pattern beginning with a
# group is tried at every offset, four times as slow over a sentence)
_CAPITALISED: Final = re.compile(
    r"[A-Z\d](?:(?<=[A-Z])[\w’'&.-]*|\d*)(?:\s+(?:(?:of|for|and|the|on|in|&)\s+)*(?:[A-Z][\w’'&.-]*))*"
)
# Nouns that name a body able to act; a subject holding none of them (a substring test) is not searched.
_AGENT_NOUNS: Final = (
    "government governments department departments ministry ministries office agency agencies police forces force "
    "council councils authority authorities panel commission committee board service services forum companies "
    "company firms platforms providers industry operators partners allies states countries nations members "
    "regulator regulators banks airlines employers universities schools hospitals trusts trust charities "
    "organisations institutions team teams taskforce unit leaders ministers officials officers troops military "
    "army navy navies coalition alliance").split()
# Up to three words before the noun, a word whole with its hyphens and apostrophes ("counter-terrorism",
# "Britain's"): cut at one, "Counter-terrorism police" read as "terrorism police".
_AGENT_NOUN: Final = re.compile(rf"\b(?<!\w[-'’])(?:(?:\w+(?:[-'’]\w+)*\s+){{0,3}}(?:{'|'.join(_AGENT_NOUNS)}))\b",
                                re.IGNORECASE)
_AGENT_NOUN_WORDS: Final = WordSet(_AGENT_NOUNS)
_HOSTILE: Final = re.compile(
    r"\b(?:daesh|isil|isis|al[- ]qa\w+|terrorists?|extremists?|criminals?|the group|groups|militants?|"
    r"attackers?|offenders?|fighters)\b", re.IGNORECASE,
)
_PUBLIC_NOUNS: Final = ("parents drivers individuals residents consumers households families travellers visitors citizens "
                        "patients users children customers pupils students").split()
_PUBLIC: Final = re.compile(
    r"^(?:the\s+)?(?:(?:more|many|most|all|some|young|other)\s+)?(?:people|public|members of the public|everyone|everybody|anyone|anybody|you|"
    rf"{'|'.join(_PUBLIC_NOUNS)}|young people|(?:many|most|some|a few|few) of us)$",
    re.IGNORECASE,
)
# The plurals of the lists above: people or bodies a duty can bind ("Councils must …", "Parents must …").
PARTY_PLURALS: Final = tuple(word for word in _AGENT_NOUNS + _PUBLIC_NOUNS if word.endswith("s"))
# The last subordinating word of a clause's subject: ".*" runs to the end and backs off to the rightmost one.
# A word of a hyphenated one is none ("so-called", "after-school").
_LAST_SUBORDINATOR: Final = re.compile(
    r".*(?<![\w-])(?P<word>that|which|who|whom|whereby|where|when|and|but|so|because|while|whilst|as|if|once|after|before|"
    r"said|says|announced|announces|confirmed|means|why|how)(?![\w-])",
    re.IGNORECASE | re.DOTALL,
)


_PREPOSITION: Final = re.compile(r"\s+(?:of|to|for|in|on|from|with|by|at|across|under|within|between|signing|"
                          r"including|led|chaired|run)\s+", re.IGNORECASE)
_MODIFIED: Final = re.compile(r"\s+[a-z]")
_POSSESSIVE: Final = re.compile(r"['’]s\b")
_LEADING_ARTICLE: Final = re.compile(r"^(?:The|A|An)\s+")
# "This Emergency Grant Aid", "This Government": a thing or body the text spoke of, however capitalised
_DEMONSTRATIVE: Final = re.compile(r"(?:This|That)\s")
_LEADING_THE: Final = re.compile(r"^the\s+")
_LEADING_DETERMINER: Final = re.compile(r"^(?:the|a|an|all|its|our|their|these|those|such)\s+", re.IGNORECASE)
# Subjects that name no one, spelt as sentences spell them: "it will launch" is the publisher's, unnamed.
_PRONOUNS: Final = frozenset("it It this This these These those Those".split())
_UK: Final = re.compile(r"\b(?:uk|british|britain|united kingdom|hm)\b", re.IGNORECASE)
_CAPITAL_OR_DIGIT: Final = re.compile(r"[A-Z\d]")  # where a _CAPITALISED name can start

# The patterns above without IGNORECASE, to run over fold(text) (see .folding).
_FIRST_PERSON_FOLDED: Final = case_sensitive(_FIRST_PERSON)
_TITLE_FOLDED: Final = case_sensitive(_TITLE)
_AGENT_NOUN_FOLDED: Final = case_sensitive(_AGENT_NOUN)
_HOSTILE_FOLDED: Final = case_sensitive(_HOSTILE)
_PUBLIC_FOLDED: Final = case_sensitive(_PUBLIC)
_LAST_SUBORDINATOR_FOLDED: Final = case_sensitive(_LAST_SUBORDINATOR)
_PREPOSITION_FOLDED: Final = case_sensitive(_PREPOSITION)
_UK_FOLDED: Final = case_sensitive(_UK)


def agent_noun_matches(folded: str) -> list[re.Match[str]]:
    """``list(_AGENT_NOUN_FOLDED.finditer(folded))``, ``folded`` as ``fold`` gives it. The pattern is tried only
    from the third word before each agent noun ``folded`` holds, where one of its matches can start (three words
    and the noun): tried at every word it took most of the time of choosing an actor."""
    matches = []
    end = 0
    for noun in _AGENT_NOUN_WORDS.starts(folded):
        if noun < end:
            continue
        match = _AGENT_NOUN_FOLDED.search(folded, max(end, _words_back(folded, noun, 3)))
        if match is None:
            break
        matches.append(match)
        end = match.end()
    return matches


def _words_back(text: str, at: int, count: int) -> int:
    """Where the ``count``-th run of non-space characters before the one holding ``at`` starts in ``text``."""
    while at > 0 and not text[at - 1].isspace():
        at -= 1
    for _ in range(count):
        while at > 0 and text[at - 1].isspace():
            at -= 1
        while at > 0 and not text[at - 1].isspace():
            at -= 1
    return at


class Actor(NamedTuple):
    name: str
    agent: bool  # a person or body able to act, not a thing ("the adverts") or a time ("later this year")
    hostile: bool = False
    own: bool = False  # the publisher itself ("we", "the Prime Minister", "the UK")


def new_actor(name: str, agent: bool, hostile: bool = False, own: bool = False) -> Actor:
    """``Actor(name, agent, hostile, own)``, built by ``tuple.__new__`` (see ``triggers._new_cues``)."""
    return tuple.__new__(Actor, (name, agent, hostile, own))


_BARE_PRONOUN: Final = re.compile(r"[\"'‘’“”«»\s]*(?:we|us|our|i|they|them|he|she|you|it)[\"'‘’“”«»\s]*", re.IGNORECASE)


def is_instrument(name: str) -> bool:
    """Whether the head of the capitalised name ``name`` is a thing a publisher acts through (``_INSTRUMENT``): "the
    Work Programme", "the Fund for Peace"; not "the Office of Justice Programs"."""
    complement = _COMPLEMENT.search(name)
    return _INSTRUMENT.search(name, 0, complement.start() if complement else len(name)) is not None


def without_bare_pronoun(name: str, publisher_name: str) -> str:
    """``name``, or the publisher when it is a bare pronoun ('"We', "they"): an actor is never one."""
    return publisher_name if _BARE_PRONOUN.fullmatch(name) else name


def clause_subject(sentence: str, trigger: int, folded: str | None = None) -> str:
    """The text of the subject of the clause whose verb starts at ``trigger``. ``folded`` is
    ``fold(sentence)``, if known."""
    pre = sentence[:trigger].rstrip()
    if pre.endswith(","):  # "NATS, the UK's air traffic provider, will ..." drops the apposition
        pre = pre[:-1]
        if "," in pre:
            pre = pre[: pre.rfind(",")]
    start = max(pre.rfind(","), pre.rfind(":")) + 1  # the segment after the last comma or colon
    folded = fold(pre) if folded is None else folded
    cut = _LAST_SUBORDINATOR_FOLDED.match(folded, start, len(pre))
    while cut and _joins_a_name(pre, cut.start("word"), cut.end()):  # "Police and Crime Commissioners"
        cut = _LAST_SUBORDINATOR_FOLDED.match(folded, start, cut.start("word"))
    if cut:
        after = pre[cut.end():].strip()
        if after:
            return after
        return pre[start: cut.start("word")].strip()  # a relative clause: its antecedent
    return pre[start:].strip()


def _joins_a_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is "and" between two capitalised words ("Police and Crime Commissioners", "the
    UK and France"): part of a name, or of two joined, that acts as one subject."""
    if text[start:end] != "and":  # written in lowercase: "AND" in a text in capitals tells nothing
        return False
    before = text[:start].rstrip()
    after = text[end:].lstrip()
    word_before = before.rsplit(None, 1)[-1] if before else ""
    return (before != text[:start] and after != text[end:] and word_before[-1:].isalpha()
            and "A" <= word_before[:1] <= "Z" and "A" <= after[:1] <= "Z")


# A subject of one capitalised word, and the words of that form that name no body however a release writes them
_ONE_WORD: Final = re.compile(r"[A-Z][A-Za-z]+")
_NO_BODY: Final = frozenset("we i it this these those they he she you there here that which who what all each every "
                            "some any both either neither none".split())
# What stands before a word that begins a sentence, a line or a heading (past spaces and opening quotes)
_SENTENCE_ENDS: Final = frozenset(".!?:;\n•*-–—")


def lone_name(subject: str, release_text: str) -> str | None:
    """The body a clause's subject names by one capitalised word ("Ofcom will publish …", where the rules pass over
    a sentence's first word, which is capitalised whatever it is), when ``release_text`` (its title and body)
    writes that word at least twice, always capitalised and at least once inside a sentence ("… said Ofcom."): a
    word it also writes in lowercase ("Funding will …" beside "the funding"), or capitalises only where a
    sentence starts ("Schools will …", "Applications must …"), names no body. None when it names none."""
    word = subject.strip()
    if _ONE_WORD.fullmatch(word) is None or word.lower() in _NO_BODY:
        return None
    written = named_as(release_text, word)
    if len(written) < 2 or any(spelt != word for spelt in written):
        return None
    return word if any(not _starts_sentence(release_text, at) for at in _places(release_text, word)) else None


def _places(text: str, word: str) -> list[int]:
    """Where ``word``, as written, stands in ``text`` as a whole word, but after "of" or "for" (as ``named_as``)."""
    return [found.start() for found in re.finditer(rf"(?<!\bof )(?<!\bfor )(?<![\w-]){re.escape(word)}\b", text)]


def _starts_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` in ``text`` begins a sentence, a line or a heading (past opening quotes)."""
    before = text[:at].rstrip(" \t\"'‘“(")
    return not before or before[-1] in _SENTENCE_ENDS



def name_actor(subject: str, sentence_start: bool, publisher_name: str) -> Actor:
    """The actor named in ``subject``; the publisher when it names none or names the publisher itself."""
    text = subject.strip()
    partitive = PARTITIVE.match(text)
    if partitive:
        text = text[partitive.end():]
    if text in _PRONOUNS:
        return new_actor(publisher_name, False)
    folded = fold(text)
    if not text or _FIRST_PERSON_FOLDED.match(folded) and len(text.split()) == 1:  # "we", "our", "I"
        return new_actor(publisher_name, True, own=True)
    # "the distribution of X to local authorities": the head is "the distribution"
    preposition = _PREPOSITION_FOLDED.search(folded)
    head_end = preposition.start() if preposition else len(text)
    if _HOSTILE_FOLDED.search(folded, 0, head_end):  # "providers exposed to terrorist content" are no terrorists
        return new_actor(text, False, hostile=True)
    if _PUBLIC_FOLDED.match(folded):
        return new_actor(text, False)
    if _TITLE_FOLDED.match(folded):
        return _titled(text, folded, publisher_name)
    if _CAPITAL_OR_DIGIT.search(text, 0, head_end):
        named = _named(text, head_end, sentence_start, publisher_name)
        if named is not None:
            return named
    agent = _AGENT_NOUN_FOLDED.search(folded, 0, head_end) if _AGENT_NOUN_WORDS.in_(folded[:head_end]) else None
    if agent:
        phrase = text[agent.start():agent.end()]
        return new_actor(_LEADING_DETERMINER.sub("", phrase[after_numbers(phrase):]), True)
    return new_actor(publisher_name, False)


def _titled(text: str, folded: str, publisher_name: str) -> Actor:
    """The actor a minister's title or the country's name stands for: the publisher or its government."""
    the = _LEADING_THE.match(folded)
    bare = text[the.end():] if the else text
    if bare.upper() in ("UK", "BRITAIN"):
        return new_actor(bare, True, own=True)
    if "government" in folded or "prime minister" in folded:  # the whole government, not a department
        # "the UK Government" is the UK's whoever publishes; "the Government" the publisher's own
        named_uk = _UK_FOLDED.search(folded)
        return new_actor(UK_GOVERNMENT if named_uk else government_of(publisher_name), True, own=True)
    return new_actor(publisher_name, True, own=True)


def _named(text: str, head_end: int, sentence_start: bool, publisher_name: str) -> Actor | None:
    """The actor a capitalised name in the head (``text[:head_end]``) names, if any."""
    for match in _CAPITALISED.finditer(text):
        if match.start() >= head_end:
            break
        name = match.group()
        rest = text[match.end():]
        if match.start() == 0 and sentence_start and " " not in name and not name.isupper():
            continue
        if name.lower() in QUANTIFIERS:
            continue
        if _DEMONSTRATIVE.match(name):  # "This Emergency Grant Aid will": as an instrument, the publisher's own
            return new_actor(publisher_name, True, own=True)
        possessive = _POSSESSIVE.search(name)
        name = without_time(_LEADING_ARTICLE.sub("", name[: possessive.start()] if possessive else name))[1]
        if names_a_time(name) or is_led_time(name):  # "On 1 April", "Friday's", "By March"
            continue
        if not possessive and _MODIFIED.match(rest) and not _AGENT_NOUN.match(rest.strip()):
            return None  # "the ESG transitional grant": the name only qualifies a thing

        if _TITLE.match(name):
            return name_actor(name, False, publisher_name)
        if name == publisher_name or is_instrument(name):  # "the Work Programme will": the publisher's own
            return new_actor(publisher_name, True, own=True)
        return new_actor(name, True)
    return None
