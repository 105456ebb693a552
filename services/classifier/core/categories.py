"""The category of a commitment, from a small keyword taxonomy.

Rules are tried in order and the first that matches wins, so the specific
categories (online content, borders, sanctions, training, legislation) come
before the broad ones (funding, capability, cooperation). ``other`` when none
matches. Money in the commitment makes it ``funding`` unless a specific
category matched first. A body's mandate extended or renewed is ``other`` unless a specific category matched:
the mission it names ("the United Nations Mission in ...") or pays for is not what the renewal commits to.
"""

from __future__ import annotations

import re
from typing import Final

from schemas import Category

from .folding import Lexicon, WordSet, fold


def _rule(pattern: str) -> re.Pattern[str]:
    """Patterns are written in lowercase and run over the folded text (see :mod:`.folding`)."""
    assert pattern == pattern.lower()
    return re.compile(pattern)


_SPECIFIC: Final = [
    (Category.ONLINE_CONTENT, _rule(
        r"\b(?:internet|online (?:content|propaganda|harms?|safety|material)|social media|tech(?:nology)? "
        r"(?:companies|firms|industry)|communications companies|(?:internet|tech|social media) platforms?"
        r"|platforms?\b.*\bcontent|(?:remove|removing|removal of|take down|taking down|takedown of)\b[^.]{0,40}"
        r"\b(?:content|material|posts|videos)|(?:terrorist|extremist|illegal|harmful) (?:content|material)"
        r"|(?:content|posts|videos)\b[^.]{0,60}\b(?:removed|taken down|deleted)"
        r"|hosting (?:service )?providers?|encrypt\w*|end-to-end"
        r"|\bonline\b|\bplatforms?\b|search (?:engines?|code)|(?<!on its )(?<!on their )(?<!on our )\bwebsites?\b|hate speech|video-sharing"
        r"|age (?:checks?|verification|assurance)|digital (?:platforms?|services?|communications))")),
    (Category.BORDER_SECURITY, _rule(
        r"\bborders?\b|\bwatch-?lists?\b|\bbiometric\w*|\bpassenger (?:name )?(?:data|records?)|\bairport security"
        r"|\baviation security|\bcustoms\b|\bimmigration\b|\bvisas?\b|\btravel (?:bans?|documents?)")),
    (Category.SANCTIONS, _rule(
        r"\bsanction\w*|\basset freez\w*|\bfreez\w+ (?:of )?assets|\bdesignat\w+|\bembargo\w*|\btravel bans?")),
    (Category.TRAINING, _rule(  # "train" the verb, not the railway ("faster train journeys")
        r"\btrain(?:ing|ed|ers?)?\b(?! (?:journeys?|services?|lines?|stations?|operators?|fares?|tickets?|travel"
        r"|routes?|times?|drivers?|companies))|\bcourses?\b|\bmentor\w*|\bexercises?\b|\bcurriculum"
        r"|\bmilitary colleges?")),
    (Category.LEGISLATION, _rule(  # not "law enforcement", nor a Member of Parliament
        r"\blegislat\w*|(?<!international )(?<!humanitarian )(?<!human rights )\blaws?\b(?! enforcement)|\bbill\b|\bact\b|\bregulations?\b|\bstatutory"
        r"|(?<!member of )(?<!members of )\bparliament\b|\boffences?\b"
        r"|\bpowers\b|\bconsult\w*|\bcode of practice|\bguidance\b|\bthreshold\b")),
]
_MANDATE_RENEWED: Final = _rule(
    r"\b(?:extend\w*|renew\w*|prolong\w*)\b[^.]{0,80}\bmandates?\b"
    r"|\bmandates?\b[^.]{0,60}\b(?:extended|renewed|extension|renewal)\b")
_PREVENTION: Final = _rule(
    r"\bprevent\w*|\bradicali[sz]\w*|\bextremis\w*|\bsafeguard\w*|\bcounter-?narratives?|\bdiversion"
    r"|\bawareness|\bcampaign\b|\bresilien\w*|\bcommunit(?:y|ies)\b|\bpropaganda\b")
