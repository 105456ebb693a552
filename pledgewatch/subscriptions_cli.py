"""``pledgewatch subscriptions …``: manage subscriptions through the notifier's HTTP API.

The API is found from ``--url``, else ``PLEDGEWATCH_NOTIFIER_URL``, else the
``run.json`` of a running ``pledgewatch run``; its token from PLEDGEWATCH_API_TOKEN(_FILE),
else (for the API of a local run only) ``<data_dir>/api-token``. Going through the API keeps one
place that validates and that knows which ids the YAML file owns.
``validate FILE`` checks a YAML file offline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from services.notifier.bounds import pause_until_problem
from services.notifier.yaml_text import load_yaml

from .configuration import load_settings

NO_TOKEN_HINT = ("the API token is sent from PLEDGEWATCH_API_TOKEN or PLEDGEWATCH_API_TOKEN_FILE, "
                 "or, for the API of a local `pledgewatch run`, from its data folder")


def _target(args: argparse.Namespace) -> tuple[str, str | None]:
    """The notifier API's URL and the token to send it. The token of a local run (``<data_dir>/api-token``)
    goes only to the API found through its ``run.json``, never to a URL given by hand."""
    from .api_token import find_api_token

    settings = load_settings()
    url = args.url or os.environ.get("PLEDGEWATCH_NOTIFIER_URL")
    if url:
        return url.rstrip("/"), find_api_token(settings, stored=False)
    path = settings.data_dir / "run.json"
    try:
        url = str(json.loads(path.read_text())["http_url"])
    except (OSError, ValueError, KeyError):
        raise SystemExit(f"no notifier API found: pass --url, set PLEDGEWATCH_NOTIFIER_URL, "
                         f"or start `pledgewatch run` ({path} missing)") from None
    return url.rstrip("/"), find_api_token(settings)


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
        raise SystemExit(f"cannot reach the notifier API: {exc.reason}") from None


def _report(status: int, body: Any) -> int:
    if status >= 400:
        for err in (body or {}).get("errors", []):
            print(f"error: {err['field']}: {err['message']}", file=sys.stderr)
        if status == 401:
            print(NO_TOKEN_HINT, file=sys.stderr)
        return 1
    if body is not None:
        print(yaml.safe_dump(body, sort_keys=False, allow_unicode=True).rstrip())
    return 0


def _read(path: str) -> Any:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    return load_yaml(text)  # YAML is a superset of JSON; 08:30 stays a time of day


def _items(doc: Any) -> list[Any]:
    return doc["subscriptions"] if isinstance(doc, dict) and "subscriptions" in doc else [doc]


def cmd_list(args: argparse.Namespace) -> int:
    status, body = _request(args, "GET", "/subscriptions")
    if status >= 400 or args.full:
        return _report(status, body)
    for sub in body["subscriptions"]:
        channels = ", ".join(c if isinstance(c, str) else next(iter(c)) for c in sub["channels"])
        paused = f" paused until {sub['paused_until']}" if sub.get("paused_until") else ""
        print(f"{sub['id']}\t{sub['origin']}\t{sub['mode']}\t{channels}{paused}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    return _report(*_request(args, "GET", f"/subscriptions/{args.id}"))


def cmd_add(args: argparse.Namespace) -> int:
    failed = 0
    for item in _items(_read(args.file)):
        method, path = ("PUT", f"/subscriptions/{item.get('id')}") if args.replace and isinstance(item, dict) \
            else ("POST", "/subscriptions")
        status, body = _request(args, method, path, item)
        if status == 409 and method == "POST":  # the API's own advice (PUT) is not what a CLI user types
            print(f"error: id: {item.get('id')!r} already exists; add --replace to replace it", file=sys.stderr)
            failed = 1
            continue
        failed |= _report(status, body)
    return failed


def cmd_update(args: argparse.Namespace) -> int:
    return _report(*_request(args, "PATCH", f"/subscriptions/{args.id}", _read(args.file)))


def cmd_pause(args: argparse.Namespace) -> int:
    problem = pause_until_problem(args.until, now=datetime.now(timezone.utc))
    if problem:
        print(f"error: --until {args.until}: {problem}", file=sys.stderr)
        return 2
    return _report(*_request(args, "POST", f"/subscriptions/{args.id}/pause", {"until": args.until}))


def cmd_resume(args: argparse.Namespace) -> int:
    return _report(*_request(args, "POST", f"/subscriptions/{args.id}/resume"))


def cmd_delete(args: argparse.Namespace) -> int:
    status, body = _request(args, "DELETE", f"/subscriptions/{args.id}")
    return _report(status, body) if status >= 400 else (print(f"deleted {args.id}") or 0)


TEST_TIMEOUT = 120  # the notifier bounds each channel's send itself (webhook, SMTP and Apprise timeouts)


def cmd_test(args: argparse.Namespace) -> int:
    status, body = _request(args, "POST", f"/subscriptions/{args.id}/test", timeout=TEST_TIMEOUT)
    if status >= 400:
        return _report(status, body)
    print(f"test notification for {body['subscription']}:")
    for outcome in body["channels"]:
        result = (f"delivered ({outcome['detail']})" if outcome.get("detail") else "delivered") \
            if outcome["delivered"] else f"failed: {outcome.get('error')}"
        print(f"  {outcome['channel']} {outcome['destination']}: {result}")
    return 0 if body["delivered"] else 1


def cmd_validate(args: argparse.Namespace) -> int:
    from services.notifier.store import load_file
    from services.notifier.subscriptions import SubscriptionError

    try:
        subs = load_file(Path(args.file))
    except SubscriptionError as exc:
        for err in exc.errors:
            print(f"error: {err['field']}: {err['message']}", file=sys.stderr)
        return 1
    print(f"{args.file}: {len(subs)} valid subscription(s): {', '.join(s.id for s in subs)}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``subscriptions`` and its commands to the ``pledgewatch`` parser."""
    parser = subparsers.add_parser("subscriptions", help="list, add, update, pause and delete subscriptions")
    parser.add_argument("--url", help="notifier API (default: $PLEDGEWATCH_NOTIFIER_URL or the running pledgewatch)")
    sub = parser.add_subparsers(dest="subscriptions_command", required=True)
    p = sub.add_parser("list", help="every subscription: id, origin (file/api), mode, channels")
    p.add_argument("--full", action="store_true", help="print them in full (YAML)")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("show", help="one subscription in full")
    p.add_argument("id")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("add", help="create subscriptions from a YAML or JSON file ('-': stdin)")
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="replace any with the same id")
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("update", help="change some fields of one (YAML or JSON file of the fields)")
    p.add_argument("id")
    p.add_argument("file")
    p.set_defaults(func=cmd_update)
    p = sub.add_parser("pause", help="send nothing to it until a time")
    p.add_argument("id")
    p.add_argument("--until", required=True, help="ISO 8601 time with a zone, e.g. 2026-02-01T09:00:00Z")
    p.set_defaults(func=cmd_pause)
    p = sub.add_parser("resume", help="end a pause")
    p.add_argument("id")
    p.set_defaults(func=cmd_resume)
    p = sub.add_parser("delete", help="delete one stored subscription")
    p.add_argument("id")
    p.set_defaults(func=cmd_delete)
    p = sub.add_parser("test", help="send a test notification through its channels now and print each result")
    p.add_argument("id")
    p.set_defaults(func=cmd_test)
    p = sub.add_parser("validate", help="check a YAML subscriptions file (offline)")
    p.add_argument("file")
    p.set_defaults(func=cmd_validate)
