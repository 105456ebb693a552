"""The claim of a release's next version (``publish_if_changed``: read the record under WATCH, then write it and
append the event in one MULTI/EXEC), and of a release file's read: a process killed between the steps, or a second
replica taking the same release between them, neither loses a version nor publishes one twice. A hook runs at the
transaction's EXEC, after the reads it was decided on. The session's Redis."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

import pytest
from redis.asyncio.client import Pipeline

from schemas import ReleasePublished
from services.common.service import Runtime
from services.ingest.identity import content_hash
from services.ingest.state import publish_if_changed
from tests.integration.ingest.settled_files import write_settled

pytestmark = pytest.mark.integration

PLAN = "Border plan published\nThe UK will invest £5m in border checks by 1 March 2027.\n"
CHANGED = PLAN.replace("£5m", "£7m")


class Killed(BaseException):
    """The process killed at this step: nothing after it runs, and no handler of the code under test sees it."""


def release(body: str) -> ReleasePublished:
    return ReleasePublished(release_id="border-plan", version=1, url="https://example.org/plan", title="Border plan",
                            published_at=datetime(2026, 11, 25, 9, tzinfo=timezone.utc), body=body,
                            content_hash=content_hash("Border plan", body), source="http")


@pytest.fixture
def at_exec(monkeypatch):
    """``at_exec(step)``: ``step`` runs once, at the next EXEC of a transaction (after its WATCHed reads and its
    queued writes, before Redis has them); ``after=True``: just after Redis has run it."""
    real = Pipeline.execute

    def arm(step: Callable[[], Awaitable[None]], *, after: bool = False) -> None:
        armed = [step]

        async def execute(self: Pipeline, raise_on_error: bool = True):  # type: ignore[no-untyped-def]
            step = armed.pop() if self.explicit_transaction and armed else None
            if step is not None and not after:
                await step()
            done = await real(self, raise_on_error)
            if step is not None and after:
                await step()
            return done

        monkeypatch.setattr(Pipeline, "execute", execute)

    return arm


@pytest.fixture
async def rival(settings):
    """A second ingest replica: a process of its own, with its own connections to the same Redis."""
    runtime = Runtime(settings, source="/test-rival")
    yield await runtime.open()
    await runtime.close()


async def test_killed_between_reading_the_record_and_its_exec_publishes_nothing_and_the_retry_publishes_once(
        streams, published, at_exec):
    async def kill() -> None:
        raise Killed

    at_exec(kill)
    with pytest.raises(Killed):
        await publish_if_changed(streams, release(PLAN), kind="http")
    assert await published() == [] and not await streams.client.exists(streams.key("ingest:release:border-plan"))
    again = await publish_if_changed(streams, release(PLAN), kind="http")  # the POST retried, the file read again
    assert (again.version, again.published) == (1, True)
    assert [(r.version, r.body) for r in await published()] == [(1, PLAN)]


@pytest.mark.parametrize("rivals_text", [PLAN, CHANGED], ids=["the-same-text", "another-text"])
async def test_a_second_replica_taking_the_release_between_the_read_and_the_exec_makes_no_version_twice(
        streams, rival, published, at_exec, rivals_text):
    taken = []

    async def other_replica() -> None:
        taken.append(await publish_if_changed(rival, release(rivals_text), kind="http"))

    at_exec(other_replica)
    mine = await publish_if_changed(streams, release(PLAN), kind="http")
    assert taken and taken[0].version == 1
    events = [(r.version, r.body) for r in await published()]
    if rivals_text == PLAN:  # its record now holds this text: nothing to publish
        assert (mine.version, mine.published) == (1, False) and events == [(1, PLAN)]
    else:  # read again after the rival's version: this text is the next one
        assert (mine.version, mine.published) == (2, True) and events == [(1, CHANGED), (2, PLAN)]


@pytest.mark.parametrize("edited", [False, True], ids=["new-file", "edited-file"])
async def test_a_file_published_by_a_process_killed_before_its_read_was_recorded_is_not_published_again_moved(
        tmp_path, http_service, watch, published, at_exec, edited):
    """``make run`` watching ``seeds``, killed just after publishing a file; docker compose then mounting the folder
    at ``/inbox``: the file is the release it was published as, as it is when the read was recorded."""
    service, _ = http_service
    seeds = tmp_path / "seeds"
    if edited:
        await service.ingest_file(write_settled(seeds / "2026-12-01-plan.txt", PLAN), within=[seeds])

    async def kill() -> None:
        raise Killed

    at_exec(kill, after=True)  # the release's version published, the process killed before its next step
    with pytest.raises(Killed):
        await service.ingest_file(write_settled(seeds / "2026-12-01-plan.txt", CHANGED if edited else PLAN),
                                  within=[seeds])
    before = [(r.release_id, r.version) for r in await published()]
    assert len(before) == 1 + edited
    seeds.rename(tmp_path / "inbox")
    await watch(tmp_path / "inbox")
    assert [(r.release_id, r.version) for r in await published()] == before


async def test_a_moved_file_claimed_by_a_process_killed_before_publishing_keeps_its_release(
        tmp_path, http_service, watch, streams, published, monkeypatch):
    """The claim of a moved file's release (its place recorded in ``ingest:file-releases``) written, the process
    killed before the version's transaction: read again, the file is that release, and its edit its next version."""
    from services.ingest import service as ingest_service

    service, _ = http_service
    seeds, inbox = tmp_path / "seeds", tmp_path / "inbox"
    first = await service.ingest_file(write_settled(seeds / "2026-12-01-plan.txt", PLAN), within=[seeds])
    seeds.rename(inbox)
    real = ingest_service.publish_if_changed

    async def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Killed

    monkeypatch.setattr(ingest_service, "publish_if_changed", killed)
    with pytest.raises(Killed):
        await service.ingest_file(inbox / "2026-12-01-plan.txt", within=[inbox])
    assert await streams.client.hlen(streams.key("ingest:file-releases")) == 1  # the claim's write, done
    monkeypatch.setattr(ingest_service, "publish_if_changed", real)
    await watch(inbox)
    write_settled(inbox / "2026-12-01-plan.txt", CHANGED)
    await watch(inbox)
    assert [(r.release_id, r.version) for r in await published()] == [(first.release_id, 1), (first.release_id, 2)]
