"""What the dashboard's templates show, built from the ledger's entries and the subscriptions. Pure: no
Redis, no HTTP; ``today`` and ``now`` are arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone
from urllib.parse import quote

from schemas.classified import Deadline
from services.common.durations import gap_label
from services.common.money import AmountRange
from services.ledger.core.deadline_states import deadline_state
from services.ledger.core.entries import EntryState, LedgerEntry
from services.ingest.source_reads import SourceView
from services.ledger.models import ReleaseSummary
from services.notifier.addresses import shown_mailbox
from services.notifier.announcements import times_announced
from services.notifier.reminders import REMIND_AT, due_date
from services.notifier.store import UnreadableSubscription
from services.notifier.subscriptions import Filter, Subscription, channel_public, channels_summary
from services.notifier.templates import web_address
from services.notifier.unreadable import problems_text

from .deliveries import DeliveryStatus
from .highlight import Piece, highlighted
from .schedules import reminders_label, weekly_label


def day_label(day: date) -> str:
    """``29 Nov 2017``."""
    return f"{day.day} {day:%b %Y}"


def utc_day_label(when: datetime) -> str:
    """The UTC day of ``when`` (``6 Dec 2026`` for 23:30 on 5 December in New York): the day the lists of releases
    show and search by, whatever zone the publisher wrote."""
    return day_label(when.astimezone(timezone.utc).date())


def category_label(category: str) -> str:
    return category.replace("_", " ")


@dataclass(frozen=True)
class DeadlineView:
    text: str  # as the release states it
    due: str | None  # its day, None for a standing one (a response time, a period with no end)
    state: str  # upcoming, due, passed, standing; cancelled when its commitment was removed or withdrawn


@dataclass(frozen=True)
class CommitmentView:
    key: str
    anchor: str  # its id on its release's page (:func:`commitment_anchor`)
    link: str  # its place on its release's page, to cite it by (:func:`commitment_link`)
    pieces: list[Piece]
    kind: str
    actor: str
    category: str
    counter_terrorism: bool
    money: str | None
    deadlines: list[DeadlineView]
    state: str  # the ledger's: active, changed, removed, withdrawn
    announced: int  # how many times, counting this one (1: once)
    changes: list[str] = field(default_factory=list)  # "version 2: money £10m → £8m", one per version that changed it

    @property
    def former_anchor(self) -> str | None:
        """Its id before the key was given once (``c-c-0f3a…``, the prefix again), still given so that a link
        cited by it lands on it; None when that was its id already."""
        former = f"c-{self.key}"
        return None if former == self.anchor else former


@dataclass(frozen=True)
class ReleaseView:
    release_id: str
    title: str
    url: str | None
    source: str | None
    published: str | None
    version: int
    commitments: list[CommitmentView]
    total: int  # commitments in the release (some may not be shown)
    partial: str | None = None  # why the release was read only in part
    withdrawn: bool = False  # its publisher withdrew it (the last version read): every commitment it held is withdrawn
    withdrawn_notice: str | None = None  # the publisher's notice of it, when it gave one
    removed: int = 0  # of ``total``, those a later version took out
    withdrawn_commitments: int = 0  # of ``total``, those withdrawn with the release

    @property
    def more(self) -> int:
        return self.total - len(self.commitments)

    @property
    def counted(self) -> str:
        return commitments_counted(self.total, self.removed, self.withdrawn_commitments)


def commitments_counted(total: int, removed: int, withdrawn: int) -> str:
    """``3 commitments (1 removed by a later version)``, ``2 commitments (both withdrawn)``: the ledger keeps those
    a version took out or withdrew, counted apart from those still made."""
    words = f"{total} commitment{'' if total == 1 else 's'}"
    apart = [f"{removed} removed by a later version"] if removed else []
    if withdrawn:
        apart.append("withdrawn" if withdrawn == total == 1 else "both withdrawn" if withdrawn == total == 2
                     else "all withdrawn" if withdrawn == total else f"{withdrawn} withdrawn")
    return f"{words} ({', '.join(apart)})" if apart else words


def deadline_view(deadline: Deadline, *, today: date) -> DeadlineView:
    day = due_date(deadline)
    return DeadlineView(deadline.text, day_label(day) if day else None, deadline_state(deadline, today=today).value)


def commitment_anchor(key: str) -> str:
    """The id of the commitment of ledger key ``key`` on its release's page: the key, which the classifier begins
    with ``c-`` (``c-0f3a9d2b7c41e865``); another's key given that prefix, so that every such id reads alike."""
    return key if key.startswith("c-") else f"c-{key}"


