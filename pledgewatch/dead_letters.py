"""Dead letters as an operator sees them: what each one is, where it came from, and whether it can be replayed.

Pure: no Redis. A dead letter (``schemas.dead_letter``) is an entry of the ``dead-letters`` stream; its id
there (``1733328000000-0``) is how the operator names it. Only a letter that holds a whole stream entry
(the entry id and the consumer group that gave up on it) can be replayed: its original fields go back onto
the stream it came from. Every other letter (a refused release file, POST or feed entry, a quarantined
subscription, a reminder or delivery out of attempts) holds no entry to re-publish and says why.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from schemas import DeadLetter, DeadLetterEvent, EventError, decode_event
from schemas.streams import EVENT_FIELD
from services.common.logs import escape
from services.common.stream_stats import DEAD_LETTER_ORIGINS, UNREADABLE, origin_of
from services.notifier.delivery_names import delivery_name

STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
OUTBOX = "notifier:outbox"  # the notifier's delivery queue, under the prefix: its letters are delivery jobs given up on
BASE64_PREFIX = "base64:"
FILE_ORIGIN = "file:"  # a refused release file's letter: its stream is this and the file's path
READ_FINE_SINCE = "(read fine since) "  # before the reason, in `list`, of a letter whose file was read fine after it
REASON_WIDTH = 120  # a reason is cut to this in a line of `list` and `status`; `show` gives it whole


@dataclass(frozen=True)
class Letter:
    """One entry of the dead-letter stream: its id there and the dead letter it holds."""

    id: str
    letter: DeadLetter


@dataclass(frozen=True)
class Unreadable:
    """An entry of the dead-letter stream that is not a dead letter (written by hand, or by a newer version)."""

    id: str
    reason: str


def read_letter(entry_id: str, fields: dict[bytes, bytes]) -> Letter | Unreadable:
    """The dead letter in one entry of the dead-letter stream, or why it is not one."""
    raw = fields.get(EVENT_FIELD.encode())
    if raw is None:
        return Unreadable(entry_id, f"no {EVENT_FIELD} field")
    try:
        event = decode_event(raw, expect=(DeadLetterEvent,))
    except EventError as exc:
        return Unreadable(entry_id, str(exc))
    return Letter(entry_id, event.data)


def origin(item: Letter | Unreadable, prefix: str) -> str:
    """Where ``item`` came from, named as ``pledgewatch status`` counts dead letters (``releases``, ``notifier``,
    ``file``, ``http``, ``feed``, ...); ``prefix`` is the deployment's key prefix."""
    return UNREADABLE if isinstance(item, Unreadable) else origin_of(item.letter.stream, prefix)


def chosen_origins(names: list[str], prefix: str) -> set[str]:
    """The ``dlq --stream`` names, each an origin as :func:`origin` names it or one stream or source of one
    (``feed:home-office``, ``pledgewatch:releases``), without ``prefix``. Raises ValueError, listing the
    known origins, for a name no dead letter comes from."""
    for name in names:
        if origin_of(name, prefix) not in DEAD_LETTER_ORIGINS:
            raise ValueError(f"--stream {name!r}: no dead letters come from there; known: "
                             f"{', '.join(DEAD_LETTER_ORIGINS)} (or one source of them, like feed:NAME)")
    return {name.removeprefix(prefix) for name in names}


def is_chosen(item: Letter | Unreadable, chosen: set[str], prefix: str) -> bool:
    """Whether ``item`` came from one of the :func:`chosen_origins`."""
    if origin(item, prefix) in chosen:
        return True
    return isinstance(item, Letter) and item.letter.stream.removeprefix(prefix) in chosen


def original_fields(payload: dict[str, str]) -> dict[str, bytes]:
    """The entry fields a dead letter kept, as they were: a value kept as ``base64:…`` because it was not
    UTF-8 (``streams.printable_fields``) is decoded back; any other value is its UTF-8 text."""
    out = {}
    for name, value in payload.items():
        out[name] = value.encode()
        if value.startswith(BASE64_PREFIX):
            try:
                decoded = base64.b64decode(value[len(BASE64_PREFIX):], validate=True)
            except binascii.Error:
                continue
            if not _is_utf8(decoded):  # only bytes that were not UTF-8 were ever written this way
                out[name] = decoded
    return out


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def why_not_replayable(letter: DeadLetter, *, read_fine_since: bool = False) -> str | None:
    """None when ``letter`` holds a stream entry that can go back onto its stream, else why it cannot;
    ``read_fine_since``: the release file it refused was read fine after it."""
    if letter.entry_id is not None and STREAM_ID.match(letter.entry_id) and letter.group:
        return None
    origin = letter.stream
    if origin.startswith(FILE_ORIGIN) and read_fine_since:
        return (f"a refused release file ({origin[5:]}), read fine since (published after this letter): nothing to "
                "fix; drop this letter (`pledgewatch dlq drop ID`)")
    if origin.startswith(FILE_ORIGIN):
        return f"a refused release file ({origin[5:]}): fix it (a watched folder reads it again, else run `pledgewatch ingest` on it), then drop this letter (`pledgewatch dlq drop ID`)"
    if origin.startswith("http:"):
        return "a refused POST /releases: send the corrected release again"
    if origin.startswith("feed:"):
        return f"a refused entry of source {origin[5:]!r}: it is read again when the source changes it"
    if "subscription" in letter.payload and "stage" in letter.payload:
        return (f"subscription {letter.payload['subscription']!r} was set aside for one release; "
                "fix the subscription: the release's next version reaches it")
    if origin.endswith(OUTBOX) and letter.entry_id:
        return None  # a delivery out of attempts: its job is kept, to be queued again
    if "reminder" in letter.payload:
        return "a reminder that failed to fire: it is no stream entry to re-publish"
    return f"it holds no stream entry of {origin!r} to re-publish"


