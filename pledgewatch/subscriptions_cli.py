"""``pledgewatch subscriptions …``: manage subscriptions through the notifier's HTTP API.

The API is found from ``--url``, else ``PLEDGEWATCH_NOTIFIER_URL``, else the
``run.json`` of a running ``pledgewatch run``; its token from PLEDGEWATCH_API_TOKEN(_FILE),
else (for the API of a local run only) ``<data_dir>/api-token``. Going through the API keeps one
place that validates and that knows which ids the YAML file owns.
``validate FILE`` checks a YAML file offline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from services.common.api import SERVER
from services.common.logs import escape
from services.notifier.addresses import shown_mailbox
from services.notifier.bounds import pause_until_problem
from services.notifier.reminder_listing import DEFAULT_LIMIT, MAX_LIMIT
from services.notifier.subscriptions import (NO_SUBSCRIPTIONS_FILE, SUBSCRIPTION_ID, SUBSCRIPTION_ID_WORDS,
                                             Subscription, SubscriptionError, channels_summary, entry_errors,
                                             entry_prefix, file_entries, file_entry, is_no_subscriptions_file,
                                             refused_targets)

from .configuration import load_settings
from .errors import RUNTIME, USAGE, CommandError, usage_error
from .reminders_view import limit_count
from .runstate import not_running, read_run_state

NO_TOKEN_HINT = ("the API token is sent from PLEDGEWATCH_API_TOKEN or PLEDGEWATCH_API_TOKEN_FILE, "
                 "or, for the API of a local `pledgewatch run`, from its data folder")


def _target(args: argparse.Namespace) -> tuple[str, str | None]:
    """The notifier API's URL and the token to send it. The token of a local run (``<data_dir>/api-token``)
    goes only to the API found through its ``run.json``, never to a URL given by hand."""
    from .api_token import find_api_token

    settings = load_settings()
    url = args.url or os.environ.get("PLEDGEWATCH_NOTIFIER_URL")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            given = f"--url {url}" if args.url else f"PLEDGEWATCH_NOTIFIER_URL={url}"
            raise usage_error(f"{given}: not an http(s) address of the notifier API (e.g. http://127.0.0.1:8080)")
        return url.rstrip("/"), find_api_token(settings, stored=False)
    state = read_run_state(settings)
    if not state or not state.get("http_url"):
        raise not_running(settings, otherwise="give the notifier's API with --url or PLEDGEWATCH_NOTIFIER_URL")
    url = str(state["http_url"])
    return url.rstrip("/"), find_api_token(settings)


def _one(sub_id: str, action: str = "") -> str:
    """The API path of subscription ``sub_id`` (and its ``action``); an id the API could never hold is a usage
    error here, as it is, not cut short in the URL at a "?" or "#" (and so taken for another subscription)."""
    if not re.fullmatch(SUBSCRIPTION_ID, sub_id):  # "$" alone would let a line break end it
        raise usage_error(f"{sub_id!r} is no subscription id: {SUBSCRIPTION_ID_WORDS}")
    return f"/subscriptions/{sub_id}{action}"


def _iso(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def _request(args: argparse.Namespace, method: str, path: str, body: Any = None, *,
             timeout: float = 10) -> tuple[int, Any]:
    # YAML reads an unquoted time (paused_until: 2026-02-01T09:00:00Z) as a datetime: send it as ISO 8601.
    data = json.dumps(body, default=_iso).encode() if body is not None else None
    url, token = _target(args)
    headers = {"Content-Type": "application/json"} if data else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, {"errors": [{"field": "http", "message": raw.decode(errors="replace")}]}
    except urllib.error.URLError as exc:
        raise CommandError(f"cannot reach the notifier API at {url}: {exc.reason} (is `pledgewatch run` still "
                           "running? check with `pledgewatch status`)") from None


LIST_HINT = "`pledgewatch subscriptions list` names every subscription"


def _names_the_id(errors: list[Any]) -> bool:
    """Whether the answer's errors are about the subscription id (no such subscription), and say no more: one of a
    subscriptions file the run was not given says so and what to do, and the list would not name it."""
    return any(isinstance(err, dict) and err.get("field") == "id"
               and "subscriptions file" not in str(err.get("message")) for err in errors)


class TokenRefused(CommandError):
    """The notifier refused the request's API token (wrong, missing, or the address locked out for wrong ones):
    about the token, never the subscription or file sent."""


def _errors_of(body: Any) -> list[Any]:
    return (body or {}).get("errors", []) if isinstance(body, dict) else []


def _token_refusal(status: int, body: Any) -> TokenRefused | None:
    """The error of an answer refusing the API token (401, or 429 to an address that sent too many wrong ones),
    or None for any other answer."""
    errors = _errors_of(body)
    if status not in (401, 429) or not errors or \
            not all(isinstance(err, dict) and err.get("field") == "authorization" for err in errors):
        return None
    reasons = "; ".join(str(err.get("message")) for err in errors)
    hint = f" ({NO_TOKEN_HINT})" if status == 401 else ""
    return TokenRefused(f"the notifier refused the API token: {reasons}{hint}")


def _report(status: int, body: Any) -> int:
    if refused := _token_refusal(status, body):
        raise refused
    if status >= 400:
        errors = _errors_of(body)
        # A field's error names the field; the server's own (field "server": 500, 503 while Redis is away) is its
        # message alone, as is a plain line of an earlier server's.
        reasons = "; ".join(str(err.get("message")) if isinstance(err, dict) and err.get("field") == SERVER
                            else f"{err['field']}: {err['message']}" if isinstance(err, dict) else str(err)
                            for err in errors)
        hint = NO_TOKEN_HINT if status == 401 else LIST_HINT if status == 404 and _names_the_id(errors) else None
        raise CommandError(f"{reasons or f'HTTP {status}'}" + (f" ({hint})" if hint else ""))
    if body is not None:
        print(yaml.safe_dump(body, sort_keys=False, allow_unicode=True).rstrip())
    return 0


def _read(path: str) -> Any:
    from services.common.encodings import NotText, decode_bytes
    from services.notifier.store import document_of

    try:
        text = decode_bytes(sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes())
    except FileNotFoundError:
        raise usage_error(f"{path}: {NO_SUBSCRIPTIONS_FILE}") from None
    except NotText as exc:
        raise CommandError(f"{path}: not a text file: {exc}") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot read it ({exc.strerror or type(exc).__name__})") from None
    try:
        return document_of(text, Path(path))  # YAML is a superset of JSON; 08:30 stays a time of day
    except SubscriptionError as exc:
        raise subscriptions_file_error(path, exc, hint="fix the file") from None


def _nothing_in(path: str) -> CommandError:
    return CommandError(f"{path}: no subscription in it (fix the file)")


def _items(doc: Any, path: str) -> list[tuple[int | None, Any]]:
    """The subscriptions of a file ``add`` takes, each with its place (None: the file's one subscription), in the shapes every reader of a subscriptions file takes (one subscription, or
    ``subscriptions:`` and a list of them), refused as they refuse it: an entry that is no mapping, or an id
    given twice, refuses the file before any is sent. The API judges each entry's fields."""
    try:
        entries = file_entries(doc)
        wrong = [error for errors in entry_errors(entries) for error in errors]
        if wrong:
            raise SubscriptionError(wrong)
    except SubscriptionError as exc:
        raise subscriptions_file_error(path, exc, hint="fix the file") from None
    if not entries:
        raise _nothing_in(path)
    return entries