def commitment_link(entry: LedgerEntry) -> str:
    """The address of ``entry`` on its release's page: by its ledger key, which every version keeps."""
    return f"/dashboard/releases/{quote(entry.release_id, safe='/')}#{quote(commitment_anchor(entry.key), safe='')}"


def commitment_view(entry: LedgerEntry, *, today: date, announced: int = 1) -> CommitmentView:
    c = entry.commitment
    deadlines = [deadline_view(d, today=today) for d in c.deadlines]
    if entry.state in (EntryState.REMOVED, EntryState.WITHDRAWN):  # its deadlines are due for no one
        deadlines = [replace(d, state="cancelled") for d in deadlines]
    return CommitmentView(
        key=entry.key, anchor=commitment_anchor(entry.key), link=commitment_link(entry),
        pieces=highlighted(c), kind=c.kind.value, actor=c.actor, category=category_label(c.category.value),
        counter_terrorism=c.counter_terrorism, money=c.money.text if c.money else None,
        deadlines=deadlines, state=entry.state.value, announced=announced,
        changes=[f"version {h.version}: " + ("; ".join(change.words() for change in h.changes) or "withdrawn")
                 for h in entry.history])  # a withdrawal is the one version that changes no field


def release_view(summary: ReleaseSummary, entries: list[LedgerEntry], *, today: date,
                 chain_sizes: dict[str, int] | None = None, shown: int | None = None) -> ReleaseView:
    """A release with its commitments in the order they stand in its text (the first ``shown`` of them);
    ``chain_sizes``: how many announcements each chain (by its first key) holds."""
    sizes = chain_sizes or {}
    ordered = sorted(entries, key=lambda e: e.commitment.span[0])
    views = [commitment_view(e, today=today, announced=sizes.get(e.chain or e.key, 1)) for e in ordered[:shown]]
    return ReleaseView(
        release_id=summary.release_id, title=summary.title or summary.release_id, url=_web_link(summary.url),
        source=summary.source, published=utc_day_label(summary.published_at) if summary.published_at else None,
        version=summary.version, commitments=views, total=len(entries), partial=summary.unsupported_reason,
        withdrawn=summary.withdrawn, withdrawn_notice=summary.withdrawn_notice,
        removed=sum(e.state == EntryState.REMOVED for e in entries),
        withdrawn_commitments=sum(e.state == EntryState.WITHDRAWN for e in entries))


PASSED_LABEL = "passed: whether met is not known"  # it records what was promised, not what was done


@dataclass(frozen=True)
class ReleaseRow:
    """A release in the list of them all: what it is, when, and how many commitments it holds."""

    release_id: str
    title: str
    published: str | None
    source: str | None
    commitments: int
    version: int
    withdrawn: bool
    counted: str = ""  # "3 commitments (1 removed by a later version)": :func:`commitments_counted`


def release_rows(summaries: Iterable[ReleaseSummary]) -> list[ReleaseRow]:
    return [ReleaseRow(release_id=s.release_id, title=" ".join((s.title or s.release_id).split()),
                       published=utc_day_label(s.published_at) if s.published_at else None,
                       source=s.source,
                       commitments=s.commitments, version=s.version, withdrawn=s.withdrawn,
                       counted=commitments_counted(s.commitments, s.removed, s.withdrawn_commitments))
            for s in summaries]


@dataclass(frozen=True)
class TimelineItem:
    due: str
    state: str  # upcoming or due (within a week)
    deadline: str  # as the release states it
    actor: str
    text: str
    release_id: str
    title: str
    link: str  # the commitment on its release's page (:func:`commitment_link`)
    label: str = ""  # what the page says of it: "due today", "due tomorrow", "due in 5 days", "upcoming"