_FUNDING: Final = _rule(r"\bfund\w*|\bgrants?\b|\binvest\w*|\bbudgets?\b|\ballocat\w*|\bspend\w*|£|\$|€"
                 r"|\bcalls? for (?:proposals|applications|bids)\b")
_CAPABILITY: Final = _rule(
    r"\bcapabilit\w*|\bcapacity\b|\bequip\w*|\bpersonnel\b|\bbuild\w*|\bdevelop\w*|\binfrastructure"
    r"|\bresources?\b|\btechnolog\w*|\bsystems?\b|\bintelligence\b|\bdeploy\w*|\bprotect\w*|\bsecurity\b")
_COOPERATION: Final = _rule(
    r"\bpartners?\b|\bpartnerships?\b|\brelationships?\b|\bwork(?:ing)? (?:together |closely )?with\b(?! (?:councils|local authorities|schools|industry|businesses))|\ballies"
    r"|\bcoalition\b|\binternational\b|\bbilateral\b|\bjoint(?:ly)?\b|\bun\b|\bunited nations|\bg7\b|\bg20\b"
    r"|\bnato\b|\beu\b|\bcountries\b|\bglobal\b|\binformation[- ]sharing\b|\bshar(?:e|ing) (?:information|intelligence)\b")

# The general rules, tried in this order when no specific one matches (a constant: built once, not at each call)
_GENERAL: Final = ((Category.PREVENTION, _PREVENTION), (Category.FUNDING, _FUNDING),
                   (Category.INTERNATIONAL_COOPERATION, _COOPERATION), (Category.CAPABILITY_BUILDING, _CAPABILITY))


# Every match of a rule holds one of its words: a rule runs only on text that holds one.
_WORDS: Final = {
    Category.ONLINE_CONTENT: ("internet", "online ", "social media", "tech", "communications companies", "platform",
                              "content", "material", "posts", "videos", "hosting", "encrypt", "end-to-end", "online",
                              "search ", "website", "hate speech", "video-sharing", "age ", "digital "),
    Category.BORDER_SECURITY: ("border", "watch", "biometric", "passenger ", "airport security", "aviation security",
                               "customs", "immigration", "visa", "travel "),
    Category.SANCTIONS: ("sanction", "freez", "designat", "embargo", "travel ban"),
    Category.TRAINING: ("train", "course", "mentor", "exercise", "curriculum", "military college"),
    Category.LEGISLATION: ("legislat", "law", "bill", "act", "regulation", "statutory", "parliament", "offence",
                           "powers", "consult", "code of practice", "guidance", "threshold"),
    Category.PREVENTION: ("prevent", "radicali", "extremis", "safeguard", "counter", "diversion", "awareness",
                          "campaign", "resilien", "communit", "propaganda"),
    Category.FUNDING: ("fund", "grant", "invest", "budget", "allocat", "spend", "£", "$", "€", "call"),
    Category.INTERNATIONAL_COOPERATION: ("partner", "relationship", "work", "allies", "coalition", "international",
                                         "bilateral", "joint", "un", "united nations", "g7", "g20", "nato", "eu",
                                         "countries", "global", "information", "shar"),
    Category.CAPABILITY_BUILDING: ("capabilit", "capacity", "equip", "personnel", "build", "develop", "infrastructure",
                                   "resource", "technolog", "system", "intelligence", "deploy", "protect", "security"),
}


# The categories whose rule's every match begins with one of the category's words (the other two rules may hold
# theirs later, as in "asset freezes" or "removing ... content"): these rules are tried only where a word begins.
_BEGIN_WITH_A_WORD: Final = frozenset(_WORDS) - {Category.ONLINE_CONTENT, Category.SANCTIONS}

# One pass finds every category whose words the text holds: exactly the categories for which
# ``any(word in folded for word in _WORDS[category])`` (one pass instead of one per category), and where
# those words begin. Each word's value: its categories.
_CATEGORIES_OF: Final = Lexicon((word, frozenset(c for c, words in _WORDS.items() if word in words))
                         for word in sorted({word for words in _WORDS.values() for word in words}))

