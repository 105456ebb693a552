"""Alerts and digests in plain words: the text of every channel, and the views the HTML email is made of\n(:mod:`.mail_html`). Pure."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from schemas.alerts import Alert, AlertKind, CancelledReminder
from schemas.classified import Commitment, DateDeadline, Deadline, PeriodDeadline, ResponseTimeDeadline

from . import durations
from .announcements import announced_words
from .digest import Digest
from .digest_cut import REASON, cut_digest
from .digest_once import told_once
from .digest_summary import digest_summary, entry_words, summary_words
from .release_pages import RELEASE_PAGE_WORDS, ReleasePage
from .reminders import due_date
from .titles import title_line

_HEADLINES = {
    AlertKind.NEW: "New commitments",
    AlertKind.CHANGED: "Changed commitments",
    AlertKind.REANNOUNCED: "Commitments announced again",
    AlertKind.REMINDER: "Deadline reminder",
    AlertKind.WITHDRAWN: "Release withdrawn",
}
NO_LONGER_REMINDED = "Reminders that will no longer come"


def duration_words(iso: str) -> str:
    """``PT2H`` -> ``2 hours``; ``P1DT12H`` -> ``1 day 12 hours``; ``P0D`` -> ``0 days``."""
    return durations.duration_words(iso) or "0 days"


UNSTATED_ANCHOR = "unstated"  # the classifier's anchor of a response time whose text names no event


def deadline_words(deadline: Deadline) -> str:
    """One deadline in plain words, with its source text."""
    if isinstance(deadline, DateDeadline):
        return f"due by {deadline.due:%-d %B %Y} (\u201c{deadline.text}\u201d)"
    if isinstance(deadline, PeriodDeadline):
        if deadline.end is None:
            return f"from {deadline.start:%-d %B %Y}, no definite end (\u201c{deadline.text}\u201d)"
        return f"from {deadline.start:%-d %B %Y} to {deadline.end:%-d %B %Y} (\u201c{deadline.text}\u201d)"
    assert isinstance(deadline, ResponseTimeDeadline)
    span = (duration_words(deadline.min) if deadline.min == deadline.max
            else f"{duration_words(deadline.min)} to {duration_words(deadline.max)}")
    at_once = not durations.duration_words(deadline.max)
    if deadline.anchor == UNSTATED_ANCHOR:
        rule = f"{'immediately' if at_once else f'within {span}'}, timed from an event the text does not name"
    else:
        rule = f"immediately on {_event(deadline.anchor)}" if at_once else f"within {span} of {_event(deadline.anchor)}"
    return f"a standing rule: {rule}, no calendar date, so no reminder (\u201c{deadline.text}\u201d)"


def _event(anchor: str) -> str:
    """The event a response time runs from, as a phrase: ``each release``, ``each notification``; an act as
    the text says it, ``receiving``, ``being notified`` (the classifier keeps ``notified`` of "being notified")."""
    first = anchor.split()[0].lower()
    if first.endswith("ing"):
        return anchor
    return f"being {anchor}" if first.endswith("ed") else f"each {anchor}"


@dataclass(frozen=True)
class CommitmentView:
    """One commitment in plain words, as both the text and the HTML renderings show it."""

    who: str  # "Pledge by UK", "Demand on major communications companies"
    text: str
    particulars: tuple[str, ...]  # category, counter-terrorism, confidence
    money: str | None
    deadlines: tuple[str, ...]  # each with its source text, "— passed on …" when first seen past
    changed: bool
    changes: tuple[str, ...] = ()  # since the previous version: "money £10m → £8m", ...
    reannounced: str | None = None  # "announced 3 times: 29 Nov 2017, 14 Mar 2018, 2 Feb 2019"


def commitment_view(c: Commitment, passed: Collection[int] = (), *, changed: bool = False,
                    changes: tuple[str, ...] = (), reannounced: str | None = None) -> CommitmentView:
    """``c`` in plain words; the deadlines at the indexes in ``passed`` are marked as passed."""
    kind = "Pledge by" if c.kind.value == "pledge" else "Demand on"
    deadlines = []
    for i, d in enumerate(c.deadlines):
        due = due_date(d)
        gone = f" \u2014 passed on {due:%-d %B %Y}" if i in passed and due is not None else ""
        deadlines.append(f"{deadline_words(d)}{gone}")
    particulars = (c.category.value.replace("_", " "), *(("counter-terrorism",) if c.counter_terrorism else ()),
                   f"confidence {c.confidence:.0%}")
    return CommitmentView(
        who=f"{kind} {c.actor}", text=" ".join(c.text.split()),  # a sentence may run across a paragraph break
        particulars=particulars, changed=changed, deadlines=tuple(deadlines), changes=changes, reannounced=reannounced,
        money=f"{c.money.currency} {amount_words(c.money.amount)} (\u201c{c.money.text}\u201d)" if c.money else None)


def amount_words(amount: float) -> str:
    """``10,000,000``; ``2.50`` for an amount with pence or cents (not rounded away: ``£2.50`` is not 2)."""
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"


def commitment_lines(view: CommitmentView) -> list[str]:
    """A commitment as indented plain-text lines."""
    category, *more = view.particulars
    lines = [f"- {'(changed) ' if view.changed else ''}{view.who}: {view.text}"]
    if view.reannounced:
        lines.append(f"    re-announced: {view.reannounced}")
    if view.changes:
        lines.append(f"    changed: {'; '.join(view.changes)}")
    lines.append(f"    category: {'; '.join([category, *more])}")
    if view.money:
        lines.append(f"    money: {view.money}")
    lines.extend(f"    deadline: {d}" for d in view.deadlines or ("none stated",))
    return lines


@dataclass(frozen=True)
class AlertView:
    """An alert in plain words: what the text and HTML renderings are made of."""

    headline: str
    title: str
    url: str
    published: str
    reminder: str | None
    commitments: tuple[CommitmentView, ...]
    removed: tuple[str, ...] = ()  # the words of each commitment gone since the previous version
    unmatched: tuple[str, ...] = ()  # each commitment edited out of the filter: its words, then what changed
    withdrawn: str | None = None  # a withdrawal: the publisher's notice, and that these were the commitments told
    cancelled: str | None = None  # a withdrawal: that their reminders are cancelled
    partial: str | None = None  # the release was read only in part: why, and that more may be missing
    no_longer_reminded: tuple[str, ...] = ()  # each reminder this version cancels: its day, deadline and commitment


def _withdrawal_words(alert: Alert) -> tuple[str | None, str | None]:
    """What a withdrawal alert says above and below its commitments; nothing for another kind."""
    if alert.kind is not AlertKind.WITHDRAWN:
        return None, None
    notice = (f"The publisher withdrew this release: \u201c{' '.join(alert.withdrawn_notice.split())}\u201d"
              if alert.withdrawn_notice else "The publisher withdrew this release (no notice given).")
    count = len(alert.commitments)
    held = f"It held {'this commitment' if count == 1 else f'these {count} commitments'}, which you were told of:"
    return (f"{notice} {held}",
            f"Reminders of {'its' if count == 1 else 'their'} deadlines are cancelled: none will be sent for this release.")


def _days_off(due: date, today: date) -> tuple[str, str]:
    """``("falls due", "tomorrow")``, ``("falls due", "in 7 days")``, ``("fell due", "3 days ago")``."""
    days = (due - today).days
    verb = "falls due" if days >= 0 else "fell due"
    if days in (0, 1, -1):
        return verb, ("today", "tomorrow", "yesterday")[days]
    return verb, f"in {days} days" if days > 0 else f"{-days} days ago"


def due_words(due: date, *, today: date) -> str:
    """How far off ``due`` is from ``today`` (the subscriber's day), with its weekday: ``falls due tomorrow, Sunday 6
    December 2026``, ``falls due in 7 days, on …``, ``fell due yesterday, …`` (a reminder sent late)."""
    verb, when = _days_off(due, today)
    return f"{verb} {when}, {'on ' if ' ' in when else ''}{due:%A %-d %B %Y}"


def alert_view(alert: Alert, *, sent_on: date | None = None) -> AlertView:
    """``alert`` in plain words; a reminder counts the days to its due date from ``sent_on`` (the day a digest
    holding it is sent), by default the day it was decided, in the zone it is written in (its subscription's:
    :func:`.zones.in_zone`)."""
    passed: dict[str, set[int]] = {}
    for key in alert.elapsed:  # "<commitment id>:<deadline index>"
        commitment_id, _, index = key.rpartition(":")
        passed.setdefault(commitment_id, set()).add(int(index))
    mixed = headline(alert) == "New and changed commitments"
    reminder = None
    if alert.reminder is not None:
        today = sent_on or alert.created_at.date()
        reminder = f"The deadline {due_words(alert.reminder.due, today=today)}."
    said = {c.commitment_id: tuple(f.words for f in c.changes) for c in alert.changes
            if c.commitment_id in {c.id for c in alert.commitments}}
    removed = tuple(f.before or "" for c in alert.changes for f in c.changes
                    if f.field == "commitment" and f.after is None)
    unmatched = tuple(f"{f.after} ({'; '.join(g.words for g in c.changes)})" for c in alert.changes
                      for f in c.changes if f.field == "filter" and f.before is not None)
    # From the announcements, not ``words``: an alert decided before they were cut short (in a digest's buffer,
    # say) has every date in its words.
    repeats = {r.commitment_id: announced_words(r.announcements) for r in alert.reannounced}
    withdrawn, cancelled = _withdrawal_words(alert)
    partial = (f"Read only in part ({alert.unsupported_reason}): the release may hold commitments not listed here."
               if alert.unsupported_reason else None)
    return AlertView(
        headline=headline(alert), removed=removed, unmatched=unmatched, withdrawn=withdrawn, cancelled=cancelled,
        partial=partial, no_longer_reminded=tuple(cancelled_words(r) for r in alert.cancelled_reminders),
        title=title_line(alert.release.title),
        url=alert.release.url, reminder=reminder,
        published=f"published {published_words(alert.release.published_at)} (version {alert.release.version})",
        commitments=tuple(commitment_view(c, passed.get(c.id, ()), changed=mixed and c.id in alert.changed,
                                          changes=said.get(c.id, ()), reannounced=repeats.get(c.id))
                           for c in alert.commitments))


def cancelled_words(reminder: CancelledReminder) -> str:
    """``Wednesday 24 March 2027 (7 days before 31 March 2027): <the commitment's words>``; ``(on the day)``."""
    before = (f"{duration_words(reminder.offset)} before {reminder.due:%-d %B %Y}"
              if durations.duration_words(reminder.offset) else "on the day")
    return f"{reminder.on:%A %-d %B %Y} ({before}): {reminder.commitment}"


def published_words(moment: datetime) -> str:
    """``5 December 2026 09:30 UTC``; ``5 December 2026`` alone at exactly midnight UTC, which is how ingest
    stores a date given without a time (a file named by its date, ``date: 2026-12-05``, a feed's date-only
    entry): a time it never had is not shown. A time given as exactly 00:00:00 UTC loses only its time of day."""
    if moment.utcoffset() == timedelta(0) and moment.time() == time(0):
        return f"{moment:%-d %B %Y}"
    return f"{moment:%-d %B %Y %H:%M %Z}"


def headline(alert: Alert) -> str:
    """``New commitments``, ``Changed commitments``, ``New and changed commitments``, ``Commitments announced
    again``, ``Deadline reminder`` or ``Release withdrawn``."""
    if alert.kind is AlertKind.CHANGED and 0 < len(alert.changed) < len(alert.commitments):
        return "New and changed commitments"
    return _HEADLINES[alert.kind]


def subject(alert: Alert) -> str:
    if alert.reminder is not None and alert.kind is AlertKind.REMINDER:
        verb, when = _days_off(alert.reminder.due, alert.created_at.date())  # its subscriber's day
        said = "Due" if verb == "falls due" else "Fell due"
        return f"[pledgewatch] {said} {when}, {alert.reminder.due:%A %-d %B %Y}: {title_line(alert.release.title)}"
    return f"[pledgewatch] {headline(alert)}: {title_line(alert.release.title)}"


def render_text(alert: Alert, *, sent_on: date | None = None, release_page: ReleasePage | None = None,
                underline: bool = True) -> str:
    """A readable alert: headline, title, URL, each commitment with its particulars (a changed
    one marked ``(changed)`` when the alert also has new ones, and what changed in it; a re-announced one
    with its announcements), then the reminders the version cancels (each with its day, deadline and commitment),
    then the commitments removed since the previous version, then those edited so
    that the subscription no longer selects them. A withdrawal says so (with the publisher's notice) above the
    commitments the subscriber was told of, and that their reminders are cancelled below them. Then the
    release's page (``release_page``: release id -> its address) and the subscription it was sent for.
    ``underline=False`` leaves out the heading's setext underline (chat services show it as it is)."""
    lines = _alert_lines(alert, sent_on=sent_on, release_page=release_page, underline=underline)
    return "\n".join([*lines, "", sent_for(alert.subscription_id)]) + "\n"


def sent_for(subscription_id: str) -> str:
    """The plain text's last line, naming the subscription once: ``Sent by pledgewatch for the subscription desk.``"""
    return f"Sent by pledgewatch for the subscription {subscription_id}."


def _alert_lines(alert: Alert, *, sent_on: date | None, release_page: ReleasePage | None,
                 underline: bool) -> list[str]:
    view = alert_view(alert, sent_on=sent_on)
    head = f"{view.headline} \u2014 {view.title}"
    lines = [head, *(("=" * len(head),) if underline else ()), view.url, view.published]
    for paragraph in (view.reminder, view.withdrawn, view.partial):  # each a paragraph, as in the HTML
        if paragraph is not None:
            lines += ["", paragraph]
    lines.append("")
    for c in view.commitments:
        lines.extend(commitment_lines(c))
    # each closing part a paragraph of its own: right under a commitment it would read as one of its lines
    if view.cancelled is not None:
        lines += _apart(lines, [view.cancelled])
    if view.no_longer_reminded:
        lines += _apart(lines, [f"{NO_LONGER_REMINDED} ({len(view.no_longer_reminded)}):",
                                *(f"- {words}" for words in view.no_longer_reminded)])
    if view.removed:
        lines += _apart(lines, [f"Removed since the previous version ({len(view.removed)}):",
                                *(f"- removed: {text}" for text in view.removed)])
    if view.unmatched:
        lines += _apart(lines, [f"No longer matching this subscription ({len(view.unmatched)}):",
                                *(f"- {text}" for text in view.unmatched)])
    if release_page is not None:
        lines += ["", f"{RELEASE_PAGE_WORDS}: {release_page(alert.release.release_id)}"]
    return lines


def _apart(above: list[str], part: list[str]) -> list[str]:
    """``part``, after a blank line unless ``above`` ends with one."""
    return part if above and above[-1] == "" else ["", *part]


def digest_day(digest: Digest) -> date:
    """The day a digest is sent, in the zone its moment is written in (its subscription's: :func:`.zones.in_zone`):
    its reminders count the days to their due dates from it."""
    return digest.until.date()


def digest_headline(digest: Digest) -> str:
    """``Daily digest, Saturday 5 December 2026: 3 alerts``: the day it is sent (:func:`digest_day`) and how many
    it holds."""
    count = len(digest.alerts)
    return f"Daily digest, {digest_day(digest):%A %-d %B %Y}: {count} alert{'' if count == 1 else 's'}"


def render_digest_text(digest: Digest, *, release_page: ReleasePage | None = None, underline: bool = True,
                       shown: int | None = None) -> str:
    """The digest: a summary (how many releases and commitments, then each section's title, counter-terrorism
    first), each alert as :func:`render_text` writes it but for the subscription, named once at the end, each
    commitment once (:func:`.digest_once.told_once`). ``shown``: only the first commitments listed, then how many more and each release's page (:mod:`.digest_cut`)."""
    digest = told_once(digest)
    head = digest_headline(digest)
    summary = digest_summary(digest)
    cut = cut_digest(digest, shown, release_page)
    lines = [head, *(("#" * len(head),) if underline else ()), f"{summary_words(summary)}:"]
    lines += [f"- {e.title} ({headline(digest.alerts[e.number - 1])}): {entry_words(e)}" for e in summary.entries]
    for alert in cut.alerts:
        lines += ["", *_alert_lines(alert, sent_on=digest_day(digest), release_page=release_page,
                                    underline=underline)]
    if cut.not_listed:
        lines += ["", f"{cut.words()}, {REASON}"]
        lines += [f"- {n.title} ({n.count} not listed): {n.page}" for n in cut.not_listed]
    return "\n".join([*lines, "", sent_for(digest.subscription_id)]) + "\n"


def render_digest_subject(digest: Digest) -> str:
    return f"[pledgewatch] {digest_headline(told_once(digest))}"