def _file_subscriptions(path: str) -> list[Subscription]:
    """The subscriptions of a file (offline, every error named), in any shape ``add`` takes."""
    from services.notifier.store import load_file

    try:
        return load_file(Path(path))
    except SubscriptionError as exc:
        raise subscriptions_file_error(path, exc, hint="fix the file") from None


def cmd_list(args: argparse.Namespace) -> int:
    status, body = _request(args, "GET", "/subscriptions")
    if status >= 400 or args.full:
        return _report(status, body)
    now = datetime.now(timezone.utc)
    for sub in body["subscriptions"]:
        print(list_line(sub, now=now))
    for sub in body["subscriptions"]:  # said apart from the list, which scripts read
        if sub.get("overrides"):
            print(f"warning: {sub['id']!r} of the subscriptions file overrides the stored subscription "
                  f"{_stored_text(sub['overrides'])}, which receives nothing ({RENAME})", file=sys.stderr)
    for unread in body.get("unreadable", []):
        from services.notifier.unreadable import unreadable_warning

        print(f"warning: {unreadable_warning(unread['id'], unread['problems'])}", file=sys.stderr)
    if not_loaded := body.get("not_loaded"):
        from services.notifier.file_ids import GIVE_THE_FILE

        print(f"warning: subscription(s) {', '.join(not_loaded)}, read from a subscriptions file in an earlier run, "
              f"are not loaded by this run, which was given no subscriptions file: they receive nothing (the "
              f"{GIVE_THE_FILE})", file=sys.stderr)
    elif not body["subscriptions"]:  # said apart from the list, which scripts read
        print("no subscriptions: nothing will be sent (add one with `pledgewatch subscriptions add FILE`)",
              file=sys.stderr)
    return 0