_Hits = list[tuple[int, frozenset[Category]]]


def _word_hits(folded: str) -> _Hits:
    """(offset, categories) for each place in ``folded`` where a word of those categories begins."""
    values = _CATEGORIES_OF.values
    return [(start, values[index]) for index, start, _ in _CATEGORIES_OF.hits(folded)]


def _categories_of(hits: _Hits) -> set[Category]:
    found: set[Category] = set()
    for _, categories in hits:
        found |= categories
    return found


# The words every match of those two rules begins with (not all of them the category's own words): the rules are
# tried only where one begins, not at every offset as a search tries them.
_STARTS: Final = {
    Category.ONLINE_CONTENT: WordSet((
        "internet", "online", "social media", "tech", "communications companies", "platform", "remov", "take down",
        "taking down", "takedown", "terrorist", "extremist", "illegal", "harmful", "content", "posts", "videos",
        "hosting", "encrypt", "end-to-end", "search", "website", "hate speech", "video-sharing", "age", "digital")),
    Category.SANCTIONS: WordSet(("sanction", "asset freez", "freez", "designat", "embargo", "travel ban")),
}


def _rule_matches(category: Category, pattern: re.Pattern[str], folded: str, hits: _Hits) -> bool:
    """``pattern.search(folded) is not None`` (``pattern``: the rule of ``category``, present in ``hits``)."""
    if category not in _BEGIN_WITH_A_WORD:
        for at in _STARTS[category].starts(folded):
            if pattern.match(folded, at) is not None:
                return True
        return False
    for at, categories in hits:
        if category in categories and pattern.match(folded, at) is not None:
            return True
    return False


# Every rule in the order tried, the specific ones first, with its category's value (read once here: an enum's
# ``value`` is a Python-level property)
_RULES: Final = [(category, category.value, pattern) for category, pattern in (*_SPECIFIC, *_GENERAL)]
MANDATE_RENEWED: Final = "mandate"  # what ``rule_hits`` names a mandate extended or renewed by


def rule_hits(folded: str) -> list[str]:
    """Every category whose rule matches ``folded`` (``fold`` of a text), in the rules' order, and
    ``MANDATE_RENEWED`` where a mandate is extended or renewed: what the rules read beside the one they choose."""
    hits = _word_hits(folded)
    present = _categories_of(hits)
    found = [value for category, value, pattern in _RULES
             if category in present and _rule_matches(category, pattern, folded, hits)]
    if "mandate" in folded and _MANDATE_RENEWED.search(folded) is not None:
        found.append(MANDATE_RENEWED)
    return found


def categorise(text: str, *, has_money: bool, fined: bool = False, folded: str | None = None) -> Category:
    """The category of the commitment whose text is ``text`` (``folded``: ``fold(text)``, when known). ``fined``:
    its only sums are fines ("or face fines of up to €50 million"), the sanction of a duty, not spending."""
    return category_of(rule_hits(fold(text) if folded is None else folded), has_money=has_money, fined=fined)


_SPECIFIC_OF: Final = {category.value: category for category, _ in _SPECIFIC}
_GENERAL_OF: Final = {category.value: category for category, _ in _GENERAL}


def category_of(hits: list[str], *, has_money: bool, fined: bool = False) -> Category:
    """The category the rules choose for a commitment whose ``rule_hits`` are ``hits``: the first specific rule
    that matches; else funding where it pledges money (``has_money``), legislation where its only sums are fines
    (``fined``), ``other`` where a mandate is renewed; else the first general rule that matches; else ``other``."""
    for hit in hits:
        specific = _SPECIFIC_OF.get(hit)
        if specific is not None:
            return specific
    if has_money:
        return Category.FUNDING
    if fined:
        return Category.LEGISLATION
    if MANDATE_RENEWED in hits:
        return Category.OTHER
    for hit in hits:  # ``rule_hits`` lists the general rules' in the order they are tried
        general = _GENERAL_OF.get(hit)
        if general is not None:
            return general
    return Category.OTHER
