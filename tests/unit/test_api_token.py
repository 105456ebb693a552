"""The token of a local `pledgewatch run`: generated once into the data folder (owner-only), found by the CLI."""

import pytest
from pydantic import SecretStr

from pledgewatch.api_token import ensure_api_token, find_api_token, token_path
from pledgewatch.errors import CommandError
from services.common.settings import Settings


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data", api_token=None, api_token_file=None)


def test_a_token_is_generated_once_owner_only_and_then_reused(settings):
    first, generated = ensure_api_token(settings)
    assert generated
    token = first.api_token_value
    assert len(token) >= 32
    assert token_path(settings).read_text().strip() == token
    assert token_path(settings).stat().st_mode & 0o777 == 0o600
    again, generated = ensure_api_token(settings)
    assert (again.api_token_value, generated) == (token, False)


def test_a_configured_token_wins_and_nothing_is_written(settings):
    mine = settings.model_copy(update={"api_token": SecretStr("configured-token-0123456789")})
    kept, generated = ensure_api_token(mine)
    assert (kept.api_token_value, generated) == ("configured-token-0123456789", False)
    assert not token_path(settings).exists()


def test_the_cli_finds_the_configured_token_first_then_the_stored_one(settings):
    assert find_api_token(settings) is None
    stored, _ = ensure_api_token(settings)
    assert find_api_token(settings) == stored.api_token_value
    mine = settings.model_copy(update={"api_token": SecretStr("configured-token-0123456789")})
    assert find_api_token(mine) == "configured-token-0123456789"
    assert find_api_token(settings, stored=False) is None


def test_a_damaged_stored_token_is_refused_naming_the_file(settings):
    token_path(settings).parent.mkdir(parents=True)
    token_path(settings).write_text("x\n")
    with pytest.raises(CommandError, match="api-token: the API token needs at least 16 characters.*delete it"):
        ensure_api_token(settings)


def test_a_stored_token_others_could_read_is_made_owner_only(settings):
    """One written by hand ("delete it to have a new one made", or a token of one's own put there) has the umask's
    mode, 0644: every user of the machine could read the token every write needs."""
    path = token_path(settings)
    path.parent.mkdir(parents=True)
    path.write_text("written-by-hand-0123456789\n")
    path.chmod(0o644)
    kept, generated = ensure_api_token(settings)
    assert (kept.api_token_value, generated) == ("written-by-hand-0123456789", False)
    assert path.stat().st_mode & 0o777 == 0o600
