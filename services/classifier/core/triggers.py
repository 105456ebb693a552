"""The words that make a sentence a commitment: a pledge ("we will", "has committed to",
"the next step is to") or a demand ("called on X to", "X must", "for X to").

Each finder returns :class:`Trigger` s with their offset in the sentence; the
subject before the trigger decides whether a "will" commits anyone (see
:mod:`.verbs`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Final, NamedTuple

from schemas import Kind

from .folding import Lexicon, WordSet, any_in, case_sensitive, fold, matches_at, word_starts
from .verbs import AGENT_ONLY, NEVER, is_gerund, is_participle

_ADVERBS: Final = (r"(?:(?:also|always|now|then|therefore|further|soon|still|immediately|urgently|jointly|each|both|shortly|"
            r"again|initially|first|finally|only|formally|quickly|actively|rapidly|swiftly|directly|fully|"
            r"today|additionally|thus|similarly|likewise|in\s+turn|in\s+future|subsequently|duly|ultimately|"
            r"personally|,)\s+)*")


# The kinds as constants: compiled, each a C static, where ``Kind.PLEDGE`` is an attribute look-up on the enum
# class, several times as costly as reading a field of a tuple.
PLEDGE: Final = Kind.PLEDGE
DEMAND: Final = Kind.DEMAND


class Trigger(NamedTuple):
    kind: Kind
    start: int
    actor: str | None  # the actor a demand names ("called on companies to": "companies")
    verb: str
    confidence: float


def new_trigger(kind: Kind, start: int, actor: str | None, verb: str, confidence: float) -> Trigger:
    """``Trigger(kind, start, actor, verb, confidence)``, built by ``tuple.__new__`` (see ``_new_cues``)."""
    return tuple.__new__(Trigger, (kind, start, actor, verb, confidence))


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_WILL: Final = _compile(rf"\b(?:will|shall)\s+{_ADVERBS}(?P<verb>[a-z'’-]+)(?:\s+(?P<next>[a-z'’-]+))?|"
                 rf"\b(?:we|i|they)['’]ll\s+{_ADVERBS}(?P<verb2>[a-z-]+)")
_COMMITTED: Final = _compile(
    rf"\b(?:(?:has|have|had|is|are|am|remains?|was|were)\s+{_ADVERBS}(?:committed|pledged|promised|vowed|"
    r"undertaken|agreed|resolved|decided)|(?<!to )(?<!not )(?:commit|commits|pledge|pledges|promise|promises|vow|vows|"
    r"undertakes?|reaffirms?|reiterates?|renews?)(?:\s+(?:our|its|their)\s+(?:full\s+|strong\s+)?"
    r"(?:commitment|support))?)\s+(?:not\s+only\s+|itself\s+|"
    r"ourselves\s+|themselves\s+)?to\b")
# Every match of _COMMITTED holds one of these (a quicker scan: the sentences its family words let through
# mostly hold "commitment" or "agreed" in other words).
_COMMITTED_CORE: Final = re.compile(
    r"(?:committed|pledged|promised|vowed|undertaken|agreed|resolved|decided|commits?|pledges?|promises?|vows?|"
    r"undertakes?|reaffirms?|reiterates?|renews?)(?:\s+(?:our|its|their)\s+(?:full\s+|strong\s+)?"
    r"(?:commitment|support))?\s+(?:not\s+only\s+|itself\s+|ourselves\s+|themselves\s+)?to\b")
# Where a match of _COMMITTED_CORE may begin: the core is matched there, not searched for at every offset.
_COMMITTED_CORE_STARTS: Final = WordSet(("committed", "pledge", "promise", "vow", "undertak", "agreed", "resolved",
                                         "decided", "commit", "reaffirm", "reiterate", "renew"))
_STANCE: Final = _compile(r"\b(?:is|are|am)\s+(?:\w+ly\s+)?committed\s+to\s+\w+ing\b")
_GOING_TO: Final = _compile(
    r"\b(?:(?:is|are|am)\s+(?:going|planning|intending|preparing)|(?<!no )(?<!any )(?<!a )(?<!the )(?<!our )"
    r"(?<!its )(?<!new )(?:plans|intends|plan|intend)|set)\s+to\s+(?:be\s+)?"
    r"(?P<verb>[a-z]+)")
# Every match of _GOING_TO holds one of these (a quicker scan: the sentences its family words let through
# mostly hold "plan" or "set" in other words, "planning", "settled").
_GOING_TO_CORE: Final = re.compile(r"(?:going|planning|intending|preparing|plans?|intends?|set)\s+to\s")
_NEXT_STEP: Final = _compile(r"\bthe\s+next\s+steps?\s+(?:is|are|will\s+be)\s+to\b")
_IS_TO: Final = _compile(r"\b(?P<noun>\w+)\s+(?:is|are)\s+to\s+(?:be\s+)?(?P<verb>[a-z]+)")
_THERE_BEFORE: Final = re.compile(r"\bthere\s+$", re.IGNORECASE)  # "there will be"
_ACTOR_ARTICLE: Final = re.compile(r"^(?:the|all\s+the)\s+", re.IGNORECASE)  # dropped from a demand's actor
# A time word after a demand's party is no part of it: "called upon Member States today to".
TIME_AFTER_PARTY: Final = r"(?:today|now|again|also|further)"
_ACTOR_TIME: Final = re.compile(r"\s+" + TIME_AFTER_PARTY + "$", re.IGNORECASE)
# "will have the power to", "will have a significant impact": no act
_HAVE_EFFECT: Final = re.compile(r"\s*(?:the\s+)?(?:power|right|ability|option|opportunity|chance|benefit|impact|effect|"
                                 r"significant|huge|big|major|positive|negative|real|an?\s+(?:significant|huge|big|major|"
                                 r"positive|negative|real|impact|effect))")
_SOMEONE_TO: Final = re.compile(r"\s*\w+\s+to\b")  # "will require councils to"
_NOT_PLANS: Final = re.compile(r"aim|goal|objective|purpose|ambition|priority|idea|challenge|task|role|hope|intention|"
                        r"vision|mission|focus|key|point|answer|solution|way|question|problem|step|steps|plan|"
                        r"reason|result|effect|aims|goals|objectives|priorities|have|has|what|who|which")
_MONEY_VERB: Final = _compile(
    rf"\b(?:(?:have|has|had|'ve|am|is|are|'m|'re|will|to|today)\s+{_ADVERBS}(?:been\s+able\s+to\s+)?{_ADVERBS}"
    r"(?:announc|provid|invest|allocat|commit|pledg|award|earmark|set(?:ting)?\s+aside|spend|giv|fund|unveil|"
    r"confirm|donat|contribut(?!\w*\s+to\b)|boost|secur|inject|ring-?fenc|mak(?:e|ing)\s+available)\w*|"
    r"\bannounced\b(?!\s+(?:the|a|an|its|their|that)\b)|\bthanks\s+to\s+(?:an?\s+|the\s+)?(?=[£$€])|"
    r"\b(?:announces|unveils|pledges|commits|invests|provides|confirms|allocates|awards|donates|earmarks)\b|"
    r"\bmade\s+available\b|\b(?:additional|further|extra|new)\s+(?:[£$€]|funding\s+of))")
# A verb phrase, not whom a demand names: in "police forces will deploy officers to protect", "forces" is a noun.
_NOT_A_SUBJECT: Final = (r"(?!(?:will|shall|must|should|would|could|can|may|might|need|needs|is|are|was|were|"
                         r"has|have|had|do|does|did)\b)")
_CALL_ON: Final = _compile(
    r"\b(?:call(?:s|ed|ing)?\s+(?:on|upon)|urg(?:e|es|ed|ing)|press(?:es|ed|ing)?|implor\w+|challeng\w+|"
    r"want(?:s|ed)?|ask(?:s|ed|ing)|demand(?:s|ed|ing)?|requir(?:e|es|ed|ing)|instruct\w*|direct(?:s|ed|ing)|order(?:s|ed|ing)?|"
    r"oblig(?:e|es|ed|ing)|compel\w*|forc(?:e|es|ed|ing)|tell(?:s|ing)?|told)\s+(?P<actor>(?!to\b)"
    rf"{_NOT_A_SUBJECT}[^,.;:()]{{2,80}}?)"
    r"\s+to\s+(?P<verb>[a-z]+)")
_CALL_FOR: Final = _compile(
    r"\b(?:advocat\w+|call(?:s|ed|ing)?|press(?:ed|ing)?|push(?:ed|ing)?|argu\w+|lobb\w+|appeal\w*)\b[^.;]{0,200}?"
    r"\bfor\s+(?P<actor>[^,.;:()]{2,60}?)\s+to\s+(?P<verb>[a-z]+)")
_ESSENTIAL: Final = _compile(
    r"\bit\s+is\s+(?:\w+\s+)?(?:essential|vital|important|crucial|imperative|critical|necessary|right|time)\s+"
    r"(?:for|that)\s+(?P<actor>[^,.;:()]{2,60}?)\s+(?:to|should|must)\s+(?P<verb>[a-z]+)")
_MUST: Final = _compile(
    rf"\b(?:must|should|need\s+to|needs\s+to|will\s+have\s+to|will\s+need\s+to|will\s+be\s+(?:required|"
    rf"obliged|expected)\s+to|(?:is|are)\s+(?:now\s+)?(?:obliged|expected)\s+to)\s+{_ADVERBS}"
    r"(?:continue\s+to\s+)?(?P<verb>[a-z]+)")


# After "should": an inversion ("should the need arise") or no action ("should be", "must not").
_NOT_ACTIONS: Final = frozenset("be have not never the a an this that these those there it we they any no its "
                         "their our he she you i".split())


_CHANGES: Final = frozenset("rise fall grow increase decrease reach double treble triple soar drop climb exceed".split())
_EFFECTS: Final = frozenset("improve increase reduce boost enhance strengthen accelerate transform".split())
_DEMAND_VERBS: Final = frozenset("press urge call ask require demand push instruct direct order oblige compel force".split())


# Each pattern runs only on a sentence holding one of its words: a substring test costs far less than a regex.
_NEEDS: Final = {
    "will": ("will", "shall", "'ll", "’ll"),
    "committed": ("commit", "pledge", "promis", "vow", "undert", "agreed", "resolved", "decided", "reaffirm",
                  "reiterat", "renew"),
    "going": ("going to", "planning to", "intending to", "preparing to", "plan", "intend", "set to"),
    "step": ("next step",), "is to": ("is to", "are to"),
    "call on": ("call", "urg", "press", "implor", "challeng", "want", "ask", "demand", "requir", "instruct", "direct",
                "order", "oblig", "compel", "forc", "tell", "told"),
    "call for": ("advocat", "call", "press", "push", "argu", "lobb", "appeal"),
    "essential": ("it is",),
    "must": ("must", "should", "need", "will have to", "required to", "obliged to", "expected to"),
}


# The same regexes without IGNORECASE, run over the folded sentence (see :mod:`.folding`): about twice as fast.
# Keyed by id(): hashing a compiled pattern hashes its whole program (about a microsecond).
_PATTERNS: Final = (_WILL, _COMMITTED, _GOING_TO, _NEXT_STEP, _MONEY_VERB, _CALL_ON, _CALL_FOR, _ESSENTIAL, _MUST)
_FOLDED: Final = {id(p): case_sensitive(p) for p in _PATTERNS}


# Every match of _MONEY_VERB begins with one of these words, every match of _MUST with one of the next: each is
# tried only where one begins (much faster than a scan, which tries the long alternation at every word).
_MONEY_STARTS: Final = WordSet(
    "have has had 've am is are 'm 're will to today announce thanks unveil pledges commits invests provides "
    "confirms allocates awards donates earmarks made additional further extra new".split())
# Every match of _MUST begins with "must", "should", "need", "will", "is" or "are": it is tried only where one of the
# first three begins, and where "will" ("is", "are") begins only when the sentence holds a word such a match holds
# after it (in most sentences "is" begins a word, or is inside one, "this", where _MUST cannot match).
_MUST_FIRST: Final = ("must", "should", "need")
_MUST_AFTER_WILL: Final = ("have", "need", "required", "obliged", "expected")
_MUST_AFTER_IS: Final = ("obliged", "expected")


def _must_starts(folded: str) -> list[int]:
    """Where a match of _MUST may begin in ``folded``, sorted (no word of these begins another: each offset comes
    once)."""
    words: tuple[str, ...] = _MUST_FIRST
    if any_in(folded, _MUST_AFTER_WILL):
        words += ("will", "is", "are") if any_in(folded, _MUST_AFTER_IS) else ("will",)
    return word_starts(folded, words)


# Words before a trigger that turn it into a prediction or a condition ("we do not expect that ... will"), read by
# :mod:`.commitments`; here so that the words it begins with join the one pass of the cue words (``_STARTS``).
FRAMING: Final = re.compile(
    r"\b(?:expect\w*|likely|predict\w*|forecast\w*|projected|hopes?|hoped|if|unless|whether|fears?|feared|"
    r"warn\w*|could|would|might|believ\w*|means)\b", re.IGNORECASE)

# Every match of these regexes begins with one of its words (or a longer word these begin). Where a sentence's
# cues are known (``read_cues``), each is tried only where one of its words begins instead of at every offset.
_STARTS: Final = {  # by id(pattern), as _FOLDED; no word of one regex begins another (see read_cues)
    id(_WILL): ("will", "shall", "we'll", "we’ll", "i'll", "i’ll", "they'll", "they’ll"),
    id(_CALL_ON): ("call", "urg", "press", "implor", "challeng", "want", "ask", "demand", "requir", "instruct", "direct",
               "order", "oblig", "compel", "forc", "tell", "told"),
    id(_CALL_FOR): ("advocat", "call", "press", "push", "argu", "lobb", "appeal"),
    id(FRAMING): ("expect", "likely", "predict", "forecast", "projected", "hope", "if", "unless", "whether", "fear",
                  "warn", "could", "would", "might", "believ", "means"),
}


class Cues(NamedTuple):
    """What one pass over a folded sentence finds: the families of ``_NEEDS`` whose words it holds, and the
    offsets where each regex of ``_STARTS`` may begin (by its id; sorted, without repeats)."""
    families: set[str]
    starts: dict[int, list[int]]


def _new_cues(families: set[str], starts: dict[int, list[int]]) -> Cues:
    """``Cues(families, starts)``, built by ``tuple.__new__``: the compiled core calls a NamedTuple class through
    its Python-level ``__new__``, a Python frame for every tuple (as in ``sentences._sentence``)."""
    return tuple.__new__(Cues, (families, starts))


def _finditer(pattern: re.Pattern[str], sentence: str, folded: str | None,
              cues: Cues | None = None) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(sentence)``, found and kept as matches of ``case_sensitive(pattern)`` over
    ``folded`` (``fold(sentence)``): the same spans, a group's text lowercased (read a group as ``sentence`` holds it
    with ``_group``): the sentence is not matched again, by the slower IGNORECASE pattern, to read the groups."""
    folded = fold(sentence) if folded is None else folded
    if pattern is _MONEY_VERB:
        return matches_at(_FOLDED[id(pattern)], folded, _MONEY_STARTS.starts(folded))
    if pattern is _MUST:
        return matches_at(_FOLDED[id(pattern)], folded, _must_starts(folded))
    if cues is not None and id(pattern) in _STARTS:
        return matches_at(_FOLDED[id(pattern)], folded, cues.starts.get(id(pattern), ()))
    return _FOLDED[id(pattern)].finditer(folded)


