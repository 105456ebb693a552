"""A subscription deleted and made again under its id while a release is being planned for it: what the new one
is told and what its records say it was told agree. The alerts' script compares each stored subscription's
generation as the plan read it; one deleted (and made again) meanwhile has the release planned again, for the
subscription there now.

Before: the plan made for the deleted one was written, its records under the id included; its alert, marked with
the deleted one's generation, was cancelled, while the records told the new one it had been told of the release's
commitments: a later version told it nothing of those it had never received."""

import pytest

from samples import BORDERS, release

from notifier_harness import api_call, final_attempts, only_subscription, wait_for

pytestmark = pytest.mark.integration

DESK = {"id": "desk", "channels": ["console"]}


def _remade_before_the_first_commit(n):
    """``desk`` deleted and made again through the API once the first commit of alerts is about to be written."""
    service, commit = n.service, n.service._commit
    remade = []

    async def remaking(planned):
        if not remade:
            remade.append(True)
            assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
            assert (await api_call(n, "POST", "/subscriptions", DESK))[0] == 201
        return await commit(planned)

    service._commit = remaking
    return remade


async def _told(n, sub_id: str, commitment_id: str) -> bool:
    streams = n.service.runtime.streams
    return await streams.client.hexists(streams.key(f"notifier:sent:{sub_id}"), commitment_id)


async def test_a_subscription_made_again_while_a_release_is_planned_is_told_what_its_records_say(
        notifier, publish_classified):
    n = await notifier(http=True, run_scheduler=False)
    await only_subscription(n, DESK)
    remade = _remade_before_the_first_commit(n)
    n.service.worker.offer = lambda jobs: (set(), 0.0)  # queued due, and claimed: its subscription asked after

    await publish_classified(n.service, release(BORDERS))

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the alert's delivery ended")
    assert remade
    assert final.outcome == "delivered", final.error  # planned again for the subscription made again
    assert await _told(n, "desk", BORDERS.id)


async def test_a_subscription_deleted_while_a_release_is_planned_keeps_no_record_of_it(
        notifier, publish_classified):
    """Decision 0048's limit: the deleted one's records were written after the delete."""
    n = await notifier(http=True, run_scheduler=False)
    await only_subscription(n, DESK)
    await only_subscription_besides(n)
    service, commit = n.service, n.service._commit

    async def deleting(planned):
        await api_call(n, "DELETE", "/subscriptions/desk")
        return await commit(planned)

    service._commit = deleting
    await publish_classified(n.service, release(BORDERS))

    await wait_for(lambda: final_attempts(n.service, "other"), what="the other subscription's alert delivered")
    assert not await _told(n, "desk", BORDERS.id)
    assert await _told(n, "other", BORDERS.id)


async def only_subscription_besides(n):
    assert (await api_call(n, "POST", "/subscriptions", {"id": "other", "channels": ["console"]}))[0] == 201
