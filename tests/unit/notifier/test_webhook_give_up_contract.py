"""What docs/CONTRACTS.md tells a webhook receiver about an outage of its own is what the defaults do: how long
a delivery is tried before it is given up on, and how long it can be sent again after that."""

from pathlib import Path

from services.common.retrying import RetryPolicy
from services.notifier.config import NotifierConfig
from services.notifier.outbox import GIVEN_UP_TTL_SECONDS

CONTRACTS = Path(__file__).parents[3] / "docs" / "CONTRACTS.md"


def _webhooks_section() -> str:
    text = " ".join(CONTRACTS.read_text(encoding="utf-8").split())
    return text[text.index("## Webhooks"):text.index("## Wire format")]


def test_the_contract_says_how_long_a_receiver_may_be_down_before_its_alerts_are_dead_letters():
    # Before: the contract said "at least once" and nothing of the give-up, so a receiver down for an hour
    # expected its alerts to come when it was back; each had become a dead letter about a minute after it was sent.
    config = NotifierConfig()
    nominal = RetryPolicy(config.retry_base_seconds, config.retry_max_seconds)  # the jitter's upper bound
    span = sum(nominal.delay(failures) for failures in range(1, config.delivery_attempts))
    assert 30 <= span <= 90, span  # "about a minute"
    section = _webhooks_section()
    assert "about a minute" in section and "`PLEDGEWATCH_DELIVERY_ATTEMPTS`" in section
    assert f"{GIVEN_UP_TTL_SECONDS // 86400} days" in section and "pledgewatch dlq replay" in section
