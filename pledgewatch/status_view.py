"""The text of ``pledgewatch status`` (pure: a status dict in, lines out)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from services.common.dead_letter_cap import near_cap_text
from services.common.dead_letter_counts import overcounted_text
from services.common.held_back import held_back_text
from services.common.logs import escape
from services.common.version_presence import classifier_named

from .build_info import UNKNOWN, build_named
from .dead_letters import brief_line


def _redis_cli(url: str) -> str:
    """How to look inside with redis-cli: ``***`` instead of the password would be refused."""
    if "***" in url:  # a password hidden by redacted()
        return "redis-cli -u <this URL with its password: pledgewatch status --show-secrets>"
    return f"redis-cli -u {_with_default_user(url)}"


def _with_default_user(url: str) -> str:
    """``redis://:pw@h`` as ``redis://default:pw@h``: redis-cli 6.0 to 7.0 sends the empty user name of the first
    (``AUTH "" pw``), refused as WRONGPASS; a password alone is the ``default`` user's."""
    parts = urlsplit(url)
    if parts.password is None or parts.username:
        return url
    return urlunsplit(parts._replace(netloc="default" + parts.netloc))


def _api_line(api: dict[str, Any] | None) -> str:
    if api is None:
        return "api       unknown (no `pledgewatch run` in the data folder; services started another way)"
    checks = ", ".join(f"{name} {result}" for name, result in api["checks"].items())
    return f"api       {api['url']}  {api['status']}" + (f" ({checks})" if checks else "")


def _workers_lines(workers: list[dict[str, Any]]) -> list[str]:
    if not any("state" in w for w in workers):  # no heartbeats to judge them by: whether each pid runs
        pids = ", ".join(f"{w['pid']}" + ("" if w["running"] else " (not running)") + _role(w)
                         for w in workers)
        return [f"workers   {len(workers)}: pid {pids}"]
    return [f"workers   {len(workers)}", *(_worker_line(w) for w in workers),
            *(f"  WARNING: {warning}" for warning in [mixed_worker_builds(workers)] if warning)]


def _worker_line(worker: dict[str, Any]) -> str:
    """``  2  pid 4970  alive, last heartbeat 07:31:40 UTC``; a stopped one's state in capitals, and why."""
    beat = worker.get("last_beat")
    last = f"last heartbeat {beat[11:19]} UTC" if isinstance(beat, str) else "no heartbeat yet"
    state = (f"STOPPED: {worker.get('reason')}" if worker.get("state") == "stopped"
             else f"{worker.get('state')}, {last}")
    if worker.get("release"):
        state += f", {build_named(worker['release'], worker.get('commit') or UNKNOWN)}"
    return f"  {worker['number']:>2}  pid {worker['pid']:<8} {state}" + _role(worker)


def mixed_worker_builds(workers: list[dict[str, Any]]) -> str | None:
    """A warning when the run's processes run different builds (a worker started again after the checkout moved
    on), as their heartbeats say."""
    by_build: dict[str, list[str]] = {}
    for w in workers:
        if w.get("release"):
            by_build.setdefault(build_named(w["release"], w.get("commit") or UNKNOWN), []).append(str(w["number"]))
    if len(by_build) < 2:
        return None
    listed = ", ".join(f"{build} ({', '.join(numbers)})" for build, numbers in sorted(by_build.items()))
    return (f"the run's processes run different builds: {listed}: stop the run and start it again, for all of "
            "them to run one")


def _role(worker: dict[str, Any]) -> str:
    """What a process of the run does beside the consumer groups' work, or instead of it."""
    return " (ingest, api)" if worker["number"] == 1 else " (delivery)" if worker.get("delivery") else ""


def _held_back_lines(status: dict[str, Any], now: datetime) -> list[str]:
    """A warning for each group that keeps entries past the streams' cap."""
    return ["  WARNING: " + held_back_text(stream=stream["name"], key=f"{status.get('prefix', '')}{stream['name']}",
                                            group=group["name"], entries=group["held_back"], cap=stream["cap"],
                                            since=group["held_back_since"], now=now)
            for stream in status["streams"] for group in stream["groups"]
            if group.get("held_back") and group.get("held_back_since")]


