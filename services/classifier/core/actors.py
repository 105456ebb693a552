"""Who acts: the publisher of a release, and the actor named in a clause's subject."""

from __future__ import annotations

import re
from typing import NamedTuple

from .folding import WordSet, fold
from .publishers import government_of

# Things a publisher acts through: "the Community Resilience Fund will contribute" is the publisher acting.
_INSTRUMENT = re.compile(r"\b(?:Programme|Program|Fund|Scheme|Strategy|Plan|Initiative|Grant|Budget|Package"
                         r"|Funding|Investment)s?$", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:we|us|our|i)\b", re.IGNORECASE)
# Ministers speak for their government: an actor that is only a title is the publisher.
_TITLE = re.compile(
    r"^(?:the\s+)?(?:(?:UK|British|Home|Foreign|Defence|Justice|Health|Security|Culture|Education|Transport|"
    r"Digital|Business|Policing|Immigration|Armed Forces|Treasury|Cabinet|Prime|Deputy Prime)\s+)*"
    r"(?:Prime Minister|Minister|Secretary(?: of State)?(?: for [A-Z][\w ]+)?|Chancellor|ministers?|government|UK"
    r"|Britain|United Kingdom|HM Government)$",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(
    r"(?:[A-Z][\w’'&.-]*|\d+)(?:\s+(?:(?:of|for|and|the|on|in|&)\s+)*(?:[A-Z][\w’'&.-]*))*"
)
# Nouns that name a body able to act; a subject holding none of them (a substring test) is not searched.
_AGENT_NOUNS = (
    "government governments department departments ministry ministries office agency agencies police forces force "
    "council councils authority authorities panel commission committee board service services forum companies "
    "company firms platforms providers industry operators partners allies states countries nations members "
    "regulator regulators banks airlines employers universities schools hospitals trusts trust charities "
    "organisations institutions team teams taskforce unit leaders ministers officials officers troops military "
    "army navy navies coalition alliance").split()
_AGENT_NOUN = re.compile(rf"\b(?:(?:\w+\s+){{0,3}}(?:{'|'.join(_AGENT_NOUNS)}))\b", re.IGNORECASE)
_AGENT_NOUN_WORDS = WordSet(_AGENT_NOUNS)
_HOSTILE = re.compile(
    r"\b(?:daesh|isil|isis|al[- ]qa\w+|terrorists?|extremists?|criminals?|the group|groups|militants?|"
    r"attackers?|offenders?|fighters)\b", re.IGNORECASE,
)
_PUBLIC = re.compile(
    r"^(?:the\s+)?(?:(?:more|many|most|all|some|young|other)\s+)?(?:people|public|members of the public|everyone|everybody|anyone|anybody|you|parents|drivers|"
    r"individuals|residents|consumers|households|families|travellers|visitors|citizens|patients|users|"
    r"young people|children|customers|pupils|students)$",
    re.IGNORECASE,
)
# The last subordinating word of a clause's subject: ".*" runs to the end and backs off to the rightmost one.
_LAST_SUBORDINATOR = re.compile(
    r".*\b(?P<word>that|which|who|whom|whereby|where|when|and|but|so|because|while|whilst|as|if|once|after|before|"
    r"said|says|announced|announces|confirmed|means|why|how)\b",
    re.IGNORECASE | re.DOTALL,
)


_PREPOSITION = re.compile(r"\s+(?:of|to|for|in|on|from|with|by|at|across|under|within|between|signing|"
                          r"including|led|chaired|run)\s+", re.IGNORECASE)
_MODIFIED = re.compile(r"\s+[a-z]")


class Actor(NamedTuple):
    name: str
    agent: bool  # a person or body able to act, not a thing ("the adverts") or a time ("later this year")
    hostile: bool = False
    own: bool = False  # the publisher itself ("we", "the Prime Minister", "the UK")


def clause_subject(sentence: str, trigger: int) -> str:
    """The text of the subject of the clause whose verb starts at ``trigger``."""
    pre = sentence[:trigger].rstrip()
    if pre.endswith(","):  # "NATS, the UK's air traffic provider, will ..." drops the apposition
        pre = pre[:-1]
        if "," in pre:
            pre = pre[: pre.rfind(",")]
    segment = pre[pre.rfind(",") + 1:] if "," in pre else pre
    segment = segment.split(":")[-1]
    cut = _LAST_SUBORDINATOR.match(segment)
    if cut:
        after = segment[cut.end():].strip()
        if after:
            return after
        return segment[: cut.start("word")].strip()  # a relative clause: its antecedent
    return segment.strip()


def name_actor(subject: str, sentence_start: bool, publisher_name: str) -> Actor:
    """The actor named in ``subject``; the publisher when it names none or names the publisher itself."""
    text = subject.strip()
    if not text or _FIRST_PERSON.fullmatch(text) or _FIRST_PERSON.match(text) and len(text.split()) == 1:
        return Actor(publisher_name, True, own=True)
    head = _PREPOSITION.split(text, maxsplit=1)[0]  # "the distribution of X to local authorities": "the distribution"
    if _HOSTILE.search(head):  # "providers exposed to terrorist content" are no terrorists
        return Actor(text, False, hostile=True)
    if _PUBLIC.match(text):
        return Actor(text, False)
    if _TITLE.match(text):
        bare = re.sub(r"^the\s+", "", text, flags=re.I)
        if bare.upper() in ("UK", "BRITAIN"):
            return Actor(bare, True, own=True)
        if re.search(r"government|prime minister", bare, re.IGNORECASE):  # the whole government, not a department
            return Actor(government_of(publisher_name), True, own=True)
        return Actor(publisher_name, True, own=True)
    for match in _CAPITALISED.finditer(text):
        if match.start() >= len(head):
            break
        name = match.group()
        rest = text[match.end():]
        if match.start() == 0 and sentence_start and " " not in name and not name.isupper():
            continue
        if name.lower() in ("the", "this", "these", "those", "it", "a", "an") or name.isdigit():
            continue
        possessive = re.search(r"['’]s\b", name)
        name = re.sub(r"^(?:The|A|An)\s+", "", name[: possessive.start()] if possessive else name)
        if not possessive and _MODIFIED.match(rest) and not _AGENT_NOUN.match(rest.strip()):
            break  # "the ESG transitional grant": the name only qualifies a thing

        if _TITLE.match(name):
            return name_actor(name, False, publisher_name)
        if name == publisher_name or _INSTRUMENT.search(name):  # "the Work Programme will": the publisher's own
            return Actor(publisher_name, True, own=True)
        return Actor(name, True)
    agent = _AGENT_NOUN.search(head) if _AGENT_NOUN_WORDS.in_(fold(head)) else None
    if agent:
        return Actor(re.sub(r"^(?:the|a|an|all|its|our|their|these|those|such)\s+", "", agent.group(), flags=re.I), True)
    return Actor(publisher_name, False)