def _group(sentence: str, match: re.Match[str], name: str) -> str:
    """The text of group ``name`` of ``match`` (from ``_finditer``) as ``sentence`` holds it ("" if it took no part):
    the fold's spans are the sentence's."""
    start, end = match.span(name)
    return sentence[start:end] if start != -1 else ""


# Each word a family needs or a regex starts with: (its families, the keys of the regexes it starts). One pass
# over a lowercased sentence finds every family whose words it holds (exactly the families for which
# ``any(word in low for word in _NEEDS[family])``), and where each regex of ``_STARTS`` may begin.
TRIGGER_WORDS: Final = {
    word: (frozenset(family for family, words in _NEEDS.items() if word in words),
           tuple(key for key, words in _STARTS.items() if word in words))
    for word in sorted({word for words in _NEEDS.values() for word in words}
                       | {word for words in _STARTS.values() for word in words})}
_CUE_WORDS: Final = Lexicon(TRIGGER_WORDS.items())


def trigger_families(low: str) -> set[str]:
    """The families of ``_NEEDS`` whose words ``low`` (a lowercased sentence) holds."""
    return read_cues(low).families


def read_cues(folded: str) -> Cues:
    """The :class:`Cues` of a folded sentence, in one pass. No start word of a regex begins another, so
    each regex's starts come without repeats; hits come in order of their ends, where a word inside a
    longer one comes first: they are sorted."""
    values = _CUE_WORDS.values
    return _cues_of((start, values[index]) for index, start, _ in _CUE_WORDS.hits(folded))


