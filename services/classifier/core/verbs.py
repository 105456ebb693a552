"""Word lists that decide whether "X will VERB" commits someone to act."""

from __future__ import annotations

from typing import Final

# "will VERB" that predicts, describes or evaluates rather than commits ("this will help", "will mean").
NEVER: Final = frozenset(
    "mean means help allow enable need vary fit seem appear depend remain cost benefit affect become face "
    "last happen arise lead result matter know feel want like expect hope reflect prove suffer struggle "
    "mark play determine replace differ tend suit owe get apply experience serve explain say speak "
    "miss regret remember".split()
)
# Verbs that commit only when an agent acts ("we will ensure", not "the new rules will ensure").
AGENT_ONLY: Final = frozenset(
    "ensure reduce increase improve boost transform enhance save protect prevent encourage raise cut bring give "
    "seek try attempt aim look make keep strengthen tackle deter stop change drive secure accelerate clarify "
    "bring focus provide".split()
)
# Past participles that are not -ed/-en words.
_IRREGULAR_PARTICIPLES: Final = frozenset(
    "set put paid made held built given taken spent run shown sent brought led kept met cut done seen known "
    "laid lent read sold told taught thought sought bought found heard left meant begun drawn "
    "driven written chosen frozen spoken broken undertaken overseen withdrawn struck rolled upheld".split()
)
# -ed/-en words that are adjectives after "will be" ("will be delighted", "will be open").
_ADJECTIVES: Final = frozenset(
    "pleased delighted interested concerned based able open ready free legally limited available sufficient "
    "needed tired worried excited proud grateful surprised disappointed happy glad keen aware tasked "
    "likely unable eligible entitled liable even often golden hidden wooden sudden broken".split()
)


def is_participle(word: str) -> bool:
    """A passive past participle ("extended", "put", "published"), not an adjective."""
    word = word.lower()
    if word in _ADJECTIVES:
        return False
    return word in _IRREGULAR_PARTICIPLES or (len(word) > 3 and word.endswith(("ed", "en")) and word.isascii()
                                              and word.isalpha())  # [a-z]+(?:ed|en): lowered, so no A-Z is left


def is_gerund(word: str) -> bool:
    return len(word) > 4 and word.lower().endswith("ing") and word.lower() not in ("nothing", "something", "thing")
