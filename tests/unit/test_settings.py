"""Settings from the environment, as the README's table documents them."""

from pathlib import Path

import pytest

from services.common.settings import Settings


@pytest.mark.parametrize(
    ("value", "folders"),
    [
        pytest.param("seeds", [Path("seeds")], id="one-folder"),
        pytest.param("seeds:inbox", [Path("seeds"), Path("inbox")], id="colon-separated"),
        pytest.param("", [], id="empty-watches-nothing"),
    ],
)
def test_watch_folders_come_from_a_path_list(monkeypatch, value, folders):
    monkeypatch.setenv("PLEDGEWATCH_WATCH", value)
    assert Settings().watch == folders


def test_redis_url_and_prefixed_variables_are_read(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://db:6379/2")
    monkeypatch.setenv("PLEDGEWATCH_PREFIX", "staging:")
    monkeypatch.setenv("PLEDGEWATCH_MAX_DELIVERIES", "9")
    settings = Settings()
    assert (settings.redis_url, settings.prefix, settings.max_deliveries) == ("redis://db:6379/2", "staging:", 9)
    assert settings.key("releases") == "staging:releases"


def test_a_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("PLEDGEWATCH_MAX_DELIVERIES", "many")
    with pytest.raises(ValueError, match="max_deliveries"):
        Settings()


def test_without_redis_url_the_separate_services_refuse_to_start(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("PLEDGEWATCH_REDIS_URL", raising=False)
    with pytest.raises(RuntimeError, match="REDIS_URL is not set"):
        Settings().require_redis_url()
