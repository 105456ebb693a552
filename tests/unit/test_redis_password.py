"""The embedded Redis's password: generated once into the data folder (owner-only), then the same each run."""

import pytest

from pledgewatch.errors import CommandError
from pledgewatch.redis_password import FILE_NAME, redis_password


def test_a_password_is_generated_once_owner_only_and_then_reused(tmp_path):
    first = redis_password(tmp_path / "data")
    assert len(first) >= 32
    path = tmp_path / "data" / FILE_NAME
    assert path.read_text().strip() == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert redis_password(tmp_path / "data") == first


def test_an_empty_password_file_is_refused_saying_what_to_do(tmp_path):
    (tmp_path / FILE_NAME).write_text("\n")
    with pytest.raises(CommandError, match="delete it"):
        redis_password(tmp_path)


def test_a_stored_password_others_could_read_is_made_owner_only(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text("written-by-hand\n")
    path.chmod(0o644)
    assert redis_password(tmp_path) == "written-by-hand"
    assert path.stat().st_mode & 0o777 == 0o600
