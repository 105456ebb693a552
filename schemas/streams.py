"""Stream and consumer-group names: the addresses every service agrees on.

Every key is ``<prefix><name>``; the prefix (default ``pledgewatch:``) lets
several deployments share one Redis.
"""

from __future__ import annotations

DEFAULT_PREFIX = "pledgewatch:"

# The layout of the streams and keys under the prefix, as one number: raised by a change after which a process of
# the earlier layout must not run beside one of the later (it would read or write a key, a job or an event the
# other cannot take). Each service records it (services.common.versions) and will not start beside another.
KEY_SCHEMA = 1

# New or changed releases, one entry per distinct content (ingest writes).
RELEASES = "releases"
# One classification per release version, flagged or not (classifier writes).
CLASSIFIED = "classified"
# Every alert decided for a subscriber, when decided, for other services to follow (notifier writes).
ALERTS = "alerts"
# Deadline reminders that fell due (notifier's scheduler writes).
REMINDERS = "reminders"
# The audit trail: one alert.delivered / alert.failed per delivery attempt.
DELIVERIES = "deliveries"
# Entries no service could process, with the original payload and the reason.
DEAD_LETTERS = "dead-letters"
# Polled sources gone quiet and back, for operators and any service that follows them (ingest writes).
SOURCES = "sources"

ALL = (RELEASES, CLASSIFIED, ALERTS, REMINDERS, DELIVERIES, DEAD_LETTERS, SOURCES)

# Consumer groups: one per service that reads a stream.
CLASSIFIER_GROUP = "classifier"
NOTIFIER_GROUP = "notifier"
LEDGER_GROUP = "ledger"
# The groups pledgewatch's services read, by stream: the only ones a run tidies (any other is a consumer's own).
GROUPS = {RELEASES: (CLASSIFIER_GROUP,), CLASSIFIED: (NOTIFIER_GROUP, LEDGER_GROUP)}

# Field of a stream entry that holds the CloudEvent as UTF-8 JSON.
EVENT_FIELD = "__data__"
# Field of a dead letter's entry naming where it came from (``stream_stats.origin_of``), written beside the event
# so that the scripts that delete letters can count them down without decoding it.
ORIGIN_FIELD = "origin"
# Hash of origin -> how many dead letters of it there are, kept in step with the dead-letter stream by every
# script and transaction that writes or deletes a letter: `pledgewatch status` reads it, not the letters.
DEAD_LETTER_COUNTS = "dead-letters:counts"
# Hash of letter id -> origin for the letters written without ``ORIGIN_FIELD`` (before the counts were kept, or by
# hand) once they are counted: a stream entry cannot gain a field, so their deleters find the origin here.
DEAD_LETTERS_COUNTED_LATER = "dead-letters:counted-later"
# The id of the newest letter looked at by the counting of letters without the field: it goes on from there.
DEAD_LETTERS_COUNTED_TO = "dead-letters:counted-to"
# Release files refused (ingest writes; forgotten once the file is read fine): a refused file's path -> the mark of
# what it was refused as, and -> its dead letters' ids, space-separated; once it is read fine, its path -> the ids of
# those still there (``dlq`` tells them as of a file read fine since).
REFUSED_FILES = "ingest:refused-files"
REFUSED_LETTERS = "ingest:refused-letters"
READ_FINE_LETTERS = "ingest:read-fine-letters"


def stream_key(name: str, prefix: str = DEFAULT_PREFIX) -> str:
    """Return the Redis key of stream ``name`` under ``prefix``."""
    return f"{prefix}{name}"
