"""The actor a learned ranking gives a commitment, among the readings the rules can make of it.

The rules (:mod:`.actors`) name one actor: the subject of the clause's verb, a demand's addressee, or the
publisher. The candidates are that reading, the publisher, its government, and each agent noun phrase and
capitalised name of the commitment's text; a binary logistic model fitted on the training split (``pledgewatch
train``) weighs each candidate by where it comes from, the words either side of it, its head noun and the
commitment's kind, and the candidate of largest score is the actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, NamedTuple

from schemas import Commitment

from .actors import (_CAPITALISED, _DEMONSTRATIVE, _HOSTILE, _LEADING_ARTICLE, _LEADING_DETERMINER, _MODIFIED,
                     _POSSESSIVE, _TITLE, agent_noun_matches, is_instrument)
from .folding import any_in, fold, word_starts
from .non_parties import after_numbers, names_a_time, without_time
from .publishers import government_of
from .records import commitment_id

_WORD: Final = re.compile(r"[A-Za-z][\w'’-]*")
# "we", "our" or "us" whole, over the folded text (as IGNORECASE over the text), tried only where one begins
_FIRST_PERSON_FOLDED: Final = re.compile(r"\b(?:we|our|us)\b")
_FIRST_PERSON_WORDS: Final = ("we", "our", "us")
# A word a noun phrase does not hold: a verb, a preposition, a conjunction, a lowercase word in -ed, -ing or -ly.
_OUTSIDE_PHRASE: Final = re.compile(
    r"and|or|but|also|to|upon|on|in|at|by|for|from|with|of|as|that|which|who|whom|will|must|should|shall|may|can"
    r"|would|could|is|are|was|were|be|been|has|have|had|not|today|now|calls?|urges?|asks?|invites?|requests?"
    r"|encourages?|requires?|demands?|expects?|[a-z][\w'’-]*(?:ed|ing|ly)")
_DAESH: Final = re.compile(r"\bda[’']?esh\b", re.IGNORECASE)  # hostile, as actors._HOSTILE's "daesh"
# A word that each match of _HOSTILE or _DAESH holds, as fold() spells it ("al-qaeda" holds "qa")
_HOSTILE_NEEDS: Final = ("esh", "isil", "isis", "qa", "terrorist", "extremist", "criminal", "group", "militant",
                         "attacker", "offender", "fighters")
# A letter or digit: none stands before a sentence's first word, where quotes and bullets may
_LETTER_OR_DIGIT: Final = re.compile(r"[^\W_]")
_SKIPPED: Final = frozenset("the this these those it a an its our their we i he she they".split())

# Where a candidate comes from: the rules' reading, the publisher, its government, the text.
RULES, PUBLISHER, GOVERNMENT, AGENT, NAME = "rules", "publisher", "government", "agent", "name"
_PUBLISHER_SOURCES: Final = frozenset((PUBLISHER, GOVERNMENT))
# A government by its country's name ("UK government"), as the rules name one; not "This Government".
_NAMED_GOVERNMENT: Final = re.compile(r"(?!(?:the|this|that|our|its|their)\b)[a-z][\w.’' -]* government",
                                      re.IGNORECASE)


class ReleaseContext(NamedTuple):
    title: str
    body: str
    others: list[str]  # the rules' actors of the release's other commitments
    # how often the body holds each name counted so far, shared by the release's commitments (None: count each)
    mentions: dict[str, int] | None = None


class Candidate(NamedTuple):
    name: str
    sources: frozenset[str]
    start: int  # where it stands in the text; -1 for one the text does not hold (the publisher)
    end: int


def actor_candidates(text: str, *, rules_actor: str, publisher_name: str, government: str,
                     names: dict[str, str], folded: str | None = None) -> list[Candidate]:
    """Each actor a commitment of ``text`` could name, once per name (its sources merged), in a fixed order:
    the rules' reading, the publisher, its government, then the text's agent noun phrases and capitalised names
    in order of place. ``names``: the release's acronyms, each spelt out as the classifier spells an actor;
    ``folded``: ``fold(text)``, if known."""
    found: dict[str, tuple[set[str], int, int]] = {}
    found[rules_actor] = ({RULES}, -1, -1)  # first, as it is: ties go to the rules' reading
    _add(found, names, publisher_name, PUBLISHER)
    _add(found, names, government, GOVERNMENT)
    in_text: list[tuple[int, int, str, str]] = []
    folded = fold(text) if folded is None else folded
    for match in agent_noun_matches(folded):  # none without an agent noun
        start = _noun_phrase_start(text, match.start(), match.end())
        time_end, phrase = without_time(text[start:match.end()])  # "On Friday the Department"
        in_text.append((start + time_end, match.end(), phrase, AGENT))
    # "Funding to be Distributed to …": a headline's names are no candidates
    for match in [] if is_headline(text) else _CAPITALISED.finditer(text):
        name = match.group()
        if len(name) == 1 or text[match.end():match.end() + 1] == "(":
            continue  # a letter, or part of a longer token ("BN(O)")
        if " " not in name and not name.isupper() and not _LETTER_OR_DIGIT.search(text, 0, match.start()):
            continue  # a sentence's first word is capitalised whatever it is ("What", "Funding")
        if name.endswith(".") and name[-2:-1].islower():  # the sentence's full stop, not "U.S."
            name = name[:-1]
        possessive = _POSSESSIVE.search(name)
        if possessive:
            name = name[:possessive.start()]
        article = _LEADING_ARTICLE.match(name)
        start = match.start() + (article.end() if article else 0)
        name = name[article.end():] if article else name
        time_end, name = without_time(name)
        start += time_end
        if is_instrument(name) or names_a_time(name) or _DEMONSTRATIVE.match(name):
            continue
        in_text.append((start, start + len(name), name, NAME))
    both_kinds = len({source for _, _, _, source in in_text}) == 2
    for start, end, name, source in sorted(in_text):
        if both_kinds and _inside_the_other_kind(text, start, end, source, in_text):
            continue
        # a minister's title is the publisher acting, a candidate already; a hostile group commits to nothing
        if not (_TITLE.match(name) or is_hostile(name)):
            _add(found, names, name, source, start, end)
    # Candidate(name, frozenset(sources), start, end), built by tuple.__new__: a NamedTuple's __new__ is a Python
    # frame (see ``triggers._new_cues``)
    return [tuple.__new__(Candidate, (name, frozenset(sources), start, end))
            for name, (sources, start, end) in found.items()]


def _inside_the_other_kind(text: str, start: int, end: int, source: str,
                           in_text: list[tuple[int, int, str, str]]) -> bool:
    """Whether a candidate of ``source`` at ``text[start:end]`` lies inside a longer one of the other kind: an agent
    noun a name goes on from ("Department" of "the Department for Education"), or a name an agent phrase goes on
    from in lowercase ("AI" of "AI companion providers"). The longer is the phrase."""
    for at, last, _, other in in_text:
        if other != source and at <= start and end <= last and last - at > end - start \
                and (source == AGENT or end < last and _MODIFIED.match(text, end) is not None):
            return True
    return False


def _add(found: dict[str, tuple[set[str], int, int]], names: dict[str, str], name: str, source: str,
         start: int = -1, end: int = -1) -> None:
    """Add ``name`` (spelt out by ``names``) from ``source`` to the candidates ``found``: once per name, its
    sources merged, its place the first the text gives it."""
    name = names.get(name, name).strip()
    if not name or name.lower() in _SKIPPED:
        return
    if name in found:
        sources, first, last = found[name]
        sources.add(source)
        if first < 0 <= start:
            found[name] = (sources, start, end)
        return
    found[name] = ({source}, start, end)


def is_headline(text: str) -> bool:
    """Whether ``text`` capitalises more than half its words ("Funding to be Distributed to …"): the words
    ``[A-Z][\\w'’-]*`` begins at a word boundary, against those ``[A-Za-z][\\w'’-]*`` finds, counted in one
    pass instead of two regex scans (one without a prefix to skip by, so tried at every offset). Each of
    those patterns finds at most one word in a run of word characters, "'", "’" and "-": ``[A-Za-z]`` at
    its first ASCII letter, ``\\b[A-Z]`` at a capital that begins the run or follows "'", "’" or "-" in it."""
    capitals = words = 0
    in_run = letter = capital = False
    after_mark = False  # the character before is "'", "’" or "-"
    for ch in text:
        code = ord(ch)
        if 65 <= code <= 90:  # A-Z
            if not in_run or after_mark:
                capital = True
            letter, in_run, after_mark = True, True, False
        elif 97 <= code <= 122:  # a-z
            letter, in_run, after_mark = True, True, False
        elif code == 39 or code == 45 or code == 0x2019:  # ' - ’
            in_run, after_mark = True, True
        elif code == 95 or (48 <= code <= 57 if code < 128 else ch.isalnum()):  # a word character: \w
            in_run, after_mark = True, False
        else:
            if in_run:
                words += letter
                capitals += capital
            in_run = letter = capital = after_mark = False
    if in_run:
        words += letter
        capitals += capital
    return capitals * 2 > words


def is_hostile(name: str) -> bool:
    """Whether ``name`` names a hostile group (``_HOSTILE`` or ``_DAESH``, IGNORECASE, finds one in it): the
    searches, each tried at every offset, run only on a name whose fold holds one of the words a match holds."""
    return any_in(fold(name), _HOSTILE_NEEDS) and (_HOSTILE.search(name) is not None
                                                   or _DAESH.search(name) is not None)


def last_word(text: str, start: int, end: int) -> str | None:
    """The last of ``_WORD.findall(text[start:end])`` (None: there is none), read back from ``end``. The pattern
    finds at most one word in a run of word characters, "'", "’" and "-": from the run's first ASCII letter to its
    end (see ``is_headline``)."""
    at = end
    while at > start:
        while at > start and not _in_word_run(text[at - 1]):
            at -= 1
        run_end = at
        while at > start and _in_word_run(text[at - 1]):
            at -= 1
        for i in range(at, run_end):
            code = ord(text[i])
            if 65 <= code <= 90 or 97 <= code <= 122:
                return text[i:run_end]
    return None


def _in_word_run(ch: str) -> bool:
    """Whether ``ch`` is ``[\\w'’-]``: a word character (``str.isalnum``, as ``\\w`` reads it, or "_"), "'", "’"
    or "-"."""
    return ch.isalnum() or ch == "_" or ch == "'" or ch == "’" or ch == "-"


def speaks_in_first_person(folded: str) -> bool:
    """Whether the text ``folded`` (``fold(text)``) holds "we", "our" or "us" as a word, as an IGNORECASE
    search of ``\\b(?:we|our|us)\\b`` over the text finds: tried only where one of them begins."""
    for at in word_starts(folded, _FIRST_PERSON_WORDS):
        if _FIRST_PERSON_FOLDED.match(folded, at) is not None:
            return True
    return False


def _noun_phrase_start(text: str, start: int, end: int) -> int:
    """Where the noun phrase ending at ``end`` begins in ``text[start:end]`` (an agent noun and up to three words
    before it): after the last word before the noun that is no part of one ("calls upon internet companies",
    "encouraged Member States"), and after a leading determiner."""
    words = list(_WORD.finditer(text, start, end))
    for word in reversed(words[:-1]):
        if _OUTSIDE_PHRASE.fullmatch(word.group()):
            start = word.end()
            break
    while text[start:start + 1].isspace():
        start += 1
    start += after_numbers(text[start:end])
    determiner = _LEADING_DETERMINER.match(text[start:end])
    return start + (determiner.end() if determiner else 0)


def candidate_features(candidate: Candidate, order: int, *, text: str, kind: str, rules_actor: str,
                       publisher_name: str, release: "ReleaseContext", first_person: bool) -> dict[str, float]:
    """The features of one of a commitment's candidates, by name; ``order``: its place among the candidates the
    text holds (0 for the first); ``first_person``: whether ``text`` speaks in the first person."""
    features: dict[str, float] = {"kind=" + kind: 1.0}
    if candidate.name in release.title:
        features["in_title"] = 1.0
    counted = release.mentions
    if counted is None:
        mentions = release.body.count(candidate.name)
    else:  # counted once a release: its publisher and names are candidates of many of its commitments
        mentions = counted.get(candidate.name, -1)
        if mentions < 0:
            mentions = counted[candidate.name] = release.body.count(candidate.name)
    features["mentions=" + ("0" if mentions == 0 else "1" if mentions == 1 else "2-3" if mentions <= 3 else "4+")] = 1.0
    if release.others:
        features["others_share"] = release.others.count(candidate.name) / len(release.others)
    for source in sorted(candidate.sources):
        features["s=" + source] = 1.0
        features[f"s={source}&{kind}"] = 1.0
    if rules_actor == publisher_name:
        features["rules_publisher"] = 1.0
        if RULES in candidate.sources:
            features["rules_publisher&chosen"] = 1.0
    if first_person:
        features["first_person&" + ("publisher" if PUBLISHER in candidate.sources else "other")] = 1.0
    head = last_word(candidate.name, 0, len(candidate.name))
    if head is not None:
        features["head=" + head.lower()] = 1.0
    if candidate.name.isupper():
        features["acronym"] = 1.0
    if candidate.start >= 0:
        features["order=" + str(min(order, 3))] = 1.0
        before = last_word(text, max(0, candidate.start - 30), candidate.start)
        after = _WORD.search(text, candidate.end, candidate.end + 30)  # the first of text[end:end + 30]'s words
        previous = before.lower() if before is not None else "^"
        following = after.group().lower() if after is not None else "$"
        features["prev=" + previous] = 1.0
        features["next=" + following] = 1.0
        features[f"prev={previous}&{kind}"] = 1.0
        features[f"next={following}&{kind}"] = 1.0
    else:
        features["outside"] = 1.0
    return features


@dataclass(frozen=True)
class ActorModel:
    """A candidate scores ``intercept`` plus, for each feature present, its value times ``weights[feature]``; a
    feature the model never saw weighs nothing."""

    intercept: float
    weights: dict[str, float]

    def score(self, features: dict[str, float]) -> float:
        total = self.intercept
        for name, value in features.items():
            total += self.weights.get(name, 0.0) * value
        return total

    @classmethod
    def from_dict(cls, data: dict) -> "ActorModel":
        return cls(float(data["intercept"]), {str(name): float(w) for name, w in dict(data["weights"]).items()})

    def to_dict(self) -> dict:
        return {"intercept": self.intercept, "weights": dict(self.weights)}


def described_candidates(text: str, *, kind: str, rules_actor: str, publisher_name: str, government: str,
                         names: dict[str, str], release: ReleaseContext) -> list[tuple[Candidate, dict[str, float]]]:
    """Each of ``actor_candidates`` with its ``candidate_features``."""
    described = []
    order = 0
    folded = fold(text)
    first_person = speaks_in_first_person(folded)
    for candidate in actor_candidates(text, rules_actor=rules_actor, publisher_name=publisher_name,
                                      government=government, names=names, folded=folded):
        described.append((candidate, candidate_features(candidate, order, text=text, kind=kind,
                                                        rules_actor=rules_actor, publisher_name=publisher_name,
                                                        release=release, first_person=first_person)))
        if candidate.start >= 0:
            order += 1
    return described


def chosen_actor(model: ActorModel, text: str, *, kind: str, rules_actor: str, publisher_name: str,
                 government: str, names: dict[str, str], release: ReleaseContext) -> str:
    """The candidate of largest score (the first of them on a tie: the rules' reading first). When the rules read
    a government other than the publisher's that the text names outright ("The UK Government will provide" on
    osce.org), the publisher and its government are no candidates: the text says who acts.

    The candidates are scored as ``described_candidates`` describes them; when the rules' reading (the first
    candidate, never left out) is the only one left, it is the actor and none is described."""
    named = _names_other_than_publisher(text, rules_actor, publisher_name, government)
    folded = fold(text)
    candidates = actor_candidates(text, rules_actor=rules_actor, publisher_name=publisher_name,
                                  government=government, names=names, folded=folded)
    scored = [not (named and candidate.sources <= _PUBLISHER_SOURCES) for candidate in candidates]
    if scored.count(True) < 2:
        return rules_actor
    best, best_score = rules_actor, None
    first_person = speaks_in_first_person(folded)
    order = 0
    for candidate, weighed in zip(candidates, scored):
        if weighed:
            score = model.score(candidate_features(candidate, order, text=text, kind=kind, rules_actor=rules_actor,
                                                   publisher_name=publisher_name, release=release,
                                                   first_person=first_person))
            if best_score is None or score > best_score:
                best, best_score = candidate.name, score
        if candidate.start >= 0:
            order += 1
    return best


def _names_other_than_publisher(text: str, rules_actor: str, publisher_name: str, government: str) -> bool:
    """Whether the rules' reading is a government other than the publisher's that ``text`` names outright."""
    return (rules_actor not in (publisher_name, government) and _NAMED_GOVERNMENT.fullmatch(rules_actor) is not None
            and rules_actor.lower() in text.lower())


def publisher_readings(who: str, shown: str | None) -> tuple[str, str]:
    """(the publisher's name, its government) as a commitment's actor names them, from
    ``publishers.publisher_and_shown``: a site missing from the table speaks for itself."""
    if shown is not None:
        return shown, shown
    return who, government_of(who)


def reactored(commitments: list[Commitment], model: ActorModel, *, release_id: str, title: str, body: str,
              publisher_name: str, government: str, names: dict[str, str]) -> list[Commitment]:
    """``commitments`` (a release's, with the rules' actors) each with the actor ``model`` chooses; a commitment
    whose actor changes takes the id of its new actor (``records.commitment_id``)."""
    rules = [commitment.actor for commitment in commitments]
    mentions: dict[str, int] = {}
    chosen = []
    for i, commitment in enumerate(commitments):
        actor = chosen_actor(model, commitment.text, kind=commitment.kind.value, rules_actor=rules[i],
                             publisher_name=publisher_name, government=government, names=names,
                             release=ReleaseContext(title, body, rules[:i] + rules[i + 1:], mentions))
        chosen.append(commitment if actor == rules[i] else commitment.model_copy(
            update={"actor": actor, "id": commitment_id(release_id, commitment.text, actor)}))
    return chosen
