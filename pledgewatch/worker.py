"""One extra worker of ``pledgewatch run --workers N`` (``python -m pledgewatch.worker``, started by the run), or
with ``--delivery`` the run's delivery process (``PLEDGEWATCH_DELIVERY_PROCESS``).

It reads the run's settings (already checked, with the run's Redis, API token and subscriptions), its
number and the run's consumer name from its standard input, runs the classifier, the notifier and the
ledger on their consumer groups, serves no HTTP (its counters reach the run's ``/metrics`` through Redis:
:mod:`services.common.worker_metrics`), and ends with the run: on SIGTERM from it, or when it dies (Linux), even
before this process could ask to follow it (``--run-pid``: :mod:`services.common.parent_death`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import pickle
import sys
from collections.abc import Sequence

from faststream import FastStream

from services.classifier.service import ClassifierService
from services.common.logs import setup_logging
from services.common.parent_death import end_with_parent
from services.common.service import build_app
from services.common.settings import Settings
from services.common.standalone import exit_with_one_line

log = logging.getLogger("pledgewatch")


def build_worker(settings: Settings, run_consumer: str, number: int) -> FastStream:
    """The services a worker shares with the run's first process: every consumer group's work, no HTTP; its
    counters go to the run's ``/metrics``."""
    from services.ledger.service import LedgerService
    from services.notifier.service import NotifierService

    services = [ClassifierService(settings), NotifierService(settings, replica=True), LedgerService(settings)]
    return build_app(services, settings, title="pledgewatch worker", on_startup_error=exit_with_one_line,
                     serve_http=False, worker=(run_consumer, number))


def build_delivery(settings: Settings, run_consumer: str, number: int) -> FastStream:
    """The run's delivery process (``PLEDGEWATCH_DELIVERY_PROCESS``): the delivery worker alone, no HTTP; its
    counters go to the run's ``/metrics``."""
    from services.notifier.delivery_service import DeliveryService

    return build_app([DeliveryService(settings)], settings, title="pledgewatch delivery",
                     on_startup_error=exit_with_one_line, serve_http=False, worker=(run_consumer, number))


def main(argv: Sequence[str] = ()) -> int:
    arguments = _arguments().parse_args(argv)
    if arguments.run_pid is not None:
        end_with_parent(arguments.run_pid, name="pledgewatch worker")
    settings, number, run_consumer = pickle.load(sys.stdin.buffer)  # written by the run that started this process
    setup_logging(settings.log_level, settings.log_format, worker=number,
                  worker_name="delivery" if arguments.delivery else None)
    build = build_delivery if arguments.delivery else build_worker
    app = build(settings, run_consumer, number)

    @app.after_startup
    async def reading() -> None:
        if arguments.delivery:
            log.info("delivery process sending the outbox's deliveries as consumer %s", settings.consumer)
        else:
            log.info("worker %d reading as consumer %s: classifier, notifier, ledger", number, settings.consumer)

    try:
        asyncio.run(app.run())
    except KeyboardInterrupt:
        pass
    return 0


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pledgewatch.worker", description=__doc__.split("\n")[0])
    parser.add_argument("--run-pid", type=int, help="the run that starts this worker: it ends when that run does")
    parser.add_argument("--delivery", action="store_true", help="run the delivery worker alone (the run's delivery "
                                                                 "process, PLEDGEWATCH_DELIVERY_PROCESS)")
    return parser


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