def list_line(sub: dict[str, Any], *, now: datetime) -> str:
    """One subscription as ``list`` shows it: id, origin, mode, channels, and its pause while it lasts."""
    channels = ", ".join(c if isinstance(c, str) else next(iter(c)) for c in sub["channels"])
    until = sub.get("paused_until")
    paused = f" paused until {until}" if until and datetime.fromisoformat(until) > now else ""
    return f"{sub['id']}\t{sub['origin']}\t{sub['mode']}\t{channels}{paused}"


def cmd_show(args: argparse.Namespace) -> int:
    status, body = _request(args, "GET", _one(args.id))
    _report(status, body)
    gone_status, gone = _request(args, "GET", _one(args.id, "/unsubscribed"))
    addresses = gone.get("unsubscribed") if gone_status == 200 and isinstance(gone, dict) else None
    if addresses:  # a comment, so that what is printed is still the subscription's YAML
        shown = ", ".join(shown_mailbox(str(address)) for address in addresses)
        print(f"# unsubscribed by their email link, so not sent to: {shown} "
              f"(undo: `pledgewatch subscriptions resubscribe {args.id} ADDRESS`)")
    return 0


def cmd_resubscribe(args: argparse.Namespace) -> int:
    """Undo an address's unsubscribe: its subscription's email channels write to it again."""
    address = args.address.strip()
    if not address or "/" in address or "@" not in address:
        raise usage_error(f"{args.address!r} is no email address (give the one that unsubscribed, "
                          f"as `pledgewatch subscriptions show {args.id}` names it)")
    status, body = _request(args, "DELETE", _one(args.id, f"/unsubscribed/{quote(address, safe='@')}"))
    if status >= 400:
        return _report(status, body)
    print(f"{address.lower()} subscribed again to {args.id}")
    return 0


NOT_THE_ENTRY = {401, 403}  # answers about the token, not about the subscription sent


