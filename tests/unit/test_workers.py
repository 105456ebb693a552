"""`pledgewatch run --workers N`: the number checked, the workers named, started again, shown and logged."""

import asyncio
import io
import json
import logging

import pytest

from pledgewatch.cli import main
from pledgewatch.status_view import render
from pledgewatch.workers import exit_text, next_pause, worker_consumer
from services.common.logs import FORMAT, JsonFormatter, OneLineFormatter, WorkerLabel
from services.common.parent_death import parent_gone_text
from services.common.settings import MAX_WORKERS, Settings


@pytest.mark.parametrize(("given", "says"), [
    ("0", "argument --workers: 0: give how many processes, 1 to 32"),
    ("-1", "argument --workers: -1: give how many processes, 1 to 32"),
    (str(MAX_WORKERS + 1), f"argument --workers: {MAX_WORKERS + 1}: give how many processes, 1 to 32"),
    ("two", "argument --workers: 'two': not a whole number"),
])
def test_a_bad_number_of_workers_is_refused_before_anything_starts(capsys, given, says):
    assert main(["run", "--workers", given]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: pledgewatch run: {says}") and err.count("\n") == 1, err


@pytest.mark.parametrize("value", ["0", "33", "many"])
def test_a_bad_workers_setting_names_the_variable(monkeypatch, capsys, value):
    monkeypatch.setenv("PLEDGEWATCH_WORKERS", value)
    assert main(["run"]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: bad setting: PLEDGEWATCH_WORKERS={value!r} (the default of `pledgewatch run --workers`): ")


def test_one_worker_is_the_default_and_the_setting_is_read(monkeypatch):
    monkeypatch.delenv("PLEDGEWATCH_WORKERS", raising=False)
    assert Settings().workers == 1
    monkeypatch.setenv("PLEDGEWATCH_WORKERS", "3")
    assert Settings().workers == 3


def test_each_worker_reads_under_a_consumer_name_of_its_own():
    names = [worker_consumer("host-42", number) for number in range(1, 5)]
    assert names[0] == "host-42" and len(set(names)) == 4


def test_a_worker_failing_at_once_is_started_again_ever_more_slowly_and_one_that_ran_at_once():
    pauses, pause = [], 0.0
    for _ in range(9):
        pause = next_pause(pause, ran_seconds=2.0)
        pauses.append(pause)
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert next_pause(60.0, ran_seconds=3600.0) == 0.0


@pytest.mark.parametrize(("code", "text"), [(-9, "was killed by signal 9"), (1, "exited with status 1")])
def test_how_a_worker_ended_is_said_plainly(code, text):
    assert exit_text(code) == text


def _record() -> logging.LogRecord:
    record = logging.LogRecord("services.classifier", logging.INFO, __file__, 1, "classified %s", ("r-1",), None)
    WorkerLabel(2).filter(record)
    return record


def test_a_worker_s_log_lines_name_it():
    line = OneLineFormatter(FORMAT.replace("%(name)s", "[worker %(worker)s] %(name)s")).format(_record())
    assert line.endswith(" INFO [worker 2] services.classifier: classified r-1")
    assert json.loads(JsonFormatter().format(_record()))["worker"] == 2


def _status(workers):
    return {"data_folder": "/d", "run": {"pid": 42, "api": "http://127.0.0.1:8080", "workers": workers},
            "redis_url": "redis://127.0.0.1:6379/0", "api": None, "streams": [],
            "dead_letters": {"total": 0, "by_origin": {}}}


def test_status_lists_the_workers_and_says_which_one_is_not_running():
    lines = render(_status([{"number": 1, "pid": 42, "running": True},
                            {"number": 2, "pid": 43, "running": False}])).splitlines()
    assert lines[1] == "workers   2: pid 42 (ingest, api), 43 (not running)"


def test_status_of_a_single_process_run_has_no_workers_line():
    assert "workers" not in render(_status([{"number": 1, "pid": 42, "running": True}]))


def test_status_reads_when_each_worker_started_from_run_json_and_does_without_in_an_older_one():
    from pledgewatch.status import started_times

    assert started_times({"started": [1.5, 2]}, 2) == [1.5, 2.0]
    assert started_times({}, 2) == [None, None]  # a run.json written before it held them: "starting" till a beat
    assert started_times({"started": [1.5]}, 2) == [None, None]
    assert started_times({"started": [1.5, "x"]}, 2) == [None, None]


class _Process:
    """A worker's process as the run sees it: exited with ``code``, or running (None)."""

    def __init__(self, pid: int, code: int | None = None) -> None:
        self.pid, self.code = pid, code

    def poll(self) -> int | None:
        return self.code


def _on_a_clock_of_its_own(monkeypatch, *, until: float):
    """The workers module with its clock the test's own: a sleep moves it on by what is slept, and the watch is
    cancelled once it is past ``until``. Returns the module and the clock (``.now``)."""
    from types import SimpleNamespace

    from pledgewatch import workers as workers_module

    clock = SimpleNamespace(now=0.0)

    async def sleep(seconds: float) -> None:
        clock.now += seconds
        if clock.now > until:
            raise asyncio.CancelledError

    monkeypatch.setattr(workers_module, "asyncio", SimpleNamespace(sleep=sleep))
    monkeypatch.setattr(workers_module, "time", SimpleNamespace(monotonic=lambda: clock.now, time=lambda: clock.now))
    return workers_module, clock


async def test_a_worker_paused_before_its_restart_holds_up_no_other_worker(monkeypatch):
    """Before: the watch slept through one worker's pause (up to a minute) before looking at the others, so a
    worker failing at start held up every other's restart, and the killing of hung ones, for that long."""
    workers_module, clock = _on_a_clock_of_its_own(monkeypatch, until=100)
    run = workers_module.Workers(Settings(workers=3))
    started: dict[int, float] = {}

    def spawn(number: int) -> _Process:
        started[number] = clock.now
        return _Process(1000 + number)

    monkeypatch.setattr(run, "_spawn", spawn)
    run._workers = [workers_module._Worker(2, _Process(200, 1), started=0.0, pause=32.0),  # failing at start
                    workers_module._Worker(3, _Process(300, 1), started=0.0)]
    with pytest.raises(asyncio.CancelledError):
        await run.watch()
    assert started == {2: 61.0, 3: 2.0}  # worker 2 after its minute's pause, worker 3 after its own second


async def test_a_worker_that_cannot_be_started_again_is_tried_again_and_the_watch_goes_on(monkeypatch, caplog):
    """Before: an error starting a worker again (no process to spare: EAGAIN) ended the watch, silently: no worker
    was started again, nor a hung one killed, for the rest of the run."""
    import errno

    workers_module, clock = _on_a_clock_of_its_own(monkeypatch, until=10)
    run = workers_module.Workers(Settings(workers=2))
    tries: list[float] = []

    def spawn(number: int) -> _Process:
        tries.append(clock.now)
        if len(tries) == 1:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        return _Process(1000 + number)

    monkeypatch.setattr(run, "_spawn", spawn)
    run._workers = [workers_module._Worker(2, _Process(200, 1), started=-3600.0)]  # ran an hour: at once
    with caplog.at_level(logging.ERROR, logger="pledgewatch"), pytest.raises(asyncio.CancelledError):
        await run.watch()
    assert tries == [1.0, 2.0] and run.pids == [1002]
    assert "worker 2 could not be started again ([Errno 11] Resource temporarily unavailable); trying again " \
           "in 1 s" in caplog.text


async def test_a_round_of_the_watch_that_fails_ends_not_the_watch(monkeypatch, caplog):
    """Before: an error in a round (run.json not written again on a full disk) ended the watch silently: no worker
    was started again, nor a hung one killed, for the rest of the run."""
    import errno

    workers_module, clock = _on_a_clock_of_its_own(monkeypatch, until=10)
    calls: list[list[int]] = []

    def record(pids: list[int], started: list[float]) -> None:
        calls.append(pids)
        if len(calls) == 1:
            run._workers[1].process.code = 1  # worker 3 exits meanwhile
            raise OSError(errno.ENOSPC, "No space left on device")

    run = workers_module.Workers(Settings(workers=3), on_change=record)
    monkeypatch.setattr(run, "_spawn", lambda number: _Process(1000 + number))
    run._workers = [workers_module._Worker(2, _Process(200, 1), started=-3600.0),
                    workers_module._Worker(3, _Process(300), started=-3600.0)]
    with caplog.at_level(logging.ERROR, logger="pledgewatch"), pytest.raises(asyncio.CancelledError):
        await run.watch()
    assert run.pids == [1002, 1003] and len(calls) == 2  # worker 3 exits later: started again all the same
    assert "watching the workers: OSError: [Errno 28] No space left on device; looking again in 1 s" in caplog.text


def test_a_worker_s_notifier_is_a_replica_of_the_run_s(monkeypatch):
    """What the run's notifier tells at its start (file subscriptions not loaded) is not told again by each worker."""
    from pledgewatch import worker
    from services.notifier import service as notifier_service

    made = []

    class Recorded(notifier_service.NotifierService):
        def __init__(self, settings, **kwargs):
            made.append(kwargs)
            super().__init__(settings, **kwargs)

    monkeypatch.setattr(notifier_service, "NotifierService", Recorded)
    worker.build_worker(Settings(workers=2, consumer="host-1-w2", redis_url="redis://127.0.0.1:1/0"), "host-1", 2)
    assert made == [{"replica": True}]


@pytest.mark.parametrize(("parent", "says"), [
    (4970, None),
    (1, "the run that started it (pid 4970) is gone (its parent is pid 1)"),
], ids=["started by the run", "reparented after the run died"])
def test_a_worker_knows_its_run_is_gone_when_its_parent_is_another(parent, says):
    assert parent_gone_text(4970, parent) == says


@pytest.mark.parametrize(("workers", "delivery_process", "roles"), [
    (1, False, {}),
    (1, True, {2: ["--delivery"]}),
    (3, True, {2: [], 3: [], 4: ["--delivery"]}),
], ids=["one process", "a delivery process", "two more workers and a delivery process"])
def test_the_run_starts_a_delivery_process_after_its_workers_when_the_setting_asks(monkeypatch, workers,
                                                                                    delivery_process, roles):
    from pledgewatch import workers as workers_module

    started: dict[int, list[str]] = {}

    class Popen:
        def __init__(self, argv, **kwargs):
            started[len(started) + 2] = argv[argv.index(workers_module.RUN_PID_OPTION) + 2:]
            self.pid, self.stdin = 1000 + len(started), io.BytesIO()  # the run's settings written to it

    monkeypatch.setattr(workers_module.subprocess, "Popen", Popen)
    settings = Settings(workers=workers, notifier={"delivery_process": delivery_process})
    workers_module.Workers(settings).start()
    assert started == roles
    assert workers_module.run_processes(settings) == workers + delivery_process


async def test_the_run_names_its_delivery_process_so_when_it_exits(monkeypatch, caplog):
    """Before: `worker 2 (pid 200) exited with status 1 …`, a numbered worker, though it runs no worker's services."""
    workers_module, clock = _on_a_clock_of_its_own(monkeypatch, until=1)
    run = workers_module.Workers(Settings(workers=1, notifier={"delivery_process": True}))
    monkeypatch.setattr(run, "_spawn", lambda number: _Process(1000 + number))
    run._workers = [workers_module._Worker(2, _Process(200, 1), started=-3600.0)]
    with caplog.at_level(logging.ERROR, logger="pledgewatch"), pytest.raises(asyncio.CancelledError):
        await run.watch()
    assert "delivery process (pid 200) exited with status 1 after 3601 s; starting it again" in caplog.text
    assert "worker 2" not in caplog.text


def test_the_delivery_process_s_log_lines_name_it():
    from services.common.logs import formatter

    record = logging.LogRecord("services.notifier.delivery", logging.INFO, __file__, 1, "sent %s", ("a-1",), None)
    WorkerLabel(3, name="delivery").filter(record)
    assert formatter("text", worker=3).format(record).endswith(" INFO [delivery] services.notifier.delivery: sent a-1")
    assert json.loads(formatter("json", worker=3).format(record))["worker"] == "delivery"


def test_status_names_the_run_s_delivery_process():
    workers = [{"number": 1, "pid": 42, "running": True}, {"number": 2, "pid": 43, "running": True, "delivery": True}]
    assert render(_status(workers)).splitlines()[1] == "workers   2: pid 42 (ingest, api), 43 (delivery)"
    workers = [{**w, "state": "alive", "last_beat": "2026-12-07T07:31:40Z"} for w in workers]
    assert render(_status(workers)).splitlines()[3] == ("   2  pid 43       alive, last heartbeat 07:31:40 UTC "
                                                        "(delivery)")


def test_status_reads_which_process_delivers_from_run_json():
    from pledgewatch.status import _workers

    found = _workers({"pid": 42, "workers": [42, 43], "delivery": 2})
    assert [w.get("delivery", False) for w in found] == [False, True]
    assert not any(w.get("delivery") for w in _workers({"pid": 42, "workers": [42, 43]}))  # an older run.json