def _cues_of(hits: Iterable[tuple[int, tuple[frozenset[str], tuple[int, ...]]]]) -> Cues:
    """The :class:`Cues` of a text from its hits: (start, a value of ``TRIGGER_WORDS``)."""
    families: set[str] = set()
    starts: dict[int, list[int]] = {}
    for start, (found, keys) in hits:
        families |= found
        for key in keys:
            if key in starts:
                starts[key].append(start)
            else:
                starts[key] = [start]
    for offsets in starts.values():
        if len(offsets) > 1:
            offsets.sort()
    return _new_cues(families, starts)


class TriggerWords:
    """The ``TRIGGER_WORDS`` of a whole body, found in the body's one pass (``cues.read_body``), so that
    any sentence's :class:`Cues` are read off them: ``within(start, end)`` is
    ``read_cues(fold(body[start:end]))`` (offsets relative to ``start``)."""

    def __init__(self, hits: list[tuple[int, int, tuple[frozenset[str], tuple[int, ...]]]]) -> None:
        self._hits = sorted(hits, key=lambda hit: hit[0])  # (start, end, value), by start
        self._starts = [hit[0] for hit in self._hits]

    def within(self, start: int, end: int) -> Cues:
        # Hits come by start, and no start word of a regex begins another: each regex's starts come sorted.
        families: set[str] = set()
        starts: dict[int, list[int]] = {}
        hits, index, size = self._hits, bisect_left(self._starts, start), len(self._starts)
        while index < size:
            at, stop, (found, keys) = hits[index]
            if at >= end:
                break
            if stop <= end:
                families |= found
                for key in keys:
                    if key in starts:
                        starts[key].append(at - start)
                    else:
                        starts[key] = [at - start]
            index += 1
        return _new_cues(families, starts)


