"""The data folder's lock: one holder at a time, free again once released."""

import os

import pytest

from pledgewatch.runlock import AlreadyLocked, RunLock

pytestmark = pytest.mark.integration


def test_a_second_lock_on_the_same_folder_names_the_holder_until_it_is_released(tmp_path):
    with RunLock(tmp_path):
        with pytest.raises(AlreadyLocked) as refused:
            RunLock(tmp_path).acquire()
        assert refused.value.pid == os.getpid()
    with RunLock(tmp_path):  # released: taken again
        pass


def test_locks_on_different_folders_do_not_meet(tmp_path):
    with RunLock(tmp_path / "a"), RunLock(tmp_path / "b"):
        pass
