"""What changed in a commitment between two versions, field by field, in plain words. Pure."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from schemas.classified import Commitment, DateDeadline, Deadline, Money, PeriodDeadline, ResponseTimeDeadline

Field = Literal["commitment", "text", "actor", "kind", "category", "counter_terrorism", "money", "deadlines"]


class FieldChange(BaseModel):
    """One field of a commitment, before and after, as a reader would say it."""

    model_config = ConfigDict(frozen=True)

    field: Field
    before: str | None
    after: str | None

    def words(self) -> str:
        """"money £10m → £8m", "deadline 31 Mar 2018 → 30 Jun 2018", "money added: £5m", "removed"."""
        if self.field == "commitment":
            return "removed" if self.after is None else "restored"
        name = self.field.replace("_", "-")
        if self.field == "deadlines":
            several = any(_DEADLINES_APART in (side or "") for side in (self.before, self.after))
            name = "deadlines" if several else "deadline"
        if self.before is None:
            return f"{name} added: {self.after}"
        if self.after is None:
            return f"{name} dropped: {self.before}"
        return f"{name} {self.before} \u2192 {self.after}"


def field_changes(old: Commitment, new: Commitment) -> list[FieldChange]:
    """The fields a reader would see changed from ``old`` to ``new``, in a fixed order; offsets and the
    classifier's confidence are not changes, nor two ways of writing one amount ("£10m", "£10 million")."""
    compared = (  # (field, what is compared, what is shown)
        ("actor", old.actor.lower(), new.actor.lower(), old.actor, new.actor),
        ("kind", old.kind, new.kind, old.kind.value, new.kind.value),
        ("category", old.category, new.category, _category(old), _category(new)),
        ("counter_terrorism", old.counter_terrorism, new.counter_terrorism,
         _yes_no(old.counter_terrorism), _yes_no(new.counter_terrorism)),
        ("money", _amount(old.money), _amount(new.money), money_words(old.money), money_words(new.money)),
        ("deadlines", _deadlines_words(old.deadlines), _deadlines_words(new.deadlines),
         _deadlines_words(old.deadlines), _deadlines_words(new.deadlines)),
    )
    changes = [FieldChange(field=name, before=shown_before, after=shown_after)
               for name, before, after, shown_before, shown_after in compared if before != after]
    old_text, new_text = _spaced(old.text), _spaced(new.text)
    told = {change.field for change in changes}
    if old_text != new_text and _untold_words(old, told) != _untold_words(new, told):
        changes.insert(0, FieldChange(field="text", before=old_text, after=new_text))
    return changes


def _untold_words(c: Commitment, told: set[str]) -> str:
    """``c``'s text with the wording of the fields in ``told`` cut out: "£10m" become "£8m" is the money's change
    alone, while "200 officers by March" become "300 officers by June" changes words no field tells."""
    wordings = [*([c.money.text] if "money" in told and c.money else []),
                *([d.text for d in c.deadlines] if "deadlines" in told else [])]
    patterns = [re.escape(_spaced(w)) for w in wordings if w.strip()]
    if "actor" in told and c.actor.strip():  # "The UK will" become "France will"
        patterns.append(r"(?<!\w)(?:the\s+)?" + re.escape(_spaced(c.actor)) + r"(?!\w)")
    text = _spaced(c.text)
    for pattern in sorted(patterns, key=len, reverse=True):  # a wording within another goes with it
        text = re.sub(pattern, _CUT, text, flags=re.IGNORECASE)
    return text


_CUT = "\x00"  # where a told field's wording was: in no text, so no two texts compare alike by it


def _spaced(words: str) -> str:
    return " ".join(words.split())  # a sentence may run across a paragraph break


def money_words(money: Money | None) -> str | None:
    """The amount as written ("£10m"), or None."""
    return None if money is None else money.text


def _amount(money: Money | None) -> tuple[str, float] | None:
    return None if money is None else (money.currency, money.amount)


def _deadlines_words(deadlines: list[Deadline]) -> str | None:
    return _DEADLINES_APART.join(deadline_words(d) for d in deadlines) or None


# Between the deadlines of one commitment: not "; ", which parts the fields of a version's changes on a line
_DEADLINES_APART = ", "


def deadline_words(deadline: Deadline) -> str:
    """A deadline by what it resolves to, not its wording: "31 Mar 2018", "1 Apr 2018 to 31 Mar 2021",
    "within 1-2 h of release"."""
    if isinstance(deadline, DateDeadline):
        return _day(deadline.due)
    if isinstance(deadline, PeriodDeadline):
        return f"{_day(deadline.start)} to {_day(deadline.end) if deadline.end else 'no definite end'}"
    assert isinstance(deadline, ResponseTimeDeadline)
    span = deadline.min if deadline.min == deadline.max else f"{deadline.min}-{deadline.max}"
    return f"within {span} of {deadline.anchor}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _category(c: Commitment) -> str:
    return c.category.value.replace("_", " ")


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
