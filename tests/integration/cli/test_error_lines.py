"""Every failure a user meets starting or using pledgewatch is one line on stderr with an exit code.

Each row: a command line, its environment and files -> the exit code and a fragment of the line.
The commands run as the user runs them: the installed `pledgewatch` and `faststream` entry points.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.common.embedded_redis import free_port

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
TOKEN = "test-api-token-0123456789abcdef"
DEAD_REDIS = "redis://127.0.0.1:{dead_port}/0"  # a port nothing listens on
FILES = {
    "bad.yaml": "subscriptions:\n  - id: a\n    channels: [console\n  bad: : :\n",
    "bad-entry.yaml": "subscriptions:\n  - {id: desk-uk, channels: [console]}\n"
                      "  - {id: desk-eu, channels: [{webhook: {url: 'ftp://x'}}]}\n",
    "binary.yaml": b"\x7fELF\x02\x01\x01\x00\x00\xd0\xff\xfe",
    "2024-01-01-bad-month.md": "---\ndate: 2024-13-01\ntitle: Plan\n---\nThe UK will invest in schools.\n",
    "no-title.md": "---\ndate: 2024-03-01\n---\nThe UK will invest £10m in border checks.\n",
    "file-url.md": "---\ndate: 2024-03-01\ntitle: Plan\nurl: file:///etc/passwd\n---\nThe UK will invest.\n",
    "file-url.json": '{"url": "file:///etc/passwd", "title": "T", "published_at": "2024-01-01T00:00:00Z", '
                     '"body": "The UK will invest."}',
}


@dataclass(frozen=True)
class Case:
    command: list[str]
    code: int
    fragment: str
    env: dict[str, str] = field(default_factory=dict)
    absent: str | None = None  # a path under the data folder the failure must not have created


RUN = ["pledgewatch", "run", "--watch", "inbox"]
NO_SUBSCRIPTIONS_FILE = "no such subscriptions file (give the path of a YAML file)"
CASES = {
    "missing-subscriptions-file": Case(["pledgewatch", "subscriptions", "validate", "nope.yaml"], 2,
                                       f"error: nope.yaml: {NO_SUBSCRIPTIONS_FILE}"),
    # before: "error: nope.yaml: no such file", saying nothing of what to do, where `validate` did
    "add-of-a-missing-subscriptions-file": Case(["pledgewatch", "subscriptions", "add", "nope.yaml"], 2,
                                                f"error: nope.yaml: {NO_SUBSCRIPTIONS_FILE}"),
    "update-from-a-missing-subscriptions-file": Case(["pledgewatch", "subscriptions", "update", "desk", "nope.yaml"],
                                                     2, f"error: nope.yaml: {NO_SUBSCRIPTIONS_FILE}"),
    "binary-subscriptions-file": Case(["pledgewatch", "subscriptions", "validate", "binary.yaml"], 1,
                                      "error: binary.yaml: not a text file: not UTF-8"),
    # the line of the unclosed '[' (line 3); before: line 4, where the parser noticed it
    "bad-subscriptions-yaml-names-its-line": Case([*RUN, "--subscriptions", "bad.yaml"], 1,
                                                  "error: bad.yaml:3: not valid YAML", absent="redis"),
    # later: the line named the file and not the setting it came from
    "bad-subscriptions-file-at-run": Case(RUN, 1, "error: PLEDGEWATCH_SUBSCRIPTIONS: binary.yaml: not a text file",
                                          env={"PLEDGEWATCH_SUBSCRIPTIONS": "binary.yaml"}, absent="redis"),
    "run-without-the-subscriptions-file-of-the-environment": Case(
        RUN, 2, "error: PLEDGEWATCH_SUBSCRIPTIONS: nope.yaml: no such subscriptions file",
        env={"PLEDGEWATCH_SUBSCRIPTIONS": "nope.yaml"}, absent="redis"),
    # before: "subscriptions.1.channels.0.url: …", the entry to be counted out of the file
    "bad-subscription-at-run-is-named-by-its-id": Case([*RUN, "--subscriptions", "bad-entry.yaml"], 1,
                                                       "error: bad-entry.yaml: subscriptions.1 ('desk-eu'): "
                                                       "channels.0.url: only http and https URLs", absent="redis"),
    # before: "error: --subscriptions nope.yaml: no such file", saying nothing of what to do
    "run-without-the-subscriptions-file": Case([*RUN, "--subscriptions", "nope.yaml"], 2,
                                               f"error: --subscriptions nope.yaml: {NO_SUBSCRIPTIONS_FILE}",
                                               absent="redis"),
    "run-without-the-watched-folder": Case(["pledgewatch", "run", "--watch", "nowhere"], 2,
                                           "error: --watch nowhere: not a folder"),
    # before: exit 1 and "cannot read: [Errno 2] No such file or directory", where --sources said "no such file"
    "run-without-the-sources-file": Case(RUN, 2, "error: PLEDGEWATCH_SOURCES: nope.yaml: no such file",
                                         env={"PLEDGEWATCH_SOURCES": "nope.yaml"}),
    # before: a folder passed the check, and the run failed later with "cannot read: [Errno 21] Is a directory"
    # later: a folder was refused as "no such file", though it is there
    "run-with-a-folder-for-the-sources-file": Case(RUN, 2, "error: PLEDGEWATCH_SOURCES: inbox: a folder, not a "
                                                   "file", env={"PLEDGEWATCH_SOURCES": "inbox"}, absent="redis"),
    "run-with-a-folder-for-the-sources-option": Case([*RUN, "--sources", "inbox"], 2,
                                                     "error: --sources inbox: a folder, not a file", absent="redis"),
    "run-with-a-folder-for-the-subscriptions-file": Case([*RUN, "--subscriptions", "inbox"], 2,
                                                         "error: --subscriptions inbox: a folder, not a file",
                                                         absent="redis"),
    # before: "unexpected FileExistsError: [Errno 17] File exists"
    "run-with-a-data-folder-that-is-a-file": Case(RUN, 2, "bad.yaml: not a folder (set PLEDGEWATCH_HOME to a "
                                                  "folder pledgewatch may create and write in)",
                                                  env={"PLEDGEWATCH_HOME": "bad.yaml"}),
    "run-on-a-port-in-use-before-redis-starts": Case(
        RUN, 2, "error: PLEDGEWATCH_HTTP_PORT={busy_port}: 127.0.0.1:{busy_port} is already in use",
        env={"PLEDGEWATCH_HTTP_PORT": "{busy_port}"}, absent="redis"),
    "run-on-a-host-that-is-no-address-here": Case(
        RUN, 2, "error: PLEDGEWATCH_HTTP_HOST='999.1.1.1': not an address of this machine",
        env={"PLEDGEWATCH_HTTP_HOST": "999.1.1.1"}, absent="redis"),
    "run-with-a-redis-url-that-is-no-url": Case(RUN, 2, "error: bad setting: REDIS_URL: not a Redis URL",
                                                env={"REDIS_URL": "notaurl"}),  # not echoed: it may hold a password
    "run-with-an-unreachable-redis": Case(RUN, 1, "did not answer within 1 s",
                                          env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_REDIS_WAIT_SECONDS": "1"}),
    "ingest-with-an-unreachable-redis": Case(["pledgewatch", "ingest", "no-title.md"], 1, "did not answer within",
                                             env={"REDIS_URL": DEAD_REDIS}),
    "bad-log-level": Case(RUN, 2, "error: bad setting: PLEDGEWATCH_LOG_LEVEL='LOUD': not a log level",
                          env={"PLEDGEWATCH_LOG_LEVEL": "LOUD"}, absent="redis"),
    "bad-smtp-port-before-redis-starts": Case(RUN, 2, "error: bad setting: PLEDGEWATCH_SMTP_PORT='abc'",
                                              env={"PLEDGEWATCH_SMTP_PORT": "abc"}, absent="redis"),
    "bad-feed-setting-before-redis-starts": Case(RUN, 2, "PLEDGEWATCH_FEEDS='ftp://x'",
                                                 env={"PLEDGEWATCH_FEEDS": "ftp://x"}, absent="redis"),
    "bad-common-setting": Case(["pledgewatch", "classify", "no-title.md"], 2, "PLEDGEWATCH_HTTP_PORT='eighty'",
                               env={"PLEDGEWATCH_HTTP_PORT": "eighty"}),
    "two-data-folders": Case(RUN, 2, "set only one", env={"PLEDGEWATCH_DATA_DIR": "elsewhere"}),
    # before: every unknown option pointed to `pledgewatch --help`, which does not list the command's options
    "unknown-option": Case(["pledgewatch", "run", "--bogus"], 2,
                           "error: pledgewatch run: unrecognized arguments: --bogus (see `pledgewatch run --help`)"),
    "unknown-option-of-a-subcommand": Case(["pledgewatch", "subscriptions", "list", "--bogus", "x"], 2,
                                           "error: pledgewatch subscriptions list: unrecognized arguments: --bogus x "
                                           "(see `pledgewatch subscriptions list --help`)"),
    "web-page-as-path": Case(["pledgewatch", "classify", "https://example.org/a"], 2, "give a local file"),
    "missing-release-file": Case(["pledgewatch", "classify", "gone.md"], 2, "error: gone.md: no such file"),
    "bad-month-in-front-matter": Case(["pledgewatch", "classify", "2024-01-01-bad-month.md"], 1,
                                      "2024-01-01-bad-month.md:2: bad front matter: month must be in 1..12: "
                                      "'2024-13-01' is not a real date"),
    "front-matter-without-a-title": Case(["pledgewatch", "classify", "no-title.md"], 1,
                                         "error: no-title.md: no title: add a 'title:' front-matter line"),
    "file-url-in-front-matter": Case(["pledgewatch", "classify", "file-url.md"], 1,
                                     "file-url.md:4: front matter url 'file:///etc/passwd': only http and https "
                                     "URLs are allowed"),
    "file-url-in-json": Case(["pledgewatch", "classify", "file-url.json"], 1,
                             "error: file-url.json: url: only http and https URLs are allowed, not file:"),
    "subscriptions-with-nothing-running": Case(["pledgewatch", "subscriptions", "list"], 1,
                                               "no running pledgewatch found"),
    "status-with-nothing-running": Case(["pledgewatch", "status"], 1, "no running pledgewatch found"),
    "service-without-redis-url": Case(["faststream", "run", "services.classifier.app:app"], 1,
                                      "error: pledgewatch classifier: REDIS_URL is not set"),
    # later: the line began `error: /pledgewatch/version: Redis at …`, an internal name, not the service's
    "service-with-an-unreachable-redis": Case(["faststream", "run", "services.classifier.app:app"], 1,
                                              "error: pledgewatch classifier: Redis at 127.0.0.1:",
                                              env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_REDIS_WAIT_SECONDS": "1"}),
    "service-with-a-bad-setting": Case(["faststream", "run", "services.notifier.app:app"], 1,
                                       "error: pledgewatch notifier: bad setting: PLEDGEWATCH_SMTP_PORT='abc'",
                                       env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_SMTP_PORT": "abc"}),
    # later: the line named the file and not the setting it came from
    "service-with-a-bad-subscriptions-file": Case(["faststream", "run", "services.notifier.app:app"], 1,
                                                  "error: pledgewatch notifier: PLEDGEWATCH_SUBSCRIPTIONS: bad.yaml:3: "
                                                  "not valid YAML",
                                                  env={"REDIS_URL": DEAD_REDIS,
                                                       "PLEDGEWATCH_SUBSCRIPTIONS": "bad.yaml"}),
    # before: the ledger (which shows the file's subscriptions' calendars) read the file once Redis answered, and
    # a bad one was a traceback
    "ledger-with-a-bad-subscriptions-file": Case(["faststream", "run", "services.ledger.app:app"], 1,
                                                 "error: pledgewatch ledger: PLEDGEWATCH_SUBSCRIPTIONS: bad.yaml:3: "
                                                 "not valid YAML",
                                                 env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_REDIS_WAIT_SECONDS": "1",
                                                      "PLEDGEWATCH_SUBSCRIPTIONS": "bad.yaml"}),
    # later: "… nope.yaml: no such file", saying nothing of what to do, where `pledgewatch run` did (also the
    # notifier's and the delivery process's)
    "ledger-without-its-subscriptions-file": Case(["faststream", "run", "services.ledger.app:app"], 1,
                                                  "error: pledgewatch ledger: PLEDGEWATCH_SUBSCRIPTIONS: nope.yaml: "
                                                  f"{NO_SUBSCRIPTIONS_FILE}",
                                                  env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_REDIS_WAIT_SECONDS": "1",
                                                       "PLEDGEWATCH_SUBSCRIPTIONS": "nope.yaml"}),
    "delivery-without-its-subscriptions-file": Case(["faststream", "run", "services.delivery.app:app"], 1,
                                                    "error: pledgewatch delivery: PLEDGEWATCH_SUBSCRIPTIONS: nope.yaml: "
                                                    f"{NO_SUBSCRIPTIONS_FILE}",
                                                    env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_REDIS_WAIT_SECONDS": "1",
                                                         "PLEDGEWATCH_SUBSCRIPTIONS": "nope.yaml"}),
    # before: "error: pledgewatch notifier: nope.yaml: no such file", naming no setting
    "service-without-its-subscriptions-file-names-the-setting": Case(
        ["faststream", "run", "services.notifier.app:app"], 1,
        f"error: pledgewatch notifier: PLEDGEWATCH_SUBSCRIPTIONS: nope.yaml: {NO_SUBSCRIPTIONS_FILE}",
        env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_SUBSCRIPTIONS": "nope.yaml"}),
    # before: "error: pledgewatch ingest: bad.yaml: not YAML: …", naming no setting
    "ingest-with-a-bad-sources-file-names-the-setting": Case(
        ["faststream", "run", "services.ingest.app:app"], 1,
        "error: pledgewatch ingest: PLEDGEWATCH_SOURCES: bad.yaml:3: not YAML",
        env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_SOURCES": "bad.yaml"}),
    # before: "error: pledgewatch ingest: nope.yaml: cannot read: [Errno 2] No such file or directory: 'nope.yaml'"
    "ingest-without-its-sources-file-names-the-setting": Case(
        ["faststream", "run", "services.ingest.app:app"], 1,
        "error: pledgewatch ingest: PLEDGEWATCH_SOURCES: nope.yaml: no such file",
        env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_SOURCES": "nope.yaml"}),
    # before: "error: bad.yaml: not YAML: … (fix the sources file)", naming no setting
    "run-with-a-bad-sources-file-names-the-setting": Case(RUN, 1, "error: PLEDGEWATCH_SOURCES: bad.yaml:3: not YAML",
                                                          env={"PLEDGEWATCH_SOURCES": "bad.yaml"}, absent="redis"),
    "run-with-a-bad-sources-option-names-the-option": Case([*RUN, "--sources", "bad.yaml"], 1,
                                                           "error: --sources bad.yaml:3: not YAML", absent="redis"),
    "service-with-a-bad-subscription-names-it-by-its-id": Case(
        ["faststream", "run", "services.notifier.app:app"], 1,
        "error: pledgewatch notifier: PLEDGEWATCH_SUBSCRIPTIONS: bad-entry.yaml: subscriptions.1 ('desk-eu'): "
        "channels.0.url: only http",
        env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_SUBSCRIPTIONS": "bad-entry.yaml"}),
    # before: a traceback of a hundred lines, once Redis answered (a container restarted over and over)
    "service-on-a-port-in-use-before-redis": Case(
        ["faststream", "run", "services.classifier.app:app"], 1,
        "error: PLEDGEWATCH_HTTP_PORT={busy_port}: 127.0.0.1:{busy_port} is already in use",
        env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_REDIS_WAIT_SECONDS": "1", "PLEDGEWATCH_HTTP_PORT": "{busy_port}"}),
    "service-on-a-host-that-is-no-address-here": Case(
        ["faststream", "run", "services.ingest.app:app"], 1,
        "error: PLEDGEWATCH_HTTP_HOST='999.1.1.1': not an address of this machine",
        env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_REDIS_WAIT_SECONDS": "1", "PLEDGEWATCH_HTTP_HOST": "999.1.1.1"}),
    "service-on-a-blank-host": Case(
        ["faststream", "run", "services.ledger.app:app"], 1,
        "error: pledgewatch ledger: bad setting: PLEDGEWATCH_HTTP_HOST='': cannot be blank",
        env={"REDIS_URL": DEAD_REDIS, "PLEDGEWATCH_REDIS_WAIT_SECONDS": "1", "PLEDGEWATCH_HTTP_HOST": ""}),
    # before: "nope: needs releases/ and labels.json", without the "error:" of every other failure
    "train-on-a-missing-folder": Case(["pledgewatch", "train", "nope", "--output", "model.json"], 2,
                                      "error: nope: no such folder", absent="../model.json"),
    "eval-of-a-missing-folder": Case(["pledgewatch", "eval", "nope"], 2, "error: nope: no such folder"),
    # before: "releases: 0" and P/R/F1 1.000, exit 0 (eval); the model overwritten by one of 0 weights (train)
    "eval-of-a-folder-labelling-nothing": Case(["pledgewatch", "eval", "unlabelled"], 2,
                                               "error: unlabelled: no labelled release"),
    "train-on-a-folder-labelling-nothing": Case(["pledgewatch", "train", "unlabelled", "--output", "model.json"],
                                                2, "error: unlabelled: no labelled release", absent="../model.json"),
}


def _environment(home: Path, extra: dict[str, str], busy_port: int = 0) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PLEDGEWATCH_HOME": str(home), "PLEDGEWATCH_HTTP_PORT": "0", "PLEDGEWATCH_API_TOKEN": TOKEN,
                "PYTHONPATH": str(Path(__file__).resolve().parents[3])})  # `faststream run` imports services.*
    dead_port = str(free_port())
    env.update({name: value.format(dead_port=dead_port, busy_port=busy_port) for name, value in extra.items()})
    return env


@pytest.fixture
def busy_port():
    """A port something else listens on."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "unlabelled" / "releases").mkdir(parents=True)
    (tmp_path / "unlabelled" / "labels.json").write_text("{}")  # a labelled set labelling nothing
    for name, content in FILES.items():
        path = tmp_path / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    return tmp_path


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_failure_is_one_line_with_its_exit_code(case: Case, tmp_path: Path, busy_port: int):
    folder, home = _folder(tmp_path), tmp_path / "home"
    program, *args = case.command
    result = subprocess.run([str(BIN / program), *args], capture_output=True, text=True, cwd=folder,
                            env=_environment(home, case.env, busy_port), timeout=60)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert case.fragment.format(busy_port=busy_port) in result.stderr
    assert result.returncode == case.code, result.stderr
    if case.absent:
        assert not (home / case.absent).exists()


@pytest.mark.parametrize("command", [["--debug", *RUN[1:]], [*RUN[1:], "--debug"]], ids=["before", "after"])
def test_debug_shows_the_traceback(tmp_path: Path, command: list[str]):
    result = subprocess.run([str(BIN / "pledgewatch"), *command], capture_output=True, text=True,
                            cwd=_folder(tmp_path), env=_environment(tmp_path / "home", {"PLEDGEWATCH_SMTP_PORT": "abc"}),
                            timeout=60)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "PLEDGEWATCH_SMTP_PORT='abc'" in result.stderr
