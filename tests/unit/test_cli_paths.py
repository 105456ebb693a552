"""The PATH arguments of ``classify`` and ``ingest``: what is said of one that cannot be read."""

import pytest

from pledgewatch.cli import _release_files
from pledgewatch.errors import CommandError


def test_a_link_to_nothing_says_where_it_leads(tmp_path):
    """Before: "broken.txt: no such file or folder", of a link the user sees in the folder."""
    link = tmp_path / "broken.txt"
    link.symlink_to(tmp_path / "gone.txt")
    with pytest.raises(CommandError, match=f"broken.txt: a link to {tmp_path / 'gone.txt'}, which does not exist"):
        _release_files([link])


def test_a_missing_path_is_still_no_such_file_or_folder(tmp_path):
    with pytest.raises(CommandError, match="gone.txt: no such file or folder"):
        _release_files([tmp_path / "gone.txt"])
