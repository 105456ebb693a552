"""The category of a commitment, from a small keyword taxonomy.

Rules are tried in order and the first that matches wins, so the specific
categories (online content, borders, sanctions, training, legislation) come
before the broad ones (funding, capability, cooperation). ``other`` when none
matches. Money in the commitment makes it ``funding`` unless a specific
category matched first.
"""

from __future__ import annotations

import re

from schemas import Category


def _rule(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_SPECIFIC = [
    (Category.ONLINE_CONTENT, _rule(
        r"\b(?:internet|online (?:content|propaganda|harms?|safety|material)|social media|tech(?:nology)? "
        r"(?:companies|firms|industry)|communications companies|(?:internet|tech|social media) platforms?"
        r"|platforms?\b.*\bcontent|(?:remove|removing|removal of|take down|taking down|takedown of)\b[^.]{0,40}"
        r"\b(?:content|material|posts|videos)|(?:terrorist|extremist|illegal|harmful) (?:content|material)"
        r"|encrypt\w*|end-to-end)")),
    (Category.BORDER_SECURITY, _rule(
        r"\bborders?\b|\bwatch-?lists?\b|\bbiometric\w*|\bpassenger (?:name )?(?:data|records?)|\bairport security"
        r"|\baviation security|\bcustoms\b|\bimmigration\b|\bvisas?\b|\btravel (?:bans?|documents?)")),
    (Category.SANCTIONS, _rule(
        r"\bsanction\w*|\basset freez\w*|\bfreez\w+ (?:of )?assets|\bdesignat\w+|\bembargo\w*|\btravel bans?")),
    (Category.TRAINING, _rule(
        r"\btrain(?:ing|ed|ers?)?\b|\bcourses?\b|\bmentor\w*|\bexercises?\b|\bcurriculum|\bmilitary colleges?")),
    (Category.LEGISLATION, _rule(
        r"\blegislat\w*|\blaws?\b|\bbill\b|\bact\b|\bregulations?\b|\bstatutory|\bparliament\b|\boffences?\b"
        r"|\bpowers\b|\bconsult\w*|\bcode of practice|\bguidance\b|\bthreshold\b")),
]
_PREVENTION = _rule(
    r"\bprevent\w*|\bradicali[sz]\w*|\bextremis\w*|\bsafeguard\w*|\bcounter-?narratives?|\bdiversion"
    r"|\bawareness|\bcampaign\b|\bresilien\w*|\bcommunit(?:y|ies)\b")
_FUNDING = _rule(r"\bfund\w*|\bgrants?\b|\binvest\w*|\bbudgets?\b|\ballocat\w*|\bspend\w*|£|\$|€")
_CAPABILITY = _rule(
    r"\bcapabilit\w*|\bcapacity\b|\bequip\w*|\bpersonnel\b|\bbuild\w*|\bdevelop\w*|\binfrastructure"
    r"|\bresources?\b|\btechnolog\w*|\bsystems?\b|\bintelligence\b|\bdeploy\w*|\bprotect\w*|\bsecurity\b")
_COOPERATION = _rule(
    r"\bpartners?\b|\bpartnerships?\b|\brelationships?\b|\bwork(?:ing)? (?:together |closely )?with\b|\ballies"
    r"|\bcoalition\b|\binternational\b|\bbilateral\b|\bjoint(?:ly)?\b|\bUN\b|\bUnited Nations|\bG7\b|\bG20\b"
    r"|\bNATO\b|\bEU\b|\bcountries\b|\bglobal\b")


def categorise(text: str, *, has_money: bool) -> Category:
    """The category of the commitment whose text is ``text``."""
    for category, pattern in _SPECIFIC:
        if pattern.search(text):
            return category
    if has_money:
        return Category.FUNDING
    for category, pattern in ((Category.PREVENTION, _PREVENTION), (Category.FUNDING, _FUNDING),
                              (Category.INTERNATIONAL_COOPERATION, _COOPERATION),
                              (Category.CAPABILITY_BUILDING, _CAPABILITY)):
        if pattern.search(text):
            return category
    return Category.OTHER