def pledge_triggers(sentence: str, cues: Cues | None = None, folded: str | None = None) -> list[Trigger]:
    """Candidate pledges; the caller checks each one's subject. ``folded`` is ``fold(sentence)`` and ``cues``
    is ``read_cues(folded)``, if known."""
    found = []
    present = trigger_families(sentence.lower()) if cues is None else cues.families
    for match in _finditer(_WILL, sentence, folded, cues) if "will" in present else ():
        start, verb_end = match.span("verb")
        if start == -1:
            start, verb_end = match.span("verb2")
        verb = sentence[start:verb_end].lower()  # one of the two takes part
        after = _group(sentence, match, "next").lower()
        kind, confidence = _will(verb, after, sentence[verb_end:verb_end + 60].lower(), sentence)
        if kind is None and verb == "be" and _there_before(sentence, match.start()):
            kind, confidence = PLEDGE, 0.6  # "there will be more materials on the website"
        if kind is not None:
            found.append(new_trigger(kind, match.start(), None, verb if verb != "be" else f"be {after}", confidence))
    if "committed" in present and _holds_committed_core(fold(sentence) if folded is None else folded):
        found += [new_trigger(PLEDGE, m.start(), None, "commit", 0.85) for m in _finditer(_COMMITTED, sentence, folded, cues)
                  if not _STANCE.match(sentence, m.start())]
    if "going" in present and _GOING_TO_CORE.search(fold(sentence) if folded is None else folded):
        found += [new_trigger(PLEDGE, m.start(), None, verb, 0.75) for m in _finditer(_GOING_TO, sentence, folded, cues)
                  if (verb := _group(sentence, m, "verb").lower()) not in _CHANGES]
    if "step" in present:
        found += [new_trigger(PLEDGE, m.start(), None, "step", 0.75) for m in _finditer(_NEXT_STEP, sentence, folded)]
    if "is to" in present:
        found += [new_trigger(PLEDGE, m.start("noun") + len(m["noun"]) + 1, None, m["verb"].lower(), 0.65)
                  for m in _IS_TO.finditer(sentence) if not _NOT_PLANS.fullmatch(m["noun"].lower())]
    if len(found) > 1:  # most sentences have none or one: no call of ``sorted``
        found.sort(key=lambda t: t.start)
    return found


