"""Settings from the environment, as the README's table documents them."""

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from services.common.errors import bad_settings, env_name
from services.common.settings import Settings, get_settings


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
        pytest.param({"PLEDGEWATCH_API_TOKEN_FILE": "/nonexistent/token"}, "/nonexistent/token: cannot be read",
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


def service_exit_message() -> str:
    """What a service started with the environment as it is exits with."""
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as exited:
            get_settings()
    finally:
        get_settings.cache_clear()
    return str(exited.value.code)


def test_a_service_with_a_bad_token_setting_exits_with_one_line(monkeypatch):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", "short")
    message = service_exit_message()
    assert message.startswith("error: bad setting: PLEDGEWATCH_API_TOKEN: the API token needs at least")
    assert "\n" not in message


# Every variable the services have read, with a value other than its default, and where it lands in the one
# settings object: a user's configuration keeps working whichever section a setting now lives in.
EVERY_VARIABLE = [
    ("REDIS_URL", "redis://db:6379/2", "redis_url", "redis://db:6379/2"),
    ("PLEDGEWATCH_PREFIX", "staging:", "prefix", "staging:"),
    ("PLEDGEWATCH_REDIS_WAIT_SECONDS", "5", "redis_wait_seconds", 5.0),
    ("PLEDGEWATCH_HOME", "/var/lib/pw", "data_dir", Path("/var/lib/pw")),
    ("PLEDGEWATCH_UNSUBSCRIBE_SPOOL_DIR", "/var/spool/pw", "unsubscribe_spool_folder", Path("/var/spool/pw")),
    ("PLEDGEWATCH_CONSUMER", "replica-7", "consumer", "replica-7"),
    ("PLEDGEWATCH_WATCH", "in:box", "watch", [Path("in"), Path("box")]),
    ("PLEDGEWATCH_POLL_SECONDS", "0.5", "poll_seconds", 0.5),
    ("PLEDGEWATCH_SETTLE_SECONDS", "5", "settle_seconds", 5.0),
    ("PLEDGEWATCH_MAX_RELEASE_BYTES", "1000", "max_release_bytes", 1000),
    ("PLEDGEWATCH_SUBSCRIPTIONS", "subs.yaml", "subscriptions", Path("subs.yaml")),
    ("PLEDGEWATCH_HTTP_HOST", "0.0.0.0", "http_host", "0.0.0.0"),
    ("PLEDGEWATCH_HTTP_PORT", "9090", "http_port", 9090),
    ("PLEDGEWATCH_CLAIM_IDLE_MS", "1000", "claim_idle_ms", 1000),
    ("PLEDGEWATCH_MAX_DELIVERIES", "9", "max_deliveries", 9),
    ("PLEDGEWATCH_REDIS_MAX_CONNECTIONS", "20", "redis_max_connections", 20),
    ("PLEDGEWATCH_READ_COUNT", "4", "read_count", 4),
    ("PLEDGEWATCH_READ_LINGER_MS", "2.5", "read_linger_ms", 2.5),
    ("PLEDGEWATCH_READ_AHEAD", "true", "read_ahead", True),
    ("PLEDGEWATCH_WORKERS", "2", "workers", 2),
    ("PLEDGEWATCH_HEARTBEAT_SECONDS", "0.5", "heartbeat_seconds", 0.5),
    ("PLEDGEWATCH_WORKER_HANG_SECONDS", "30", "worker_hang_seconds", 30.0),
    ("PLEDGEWATCH_STREAM_MAXLEN", "500", "stream_maxlen", 500),
    ("PLEDGEWATCH_DEAD_LETTERS_MAXLEN", "0", "dead_letters_maxlen", 0),
    ("PLEDGEWATCH_WEBHOOK_TIMEOUT", "3", "webhook_timeout", 3.0),
    ("PLEDGEWATCH_CLASSIFY_BUDGET_SECONDS", "2", "classify_budget_seconds", 2.0),
    ("PLEDGEWATCH_CLASSIFIER_MODEL", "models/mine.json", "classifier_model", Path("models/mine.json")),
    ("PLEDGEWATCH_ALLOW_PRIVATE_TARGETS", "10.0.0.0/8, hooks.internal", "allow_private_targets",
     ["10.0.0.0/8", "hooks.internal"]),
    ("PLEDGEWATCH_API_TOKEN", "env-token-0123456789", "api_token_value", "env-token-0123456789"),
    ("PLEDGEWATCH_OPEN_READS", "false", "open_reads", False),
    ("PLEDGEWATCH_WRONG_TOKEN_LIMIT", "3", "wrong_token_limit", 3),
    ("PLEDGEWATCH_WRONG_TOKEN_WINDOW_SECONDS", "60", "wrong_token_window_seconds", 60.0),
    ("PLEDGEWATCH_HTTP_REDIS_SECONDS", "0.5", "http_redis_seconds", 0.5),
    ("PLEDGEWATCH_TRUSTED_PROXIES", "10.0.0.5, 172.16.0.0/12,fd00::/8", "trusted_proxies",
     ["10.0.0.5", "172.16.0.0/12", "fd00::/8"]),
    ("PLEDGEWATCH_SECURE_COOKIES", "true", "secure_cookies", True),
    ("PLEDGEWATCH_ALLOWED_HOSTS", "pledgewatch.example.org, *", "allowed_hosts", ["pledgewatch.example.org", "*"]),
    ("PLEDGEWATCH_FASTSTREAM_METRICS", "false", "faststream_metrics", False),
    ("PLEDGEWATCH_LOG_LEVEL", "DEBUG", "log_level", "DEBUG"),
    ("PLEDGEWATCH_SOURCES", "sources.yaml", "ingest.sources", Path("sources.yaml")),
    ("PLEDGEWATCH_FEEDS", "https://a.org/x.atom https://b.org/y.rss", "ingest.feeds",
     ["https://a.org/x.atom", "https://b.org/y.rss"]),
    ("PLEDGEWATCH_FEED_INTERVAL", "60", "ingest.feed_interval", 60.0),
    ("PLEDGEWATCH_MAX_BACKOFF", "120", "ingest.max_backoff", 120.0),
    ("PLEDGEWATCH_GOVUK_URL", "https://gov.example/", "ingest.govuk_url", "https://gov.example"),
    ("PLEDGEWATCH_USER_AGENT", "bot/1", "ingest.user_agent", "bot/1"),
    ("PLEDGEWATCH_FETCH_TIMEOUT", "7", "ingest.fetch_timeout", 7.0),
    ("PLEDGEWATCH_MAX_FETCH_BYTES", "4096", "ingest.max_fetch_bytes", 4096),
    ("PLEDGEWATCH_MAX_REDIRECTS", "1", "ingest.max_redirects", 1),
    ("PLEDGEWATCH_FETCH_CONCURRENCY", "2", "ingest.fetch_concurrency", 2),
    ("PLEDGEWATCH_ENTRY_ATTEMPTS", "3", "ingest.entry_attempts", 3),
    ("PLEDGEWATCH_ALLOW_PRIVATE_LINKS", "true", "ingest.allow_private_links", True),
    ("PLEDGEWATCH_QUIET_AFTER", "4.5", "ingest.quiet_after", 4.5),
    ("PLEDGEWATCH_QUIET_WINDOW", "30", "ingest.quiet_window", 30),
    ("PLEDGEWATCH_QUIET_MIN_GAPS", "8", "ingest.quiet_min_gaps", 8),
    ("PLEDGEWATCH_QUIET_CHECK_INTERVAL", "15", "ingest.quiet_check_interval", 15.0),
    ("PLEDGEWATCH_DELIVERY_ATTEMPTS", "3", "notifier.delivery_attempts", 3),
    ("PLEDGEWATCH_RETRY_BASE_SECONDS", "1", "notifier.retry_base_seconds", 1.0),
    ("PLEDGEWATCH_RETRY_MAX_SECONDS", "30", "notifier.retry_max_seconds", 30.0),
    ("PLEDGEWATCH_DESTINATION_CONCURRENCY", "2", "notifier.destination_concurrency", 2),
    ("PLEDGEWATCH_DELIVERY_MAX_INFLIGHT", "8", "notifier.delivery_max_inflight", 8),
    ("PLEDGEWATCH_DELIVERY_POLL_SECONDS", "0.5", "notifier.delivery_poll_seconds", 0.5),
    ("PLEDGEWATCH_DELIVERY_LEASE_SECONDS", "30", "notifier.delivery_lease_seconds", 30.0),
    ("PLEDGEWATCH_DELIVERY_THREAD", "false", "notifier.delivery_thread", False),
    ("PLEDGEWATCH_DELIVERY_PROCESS", "true", "notifier.delivery_process", True),
    ("PLEDGEWATCH_SMTP_HOST", "mail.example", "notifier.smtp_host", "mail.example"),
    ("PLEDGEWATCH_SMTP_PORT", "2525", "notifier.smtp_port", 2525),
    ("PLEDGEWATCH_SMTP_STARTTLS", "true", "notifier.smtp_starttls", True),
    ("PLEDGEWATCH_SMTP_TLS", "true", "notifier.smtp_tls", True),
    ("PLEDGEWATCH_SMTP_USERNAME", "alerts", "notifier.smtp_username", "alerts"),
    ("PLEDGEWATCH_SMTP_PASSWORD", "hunter2", "notifier.smtp_password", "hunter2"),
    ("PLEDGEWATCH_SMTP_FROM", "pw@example.org", "notifier.smtp_from", "pw@example.org"),
    ("PLEDGEWATCH_SMTP_TIMEOUT", "4", "notifier.smtp_timeout", 4.0),
    ("PLEDGEWATCH_SMTP_HELO_NAME", "alerts.example.org", "notifier.smtp_helo_name", "alerts.example.org"),
    ("PLEDGEWATCH_APPRISE_TIMEOUT", "5", "notifier.apprise_timeout", 5.0),
    ("PLEDGEWATCH_REMINDER_TIME", "07:30", "notifier.reminder_time", "07:30"),
    ("PLEDGEWATCH_REMINDER_MISFIRE_GRACE_SECONDS", "600", "notifier.reminder_misfire_grace_seconds", 600.0),
    ("PLEDGEWATCH_REMINDER_ATTEMPTS", "2", "notifier.reminder_attempts", 2),
    ("PLEDGEWATCH_REMINDER_RETRY_BASE_SECONDS", "10", "notifier.reminder_retry_base_seconds", 10.0),
    ("PLEDGEWATCH_REMINDER_RETRY_MAX_SECONDS", "100", "notifier.reminder_retry_max_seconds", 100.0),
    ("PLEDGEWATCH_LEADER_TTL_SECONDS", "5", "notifier.leader_ttl_seconds", 5.0),
    ("PLEDGEWATCH_RELEASE_MEMORY_DAYS", "90", "notifier.release_memory_days", 90),
    ("PLEDGEWATCH_PUBLIC_URL", "https://alerts.example.org", "notifier.public_url", "https://alerts.example.org"),
    ("PLEDGEWATCH_DASHBOARD_URL", "http://127.0.0.1:8085", "notifier.dashboard_url", "http://127.0.0.1:8085"),
    ("PLEDGEWATCH_UNSUBSCRIBE_SECRET", "unsubscribe-0123456789", "notifier.unsubscribe_secret",
     "unsubscribe-0123456789"),
    ("PLEDGEWATCH_WEBHOOK_CONTENT_MODE", "binary", "notifier.webhook_content_mode", "binary"),
]
# Read through other means or new with this settings object, and tested on their own.
NOT_IN_THE_TABLE = {"PLEDGEWATCH_REDIS_URL", "PLEDGEWATCH_API_TOKEN_FILE", "PLEDGEWATCH_LOG_FORMAT",
                    "PLEDGEWATCH_FORCE_POLLING",
                    "PLEDGEWATCH_DATA_DIR"}  # the data folder's older name: the table has PLEDGEWATCH_HOME


NEEDS = {"PLEDGEWATCH_SMTP_PASSWORD": {"PLEDGEWATCH_SMTP_USERNAME": "alerts"}}  # refused without them
EXCLUDED_BY = {"PLEDGEWATCH_SMTP_TLS": "PLEDGEWATCH_SMTP_STARTTLS"}  # never both: each is read alone above


def _attribute(settings: Settings, path: str) -> object:
    value: object = settings
    for part in path.split("."):
        value = getattr(value, part)
    return value.get_secret_value() if isinstance(value, SecretStr) else value


@pytest.mark.parametrize(("variable", "value", "attribute", "expected"), EVERY_VARIABLE,
                         ids=[row[0] for row in EVERY_VARIABLE])
def test_every_variable_keeps_its_name_and_meaning(monkeypatch, variable, value, attribute, expected):
    for needed, its_value in NEEDS.get(variable, {}).items():
        monkeypatch.setenv(needed, its_value)
    monkeypatch.setenv(variable, value)
    assert _attribute(Settings(), attribute) == expected


def test_all_variables_together_are_read_in_one_go(monkeypatch):
    together = [row for row in EVERY_VARIABLE if row[0] not in EXCLUDED_BY]
    for variable, value, _, _ in together:
        monkeypatch.setenv(variable, value)
    settings = Settings()
    assert [_attribute(settings, attribute) for _, _, attribute, _ in together] == [
        expected for _, _, _, expected in together]


def test_the_table_names_every_setting_of_every_section():
    names = {f"PLEDGEWATCH_{name.upper()}" for name in Settings.model_fields if name not in Settings.section_names()}
    for section in Settings.section_names():
        names |= {f"PLEDGEWATCH_{name.upper()}" for name in Settings.model_fields[section].annotation.model_fields}
    names = (names - {"PLEDGEWATCH_REDIS_URL", "PLEDGEWATCH_API_TOKEN"}) | {"REDIS_URL", "PLEDGEWATCH_API_TOKEN"}
    assert (names - NOT_IN_THE_TABLE) | {"PLEDGEWATCH_HOME"} == {row[0] for row in EVERY_VARIABLE}


def test_a_bad_section_value_exits_with_one_line_naming_its_variable(monkeypatch):
    monkeypatch.setenv("PLEDGEWATCH_SMTP_PORT", "twenty-five")
    assert service_exit_message() == (
        "error: bad setting: PLEDGEWATCH_SMTP_PORT='twenty-five': Input should be a valid integer, unable to parse "
        "string as an integer (fix the environment variable, or unset it for the default)")


def test_explicit_section_values_win_over_the_environment_field_by_field(monkeypatch):
    monkeypatch.setenv("PLEDGEWATCH_FEED_INTERVAL", "60")
    monkeypatch.setenv("PLEDGEWATCH_MAX_BACKOFF", "120")
    settings = Settings(ingest={"feed_interval": 5})
    assert (settings.ingest.feed_interval, settings.ingest.max_backoff) == (5.0, 120.0)


def test_the_log_format_is_text_or_json(monkeypatch):
    assert Settings().log_format == "text"
    monkeypatch.setenv("PLEDGEWATCH_LOG_FORMAT", "json")
    assert Settings().log_format == "json"
    monkeypatch.setenv("PLEDGEWATCH_LOG_FORMAT", "xml")
    assert service_exit_message() == ("error: bad setting: PLEDGEWATCH_LOG_FORMAT='xml': Input should be 'text' or "
                                      "'json' (fix the environment variable, or unset it for the default)")


def test_folders_are_watched_by_notification_unless_polling_is_forced(monkeypatch):
    assert Settings().force_polling is False
    monkeypatch.setenv("PLEDGEWATCH_FORCE_POLLING", "true")
    assert Settings().force_polling is True


def test_the_smtp_password_is_never_shown(monkeypatch):
    monkeypatch.setenv("PLEDGEWATCH_SMTP_USERNAME", "alerts")
    monkeypatch.setenv("PLEDGEWATCH_SMTP_PASSWORD", "hunter2")
    settings = Settings()
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
    assert settings.notifier.smtp_password.get_secret_value() == "hunter2"


def test_a_minimum_of_gaps_beyond_the_window_is_refused_with_both_names(monkeypatch):
    """Before: `bad setting: PLEDGEWATCH_INGEST: quiet_min_gaps (12) is more than quiet_window (10)`, naming a
    variable there is none of and the two by the code's names."""
    monkeypatch.setenv("PLEDGEWATCH_QUIET_WINDOW", "10")
    monkeypatch.setenv("PLEDGEWATCH_QUIET_MIN_GAPS", "12")
    assert service_exit_message() == (
        "error: bad setting: PLEDGEWATCH_QUIET_MIN_GAPS=12 is more than PLEDGEWATCH_QUIET_WINDOW=10: no source "
        "could ever be judged (fix the environment variable, or unset it for the default)")


@pytest.mark.parametrize("kind", ["", "REMINDER_"])
def test_a_first_retry_delay_past_the_longest_is_a_bad_setting_naming_both(monkeypatch, kind):
    """Before: taken, and every retry waited the longest delay at most, never the first one asked for."""
    monkeypatch.setenv(f"PLEDGEWATCH_{kind}RETRY_BASE_SECONDS", "900")
    monkeypatch.setenv(f"PLEDGEWATCH_{kind}RETRY_MAX_SECONDS", "600")
    message = service_exit_message()
    assert message.startswith(f"error: bad setting: PLEDGEWATCH_{kind}RETRY_BASE_SECONDS=900 is more than "
                              f"PLEDGEWATCH_{kind}RETRY_MAX_SECONDS=600: "), message


def test_a_delivery_lease_within_two_polls_is_a_bad_setting_naming_both(monkeypatch):
    """A send's lease is renewed at the worker's polls: one ending between two polls let another worker take the job
    while the first still sent it, and the alert went twice."""
    monkeypatch.setenv("PLEDGEWATCH_DELIVERY_POLL_SECONDS", "30")
    monkeypatch.setenv("PLEDGEWATCH_DELIVERY_LEASE_SECONDS", "50")
    assert service_exit_message() == (
        "error: bad setting: PLEDGEWATCH_DELIVERY_LEASE_SECONDS=50 is less than twice "
        "PLEDGEWATCH_DELIVERY_POLL_SECONDS=30: a send's lease is renewed at a poll, and one ending between two "
        "polls lets another worker send the alert again; give a lease of at least 60 "
        "(fix the environment variable, or unset it for the default)")
    monkeypatch.setenv("PLEDGEWATCH_DELIVERY_LEASE_SECONDS", "60")
    assert Settings().notifier.delivery_lease_seconds == 60


def test_a_hang_limit_within_four_heartbeats_is_a_bad_setting_naming_both(monkeypatch):
    """A worker would be killed before it is even reported stopped."""
    monkeypatch.setenv("PLEDGEWATCH_HEARTBEAT_SECONDS", "5")
    monkeypatch.setenv("PLEDGEWATCH_WORKER_HANG_SECONDS", "20")
    assert service_exit_message() == (
        "error: bad setting: PLEDGEWATCH_WORKER_HANG_SECONDS=20 is not past 4 heartbeats "
        "(PLEDGEWATCH_HEARTBEAT_SECONDS=5: 20 s), when a silent worker is reported stopped: give more than 20 "
        "(or 0 never to kill a hung worker) (fix the environment variable, or unset it for the default)")
    monkeypatch.setenv("PLEDGEWATCH_WORKER_HANG_SECONDS", "0")
    assert Settings().worker_hang_seconds == 0


def test_the_hang_limit_is_a_minute_or_8_heartbeats_when_longer_unless_set(monkeypatch):
    """Slow heartbeats, valid before the limit existed, still start: its default follows them."""
    monkeypatch.delenv("PLEDGEWATCH_WORKER_HANG_SECONDS", raising=False)
    monkeypatch.delenv("PLEDGEWATCH_HEARTBEAT_SECONDS", raising=False)
    assert Settings().worker_hang_seconds == 60.0
    monkeypatch.setenv("PLEDGEWATCH_HEARTBEAT_SECONDS", "30")
    assert Settings().worker_hang_seconds == 240.0


@pytest.mark.parametrize("value", ["25:99", "24:00", "09:60", "9am"])
def test_a_reminder_time_that_is_no_time_of_day_is_a_bad_setting(monkeypatch, value):
    """Before: "25:99" passed the setting's pattern, so ``pledgewatch run`` started Redis and then failed with
    "unexpected ValueError: hour must be in 0..23"; "9am" was told the pattern, not the form."""
    monkeypatch.setenv("PLEDGEWATCH_REMINDER_TIME", value)
    assert service_exit_message() == (
        f"error: bad setting: PLEDGEWATCH_REMINDER_TIME={value!r}: not a time of day: give HH:MM in "
        "UTC, 00:00 to 23:59 (fix the environment variable, or unset it for the default)")


def _every_variable() -> list[str]:
    fields = [name for name in Settings.model_fields if name not in Settings.section_names()]
    for section in Settings.section_names():
        fields += list(Settings.model_fields[section].annotation.model_fields)
    return sorted(env_name(name) for name in fields)


CANDIDATE_BAD_VALUES = ["abc", "-5", "0", "short", "http://x", "x,y", "{", "1e999", "99:99"]


@pytest.mark.parametrize("variable", _every_variable())
def test_every_bad_value_is_told_naming_its_variable_once(monkeypatch, variable):
    """Before: ``PLEDGEWATCH_API_TOKEN=short`` said "bad setting: the API token needs at least 16 characters",
    naming no variable; PLEDGEWATCH_ALLOW_PRIVATE_TARGETS was named twice."""
    for value in CANDIDATE_BAD_VALUES:
        monkeypatch.setenv(variable, value)
        try:
            Settings()
        except ValidationError as exc:
            line = bad_settings(exc)
            assert line.startswith(f"bad setting: {variable}"), line
            assert line.count(variable) == 1, line


@pytest.mark.parametrize(("value", "reason"), [
    ("-1", "Input should be greater than or equal to 0"),
    ("51", "Input should be less than or equal to 50"),
    ("soon", "Input should be a valid number, unable to parse string as a number"),
])
def test_a_read_linger_outside_0_to_50_ms_is_a_bad_setting_naming_the_variable(monkeypatch, value, reason):
    monkeypatch.setenv("PLEDGEWATCH_READ_LINGER_MS", value)
    assert service_exit_message() == (
        f"error: bad setting: PLEDGEWATCH_READ_LINGER_MS={value!r}: {reason} (fix the environment variable, or "
        "unset it for the default)")


def test_a_bad_token_in_the_token_file_names_the_file_variable(monkeypatch, tmp_path):
    path = tmp_path / "token"
    path.write_text("short\n")
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN_FILE", str(path))
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert bad_settings(refused.value).startswith(
        f"bad setting: PLEDGEWATCH_API_TOKEN_FILE: {path}: the API token needs at least 16 characters")


def test_a_bad_setting_that_a_command_line_option_overrides_names_the_option_too(monkeypatch):
    from pledgewatch.configuration import load_settings
    from pledgewatch.errors import CommandError

    monkeypatch.setenv("PLEDGEWATCH_WORKERS", "many")
    with pytest.raises(CommandError) as refused:
        load_settings()
    assert str(refused.value).startswith(
        "bad setting: PLEDGEWATCH_WORKERS='many' (the default of `pledgewatch run --workers`): Input should be")
    assert refused.value.exit_code == 2


def test_a_short_unsubscribe_secret_says_it_needs_16_characters_naming_the_variable(monkeypatch):
    """Before: "PLEDGEWATCH_UNSUBSCRIBE_SECRET: Value should have at least 16 items after validation, not 3"."""
    monkeypatch.setenv("PLEDGEWATCH_UNSUBSCRIBE_SECRET", "abc")
    with pytest.raises(ValidationError) as refused:
        Settings()
    line = bad_settings(refused.value)
    assert line.startswith("bad setting: PLEDGEWATCH_UNSUBSCRIBE_SECRET: the unsubscribe secret needs at least 16 "
                           "characters"), line
    assert "abc" not in line and "items" not in line


def test_a_public_url_on_port_0_is_a_bad_setting_naming_the_variable(monkeypatch):
    """Before: ``http://alerts.example.org:0/`` was taken, and every unsubscribe link and feed address pointed at
    a port no browser can reach."""
    monkeypatch.setenv("PLEDGEWATCH_PUBLIC_URL", "http://alerts.example.org:0/")
    assert service_exit_message() == (
        "error: bad setting: PLEDGEWATCH_PUBLIC_URL='http://alerts.example.org:0/': port 0 is no port a request "
        "can go to (fix the environment variable, or unset it for the default)")


@pytest.mark.parametrize(("value", "problem"), [
    pytest.param("", "a user agent cannot be blank: name pledgewatch and how to reach whoever runs it", id="blank"),
    pytest.param("  ", "a user agent cannot be blank: name pledgewatch and how to reach whoever runs it",
                 id="spaces"),
    pytest.param("bot/1\nX-Injected: 1", "a user agent is one line of printable characters", id="a-line-break"),
])
def test_a_user_agent_no_request_could_carry_is_a_bad_setting_naming_the_variable(monkeypatch, value, problem):
    """Before: taken, and every request of every source went out with an empty User-Agent (refused by many sites'
    firewalls), or failed at every poll over a header holding a line break; a blank setting with a default is a
    bad setting."""
    monkeypatch.setenv("PLEDGEWATCH_USER_AGENT", value)
    assert service_exit_message() == (
        f"error: bad setting: PLEDGEWATCH_USER_AGENT={value!r}: {problem} (fix the environment variable, or unset "
        "it for the default)")


@pytest.mark.parametrize("value", ["", "  "])
def test_a_blank_consumer_name_is_a_bad_setting_naming_the_variable(monkeypatch, value):
    """Before: taken as it was, `pledgewatch run` started Redis and then failed with "unexpected SetupError: You
    should specify `group` and `consumer` both"."""
    monkeypatch.setenv("PLEDGEWATCH_CONSUMER", value)
    assert service_exit_message() == (
        f"error: bad setting: PLEDGEWATCH_CONSUMER={value!r}: a consumer name cannot be blank: give each replica "
        "its own (the default is <hostname>-<pid>) (fix the environment variable, or unset it for the default)")


def test_a_blank_older_name_of_the_data_folder_is_unset_not_the_current_folder(monkeypatch, tmp_path):
    """Before: `PLEDGEWATCH_DATA_DIR=` (the line of .env.example uncommented as it is) made the data folder the
    current folder, over PLEDGEWATCH_HOME: the embedded Redis's data, run.json and the API token went there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLEDGEWATCH_HOME", "/var/lib/pw")
    monkeypatch.setenv("PLEDGEWATCH_DATA_DIR", "")
    assert Settings().data_dir == Path("/var/lib/pw")
    monkeypatch.delenv("PLEDGEWATCH_HOME")
    monkeypatch.setenv("PLEDGEWATCH_DATA_DIR", " ")
    assert Settings().data_dir not in (tmp_path, tmp_path / " ")  # the user's data folder, as with it unset


@pytest.mark.parametrize(("variable", "attribute"), [("PLEDGEWATCH_SUBSCRIPTIONS", "subscriptions"),
                                                     ("PLEDGEWATCH_SOURCES", "ingest.sources")])
def test_a_blank_file_setting_is_unset_not_the_current_folder(monkeypatch, variable, attribute):
    """Before: `PLEDGEWATCH_SUBSCRIPTIONS=` (a line of .env.example uncommented as it is) was the path `.`, and
    `pledgewatch run` stopped with `error: .: cannot read it: Is a directory`, naming no setting."""
    monkeypatch.setenv(variable, " ")
    assert _attribute(Settings(), attribute) is None


def _unset_by_default() -> list[tuple[str, str]]:
    """(variable, attribute) of every setting whose default is unset (None)."""
    found = [(env_name(name), name) for name, field in Settings.model_fields.items()
             if name not in Settings.section_names() and field.default is None and field.default_factory is None]
    for section in Settings.section_names():
        for name, field in Settings.model_fields[section].annotation.model_fields.items():
            if field.default is None and field.default_factory is None:
                found.append((env_name(name), f"{section}.{name}"))
    return sorted(found)


@pytest.mark.parametrize(("variable", "attribute"), _unset_by_default())
@pytest.mark.parametrize("value", ["", "  "])
def test_a_blank_setting_whose_default_is_unset_is_unset(monkeypatch, variable, attribute, value):
    """Before: `PLEDGEWATCH_REMINDER_MISFIRE_GRACE_SECONDS=` and `PLEDGEWATCH_UNSUBSCRIBE_SECRET=` (lines of
    .env.example uncommented as they are) stopped every service as bad settings, a blank `REDIS_URL=` made the
    commands miss a running `pledgewatch run`, and a blank `PLEDGEWATCH_SMTP_USERNAME=` logged in to the SMTP
    server with no name, while a blank path or token was unset."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("PLEDGEWATCH_REDIS_URL", raising=False)
    monkeypatch.setenv(variable, value)
    assert _attribute(Settings(), attribute) is None


def _text_with_a_default() -> list[str]:
    """Every setting of text whose default is a text of its own (not made at start, nor unset)."""
    found = [env_name(name) for name, field in Settings.model_fields.items()
             if field.annotation is str and isinstance(field.default, str) and field.default]
    for section in Settings.section_names():
        found += [env_name(name) for name, field in Settings.model_fields[section].annotation.model_fields.items()
                  if field.annotation is str and isinstance(field.default, str) and field.default]
    return sorted(found)


@pytest.mark.parametrize("variable", _text_with_a_default())
@pytest.mark.parametrize("value", ["", "  "])
def test_a_blank_setting_whose_default_is_a_value_is_a_bad_setting_naming_the_variable(monkeypatch, variable, value):
    """As the README says of them. Before: `PLEDGEWATCH_SMTP_HOST=` was taken, and every email failed at its
    sending, retried into a dead letter; `PLEDGEWATCH_PREFIX=` put every key at the top of a shared Redis;
    `PLEDGEWATCH_USER_AGENT=` sent requests without one; `PLEDGEWATCH_HTTP_HOST=` was told only at the start."""
    monkeypatch.setenv(variable, value)
    message = service_exit_message()
    assert message.startswith(f"error: bad setting: {variable}={value!r}: "), message


def test_the_settings_of_text_with_a_default_are_found():
    assert {"PLEDGEWATCH_PREFIX", "PLEDGEWATCH_HTTP_HOST", "PLEDGEWATCH_SMTP_HOST",
            "PLEDGEWATCH_USER_AGENT"} <= set(_text_with_a_default())


@pytest.mark.parametrize("value", ["*", "proxy.internal", "10.0.0.300", "10.0.0.0/33"])
def test_a_trusted_proxy_that_is_no_address_or_network_is_a_bad_setting_naming_it(monkeypatch, value):
    """uvicorn takes such an entry for a name no peer ever has: the proxy would silently not be trusted (and
    ``*`` would trust every client to name its own address and scheme)."""
    monkeypatch.setenv("PLEDGEWATCH_TRUSTED_PROXIES", f"10.0.0.5,{value}")
    assert service_exit_message() == (
        f"error: bad setting: PLEDGEWATCH_TRUSTED_PROXIES='10.0.0.5,{value}': {value!r} is not an IP address or "
        "network (e.g. 10.0.0.5, 172.16.0.0/12, fd00::/8) (fix the environment variable, or unset it for the "
        "default)")


@pytest.mark.parametrize("value", ["https://pledgewatch.example.org", "pledgewatch.example.org:8443", "a b"])
def test_an_allowed_host_that_is_no_name_is_a_bad_setting_naming_it(monkeypatch, value):
    monkeypatch.setenv("PLEDGEWATCH_ALLOWED_HOSTS", value)
    assert service_exit_message().startswith(f"error: bad setting: PLEDGEWATCH_ALLOWED_HOSTS={value!r}: "
                                              f"{value!r} is not a host name")


def test_no_proxy_is_trusted_and_cookies_are_secure_over_https_only_by_default(monkeypatch):
    settings = Settings()
    assert (settings.trusted_proxies, settings.secure_cookies) == ([], False)
    assert (settings.wrong_token_limit, settings.wrong_token_window_seconds) == (10, 300.0)


def test_an_http_request_waits_two_seconds_on_redis_by_default_and_never_past_its_command_timeout(monkeypatch):
    assert Settings().http_redis_seconds == 2.0
    for value in ("0", "5.5"):
        monkeypatch.setenv("PLEDGEWATCH_HTTP_REDIS_SECONDS", value)
        with pytest.raises(ValidationError, match="http_redis_seconds"):
            Settings()


def _float_variables() -> list[str]:
    fields = [(name, field) for name, field in Settings.model_fields.items() if name not in Settings.section_names()]
    for section in Settings.section_names():
        fields += list(Settings.model_fields[section].annotation.model_fields.items())
    return sorted(env_name(name) for name, field in fields if "float" in str(field.annotation))


@pytest.mark.parametrize("variable", _float_variables())
@pytest.mark.parametrize("value", ["inf", "Infinity", "1e999", "nan"])
def test_a_number_setting_that_is_not_finite_is_a_bad_setting_naming_the_variable(monkeypatch, variable, value):
    """Before: ``PLEDGEWATCH_LEADER_TTL_SECONDS=inf`` (and ``inf`` for 15 other settings) was taken: the run
    started, and the reminder scheduler's lease failed at every round ("cannot convert float infinity to
    integer"), so no reminder ever fired."""
    monkeypatch.setenv(variable, value)
    message = service_exit_message()
    assert message.startswith(f"error: bad setting: {variable}"), message
    assert "Input should be a finite number" in message, message


@pytest.mark.parametrize(("variable", "value", "limit"), [
    ("PLEDGEWATCH_LEADER_TTL_SECONDS", "1e300", "3600"),
    ("PLEDGEWATCH_CLAIM_IDLE_MS", "99999999999999999999", "604800000"),
])
def test_a_lease_longer_than_redis_or_failover_allows_is_a_bad_setting(monkeypatch, variable, value, limit):
    """Before: a leader TTL of 1e300 s was refused by Redis at every round ("value is not an integer or out of
    range"), so the scheduler never ran; a claim idle time past Redis's range crashed every reclaim
    (``Invalid min-idle-time argument for XAUTOCLAIM``), so an entry a dead consumer left was never reclaimed."""
    monkeypatch.setenv(variable, value)
    message = service_exit_message()
    assert message.startswith(f"error: bad setting: {variable}={value!r}: Input should be less than or equal to "
                              f"{limit}"), message


def test_a_poll_interval_longer_than_a_year_is_a_bad_setting(monkeypatch):
    """Before: ``PLEDGEWATCH_FEED_INTERVAL=1e12`` was taken, and ``pledgewatch run`` stopped at start with
    ``unexpected OverflowError: date value out of range``, naming no setting."""
    monkeypatch.setenv("PLEDGEWATCH_FEED_INTERVAL", "1e12")
    message = service_exit_message()
    assert message.startswith("error: bad setting: PLEDGEWATCH_FEED_INTERVAL='1e12': Input should be less than or "
                              "equal to 31536000"), message


@pytest.mark.parametrize("variable", ["PLEDGEWATCH_WRONG_TOKEN_LIMIT", "PLEDGEWATCH_WRONG_TOKEN_WINDOW_SECONDS"])
def test_a_setting_about_tokens_that_holds_none_shows_its_bad_value(monkeypatch, variable):
    """Before: "bad setting: PLEDGEWATCH_WRONG_TOKEN_LIMIT: Input should be …", its value hidden as a secret's."""
    monkeypatch.setenv(variable, "many")
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert bad_settings(refused.value).startswith(f"bad setting: {variable}='many': ")



@pytest.mark.parametrize("value", [None, "", " "], ids=["unset", "blank", "spaces"])
def test_unsubscribes_are_kept_in_the_data_folder_unless_a_spool_folder_is_set(monkeypatch, tmp_path, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLEDGEWATCH_HOME", "/var/lib/pw")
    if value is not None:
        monkeypatch.setenv("PLEDGEWATCH_UNSUBSCRIBE_SPOOL_DIR", value)
    assert Settings().unsubscribe_spool_folder == Path("/var/lib/pw")


def test_a_relative_spool_folder_is_taken_from_the_current_folder_once(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLEDGEWATCH_UNSUBSCRIBE_SPOOL_DIR", "spool")
    assert Settings().unsubscribe_spool_folder == tmp_path / "spool"


def test_starttls_and_implicit_tls_together_are_a_bad_setting_naming_both(monkeypatch):
    """Before: accepted, then every email failed with aiosmtplib's "The start_tls and use_tls options are not
    compatible", retried until a dead letter."""
    monkeypatch.setenv("PLEDGEWATCH_SMTP_STARTTLS", "true")
    monkeypatch.setenv("PLEDGEWATCH_SMTP_TLS", "true")
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert bad_settings(refused.value).startswith(
        "bad setting: PLEDGEWATCH_SMTP_TLS='true': give PLEDGEWATCH_SMTP_TLS (implicit TLS, port 465) or "
        "PLEDGEWATCH_SMTP_STARTTLS (an upgrade, port 587 or 25), not both")


def test_an_smtp_password_without_a_user_name_is_a_bad_setting_not_shown(monkeypatch):
    """Before: the password was never sent, and the relay refused every email as unauthenticated."""
    monkeypatch.setenv("PLEDGEWATCH_SMTP_PASSWORD", "hunter2")
    monkeypatch.delenv("PLEDGEWATCH_SMTP_USERNAME", raising=False)
    with pytest.raises(ValidationError) as refused:
        Settings()
    line = bad_settings(refused.value)
    assert line.startswith("bad setting: PLEDGEWATCH_SMTP_PASSWORD: set without PLEDGEWATCH_SMTP_USERNAME"), line
    assert "hunter2" not in line


@pytest.mark.parametrize("value", ["3f2a1b9c0d4e", "mail example.org", "http://mail.example.org", "[not-an-address]",
                                   "mail.example.org.", "mail.example.123"])
def test_an_ehlo_name_that_is_no_fully_qualified_name_or_address_is_a_bad_setting(monkeypatch, value):
    monkeypatch.setenv("PLEDGEWATCH_SMTP_HELO_NAME", value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert bad_settings(refused.value).startswith(
        f"bad setting: PLEDGEWATCH_SMTP_HELO_NAME={value!r}: not a fully qualified host name (mail.example.org) "
        "nor an address literal ([192.0.2.1])")


@pytest.mark.parametrize(("value", "literal"), [("192.0.2.1", "[192.0.2.1]"), ("2001:db8::1", "[IPv6:2001:db8::1]")])
def test_an_ehlo_name_that_is_a_bare_address_is_a_bad_setting_naming_its_literal(monkeypatch, value, literal):
    """Before: 192.0.2.1 passed as a host name of four labels, and was given so in EHLO (RFC 5321 4.1.3: an
    address is given in brackets)."""
    monkeypatch.setenv("PLEDGEWATCH_SMTP_HELO_NAME", value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert bad_settings(refused.value).startswith(
        f"bad setting: PLEDGEWATCH_SMTP_HELO_NAME={value!r}: an address is given in EHLO as an address literal: "
        f"{literal}")


@pytest.mark.parametrize("value", ["alerts.example.org", "[192.0.2.1]", "[IPv6:2001:db8::1]"])
def test_an_ehlo_name_is_a_fully_qualified_name_or_an_address_literal(monkeypatch, value):
    monkeypatch.setenv("PLEDGEWATCH_SMTP_HELO_NAME", value)
    assert Settings().notifier.smtp_helo_name == value


# Every setting of a length of time, with its greatest value: past it, a bad setting at start.
DURATION_MAXIMA = {
    "PLEDGEWATCH_REDIS_WAIT_SECONDS": 3600,
    "PLEDGEWATCH_POLL_SECONDS": 3600,
    "PLEDGEWATCH_SETTLE_SECONDS": 3600,
    "PLEDGEWATCH_CLAIM_IDLE_MS": 604_800_000,
    "PLEDGEWATCH_HEARTBEAT_SECONDS": 3600,
    "PLEDGEWATCH_WORKER_HANG_SECONDS": 86_400,
    "PLEDGEWATCH_READ_LINGER_MS": 50,
    "PLEDGEWATCH_WEBHOOK_TIMEOUT": 600,
    "PLEDGEWATCH_CLASSIFY_BUDGET_SECONDS": 600,
    "PLEDGEWATCH_WRONG_TOKEN_WINDOW_SECONDS": 86_400,
    "PLEDGEWATCH_HTTP_REDIS_SECONDS": 5,
    "PLEDGEWATCH_FEED_INTERVAL": 31_536_000,
    "PLEDGEWATCH_MAX_BACKOFF": 604_800,
    "PLEDGEWATCH_FETCH_TIMEOUT": 600,
    "PLEDGEWATCH_QUIET_CHECK_INTERVAL": 86_400,
    "PLEDGEWATCH_RETRY_BASE_SECONDS": 86_400,
    "PLEDGEWATCH_RETRY_MAX_SECONDS": 86_400,
    "PLEDGEWATCH_DELIVERY_POLL_SECONDS": 60,
    "PLEDGEWATCH_DELIVERY_LEASE_SECONDS": 86_400,
    "PLEDGEWATCH_SMTP_TIMEOUT": 600,
    "PLEDGEWATCH_APPRISE_TIMEOUT": 600,
    "PLEDGEWATCH_REMINDER_MISFIRE_GRACE_SECONDS": 31_536_000,
    "PLEDGEWATCH_REMINDER_RETRY_BASE_SECONDS": 86_400,
    "PLEDGEWATCH_REMINDER_RETRY_MAX_SECONDS": 86_400,
    "PLEDGEWATCH_LEADER_TTL_SECONDS": 3600,
    "PLEDGEWATCH_RELEASE_MEMORY_DAYS": 36_500,
}
# Set beside a value near the maximum, so that a check across settings does not refuse it first.
DURATION_COMPANIONS = {"PLEDGEWATCH_RETRY_BASE_SECONDS": {"PLEDGEWATCH_RETRY_MAX_SECONDS": "86400"},
                       "PLEDGEWATCH_DELIVERY_POLL_SECONDS": {"PLEDGEWATCH_DELIVERY_LEASE_SECONDS": "86400"},
                       "PLEDGEWATCH_REMINDER_RETRY_BASE_SECONDS": {"PLEDGEWATCH_REMINDER_RETRY_MAX_SECONDS": "86400"}}


def test_the_table_of_maxima_names_every_length_of_time():
    lengths = {variable for variable in _every_variable()
               if variable.endswith(("_SECONDS", "_TIMEOUT", "_INTERVAL", "_MS", "_BACKOFF", "_DAYS"))}
    assert lengths == set(DURATION_MAXIMA)


@pytest.mark.parametrize("variable", sorted(DURATION_MAXIMA))
def test_a_length_of_time_past_its_maximum_is_a_bad_setting_naming_the_variable(monkeypatch, variable):
    """Before: ``PLEDGEWATCH_APPRISE_TIMEOUT=1e11`` (and as long for 13 other settings) was taken, and every
    chat message failed on a socket timeout "out of range for platform time_t"; a misfire grace of 1e11 s made
    each reminder's check overflow."""
    for companion, value in DURATION_COMPANIONS.get(variable, {}).items():
        monkeypatch.setenv(companion, value)
    maximum = DURATION_MAXIMA[variable]
    monkeypatch.setenv(variable, str(maximum))
    Settings()
    for value in (str(maximum + 1), "100000000000"):
        monkeypatch.setenv(variable, value)
        message = service_exit_message()
        assert message.startswith(f"error: bad setting: {variable}={value!r}: Input should be less than or equal "
                                  f"to {maximum}"), message
