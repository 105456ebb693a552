"""How a program that is not ours is started to end with the process that starts it."""

import sys

from services.common import parent_death
from services.common.parent_death import launched_ending_with


def test_on_linux_a_program_is_started_through_the_launcher_with_the_parents_pid(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert launched_ending_with(4970, ["/usr/bin/redis-server", "--port", "6400"]) == [
        sys.executable, "-I", "-S", parent_death.__file__, "4970", "/usr/bin/redis-server", "--port", "6400"]


def test_elsewhere_a_program_is_started_as_it_is(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert launched_ending_with(4970, ["/opt/homebrew/bin/redis-server", "--port", "6400"]) == [
        "/opt/homebrew/bin/redis-server", "--port", "6400"]