def _holds_committed_core(folded: str) -> bool:
    """``_COMMITTED_CORE.search(folded) is not None``, tried only where a match may begin."""
    for at in _COMMITTED_CORE_STARTS.starts(folded):
        if _COMMITTED_CORE.match(folded, at) is not None:
            return True
    return False


def _there_before(sentence: str, end: int) -> bool:
    """``_THERE_BEFORE.search(sentence[:end]) is not None``: "there" and spaces just before ``end`` (a search of
    the pattern tried each offset of the text before)."""
    before = sentence[:end]
    word = before.rstrip()
    start = len(word) - 5
    return (len(word) < len(before) and start >= 0 and word[start:].lower() == "there"
            and not (start and (word[start - 1].isalnum() or word[start - 1] == "_")))


def money_trigger(sentence: str, folded: str | None = None) -> Trigger | None:
    """Newly announced money, whatever the tense ("we have been able to provide an additional £130 million")."""
    match = next(_finditer(_MONEY_VERB, sentence, folded), None)
    return new_trigger(PLEDGE, match.start(), None, "fund", 0.7) if match else None


def demand_triggers(sentence: str, low: str | None = None, cues: Cues | None = None,
                    folded: str | None = None) -> list[Trigger]:
    """Demands that name whom they ask ("called on X to", "for X to", "it is vital for X to")."""
    found: list[Trigger] = []
    low = sentence.lower() if low is None else low
    if " to " not in low:
        return found
    present = trigger_families(low) if cues is None else cues.families
    for pattern, family, confidence in ((_CALL_ON, "call on", 0.85), (_CALL_FOR, "call for", 0.8),
                                        (_ESSENTIAL, "essential", 0.8)):
        if family not in present:
            continue
        for match in _finditer(pattern, sentence, folded, cues):
            verb = _group(sentence, match, "verb").lower()
            if verb not in ("be", "have", "do") or pattern is _CALL_FOR:
                actor = without_time_word(_ACTOR_ARTICLE.sub("", _group(sentence, match, "actor").strip()))
                found.append(new_trigger(DEMAND, match.start(), actor, verb, confidence))
    return found


