"""Whether a delivery process runs, judged from its heartbeats, and what the notifier's leader logs of it."""

from services.notifier.delivery_presence import UnsentWatch, beat_text, gone, live, parse_beats, unsent_text


def test_beats_are_read_back_and_a_field_that_does_not_parse_is_left_out():
    fields = {"host-1": beat_text(41, 1000.5), "host-2": "not json", "host-3": '{"pid": 3}'}
    assert parse_beats(fields) == {"host-1": 1000.5}


def test_a_delivery_process_silent_past_the_limit_is_not_live():
    beats = {"recent": 980.0, "old": 900.0}
    assert live(beats, now=1000.0, limit=20.0) == ["recent"]
    assert gone(beats, now=1000.0, limit=20.0) == ["old"]


def test_deliveries_due_past_the_limit_with_no_delivery_process_live_are_told_with_how_to_start_one():
    text = unsent_text(3, 300, 0, limit=20.0)
    assert text is not None
    assert text.startswith("3 deliveries due, the oldest for 5 min, and no delivery process has written a "
                           "heartbeat within 20 s")
    assert "PLEDGEWATCH_DELIVERY_PROCESS=true" in text
    assert "docker compose --profile delivery-process up -d" in text


def test_nothing_is_told_while_a_delivery_process_is_live_nothing_is_due_or_it_is_due_only_just():
    assert unsent_text(3, 300, 1, limit=20.0) is None
    assert unsent_text(0, None, 0, limit=20.0) is None
    assert unsent_text(1, 20, 0, limit=20.0) is None  # a delivery process starting beside the notifier


def test_the_warning_is_logged_when_it_starts_again_only_after_a_while_and_its_end_once():
    watch = UnsentWatch(repeat_seconds=600.0)
    assert watch.note(None, now=0.0) is None
    assert watch.note("stuck", now=10.0) == ("warning", "stuck")
    assert watch.note("stuck", now=20.0) is None
    assert watch.note("stuck", now=611.0) == ("warning", "stuck")
    level, _ = watch.note(None, now=620.0)
    assert level == "info"
    assert watch.note(None, now=630.0) is None