def brief(item: Letter | Unreadable, prefix: str, *, read_fine_since: bool = False) -> dict[str, str]:
    """One letter as a line of ``dlq list`` and ``status`` shows it: its id, when, its origin, which group or
    source gave up on it, and the reason (whole; after :data:`READ_FINE_SINCE` for a file read fine since)."""
    if isinstance(item, Unreadable):
        return {"id": item.id, "origin": UNREADABLE, "reason": item.reason}
    letter = item.letter
    return {"id": item.id, "at": letter.at.strftime("%Y-%m-%dT%H:%M:%SZ"), "origin": origin(item, prefix),
            "from": _gave_up(letter), "reason": (READ_FINE_SINCE if read_fine_since else "") + letter.reason}


def _gave_up(letter: DeadLetter) -> str:
    """Who gave up on ``letter``: the consumer group or the file; for a delivery, its subscription and message,
    named as the notifier's log names them (the notifier's group would only repeat its origin)."""
    if letter.stream.endswith(OUTBOX) and letter.payload.get("subscription_id"):
        return f"subscription {_delivery(letter.payload)}"
    return letter.group or letter.stream.removeprefix("file:")


def _delivery(payload: dict[str, str]) -> str:
    """A given-up delivery's subscription, and its message's id and release when its message can be read."""
    try:
        message = json.loads(payload.get("message", ""))
    except ValueError:
        message = None
    message_id = message.get("alert_id") or message.get("digest_id") if isinstance(message, dict) else None
    if not message_id:
        return payload["subscription_id"]
    return delivery_name(payload["subscription_id"], str(message_id), message)


def brief_line(letter: dict[str, str], width: int = REASON_WIDTH) -> str:
    """A :func:`brief` as one indented line, the reason cut to ``width``; what came from outside (a file's
    name, a reason quoting it) with its control characters escaped."""
    if "at" not in letter:
        return f"  {letter['id']}  (unreadable: {_one_line(letter['reason'], width)})"
    reason = _one_line(letter["reason"], width)
    return f"  {letter['id']}  {letter['at']}  {escape(letter['origin'])}  {escape(letter['from'])}  {reason}"


def _one_line(text: str, width: int) -> str:
    text = escape(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def letter_lines(item: Letter, *, refusal: str | None) -> list[str]:
    """One letter as ``dlq show`` prints it: every field, the reason whole, whether it is replayable (``refusal``:
    why not, :meth:`.DeadLetterQueue.refusals`), and the original payload; each control character of what it
    quotes escaped, a text of several lines indented beneath its name."""
    letter = item.letter
    lines = [f"id:         {item.id}", f"at:         {letter.at.isoformat()}", f"stream:     {escape(letter.stream)}"]
    if letter.entry_id:
        lines.append(f"entry:      {escape(letter.entry_id)}")
    if letter.group:
        lines.append(f"group:      {escape(letter.group)} (deliveries: {letter.deliveries})")
    lines += [f"reason:     {escape(letter.reason)}",
              f"replayable: {'yes' if refusal is None else 'no, ' + escape(refusal)}", "payload:"]
    for name, value in letter.payload.items():
        lines += _payload_lines(escape(name), value)
    return lines


def _payload_lines(name: str, value: str) -> list[str]:
    """A payload value beneath its name: JSON (an event) indented, a text of several lines line by line."""
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if isinstance(parsed, (dict, list)):
        text = json.dumps(parsed, indent=2, ensure_ascii=False).split("\n")
    elif "\n" in value.rstrip("\r\n"):
        text = value.replace("\r\n", "\n").rstrip("\n").split("\n")
    else:
        return [f"  {name}: {escape(value)}"]
    return [f"  {name}:", *("    " + escape(line) if line else "" for line in text)]
