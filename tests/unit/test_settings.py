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


def test_the_api_token_comes_from_the_environment_and_never_shows_in_repr(monkeypatch):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", "env-token-0123456789")
    settings = Settings()
    assert settings.api_token_value == "env-token-0123456789"
    assert "env-token-0123456789" not in repr(settings)


def test_the_api_token_comes_from_a_file_without_its_newline(monkeypatch, tmp_path):
    path = tmp_path / "token"
    path.write_text("file-token-0123456789\n")
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN_FILE", str(path))
    assert Settings().api_token_value == "file-token-0123456789"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param({"PLEDGEWATCH_API_TOKEN": "short"}, "at least 16 characters", id="too-short"),
        pytest.param({"PLEDGEWATCH_API_TOKEN_FILE": "/nonexistent/token"}, "cannot read /nonexistent/token",
                     id="missing-file"),
        pytest.param({"PLEDGEWATCH_API_TOKEN": "env-token-0123456789", "PLEDGEWATCH_API_TOKEN_FILE": "/x"},
                     "set PLEDGEWATCH_API_TOKEN or PLEDGEWATCH_API_TOKEN_FILE, not both", id="both"),
    ],
)
def test_a_bad_api_token_setting_is_refused_with_the_reason(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        Settings()


def test_no_token_and_open_reads_by_default_and_reads_close_by_setting(monkeypatch):
    monkeypatch.delenv("PLEDGEWATCH_API_TOKEN", raising=False)
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN_FILE", "")
    assert (Settings().api_token_value, Settings().open_reads) == (None, True)
    monkeypatch.setenv("PLEDGEWATCH_OPEN_READS", "false")
    assert Settings().open_reads is False


def test_a_service_with_a_bad_token_setting_exits_with_one_line(monkeypatch):
    from services.common.settings import get_settings

    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", "short")
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as exited:
            get_settings()
    finally:
        get_settings.cache_clear()
    assert str(exited.value.code).startswith("error: bad setting: the API token needs at least")
    assert "\n" not in str(exited.value.code)