@dataclass(frozen=True)
class TimelineMonth:
    month: str  # "November 2020"
    items: list[TimelineItem]


def timeline(due: Iterable[tuple[date, Deadline | None, LedgerEntry]], *, today: date) -> list[TimelineMonth]:
    """Deadlines (already in the order shown: soonest or latest first) grouped by the month they fall due in."""
    months: list[TimelineMonth] = []
    for day, deadline, entry in due:
        label = f"{day:%B %Y}"
        if not months or months[-1].month != label:
            months.append(TimelineMonth(label, []))
        state = deadline_state(deadline, today=today).value if deadline is not None \
            else "passed" if day < today else "upcoming"
        months[-1].items.append(TimelineItem(
            due=day_label(day), state=state, deadline=deadline.text if deadline else "",
            actor=entry.commitment.actor, text=" ".join(entry.commitment.text.split()),
            release_id=entry.release_id, title=entry.title, link=commitment_link(entry), label=_soon_label(state, (day - today).days)))
    return months


def _soon_label(state: str, days: int) -> str:
    if state == "passed":
        return PASSED_LABEL
    if state != "due":
        return state
    return "due today" if days <= 0 else "due tomorrow" if days == 1 else f"due in {days} days"


@dataclass(frozen=True)
class Announcement:
    day: str
    title: str
    release_id: str
    source: str
    link: str  # the commitment on its release's page (:func:`commitment_link`)


@dataclass(frozen=True)
class ChainView:
    actor: str
    money: str | None
    text: str  # as the latest announcement states it
    announcements: list[Announcement]  # the first first

    @property
    def summary(self) -> str:
        """As an alert's words put it (:func:`times_announced`): past a few dates, the first and the latest
        (every date is in the list under it)."""
        return times_announced([a.day for a in self.announcements])


def chain_view(chain: list[LedgerEntry]) -> ChainView:
    """One commitment announced more than once (``chain``: every announcement, the first first)."""
    latest = chain[-1].commitment
    return ChainView(actor=latest.actor, money=latest.money.text if latest.money else None,
                     text=" ".join(latest.text.split()),
                     announcements=[Announcement(utc_day_label(e.published_at), e.title, e.release_id, e.source,
                                                 commitment_link(e)) for e in chain])


def filter_summary(flt: Filter) -> str:
    """The criteria a filter holds, in words: ``counter-terrorism; categories: funding, training``."""
    parts = ["counter-terrorism"] if flt.counter_terrorism else []
    for name, values in (("categories", flt.categories), ("kinds", flt.kinds), ("actors", flt.actors),
                         ("keywords", flt.keywords), ("sources", flt.sources)):
        if values:
            parts.append(f"{name}: " + ", ".join(category_label(getattr(v, "value", v)) for v in values))
    if flt.min_confidence:
        parts.append(f"confidence ≥ {flt.min_confidence:g}")
    if (money := flt.money) is not None:
        parts.append(f"money: {_money_range(money)}")
    return "; ".join(parts) or "every commitment"


def _money_range(money: AmountRange) -> str:
    """``GBP 10,000,000 or more``, ``EUR 2,500 or less``, ``USD 1 to 1,500,000,000``, ``in NZD``."""
    def amount(value: float) -> str:
        return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    if money.low is not None and money.high is not None:
        return f"{money.currency} {amount(money.low)} to {amount(money.high)}"
    if money.low is not None:
        return f"{money.currency} {amount(money.low)} or more"
    if money.high is not None:
        return f"{money.currency} {amount(money.high)} or less"
    return f"in {money.currency}"


def channel_summary(sub: Subscription) -> str:
    """Its channels as the API shows them (URLs and secrets redacted)."""
    return channels_summary(channel_public(channel) for channel in sub.channels)


