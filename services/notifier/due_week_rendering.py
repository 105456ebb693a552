"""The weekly "falls due this week" message in plain words: its subject, its text, and the view its HTML
email is made of. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from schemas.due_week import DueThisWeek

from .rendering import CommitmentView, commitment_lines, commitment_view, sent_for
from .titles import title_line


@dataclass(frozen=True)
class DueItemView:
    commitment: CommitmentView
    title: str  # the release's
    url: str


@dataclass(frozen=True)
class DueDayView:
    day: str  # "Tuesday 8 December 2026"
    items: tuple[DueItemView, ...]


@dataclass(frozen=True)
class DueWeekView:
    headline: str
    span: str  # "Monday 7 December to Sunday 13 December 2026 (Europe/London)"
    days: tuple[DueDayView, ...]
    more: str | None  # "…and 12 more deadlines this week, not listed here" when the message lists a page


def _count(n: int) -> str:
    return f"{n} deadline{'' if n == 1 else 's'}"


def due_week_view(message: DueThisWeek) -> DueWeekView:
    span = f"{message.first_day:%A %-d %B} to {message.last_day:%A %-d %B %Y} ({message.time_zone})"
    days = tuple(
        DueDayView(day=f"{due:%A %-d %B %Y}", items=tuple(
            DueItemView(commitment_view(d.commitment), title=title_line(d.title), url=d.url) for d in items))
        for due, items in groupby(message.deadlines, key=lambda d: d.due))
    more = (f"\u2026and {message.more} more deadline{'' if message.more == 1 else 's'} this week, not listed here"
            if message.more else None)
    return DueWeekView(headline=f"Falls due this week: {_count(len(message.deadlines) + message.more)}",
                       span=span, days=days, more=more)


def render_due_week_subject(message: DueThisWeek) -> str:
    return (f"[pledgewatch] Due this week ({message.first_day:%-d %b} \u2013 {message.last_day:%-d %b %Y}): "
            f"{_count(len(message.deadlines) + message.more)}")


def render_due_week_text(message: DueThisWeek, *, underline: bool = True) -> str:
    """The week's deadlines by day, soonest first, each commitment with its particulars and its release, then
    the subscription it was sent for; ``underline=False`` leaves out the headings' setext underlines."""
    view = due_week_view(message)
    lines = [view.headline, *(("=" * len(view.headline),) if underline else ()), view.span]
    for day in view.days:
        lines += ["", day.day, *(("-" * len(day.day),) if underline else ())]
        for item in day.items:
            lines += commitment_lines(item.commitment)
            lines.append(f"    release: {item.title} ({item.url})")
    if view.more:
        lines += ["", view.more]
    return "\n".join([*lines, "", sent_for(message.subscription_id)]) + "\n"
