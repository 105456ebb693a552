"""One settings object for every service, from ``PLEDGEWATCH_*`` and ``REDIS_URL``.

Common settings are fields of :class:`Settings`; each service's own are a section of it (``settings.ingest``,
``settings.notifier``) whose fields are read from the same flat variables (``PLEDGEWATCH_FEEDS``, not
``PLEDGEWATCH_INGEST__FEEDS``), so every variable keeps the name it has always had.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import AliasChoices, BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (BaseSettings, EnvSettingsSource, NoDecode, PydanticBaseSettingsSource,
                               SettingsConfigDict)

from schemas.streams import DEFAULT_PREFIX, stream_key
from services.ingest.settings import IngestSettings
from services.notifier.config import NotifierConfig

from .auth import validate_token
from .blank import none_if_blank, refuse_blank
from .errors import StartupError, bad_settings
from .host_names import allowed_host_problem
from .outbound import TargetPolicy
from .worker_liveness import MISSED_BEATS, beat_limit
from .wrong_tokens import DEFAULT_LIMIT, DEFAULT_WINDOW_SECONDS


class FlatSectionsSource(EnvSettingsSource):
    """Each section's fields from ``<prefix><FIELD>``, as if they were fields of the settings themselves."""

    def __call__(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for section_name in Settings.section_names():
            model = Settings.model_fields[section_name].annotation
            values = {}
            for name, field in model.model_fields.items():
                value, _, is_complex = self.get_field_value(field, name)
                value = self.prepare_field_value(name, field, value, is_complex)
                if value is not None:
                    values[name] = value
            data[section_name] = values
        return data


# Each worker is a Python process of about 80 MB and a core's worth of work; past a few per core they only
# contend for the CPU and for Redis.
MAX_WORKERS = 32
DEFAULT_HANG_SECONDS = 60.0
# A request or an exchange that has not answered in ten minutes will not; longer only holds a slot.
LONGEST_TIMEOUT = 600
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
HOME_VARIABLE = "PLEDGEWATCH_HOME"


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """``PLEDGEWATCH_HOME`` when set, else the user's data folder (``~/.local/share/pledgewatch`` on Linux)."""
    home = environ.get(HOME_VARIABLE, "").strip()
    return Path(home) if home else Path(platformdirs.user_data_dir("pledgewatch", appauthor=False))

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")  # what redis-py's from_url reads


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLEDGEWATCH_", extra="ignore", allow_inf_nan=False)

    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("REDIS_URL", "PLEDGEWATCH_REDIS_URL"),
        description="Redis to use; unset: `pledgewatch run` starts an embedded one.",
    )
    prefix: str = Field(default=DEFAULT_PREFIX, description="Prefix of every Redis key.")
    redis_wait_seconds: float = Field(
        default=60.0, ge=0, le=3600,
        description="How long a service waits at startup for a Redis that does not answer yet.")
    data_dir: Path = Field(
        default_factory=lambda: default_data_dir(os.environ),
        description="Embedded Redis data (AOF), run.json and the lock of a running `pledgewatch run`; "
                    "PLEDGEWATCH_DATA_DIR is the older name of PLEDGEWATCH_HOME.")
    unsubscribe_spool_dir: Path | None = Field(
        default=None,
        description="Folder the notifier keeps unsubscribes in while Redis cannot take them, and the dashboard "
                    "reads them from; writable by every notifier and by the process serving the dashboard. Unset: "
                    "the data folder.")
    consumer: str = Field(
        default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}",
        description="Consumer name inside each group; unique per replica.",
    )
    watch: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [Path("seeds")], description="Folders ingest watches (':'-separated).")
    poll_seconds: float = Field(
        default=1.0, gt=0, le=3600,
        description="Folder scan interval when polling (force_polling, or no file system notifications); also how "
                    "soon a file whose ingest failed is tried again (an hour at most).")
    settle_seconds: float = Field(
        default=2.0, gt=0, le=3600,
        description="A file in a watched folder is read once its size and mtime have not changed for this long, "
                    "so a slow copy is not read half-way; a writer pausing longer should write to a temporary "
                    "name (.part, .tmp, a dotfile) and rename it into place.")
    max_release_bytes: int = Field(default=2_000_000, gt=0, description="Larger release files are rejected.")
    subscriptions: Path | None = Field(default=None, description="YAML subscriptions file.")
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535, description="HTTP API port (0: any free port).")
    claim_idle_ms: int = Field(default=30_000, gt=0, le=604_800_000,
                               description="Reclaim entries pending this long (a week at most).")
    max_deliveries: int = Field(default=5, ge=1, description="Dead-letter an entry delivered more often.")
    redis_max_connections: int = Field(
        default=100, ge=8, le=10_000,
        description="Connections each service's command pool opens to Redis at most; past it, a command waits "
                    "for a free one. At least 8: a transaction holds one connection while it reads on another.")
    workers: int = Field(
        default=1, ge=1, le=MAX_WORKERS,
        description="Processes `pledgewatch run` runs the classifier, the notifier and the ledger in; the "
                    "first also runs ingest and the HTTP API, the others share the consumer groups' work.")
    heartbeat_seconds: float = Field(
        default=5.0, gt=0, le=3600,
        description="With more than one worker: how often each process of `pledgewatch run` writes its "
                    "heartbeat to Redis; one silent for 4 of these is reported stopped by `/healthz` and "
                    "`pledgewatch status`. Delivery processes (`PLEDGEWATCH_DELIVERY_PROCESS`) beat as often; "
                    "with none beating within 4, the notifier and `pledgewatch status` warn of deliveries due.")
    worker_hang_seconds: float = Field(
        default=DEFAULT_HANG_SECONDS, ge=0, le=86_400,
        description="With more than one worker: `pledgewatch run` kills a worker (2..N) whose heartbeat has been "
                    "silent this long (hung: its event loop held, or stopped with SIGSTOP) and starts it again; "
                    "more than 4 heartbeats (0: never). Unset: a minute, or 8 heartbeats when longer.")
    read_count: int = Field(default=64, ge=1, le=10_000,
                            description="Entries a consumer takes from its stream per read (XREADGROUP COUNT).")
    read_linger_ms: float = Field(
        default=0.0, ge=0, le=50,
        description="While entries come at least two to this many ms, a consumer starts its next read no "
                    "sooner than this long after its last began, so that reads hold several; entries further "
                    "apart, and the rest of a backlog, are read at once (0: always at once).")
    read_ahead: bool = Field(
        default=False,
        description="A consumer reads and decodes its next read while Redis runs the scripts of the one it "
                    "handles; reads are still handled in order, one at a time, each acknowledged once committed.")
    stream_maxlen: int = Field(default=100_000, gt=0, description="Approximate cap on each stream.")
    dead_letters_maxlen: int = Field(
        default=1_000_000, ge=0,
        description="Dead letters kept at most, whatever stream_maxlen is (0: no cap): past it the oldest are "
                    "dropped with an ERROR; from 80% of it a WARNING in the log and in `pledgewatch status`.")
    webhook_timeout: float = Field(default=10.0, gt=0, le=LONGEST_TIMEOUT,
                                   description="Seconds before a webhook POST gives up (600 at most).")
    classify_budget_seconds: float = Field(
        default=10.0, gt=0, le=600,
        description="Seconds a big release may take to classify, from the start of reading; past it, the "
                    "commitments found so far are published with the reason.")
    classifier_model: Path | None = Field(
        default=None,
        description="The classifier's decision model: a file `pledgewatch train DIR --output FILE` wrote; the "
                    "events it decides carry a classifier version naming it by its SHA-256. Unset: the model "
                    "the classifier ships.")
    allow_private_targets: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="CIDRs or host names outbound requests (webhooks, chat) may reach although not public "
                    "(comma-separated); by default only public addresses are reached.")
    api_token: SecretStr | None = Field(
        default=None, description="Bearer token every write to the HTTP APIs must carry (see README, Security).")
    api_token_file: Path | None = Field(
        default=None, description="A file holding the API token (e.g. a Docker secret); instead of api_token.")
    open_reads: bool = Field(default=True, description="false: reads of the HTTP APIs need the token too.")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names, comma-separated, a read without the token may be asked under beside IP "
                    "addresses, localhost, this machine's name, PLEDGEWATCH_HTTP_HOST and the hosts of "
                    "PLEDGEWATCH_PUBLIC_URL and PLEDGEWATCH_DASHBOARD_URL (a dashboard or feed reached by a name "
                    "through a proxy); *: any name. A read by another name is answered 421, so that a web page "
                    "cannot point a name of its own at this server and read it (DNS rebinding).")
    wrong_token_limit: int = Field(
        default=DEFAULT_LIMIT, ge=0, le=1_000_000,
        description="Wrong API tokens one client address may send (to the API or the dashboard's sign-in) within "
                    "wrong_token_window_seconds of its first; past it, its requests needing the token are "
                    "answered 429 until the window ends (0: no limit). Counted in Redis, shared by every "
                    "process serving HTTP against it.")
    wrong_token_window_seconds: float = Field(
        default=DEFAULT_WINDOW_SECONDS, gt=0, le=86_400,
        description="The window of wrong_token_limit, in seconds: how long a client past it is refused.")
    http_redis_seconds: float = Field(
        default=2.0, gt=0, le=5,
        description="How long an HTTP request (the API, the dashboard, /healthz) waits on Redis for an answer: "
                    "past it, 503 saying Redis is not answering, and for 5 s after, HTTP requests are answered "
                    "so at once but one, which asks Redis again. At most 5, the Redis command timeout.")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="IP addresses or networks (CIDR) of reverse proxies in front of the HTTP port, comma-separated: "
                    "from them X-Forwarded-For (the client's address) and X-Forwarded-Proto (https) are believed. "
                    "Unset: no one's; the headers are ignored.")
    secure_cookies: bool = Field(
        default=False, description="true: the dashboard's session cookie is always Secure (sent back over HTTPS "
                                   "only); false: when the request came over HTTPS, directly or through a "
                                   "trusted proxy.")
    faststream_metrics: bool = Field(default=True, description="FastStream's own per-subscriber metrics "
                                     "(received, processed, duration) at /metrics; false: not measured.")
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(
        default="text", description="text: one readable line a record; json: one JSON object a line.")
    force_polling: bool = Field(
        default=False, description="Watch folders by polling every poll_seconds instead of inotify/FSEvents "
                                   "(network filesystems, some containers' bind mounts).")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Ingest's own settings.")
    notifier: NotifierConfig = Field(default_factory=NotifierConfig, description="The notifier's own settings.")

    @classmethod
    def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, FlatSectionsSource(settings_cls), dotenv_settings,
                file_secret_settings)

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(REDIS_SCHEMES):
            raise ValueError(f"not a Redis URL: it starts with one of {', '.join(REDIS_SCHEMES)}")
        return value

    @field_validator("prefix", "http_host")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return refuse_blank(value)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"not a log level; use one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

    @field_validator("data_dir", mode="before")
    @classmethod
    def _blank_is_the_default(cls, value: object) -> object:
        # `PLEDGEWATCH_DATA_DIR=` (a blank older name) is unset, as a blank PLEDGEWATCH_HOME is: not the current folder
        return default_data_dir(os.environ) if isinstance(value, str) and not value.strip() else value

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().absolute()  # run.json tells other folders where to look

    @field_validator("unsubscribe_spool_dir")
    @classmethod
    def _absolute_spool(cls, value: Path | None) -> Path | None:
        return None if value is None else value.expanduser().absolute()  # as the data folder: one place

    @model_validator(mode="before")
    @classmethod
    def _one_home(cls, data: object) -> object:
        home, older = os.environ.get(HOME_VARIABLE, "").strip(), os.environ.get("PLEDGEWATCH_DATA_DIR", "").strip()
        if home and older and Path(home).absolute() != Path(older).absolute():
            raise ValueError(f"{HOME_VARIABLE}={home!r} and PLEDGEWATCH_DATA_DIR={older!r} (its older name) "
                             "name different folders; set only one")
        return data

    @field_validator("watch", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.split(os.pathsep) if part]
        return value

    @field_validator("allow_private_targets", mode="before")
    @classmethod
    def _split_targets(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            TargetPolicy.parse(value)  # a malformed entry is a settings error naming it
        return value

    @field_validator("trusted_proxies", "allowed_hosts", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, value: list[str]) -> list[str]:
        for entry in value:
            if problem := allowed_host_problem(entry):
                raise ValueError(problem)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: list[str]) -> list[str]:
        # uvicorn would take a malformed entry for a name that never matches: refused here, naming it
        proxies = []
        for entry in value:
            try:
                network = ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network (e.g. 10.0.0.5, 172.16.0.0/12, "
                                 "fd00::/8)") from None
            proxies.append(str(network) if "/" in entry else str(network.network_address))
        return proxies

    @field_validator("consumer")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():  # FastStream takes no consumer name for none, and fails only once Redis runs
            raise ValueError("a consumer name cannot be blank: give each replica its own (the default is "
                             "<hostname>-<pid>)")
        return value

    @field_validator("redis_url", "api_token", "api_token_file", "subscriptions", "unsubscribe_spool_dir",
                     "classifier_model", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return none_if_blank(value)

    @field_validator("api_token")
    @classmethod
    def _usable_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            validate_token(value.get_secret_value())
        return value

    @model_validator(mode="after")
    def _hang_past_stopped(self) -> Settings:
        stopped = beat_limit(self.heartbeat_seconds)
        if "worker_hang_seconds" not in self.model_fields_set:
            self.worker_hang_seconds = max(DEFAULT_HANG_SECONDS, 2 * stopped)
        elif 0 < self.worker_hang_seconds <= stopped:
            raise ValueError(
                f"PLEDGEWATCH_WORKER_HANG_SECONDS={self.worker_hang_seconds:g} is not past {MISSED_BEATS} heartbeats "
                f"(PLEDGEWATCH_HEARTBEAT_SECONDS={self.heartbeat_seconds:g}: {stopped:g} s), when a silent worker "
                f"is reported stopped: give more than {stopped:g} (or 0 never to kill a hung worker)")
        return self

    @model_validator(mode="after")
    def _read_api_token(self) -> Settings:
        if self.api_token is not None and self.api_token_file is not None:
            raise ValueError("set PLEDGEWATCH_API_TOKEN or PLEDGEWATCH_API_TOKEN_FILE, not both")
        if self.api_token_file is not None:
            where = f"PLEDGEWATCH_API_TOKEN_FILE: {self.api_token_file}"
            try:
                text = self.api_token_file.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise ValueError(f"{where}: cannot be read ({type(exc).__name__})") from None
            try:
                self.api_token = SecretStr(validate_token(text))
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
        return self

    @property
    def unsubscribe_spool_folder(self) -> Path:
        """Where unsubscribes Redis cannot take are kept: ``unsubscribe_spool_dir``, else the data folder."""
        return self.unsubscribe_spool_dir or self.data_dir

    @property
    def api_token_value(self) -> str | None:
        """The API token (from PLEDGEWATCH_API_TOKEN or the file), or None when none is configured."""
        return self.api_token.get_secret_value() if self.api_token is not None else None

    @property
    def target_policy(self) -> TargetPolicy:
        """Where outbound requests may go (see :mod:`services.common.outbound`)."""
        return TargetPolicy.parse(self.allow_private_targets)

    @classmethod
    def section_names(cls) -> set[str]:
        """The fields that are a service's section (read from flat variables, see FlatSectionsSource)."""
        return {name for name, field in cls.model_fields.items()
                if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)}

    def key(self, name: str) -> str:
        """Full Redis key of a stream or other object under the configured prefix."""
        return stream_key(name, self.prefix)

    def require_redis_url(self) -> str:
        if not self.redis_url:
            raise StartupError(
                "REDIS_URL is not set: run the services together with `pledgewatch run` "
                "(which starts an embedded Redis) or point REDIS_URL at a server"
            )
        return self.redis_url


@lru_cache
def get_settings() -> Settings:
    """The settings of a service; a bad value exits with one line naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SystemExit(f"error: {bad_settings(exc)}") from None