def cmd_add(args: argparse.Namespace) -> int:
    failures = []
    items = _items(_read(args.file), args.file)
    one = len(items) == 1
    for index, item in items:
        # one that fails is named as `validate` names it, before each field (subscriptions.0.mode, subscription
        # ('desk'): mode); one of several by its entry, once (subscriptions.3 ('desk') not added: …)
        entry, prefix = file_entry(index, item), entry_prefix(index, item) if one else ""
        # --replace PUTs where the id says; an id that is no string is the API's to refuse, by POST
        replacing = args.replace and isinstance(item, dict) and isinstance(item.get("id"), str)
        status = None
        try:
            method, path = ("PUT", _one(item["id"])) if replacing else ("POST", "/subscriptions")
            status, body = _request(args, method, path, item)
            if refused := _token_refusal(status, body):
                raise refused  # the same for every entry: named once, and the file not blamed
            if status == 409 and method == "POST" and not _in_file(args, item["id"]):
                # the API's own advice (PUT) is not what a CLI user types
                raise CommandError(f"{prefix}id: {item.get('id')!r} already exists; add --replace to replace it")
            _report(status, _prefixed(body, prefix) if 400 <= status < 500 and status not in NOT_THE_ENTRY else body)
            _confirm(f"{'added' if status == 201 else 'replaced'} {item['id']}")
        except TokenRefused:
            raise
        except CommandError as exc:  # the others are still added; every failure is on the one line
            if not one:
                failures.append(f"{entry} not added: {exc}")
            elif status is not None and 400 <= status < 500 and status not in NOT_THE_ENTRY:
                failures.append(f"{args.file}: {exc}")  # as `validate` names it
            else:  # the API not reached, the token refused, the server's own failure: nothing of the file's
                failures.append(str(exc))
    if failures:
        raise CommandError(failures[0] if one else f"{args.file}: {'; '.join(failures)}")
    return 0


def _prefixed(body: Any, prefix: str) -> Any:
    """The API's answer with ``prefix`` before the field of each of its errors."""
    if not prefix or not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return body
    return {**body, "errors": [{**err, "field": prefix + str(err["field"])}
                               if isinstance(err, dict) and err.get("field") else err for err in body["errors"]]}


def _in_file(args: argparse.Namespace, sub_id: str) -> bool:
    """Whether the subscriptions file defines ``sub_id`` (which only an edit of the file changes)."""
    status, shown = _request(args, "GET", _one(sub_id))
    return status == 200 and isinstance(shown, dict) and shown.get("origin") == "file"


def _fields_for(doc: Any, sub_id: str, path: str) -> Any:
    """The fields to change: ``doc`` itself, or in a file of the form ``add`` takes (``subscriptions:``, a
    list) the entry with id ``sub_id``, whole."""
    if doc is None:
        raise CommandError(f"{path}: no fields in it to change (fix the file)")
    if not isinstance(doc, dict):
        raise CommandError(f"{path}: expected the fields to change (a mapping) (fix the file)")
    if set(doc) != {"subscriptions"}:
        return doc
    for _, entry in _items(doc, path):
        if isinstance(entry, dict) and entry.get("id") == sub_id:
            return entry
    raise usage_error(f"{path}: lists no subscription {sub_id!r}")


def _confirm(line: str) -> None:
    """What was done, on stderr: stdout keeps the subscription's YAML for scripts."""
    print(line, file=sys.stderr)


def _changed(args: argparse.Namespace, method: str, path: str, body: Any, done: str) -> int:
    """``method path`` with ``body``: the answer's YAML, then ``done`` (``{until}``: the pause's end) said."""
    status, answer = _request(args, method, path, body)
    _report(status, answer)
    until = answer.get("paused_until") if isinstance(answer, dict) else None
    _confirm(done.format(id=args.id, until=until))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    fields = _fields_for(_read(args.file), args.id, args.file)
    return _changed(args, "PATCH", _one(args.id), fields, "updated {id}")


def cmd_pause(args: argparse.Namespace) -> int:
    problem = pause_until_problem(args.until, now=datetime.now(timezone.utc))
    if problem:
        raise usage_error(f"--until {args.until}: {problem}")
    return _changed(args, "POST", _one(args.id, "/pause"), {"until": args.until}, "paused {id} until {until}")


def cmd_resume(args: argparse.Namespace) -> int:
    return _changed(args, "POST", _one(args.id, "/resume"), None, "resumed {id}")