def render(status: dict[str, Any], now: datetime | None = None) -> str:
    """Lines a person reads: the run, the API's health, Redis, each stream and group (and a warning for a group
    holding back trimming), dead letters."""
    run = status["run"]
    whose = "the run's" if run else "from REDIS_URL"  # while a run goes, a REDIS_URL of another Redis is refused
    lines = [f"pledgewatch running, pid {run['pid']}" if run else "pledgewatch: no `pledgewatch run` here, "
             "reading REDIS_URL",
             *(_workers_lines(run["workers"]) if run and len(run.get("workers") or []) > 1 else []),
             f"data      {status['data_folder']}",
             _api_line(status["api"]),
             f"redis     {status['redis_url']}  {whose} ({_redis_cli(status['redis_url'])})",
             *([f"keys      {status['prefix']}*  (PLEDGEWATCH_PREFIX)"] if "prefix" in status else [])]
    if status["streams"] is None:  # Redis did not answer: the error says so
        return "\n".join(lines)
    names = max((len(group["name"]) + 1 for stream in status["streams"] for group in stream["groups"]), default=0)
    width = max(12, names)  # a group of a consumer's own may be named longer than pledgewatch's
    lines += ["", f"{'stream':<14}{'length':>8}  {'group':<{width}}{'consumers':>10}{'pending':>9}{'lag':>8}"]
    for stream in status["streams"]:
        groups = stream["groups"] or [None]
        for index, group in enumerate(groups):
            head = f"{stream['name']:<14}{stream['length']:>8}" if index == 0 else " " * 22
            tail = (f"  {group['name']:<{width}}{group['consumers']:>10}{group['pending']:>9}{group['lag']!s:>8}"
                    if group else "")
            lines.append((head + tail).rstrip())
    lines += _held_back_lines(status, now or datetime.now(timezone.utc))
    dead = status["dead_letters"]
    origins = ", ".join(f"{origin} {count}" for origin, count in dead["by_origin"].items())
    lines += ["", f"dead letters  {dead['total']}" + (f" ({origins})" if origins else "")]
    if dead.get("near_cap"):
        lines.append(f"  WARNING: {near_cap_text(dead['total'], dead['cap'])}")
    if dead.get("overcounted"):
        lines.append(f"  WARNING: {overcounted_text(dead['overcounted'])}")
    lines += [brief_line(letter) for letter in dead.get("newest", [])]
    if status.get("deliveries") is not None:
        lines += ["", deliveries_line(status["deliveries"]), *delivery_processes_lines(status["deliveries"])]
    if status.get("reminders") is not None:
        lines += [reminders_line(status["reminders"], now or datetime.now(timezone.utc))]
    if (status.get("subscriptions") or {}).get("unreadable"):
        lines += ["", *unreadable_lines(status["subscriptions"]["unreadable"])]
    if status.get("versions") is not None:
        lines += ["", *versions_lines(status["versions"])]
    if status.get("polled"):
        lines += ["", *polled_lines(status["polled"])]
    if status.get("sources"):  # beneath the polled sources' table, else apart
        lines += ([] if status.get("polled") else [""]) + [failing_source_line(s) for s in status["sources"]]
    return "\n".join(lines)


def unreadable_lines(unreadable: list[dict[str, Any]]) -> list[str]:
    """``subscriptions 1 stored that this version cannot read`` and a warning for each, saying how to fix it."""
    from services.notifier.unreadable import unreadable_warning

    return [f"subscriptions {len(unreadable)} stored that this version cannot read",
            *(f"  WARNING: {escape(unreadable_warning(u['id'], u['problems']))}" for u in unreadable)]


