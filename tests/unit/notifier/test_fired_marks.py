"""A slot's fired mark: named by the slot alone for a subscription never made again (as every mark written before
generations named them), by its generation too for one made again under its id (decision 0070)."""

from datetime import date

from services.notifier.reminders import fired_mark, reminder_slot

SLOT = reminder_slot("desk", "c-funding", date(2027, 2, 5), "P1D")


def test_a_subscription_never_made_again_keeps_the_name_marks_were_written_under():
    for generation in (None, 0, 1):  # the file's or planned before records carried one; stored before counting; new
        assert fired_mark(SLOT, generation) == f"notifier:reminded:{SLOT}"


def test_each_subscription_made_again_has_marks_of_its_own():
    marks = {fired_mark(SLOT, g) for g in (1, 2, 3, 5)}
    assert len(marks) == 4
    assert fired_mark(SLOT, 3) == f"notifier:reminded:{SLOT}:g3"