def cmd_delete(args: argparse.Namespace) -> int:
    status, body = _request(args, "DELETE", _one(args.id))
    return _report(status, body) if status >= 400 else (print(f"deleted {args.id}") or 0)


TEST_TIMEOUT = 120  # the notifier bounds each channel's send itself (webhook, SMTP and Apprise timeouts)


def cmd_test(args: argparse.Namespace) -> int:
    status, body = _request(args, "POST", _one(args.id, "/test"), timeout=TEST_TIMEOUT)
    if status >= 400:
        return _report(status, body)
    print(f"test notification for {body['subscription']}:")
    from services.notifier.probe import outcome_text

    for outcome in body["channels"]:
        # the outcome quotes what the endpoint answered (its reason phrase): no control of it runs on the terminal
        result = escape(outcome_text(outcome["delivered"], outcome.get("detail"), outcome.get("error")))
        print(f"  {outcome['channel']} {escape(outcome['destination'])}: {result}")
        if outcome.get("unsubscribed"):
            print(f"    unsubscribed, so not sent to: {', '.join(outcome['unsubscribed'])}")
    return 0 if body["delivered"] else 1


def cmd_reminders(args: argparse.Namespace) -> int:
    """The reminders planned for one subscription, soonest first (``--json``: the API's answer); ``--all``: every
    one, a page of :data:`MAX_LIMIT` at a time, following each page's ``next_cursor``, as one answer."""
    from .reminders_view import joined, reminders_lines
    from .terminal_text import terminal_json, terminal_text

    limit = MAX_LIMIT if args.all else args.limit
    pages: list[dict[str, Any]] = []
    while not pages or (args.all and pages[-1].get("next_cursor")):
        cursor = f"&cursor={quote(pages[-1]['next_cursor'], safe='')}" if pages else ""
        status, body = _request(args, "GET", _one(args.id, f"/reminders?limit={limit}{cursor}"))
        if status >= 400:
            return _report(status, body)
        pages.append(body)
    body = joined(pages) if args.all else pages[0]
    encoding = getattr(sys.stdout, "encoding", None)
    if args.json:
        print(terminal_json(body, encoding))
    else:
        print(terminal_text("\n".join(reminders_lines(body, limit=args.limit)), encoding))
    return 0


def backtest_since(text: str, *, now: datetime) -> datetime:
    """``--since``: ``90d``, ``12w``, an ISO 8601 duration (``P3M``) back from ``now``, or a date (UTC)."""
    from services.notifier.durations import parse_duration

    shorthand = re.fullmatch(r"(\d+)([dw])", text.strip().lower())
    duration = f"P{shorthand[1]}{shorthand[2].upper()}" if shorthand else text.upper() if text.upper().startswith("P") \
        else None
    try:
        if duration is not None:
            return parse_duration(duration).before(now)
        since = datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=timezone.utc)
    except ValueError as exc:
        if duration is not None and "longer than" in str(exc):  # a duration, past the bound durations have
            raise usage_error(f"--since {text}: {exc}") from None
        raise usage_error(f"--since {text}: give days (90d), weeks (12w), an ISO 8601 duration (P3M) "
                          "or a date (2026-09-01)") from None
    if since > now:
        raise usage_error(f"--since {text}: a time to come; give one in the past")
    return since