def versions_lines(versions: dict[str, Any]) -> list[str]:
    """``versions      0.1.0 (commit 3c4b5078c66b) (key schema 1): 2 processes``, one line a build, then a warning
    for each mix."""
    counts: dict[tuple[str, int], int] = {}
    for process in versions["live"]:
        key = (build_named(process["release"], process.get("commit") or UNKNOWN), process["schema"])
        counts[key] = counts.get(key, 0) + 1
    releases = [f"{release} (key schema {schema}): {n} process{'es' if n > 1 else ''}"
                for (release, schema), n in sorted(counts.items())] or ["none recorded"]
    models: dict[tuple[str, str], int] = {}
    for process in versions["live"]:
        if process.get("classifier"):
            named = (classifier_named(process["classifier"]), process["classifier"]["sha256"])
            models[named] = models.get(named, 0) + 1
    classifiers = [f"{named}, sha256:{digest}: {n} process{'es' if n > 1 else ''}"
                   for (named, digest), n in sorted(models.items())]
    return [f"versions      {releases[0]}", *(f"              {line}" for line in releases[1:]),
            *(f"{'classifier' if n == 0 else '':14}{line}" for n, line in enumerate(classifiers)),
            *(f"  WARNING: {warning}" for warning in versions["warnings"])]


def polled_lines(polled: list[dict[str, Any]]) -> list[str]:
    """``source        kind  last poll answered`` and a row for each polled source: when a poll of it last
    succeeded (``never`` when none has)."""
    width = max(14, *(len(source["name"]) + 2 for source in polled))
    rows = [f"{source['name']:<{width}}{source['kind']:<6}"
            + (source["last_poll"].replace("T", " ").rstrip("Z") + " UTC" if source["last_poll"] else "never")
            for source in polled]
    return [f"{'source':<{width}}{'kind':<6}last poll answered", *rows]


def failing_source_line(source: dict[str, Any]) -> str:
    """``  WARNING: source home-office failing since 2026-12-06 09:00 UTC, 3 polls in a row, backing off until
    2026-12-06 09:20:00 UTC; last: …``."""
    since = source["since"].replace("T", " ")[:16]
    polls = "1 poll" if source["failures"] == 1 else f"{source['failures']} polls in a row"
    retry_at = source.get("retry_at")
    backoff = f", backing off until {retry_at.replace('T', ' ').rstrip('Z')} UTC" if retry_at else ""
    # the error quotes what a server answered (its reason phrase): no control of it reaches the terminal
    last = escape(source["error"])
    return f"  WARNING: source {source['name']} failing since {since} UTC, {polls}{backoff}; last: {last}"


def reminders_line(reminders: dict[str, Any], now: datetime) -> str:
    """``reminders     2 planned, the next 2026-12-09 09:00 UTC (in 2 days); …`` beside the stream of those fired."""
    planned, next_at = reminders["planned"], reminders.get("next_at")
    fired = "the reminders stream above counts those sent"
    if not planned or next_at is None:
        return f"reminders     none planned ({fired})"
    at = datetime.fromisoformat(next_at)
    return (f"reminders     {planned} planned, the next {at:%Y-%m-%d %H:%M} UTC ({_ahead(at, now)}); {fired} "
            "(`pledgewatch subscriptions reminders ID` lists a subscription's)")


def _ahead(at: datetime, now: datetime) -> str:
    seconds = int((at - now).total_seconds())
    if seconds <= 0:
        return "due now"
    return f"in {_waited(seconds)}" if seconds < 2 * 86400 else f"in {seconds // 86400} days"


def deliveries_line(deliveries: dict[str, Any]) -> str:
    """``deliveries    3 queued: 2 due, the oldest for 10 min; 1 not due yet (waiting for a retry, or being sent)``."""
    queued, due = deliveries["queued"], deliveries["due"]
    parts = [f"{due} due, the oldest for {_waited(deliveries['oldest_due_seconds'])}"] if due else []
    parts += [f"{queued - due} not due yet (waiting for a retry, or being sent)"] if queued > due else []
    return f"deliveries    {queued} queued" + (f": {'; '.join(parts)}" if parts else "")


def delivery_processes_lines(deliveries: dict[str, Any]) -> list[str]:
    """``delivery processes  1 live: host-7`` when delivery processes send, and the warning of deliveries that
    wait with none live."""
    processes = deliveries.get("delivery_processes")
    if processes is None:
        return []
    names = processes["live"]
    lines = [f"delivery processes  {len(names)} live: {', '.join(names)}" if names else
             "delivery processes  none live"]
    return lines + ([f"  WARNING: {processes['warning']}"] if processes.get("warning") else [])


def _waited(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min" if seconds < 7200 else f"{seconds // 3600} h"
