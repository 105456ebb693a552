"""Whether a queued job is the deleted subscription's, for a subscription made again under its id: a job marked
with the generation it was planned for is judged by it, whatever the times say; one without the mark (queued by an
earlier version, or a digest, weekly message or reminder) by when its message was made."""

from services.notifier.presence import _judged
from services.notifier.subscriptions import Subscription

SPEC = {"type": "webhook", "url": "https://x.example/h"}
DESK = Subscription.model_validate({"id": "desk", "channels": [{"webhook": {"url": "https://x.example/h"}}]})
MADE_AGAIN_AT = 1000.0


def _job(made_at: float, planned_for: int | None):
    return ("j1", "desk", SPEC, 0, lambda: made_at, planned_for)


def _cancelled(job, generation: int = 3) -> dict:
    return _judged([job], {"desk": DESK}, {"desk": MADE_AGAIN_AT}, {"desk": generation}).cancelled


def test_a_job_planned_for_the_subscription_made_again_is_sent_though_stamped_before_it_was_made():
    """Before: its alert, stamped before the subscription was made again (the release's time was taken before the
    subscriptions were read), was cancelled as the deleted one's."""
    assert _cancelled(_job(MADE_AGAIN_AT - 1, planned_for=3)) == {}


def test_a_job_planned_for_the_one_deleted_is_cancelled_though_stamped_after_it_was_made_again():
    assert _cancelled(_job(MADE_AGAIN_AT + 1, planned_for=1)) == {"j1": "deleted"}


def test_a_job_without_the_mark_is_judged_by_when_its_message_was_made():
    assert _cancelled(_job(MADE_AGAIN_AT - 1, planned_for=None)) == {"j1": "deleted"}
    assert _cancelled(_job(MADE_AGAIN_AT + 1, planned_for=None)) == {}


def test_a_marked_job_of_a_subscription_whose_generation_was_not_read_is_judged_by_the_time():
    """The file's subscriptions have no generation: as before."""
    job = _job(MADE_AGAIN_AT - 1, planned_for=3)
    assert _judged([job], {"desk": DESK}, {"desk": MADE_AGAIN_AT}, {}).cancelled == {"j1": "deleted"}