def cmd_backtest(args: argparse.Namespace) -> int:
    """The alerts each subscription of FILE would have sent since ``--since``, from the ledger."""
    subs = _file_subscriptions(args.file)
    if not subs:
        raise _nothing_in(args.file)
    since = backtest_since(args.since, now=datetime.now(timezone.utc))
    for sub in subs:
        body = {"filter": sub.filter.model_dump(mode="json", exclude_defaults=True), "since": since.isoformat()}
        status, answer = _request(args, "POST", "/ledger/backtest", body)
        if status >= 400:
            return _report(status, answer)
        print(f"{sub.id}: would have sent {answer['alerts']} alert(s) since {since:%-d %b %Y} "
              f"({answer['commitments']} commitment(s))")
        for alert in answer["shown"]:
            release = alert["release"]
            day = (release.get("published_at") or "")[:10]
            title = escape(release.get("title") or release["release_id"])  # a feed's words: no control of them runs
            print(f"  {day}  {len(alert['commitments'])}  {title}")
        if answer["alerts"] > len(answer["shown"]):
            print(f"  … and {answer['alerts'] - len(answer['shown'])} more")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    subs = _file_subscriptions(args.file)
    held = f"{len(subs)} valid subscription(s): {', '.join(s.id for s in subs)}" if subs else \
        "valid, no subscription in it"
    print(f"{args.file}: {held}")
    running = _running_subscriptions(args)
    refused = _refused(subs)
    if running is not None:  # the setting here may not be the run's
        refused = [f"{line} ({JUDGED_HERE})" for line in refused]
    for line in refused + _overriding(running or [], [s.id for s in subs]):
        print(f"warning: {args.file}: {line}", file=sys.stderr)
    return 0


def _refused(subs: list[Subscription]) -> list[str]:
    """The webhook and Apprise URLs a run in this environment refuses at every send (an address not public and
    not allowed by PLEDGEWATCH_ALLOW_PRIVATE_TARGETS), as the run warns of them at start: the file is valid,
    as the setting may differ where it runs."""
    url_refusal = load_settings().target_policy.url_refusal
    return [f"subscription {sub.id!r}: {error['field']}: {error['message']}"
            for sub in subs for error in refused_targets(sub, url_refusal)]


RENAME = "rename one of them to keep both"
JUDGED_HERE = ("as set here; the running pledgewatch judges by its own setting: `pledgewatch subscriptions test ID` "
               "sends through each channel now")
NOTIFIER_CHECK_SECONDS = 3  # how long `validate` waits on the notifier for its warnings


def _stored_text(stored: dict[str, Any]) -> str:
    """A stored subscription as a warning names it: ``'bio' (webhook https://…)``."""
    return f"{stored.get('id')!r} ({channels_summary(stored.get('channels', []))})"


def _running_subscriptions(args: argparse.Namespace) -> list[Any] | None:
    """The subscriptions of the running notifier (or the one ``--url`` names) as it lists them; None when none is
    reached: validating a file needs no notifier."""
    try:
        status, body = _request(args, "GET", "/subscriptions", timeout=NOTIFIER_CHECK_SECONDS)
    except (CommandError, OSError, ValueError, http.client.HTTPException):  # a timeout, an answer not JSON
        return None
    subs = body.get("subscriptions") if status == 200 and isinstance(body, dict) else None
    return subs if isinstance(subs, list) else None


def _overriding(subs: list[Any], ids: list[str]) -> list[str]:
    """What the file's ``ids`` override among ``subs``, the running notifier's subscriptions."""
    lines = []
    for sub in subs:
        if not isinstance(sub, dict) or sub.get("id") not in ids:
            continue
        if sub.get("overrides"):
            lines.append(f"{sub['id']!r} overrides the stored subscription {_stored_text(sub['overrides'])}, which "
                         f"receives nothing ({RENAME})")
        elif sub.get("origin") == "api":
            lines.append(f"{sub['id']!r} would override the stored subscription {_stored_text(sub)}, which then "
                         f"receives nothing ({RENAME})")
    return lines


def subscriptions_file_error(path: Path | str, exc: SubscriptionError, *,
                             hint: str = "fix it, then check it with `pledgewatch subscriptions validate FILE`"
                             ) -> CommandError:
    """One line for a subscriptions file that cannot be used, naming the file (and line) first."""
    mine = [e for e in exc.errors if not e["field"] or e["field"].startswith(str(path))]  # "": the file itself
    place = mine[0]["field"] or str(path) if mine else str(path)
    reasons = "; ".join(e["message"] if e in mine else f"{e['field']}: {e['message']}" for e in exc.errors)
    if any(is_no_subscriptions_file(e) for e in mine):
        return CommandError(f"{place}: {NO_SUBSCRIPTIONS_FILE}", exit_code=USAGE)
    return CommandError(f"{place}: {reasons} ({hint})", exit_code=RUNTIME)