@dataclass(frozen=True)
class SubscriptionRow:
    id: str
    origin: str  # "file" (read-only here) or "api"
    filter: str
    channels: str
    mode: str
    paused_until: str | None  # "until 31 Jan 2027 09:00 UTC"; None: active
    status: DeliveryStatus = field(default_factory=DeliveryStatus)
    reminders: str = ""  # "30 days, 7 days and 1 day before each dated deadline, and on the day, at 09:00 UTC"
    weekly: str | None = None  # "Mondays at 08:00 (UTC): the deadlines of the 7 days ahead"; None: off
    unsubscribed: tuple[str, ...] = ()  # the addresses its email channels leave out: they used an email's link

    @property
    def editable(self) -> bool:
        return self.origin == "api"


def subscription_rows(subs: Iterable[tuple[Subscription, str]], statuses: dict[str, DeliveryStatus], *,
                      now: datetime, remind_at: time = REMIND_AT,
                      unsubscribed: Mapping[str, Iterable[str]] | None = None) -> list[SubscriptionRow]:
    """One row per (subscription, origin); a pause already over shows as active. ``remind_at``: the time of day
    reminders go out (``PLEDGEWATCH_REMINDER_TIME``); ``unsubscribed``: by id, who unsubscribed from it."""
    unsubscribed = unsubscribed or {}
    rows = []
    for sub, origin in subs:
        paused = sub.paused_until if sub.paused_until is not None and sub.paused_until > now else None
        rows.append(SubscriptionRow(
            id=sub.id, origin=origin, filter=filter_summary(sub.filter), channels=channel_summary(sub), mode=sub.mode,
            paused_until=_utc_label(paused) if paused else None,
            status=statuses.get(sub.id, DeliveryStatus()),
            reminders=reminders_label(sub.reminders, remind_at, sub.timezone),
            weekly=weekly_label(sub.due_this_week, sub.timezone),
            unsubscribed=tuple(sorted(shown_mailbox(key) for key in unsubscribed.get(sub.id, ())))))
    return rows


@dataclass(frozen=True)
class UnreadableRow:
    """A stored subscription this version cannot read: what is wrong, and how to fix it."""

    id: str
    problems: tuple[str, ...]  # "reminders: List should have at most 20 items after validation, not 24"


def unreadable_rows(unreadable: Iterable[UnreadableSubscription]) -> list[UnreadableRow]:
    return [UnreadableRow(u.sub_id, tuple(problems_text([e]) for e in u.errors)) for u in unreadable]


def _utc_label(when: datetime) -> str:
    when = when.astimezone(timezone.utc)
    return f"{day_label(when.date())} {when:%H:%M} UTC"


def _web_link(url: str | None) -> str | None:
    """``url`` when a browser may follow it (http or https with a host), else None (a file:// or other scheme is
    no link)."""
    return url if url and web_address(url) else None


@dataclass(frozen=True)
class QuietSourceRow:
    id: str
    kind: str
    last_release: str  # "27 Nov 2026 09:30 UTC"
    usual_gap: str  # "1 day", "6 hours"
    quiet_since: str


@dataclass(frozen=True)
class FailingSourceRow:
    id: str
    kind: str
    since: str  # "1 Dec 2026 08:55 UTC"
    failures: str  # "3 polls in a row"
    error: str


def failing_source_rows(sources: Iterable[SourceView]) -> list[FailingSourceRow]:
    """The sources whose latest polls all failed, the longest failing first."""
    failing = sorted(((s.failing, s) for s in sources if s.failing), key=lambda f: f[0].since)
    return [FailingSourceRow(id=s.id, kind=s.kind, since=_utc_label(f.since), error=f.error,
                             failures=f"{f.failures} poll{'' if f.failures == 1 else 's'} in a row")
            for f, s in failing]


def quiet_source_rows(sources: Iterable[SourceView]) -> list[QuietSourceRow]:
    """The sources judged quiet, the longest quiet first; the others need no one's attention."""
    quiet = [(s.quiet_since, s.last_release, s) for s in sources if s.quiet_since and s.last_release]
    return [QuietSourceRow(id=s.id, kind=s.kind, last_release=_utc_label(last), quiet_since=_utc_label(since),
                           usual_gap=gap_label(s.usual_gap_seconds or 0))
            for since, last, s in sorted(quiet, key=lambda q: q[0])]