def without_time_word(party: str) -> str:
    """``party`` without a time word after it: "Member States today" is Member States."""
    return _ACTOR_TIME.sub("", party)


def obligation_triggers(sentence: str, cues: Cues | None = None, folded: str | None = None) -> list[Trigger]:
    """"X must / should / needs to / will have to VERB": a demand when X is someone else."""
    if "must" not in (trigger_families(sentence.lower()) if cues is None else cues.families):
        return []
    return [new_trigger(DEMAND, m.start(), None, verb, 0.75) for m in _finditer(_MUST, sentence, folded, cues)
            if (verb := _group(sentence, m, "verb").lower()) not in _NOT_ACTIONS]


def _will(verb: str, after: str, rest: str, sentence: str) -> tuple[Kind | None, float]:
    if verb == "become" and after == "available" or verb == "be" and after == "able":
        return PLEDGE, 0.6  # "funding will become available", "families will be able to access"
    if verb == "lead" and after not in ("to", "in", "into", ""):
        return PLEDGE, 0.8  # "the two countries will lead joint work"; "will lead to" predicts
    if verb in ("not", "never", "no") or verb in NEVER or verb in _DEMAND_VERBS and verb != "require":
        return None, 0.0  # "will press firms to": the demand trigger names whom
    if verb == "be":
        if after in ("required", "obliged", "expected") and rest.split()[1:2] == ["to"]:
            return DEMAND, 0.75
        if is_participle(after) and _lemma(after) in _EFFECTS:
            return None, 0.0  # "cooperation will be improved": an effect, not an act
        if is_participle(after) or is_gerund(after):
            return PLEDGE, 0.75
        if after in ("a", "an"):
            return PLEDGE, 0.55  # "Shift will be a civilian-led program": something new is set up
        return None, 0.0
    if verb == "have":
        if after == "to":
            return DEMAND, 0.75
        if _HAVE_EFFECT.match(rest):
            return None, 0.0
    if verb == "report" and after in ("to", "directly", "back"):  # a reporting line, not an action
        return None, 0.0
    if verb == "progress" and after in ("on", "to", "onto"):
        return None, 0.0  # "students will progress on to": a path, not an act
    if verb == "require" and not _SOMEONE_TO.match(rest):
        return DEMAND, 0.75  # "DHS will require enhanced measures for all flights": a rule on others
    if verb == "take" and after in ("place", "effect"):
        return None, 0.0
    if verb == "announce" and "today" in sentence.lower():
        return None, 0.0  # done today, not promised
    if verb in ("make", "making") and "available" not in rest:
        return PLEDGE, 0.5  # agent-only: see AGENT_ONLY
    return PLEDGE, 0.8


def _lemma(participle: str) -> str:
    word = participle.lower()
    for suffix, replacement in (("ened", "en"), ("ied", "y"), ("ed", "e"), ("ed", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + replacement in _EFFECTS:
            return word[: -len(suffix)] + replacement
    return word


def agent_only(trigger: Trigger) -> bool:
    return trigger.verb in AGENT_ONLY
