"""What to tell a subscriber about one classified release. Pure; time is an argument.

The idempotency record of a subscriber is ``sent``: commitment id -> ``"<version>:<fingerprint>"``
of what it was last told. A commitment not in it is *new*; one whose fingerprint
changed in a later version is *changed*; anything else was already sent.

One message per release version per subscriber: its new and changed commitments go in one
alert (kind ``changed`` when any changed, its ids in ``changed``; else ``new`` or ``reannounced``). A deadline
already past when its commitment is first seen (new or changed) is reported inside that alert, listed in its
``elapsed`` as ``"<commitment id>:<deadline index>"`` (its place in the alert's commitment), and recorded once
(``elapsed_sent``) as ``"<commitment id>:<deadline number>"`` (:mod:`services.ledger.core.deadline_refs`: its place
unless a version wrote a deadline before another), so it is never reported as passed again, whatever a later
version writes before it or however it words the commitment; it is never scheduled as a reminder.

Paired against the release's previous version (:class:`.version_changes.VersionBasis`), an edit that gives a
commitment a new id ("£10m" -> "£8m") is *changed*, not new, when the subscriber was told of the commitment it
was; one the subscriber was told of and now gone is reported *removed* (recorded ``REMOVED``, so that its return
is *restored*); one edited so that the filter no longer selects it is reported as such (recorded ``UNMATCHED``,
so that a later match is told again). All are described field by field in the alert's ``changes``.

A commitment new to the subscriber that announces again one they were told of (same chain, see
:mod:`.announcements`) is marked in ``reannounced``, or left out when the subscription opts out.

A withdrawn release is told, once (recorded ``WITHDRAWN``), to a subscriber told of any of its commitments: the
alert (kind ``withdrawn``, with the publisher's notice) lists those, as last told; it plans no reminder, so theirs
are cancelled. Nothing else of the version (its new text's commitments, what it dropped) is told.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime, time

from schemas.alerts import Alert, AlertKind, Announcement, CommitmentChange, Reannouncement, ReleaseRef, ReminderDue
from schemas.classified import Commitment, ReleaseClassified

from .announcements import reannouncement, repeats_told, written_twice
from .cancelled_reminders import cancelled_reminders
from .durations import canonical_duration
from .matching import commitment_matches, matching_commitments
from .reminders import REMIND_AT, is_elapsed, numbers_of
from .zones import in_zone
from .subscriptions import Subscription
from .version_changes import (FIRST_VERSION, VersionBasis, commitment_change, matches_again, no_longer_matches,
                              restored)


# Recorded in place of a fingerprint: the subscriber was told it was removed, that it left their filter, or that
# its release was withdrawn.
REMOVED, UNMATCHED, WITHDRAWN = "removed", "unmatched", "withdrawn"


_SORTED_JSON = json.JSONEncoder(sort_keys=True)  # as json.dumps(..., sort_keys=True), made once


def fingerprint(commitment: Commitment) -> str:
    """Hash of what a subscriber cares about; spans and confidence excluded, so an edit
    elsewhere in the release (which shifts offsets) does not read as a change."""
    data = commitment.model_dump(mode="json", exclude={"span", "confidence"})
    if data.get("money"):
        data["money"].pop("span", None)
    for deadline in data.get("deadlines", []):
        deadline.pop("span", None)
    return hashlib.sha256(_SORTED_JSON.encode(data).encode()).hexdigest()[:16]


class Shared:
    """What planning one release works out once for all its subscribers: each commitment's fingerprint (a dump,
    a JSON encoding and a hash), its re-announcement (its chain's dates in words), whoever it is told to, and the
    release's reference in their alerts."""

    def __init__(self) -> None:
        self._fingerprints: dict[str, str] = {}
        self._repeats: dict[str, Reannouncement] = {}
        self._ref: ReleaseRef | None = None
        self._written_twice: dict[str, str] | None = None

    def release_ref(self, release: ReleaseClassified) -> ReleaseRef:
        """:func:`release_ref` of the one release this is shared for, built once (it is immutable)."""
        if self._ref is None:
            self._ref = release_ref(release)
        return self._ref

    def written_twice(self, release: ReleaseClassified) -> dict[str, str]:
        """:func:`.announcements.written_twice` of the release's commitments, worked out once."""
        if self._written_twice is None:
            self._written_twice = written_twice(release.commitments)
        return self._written_twice

    def fingerprint(self, commitment: Commitment) -> str:
        fp = self._fingerprints.get(commitment.id)
        if fp is None:
            fp = self._fingerprints[commitment.id] = fingerprint(commitment)
        return fp

    def reannouncement(self, commitment_id: str, chain: Sequence[Announcement], told: Mapping[str, str]
                       ) -> Reannouncement | None:
        """:func:`.announcements.reannouncement`, built once per commitment (the chain is the release's)."""
        if not repeats_told(commitment_id, chain, told):
            return None
        repeat = self._repeats.get(commitment_id)
        if repeat is None:
            repeat = self._repeats[commitment_id] = reannouncement(commitment_id, chain, told)
        return repeat


def release_ref(release: ReleaseClassified) -> ReleaseRef:
    return ReleaseRef(release_id=release.release_id, version=release.version, title=release.title,
                      url=release.url, published_at=release.published_at, source=release.source)


def alert_id(subscription_id: str, kind: AlertKind, parts: list[str]) -> str:
    """Stable id from the subscriber, kind and what the alert is about."""
    raw = "\x1f".join([subscription_id, kind.value, *sorted(parts)])
    return f"{kind.value}-" + hashlib.sha256(raw.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Plan:
    """The alerts for one subscriber and the idempotency records to write with them."""

    alerts: list[Alert] = field(default_factory=list)
    sent: dict[str, str] = field(default_factory=dict)  # commitment id -> "<version>:<fingerprint>"
    elapsed: list[str] = field(default_factory=list)  # to record: "<commitment id>:<deadline number>"
    matched: list[Commitment] = field(default_factory=list)  # what it is reminded of: not what it opted out of
    numbers: Mapping[str, Sequence[int]] = field(default_factory=dict)  # its deadlines' numbers, when not places
    # Paused: told nothing of this version, its reminders only follow those planned before (reminders.following),
    # through ``previous_ids`` (a commitment's id -> the one it had in the version before, when edited).
    paused: bool = False
    previous_ids: Mapping[str, str] = field(default_factory=dict)


def plan_alerts(sub: Subscription, release: ReleaseClassified, *, sent: Mapping[str, str],
                elapsed_sent: Set[str], now: datetime, basis: VersionBasis = FIRST_VERSION,
                chains: Mapping[str, Sequence[Announcement]] = {}, matched: Sequence[Commitment] | None = None,
                shared: Shared | None = None, remind_at: time = REMIND_AT) -> Plan:
    """At most one alert for ``sub`` about ``release``: its new and changed commitments together
    (kind ``changed`` if any changed, was removed or restored, or no longer matches; else ``new``, or
    ``reannounced`` when every one of them announces again one the subscriber was told of). ``sent`` and
    ``elapsed_sent`` need only hold the ids :func:`lookup_ids` names. A deadline of theirs already past at
    ``now`` and not told before is listed in the alert's ``elapsed`` (and in ``Plan.elapsed``), not sent
    separately. ``now`` (aware) stamps the alert and decides which deadlines are already past. ``basis``: what
    the release's last earlier version handled leaves (:func:`.version_changes.version_basis`, worked out once for
    all the release's subscribers): its commitments, which ``changes`` describes against, their pairing with
    ``release``'s and the deadline numbers (not their places) that name what is recorded told past and the
    reminders; by default a first version's (nothing paired, deadlines numbered by place). ``chains``
    gives each commitment's announcements (:mod:`.announcements`); a subscription that does not want
    re-announcements is not told of them at all. ``matched``: what ``sub``'s filter selects in ``release``, when the
    caller has it (:func:`matching_commitments`); ``shared``: the release's :class:`Shared`, when other
    subscribers are planned for it too. ``remind_at``: when on their day the reminders fire
    (``PLEDGEWATCH_REMINDER_TIME``), which places those a change alert names as cancelled. A withdrawn release: see
    :func:`plan_withdrawal`."""
    if release.withdrawn:
        return plan_withdrawal(sub, release, sent=sent, now=now, previous=basis.previous)
    matched = list(matched) if matched is not None else matching_commitments(sub.filter, release)
    pairing, numbers = basis.changes, basis.numbering.numbers
    shared = shared if shared is not None else Shared()
    writing = _writings(matched, shared.written_twice(release))
    known = {writing[c.id] for c in matched if sent.get(c.id) is not None or _edited(c, pairing.previous_of, sent)}
    told, changed, records, changes, repeats, skipped = [], [], {}, [], [], set()
    edits: list[tuple[Commitment, Commitment | None]] = []  # (as told before, as it reads now): what was reminded
    for c in matched:
        fp = shared.fingerprint(c)
        record = sent.get(c.id)
        was = pairing.previous_of.get(c.id)
        edited = _edited(c, pairing.previous_of, sent)  # told of it under its previous id
        if record is not None:
            version, _, old_fp = record.partition(":")
            if int(version) >= release.version or (old_fp == fp and not edited):
                continue  # already told (an edit undone is told again), or an older version seen again
        elif not edited and writing[c.id] in known:
            records[c.id] = f"{release.version}:{fp}"  # written again in the release: told as the first writing
            continue
        elif not edited:
            was = None  # new to this subscriber, unless it repeats an announcement they were told of
            repeat = shared.reannouncement(c.id, chains.get(c.id, ()), sent)
            if repeat is not None and not sub.reannouncements:
                skipped.add(c.id)
                continue
            if repeat is not None:
                repeats.append(repeat)
        if record is not None or was is not None:
            changed.append(c.id)
            edits.append((was or c, c))
            marks = {r.partition(":")[2] for r in (record, sent.get(was.id) if was else None) if r is not None}
            change = _change(was, c, marks=marks)
            if change.changes:  # "£10m" rewritten "£10 million" changes nothing to say
                changes.append(change)
        told.append(c)
        known.add(writing[c.id])
        records[c.id] = f"{release.version}:{fp}"
    unmatched = _no_longer_matching(release, matched, pairing.previous_of, sent)
    removed = [commitment_change(old, None) for old in pairing.removed if _told(sent.get(old.id))]
    records.update({r.commitment_id: f"{release.version}:{UNMATCHED}" for r in unmatched})
    records.update({r.previous_id: f"{release.version}:{REMOVED}" for r in removed})
    # nor reminded of; a commitment written twice, once
    matched = [c for c in matched if c.id not in skipped and writing[c.id] == c.id]
    if not told and not removed and not unmatched:
        return Plan(sent=records, matched=matched, numbers=numbers)
    edits += [(old, None) for old in pairing.removed if _told(sent.get(old.id))]
    edits += [(was, None) for r in unmatched if (was := pairing.previous_of.get(r.commitment_id)) is not None]
    kind = (AlertKind.CHANGED if changed or removed or unmatched
            else AlertKind.REANNOUNCED if len(repeats) == len(told) else AlertKind.NEW)
    newly = [key for c in told
             for key in _newly_elapsed(c, pairing.previous_of.get(c.id), numbers, elapsed_sent, now=now)]
    passed = [shown for shown, _ in newly if shown is not None]
    # The version too: a subscription made again under its id, its records gone, is told a later version's
    # commitments as new, and that alert is another than the one the deleted subscription was told.
    parts = [f"{release.release_id}/v{release.version}"]
    parts += [f"{c.id}:{records[c.id]}" if c.id in changed else c.id for c in told]
    parts += [f"removed:{r.previous_id}:{release.version}" for r in removed]
    parts += [f"unmatched:{r.commitment_id}:{release.version}" for r in unmatched]
    alert = Alert(alert_id=alert_id(sub.id, kind, parts), subscription_id=sub.id, kind=kind,
                  release=shared.release_ref(release), commitments=told, changed=changed, elapsed=passed,
                  changes=[*changes, *unmatched, *removed], reannounced=repeats,
                  unsupported_reason=release.unsupported_reason, created_at=now,
                  cancelled_reminders=cancelled_reminders(sub, edits, now=now, remind_at=remind_at))
    return Plan(alerts=[alert], sent=records, elapsed=[recorded for _, recorded in newly], matched=matched,
                numbers=numbers)


def _edited(c: Commitment, previous_of: Mapping[str, Commitment], sent: Mapping[str, str]) -> bool:
    """Whether ``c`` is paired with a commitment of the previous version, of another id, the subscriber was told of."""
    was = previous_of.get(c.id)
    return was is not None and was.id != c.id and was.id in sent


def _writings(matched: Sequence[Commitment], firsts: Mapping[str, str]) -> dict[str, str]:
    """Each of ``matched`` -> the first of them that writes the same commitment (``firsts``:
    :func:`.announcements.written_twice` of their release); its own id when none does, or the first writing is not
    among them (left out by the filter)."""
    ids = {c.id for c in matched}
    return {c.id: first if (first := firsts.get(c.id)) in ids else c.id for c in matched}


def plan_paused(sub: Subscription, release: ReleaseClassified, basis: VersionBasis, *,
                shared: Shared | None = None) -> Plan:
    """What a later version of ``release`` plans for ``sub``, paused: no alert; its reminders follow the ones planned
    before for what its filter still selects (a deadline moved moves them, a commitment gone or left out of the
    filter cancels them, a new one is not reminded; a commitment written twice is reminded as its first writing,
    once); a withdrawn release cancels them all. ``shared``: what planning ``release`` for its other subscribers
    worked out (which writings repeat another: compared once per release, not per paused subscriber)."""
    if release.withdrawn:
        return Plan()
    previous_ids = {cid: was.id for cid, was in basis.changes.previous_of.items() if was.id != cid}
    matched = matching_commitments(sub.filter, release)
    writing = _writings(matched, (shared or Shared()).written_twice(release))
    return Plan(matched=[c for c in matched if writing[c.id] == c.id], numbers=basis.numbering.numbers, paused=True,
                previous_ids=previous_ids)


def plan_withdrawal(sub: Subscription, release: ReleaseClassified, *, sent: Mapping[str, str], now: datetime,
                    previous: Sequence[Commitment] = ()) -> Plan:
    """The alert telling ``sub`` that ``release`` (withdrawn) was withdrawn: kind ``withdrawn``, its notice, and the
    commitments of the release it was told of (those of ``previous``, the last version handled, then of ``release``
    itself, as the same text keeps the same ids), each recorded ``WITHDRAWN`` so that it is told once. None when it
    was told of none, or of this version or a later one already. Nothing is planned to be reminded."""
    held: dict[str, Commitment] = {}
    for c in [*previous, *release.commitments]:
        held.setdefault(c.id, c)
    told = [c for c in held.values()
            if _told(sent.get(c.id)) and int(sent[c.id].partition(":")[0]) < release.version]
    if not told:
        return Plan()
    parts = [f"{release.release_id}/v{release.version}", *(c.id for c in told)]
    alert = Alert(alert_id=alert_id(sub.id, AlertKind.WITHDRAWN, parts), subscription_id=sub.id,
                  kind=AlertKind.WITHDRAWN, release=release_ref(release), commitments=told,
                  withdrawn_notice=release.withdrawn_notice, created_at=now)
    return Plan(alerts=[alert], sent={c.id: f"{release.version}:{WITHDRAWN}" for c in told})


def _told(record: str | None) -> bool:
    """Whether a record says the subscriber was told of the commitment as it stands (not of its removal, that it
    no longer matches, nor that its release was withdrawn)."""
    return record is not None and record.partition(":")[2] not in (REMOVED, UNMATCHED, WITHDRAWN)


def _change(was: Commitment | None, c: Commitment, *, marks: Set[str]) -> CommitmentChange:
    """What to say of ``c``, told before (as ``was`` in the previous version, when paired): its field changes;
    ``restored`` after a removal; that it matches again after it no longer did. ``marks``: what the records
    of ``c`` and ``was`` hold in place of a fingerprint."""
    change = commitment_change(was, c) if was is not None else CommitmentChange(
        commitment_id=c.id, previous_id=c.id, changes=[])
    if REMOVED in marks or WITHDRAWN in marks:
        return change.model_copy(update={"changes": [restored(c), *change.changes]})
    if UNMATCHED in marks:
        return change.model_copy(update={"changes": [*change.changes, matches_again(c)]})
    return change


def _no_longer_matching(release: ReleaseClassified, matched: Sequence[Commitment],
                        previous_of: Mapping[str, Commitment], sent: Mapping[str, str]) -> list[CommitmentChange]:
    """The commitments of ``release`` edited from one the subscriber was told of so that the filter no longer
    selects them: what changed, and that it no longer matches. Each told once (recorded ``UNMATCHED``)."""
    selected = {c.id for c in matched}
    out = []
    for c in release.commitments:
        was = previous_of.get(c.id)
        if c.id in selected or was is None or not _told(sent.get(was.id)):
            continue
        record = sent.get(c.id)
        if c.id != was.id and record is not None:
            continue  # recorded under its new id already: this version was handled
        if record is not None and int(record.partition(":")[0]) >= release.version:
            continue
        change = commitment_change(was, c)
        out.append(change.model_copy(update={"changes": [*change.changes, no_longer_matches(was, c)]}))
    return out


def record_keys(sub: Subscription, release: ReleaseClassified) -> tuple[list[str], list[str]]:
    """What to look up before :func:`plan_alerts`: the ids of the commitments ``sub`` matches in
    ``release`` (fields of its ``sent`` record) and their deadline keys (members of ``elapsed``)."""
    return matched_keys(matching_commitments(sub.filter, release))


def matched_keys(matched: Sequence[Commitment]) -> tuple[list[str], list[str]]:
    """:func:`record_keys` of the commitments a filter selected."""
    return [c.id for c in matched], elapsed_keys(matched)


def elapsed_keys(commitments: Sequence[Commitment], numbers: Mapping[str, Sequence[int]] = {},
                 previous_of: Mapping[str, Commitment] = {}) -> list[str]:
    """The members of a subscriber's ``elapsed`` record that name the deadlines of ``commitments`` (numbered
    ``numbers``, else by place), under their ids and, for one edited under a new id, under the id it had in the
    previous version (``previous_of``: :attr:`.version_changes.VersionChanges.previous_of`)."""
    return [f"{cid}:{n}" for c in commitments for cid in _ids(c, previous_of.get(c.id))
            for n in numbers_of(c, numbers)]


def _ids(c: Commitment, was: Commitment | None) -> list[str]:
    """``c``'s id, and the one it had in the previous version (``was``) when that is another."""
    return [c.id] if was is None or was.id == c.id else [c.id, was.id]


def lookup_ids(matched_ids: Sequence[str], release: ReleaseClassified, previous: Sequence[Commitment],
               chains: Mapping[str, Sequence[Announcement]]) -> list[str]:
    """The commitment ids whose records :func:`plan_alerts` reads: ``matched_ids`` (from :func:`record_keys`),
    every other commitment of ``release`` and of ``previous`` (to pair them), and the announcements of the
    matched ones' chains (to tell a re-announcement)."""
    others = [c.id for c in release.commitments] + [c.id for c in previous]
    others += [a.commitment_id for cid in matched_ids for a in chains.get(cid, ())]
    return list(dict.fromkeys([*matched_ids, *others]))


def reminder_skip(sub: Subscription | None, due: ReminderDue, *, now: datetime) -> str | None:
    """Why the reminder ``due`` is not sent at ``now``, or None when it is."""
    if sub is None:
        return (f"no subscription {due.subscription_id!r} (deleted, or in a subscriptions file this run was not "
                "given)")
    if canonical_duration(due.reminder.offset) not in {canonical_duration(o) for o in sub.reminders}:
        return "subscription gone or offset removed"  # reworded (P7D as P1W), it is still there
    if not commitment_matches(sub.filter, due.commitment, source=due.release.source):
        return f"{sub.id}'s filter no longer selects {due.commitment.id}"  # it did when the reminder was planned
    if sub.paused_until is not None and sub.paused_until > now:
        return f"{sub.id} paused until {sub.paused_until.isoformat()}"
    return None


def reminder_alert(due: ReminderDue, *, now: datetime, reannounced: Reannouncement | None = None,
                   zone: str = "UTC") -> tuple[Alert, ReminderDue]:
    """The reminder alert for a reminder firing at ``now``, and the ``ReminderDue`` to publish. ``reannounced``
    marks its commitment as announced again (its announcements and their dates), as an alert marks one. The
    alert's ``created_at`` is written in ``zone`` (the subscription's, :func:`.zones.in_zone`): its day words
    count from the subscriber's day."""
    alert = Alert(alert_id=alert_id(due.subscription_id, AlertKind.REMINDER, [due.reminder_id, str(due.reminder.due)]),
                  subscription_id=due.subscription_id, kind=AlertKind.REMINDER, release=due.release,
                  commitments=[due.commitment], reminder=due.reminder, created_at=in_zone(now, zone),
                  reannounced=[reannounced] if reannounced is not None else [])
    return alert, due.model_copy(update={"fired_at": now})


def _newly_elapsed(c: Commitment, was: Commitment | None, numbers: Mapping[str, Sequence[int]],
                   elapsed_sent: Set[str], *, now: datetime) -> list[tuple[str | None, str]]:
    """For each deadline of ``c`` past at ``now`` and not yet recorded told past under ``c``'s id: its key in the
    alert (``"<commitment id>:<deadline index>"``), None when it was told past as a deadline of ``was`` (what ``c``
    was in the previous version, under another id, which numbered it alike), and its key in the record
    (``"<commitment id>:<deadline number>"``): recorded under ``c``'s id either way, so that an edit of ``c`` in a
    later version, which looks under ``c``'s id and its own, finds it."""
    out: list[tuple[str | None, str]] = []
    for i, (d, n) in enumerate(zip(c.deadlines, numbers_of(c, numbers))):
        if not is_elapsed(d, now=now) or f"{c.id}:{n}" in elapsed_sent:
            continue
        told = was is not None and was.id != c.id and f"{was.id}:{n}" in elapsed_sent
        out.append((None if told else f"{c.id}:{i}", f"{c.id}:{n}"))
    return out