ID_HELP = "the subscription's id (`pledgewatch subscriptions list` shows them)"


def register(subparsers: Any) -> None:
    """Add ``subscriptions`` and its commands to the ``pledgewatch`` parser."""
    parser = subparsers.add_parser("subscriptions", help="list, show, add, update, pause, resume, resubscribe, delete, test, backtest and validate subscriptions, and list their planned reminders")
    parser.add_argument("--url", help="notifier API (default: $PLEDGEWATCH_NOTIFIER_URL or the running pledgewatch)")
    sub = parser.add_subparsers(dest="subscriptions_command", required=True)
    p = sub.add_parser("list", help="every subscription: id, origin (file/api), mode, channels")
    p.add_argument("--full", action="store_true", help="print them in full (YAML)")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("show", help="one subscription in full")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("add", help="create subscriptions from a YAML or JSON file ('-': stdin)")
    p.add_argument("file", metavar="FILE", help="one subscription, or 'subscriptions:' and a list of them ('-': stdin)")
    p.add_argument("--replace", action="store_true", help="replace any with the same id")
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("update", help="change some fields of one (YAML or JSON file of the fields, or the file add takes)")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument("file", metavar="FILE", help="the fields to change, or the file add takes ('-': stdin)")
    p.set_defaults(func=cmd_update)
    p = sub.add_parser("pause", help="send nothing to it until a time")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument("--until", required=True, metavar="WHEN",
                   help="a time with its zone (2026-02-01T09:00:00Z) or a date alone (2026-02-01: from 00:00 UTC)")
    p.set_defaults(func=cmd_pause)
    p = sub.add_parser("resume", help="end a pause")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.set_defaults(func=cmd_resume)
    p = sub.add_parser("resubscribe", help="undo the unsubscribe of an address that used its email's link")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument("address", metavar="ADDRESS", help="the email address (`subscriptions show ID` names them)")
    p.set_defaults(func=cmd_resubscribe)
    p = sub.add_parser("delete", help="delete one stored subscription")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.set_defaults(func=cmd_delete)
    p = sub.add_parser("test", help="send a test notification through its channels now and print each result")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.set_defaults(func=cmd_test)
    p = sub.add_parser("reminders", help="the reminders planned for one and not sent yet, soonest first")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    how_many = p.add_mutually_exclusive_group()
    how_many.add_argument("--limit", type=limit_count, default=DEFAULT_LIMIT, metavar="N",
                          help=f"how many to list (default: {DEFAULT_LIMIT}, at most {MAX_LIMIT}); the rest are "
                               "counted")
    how_many.add_argument("--all", action="store_true",
                          help=f"every one, asked for {MAX_LIMIT} at a time (each page those planned after the last "
                               "one listed, as planned then)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON, for scripts")
    p.set_defaults(func=cmd_reminders)
    p = sub.add_parser("backtest", help="the alerts each subscription of a file would have sent (from the ledger)")
    p.add_argument("file", metavar="FILE", help="YAML subscriptions file, or the file add takes")
    p.add_argument("--since", default="90d", metavar="WHEN",
                   help="90d, 12w, an ISO 8601 duration (P3M) or a date (default: 90d)")
    p.set_defaults(func=cmd_backtest)
    p = sub.add_parser("validate", help="check a YAML subscriptions file, or the file add takes (offline)")
    p.add_argument("file", metavar="FILE", help="YAML subscriptions file, or the file add takes")
    p.set_defaults(func=cmd_validate)
