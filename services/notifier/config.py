"""The notifier's section of the settings (``PLEDGEWATCH_*``): delivery, retries, email, reminders.

A plain model: :class:`services.common.settings.Settings` reads it from the environment with the rest
(and owns ``PLEDGEWATCH_WEBHOOK_TIMEOUT`` and ``PLEDGEWATCH_SUBSCRIPTIONS``)."""

from __future__ import annotations

import re
from datetime import time, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator, model_validator

from services.common.blank import none_if_blank, refuse_blank
from services.common.retrying import RetryPolicy
from services.common.url_hosts import port_zero_problem

from .addresses import parse_address
from .bounds import http_url_problem
from .helo_names import helo_name_problem


MIN_SECRET_LENGTH = 16
LONGEST_TIMEOUT = 600  # a send's exchange silent for ten minutes will not answer; longer only holds a slot
LONGEST_RETRY_DELAY = 86_400
A_YEAR = 31_536_000


class NotifierConfig(BaseModel):
    """Every field is ``PLEDGEWATCH_<NAME>``."""

    model_config = ConfigDict(allow_inf_nan=False)  # `inf` seconds: a lease or a sleep Redis and asyncio refuse

    delivery_attempts: int = Field(default=6, ge=1, description="Attempts per alert and channel before a dead letter.")
    retry_base_seconds: float = Field(default=2.0, gt=0, le=LONGEST_RETRY_DELAY,
                                      description="First retry delay; doubles each attempt.")
    retry_max_seconds: float = Field(default=600.0, gt=0, le=LONGEST_RETRY_DELAY,
                                     description="Longest delay between two attempts (a day at most).")
    destination_concurrency: int = Field(default=16, ge=1, description="Sends in flight per destination (host).")
    delivery_max_inflight: int = Field(default=64, ge=1, description="Sends in flight (or waiting) in all.")
    delivery_poll_seconds: float = Field(default=0.2, gt=0, le=60,
                                         description="How often due deliveries are looked for (a minute at most).")
    delivery_lease_seconds: float = Field(default=60.0, gt=0, le=86_400,
                                          description="How long a claimed delivery stays its worker's, renewed at its "
                                                      "polls while it sends; one whose worker died is retried when "
                                                      "it ends (at least two polls, a day at most).")
    delivery_thread: bool = Field(
        default=True, description="Send on an event loop of its own, in a thread of the notifier's process, so that "
                                  "a read of many releases does not hold the sends; false: on the consumer's loop.")
    delivery_process: bool = Field(
        default=False, description="Send from delivery processes of their own (`pledgewatch run` starts one; "
                                   "`faststream run services.delivery.app:app` alone), woken through Redis: the "
                                   "notifier queues every delivery and sends none.")
    smtp_host: str = Field(default="localhost", description="SMTP server for email channels.")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_tls: bool = Field(default=False, description="Implicit TLS (port 465).")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = Field(default="pledgewatch@localhost",
                           description='From address of alert emails: alerts@example.org or '
                                       '"pledgewatch" <alerts@example.org>.')
    smtp_timeout: float = Field(default=10.0, gt=0, le=LONGEST_TIMEOUT,
                                description="Seconds each SMTP exchange waits for the server (600 at most).")
    smtp_helo_name: str | None = Field(
        default=None, description="The name given to the SMTP server in EHLO: a fully qualified host name or an "
                                  "address literal; unset: this machine's fully qualified name.")
    public_url: str | None = Field(
        default=None, max_length=400,  # a link with a token still fits on one header line (998)
        description="The notifier's HTTP API as recipients reach it, for the unsubscribe links in "
                                  "emails; unset: http://<PLEDGEWATCH_HTTP_HOST>:<PLEDGEWATCH_HTTP_PORT>.")
    dashboard_url: str | None = Field(
        default=None, max_length=400,
        description="The dashboard as readers reach it, for the links of the alerts feeds, emails and chat messages to "
                    "a release's page; unset: "
                    "PLEDGEWATCH_PUBLIC_URL, else the address the feed was read at (pledgewatch run serves both on "
                    "one port; docker-compose.yml sets the ledger container's).")
    unsubscribe_secret: SecretStr | None = Field(
        default=None,
        description=f"Key of the unsubscribe links, at least {MIN_SECRET_LENGTH} characters; unset: derived from the "
                    "API token (a new token voids old links).")
    apprise_timeout: float = Field(default=15.0, gt=0, le=LONGEST_TIMEOUT,
                                   description="Seconds before an Apprise notification gives up (600 at most).")
    reminder_time: str = Field(default="09:00", description="UTC time of day reminders fire on their day (HH:MM).")
    reminder_misfire_grace_seconds: float | None = Field(
        default=None, gt=0, le=A_YEAR,
        description="A reminder missed by longer (a year at most) is dropped; unset: always sent late, once.")
    reminder_attempts: int = Field(default=5, ge=1, description="Attempts to fire a reminder before a dead letter.")
    reminder_retry_base_seconds: float = Field(default=30.0, gt=0, le=LONGEST_RETRY_DELAY,
                                               description="First delay after a failed firing; doubles each attempt.")
    reminder_retry_max_seconds: float = Field(default=3600.0, gt=0, le=LONGEST_RETRY_DELAY,
                                              description="Longest delay between firings (a day at most).")
    webhook_content_mode: Literal["structured", "binary"] = Field(
        default="structured", description="CloudEvents HTTP content mode of webhooks without their own.")
    leader_ttl_seconds: float = Field(default=15.0, gt=0, le=3600,
                                      description="Scheduler lock lifetime; renewed at a third.")
    release_memory_days: int = Field(
        default=730, ge=1, le=36_500,
        description="How long a release's last version is kept, after it, to pair its next version against, "
                    "and each subscriber's records of it; an edit later than this is told as a new release.")

    @field_validator("smtp_username", "smtp_password", "smtp_helo_name", "public_url", "dashboard_url", "unsubscribe_secret",
                     "reminder_misfire_grace_seconds", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `PLEDGEWATCH_UNSUBSCRIBE_SECRET=` (a line of .env.example uncommented as it is) is unset, as every
        # setting whose default is unset: not a bad setting, nor an empty SMTP user name to log in with
        return none_if_blank(value)

    @field_validator("smtp_host")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return refuse_blank(value)

    @field_validator("public_url", "dashboard_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        problem = (http_url_problem(value) or port_zero_problem(value)) if value else None
        if problem:
            raise ValueError(problem)
        return value or None

    @field_validator("unsubscribe_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"the unsubscribe secret needs at least {MIN_SECRET_LENGTH} characters "
                             "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return value

    @field_validator("reminder_time")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("not a time of day: give HH:MM in UTC, 00:00 to 23:59")
        return value

    @field_validator("smtp_tls")
    @classmethod
    def _one_kind_of_tls(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("smtp_starttls"):
            raise ValueError("give PLEDGEWATCH_SMTP_TLS (implicit TLS, port 465) or PLEDGEWATCH_SMTP_STARTTLS "
                             "(an upgrade, port 587 or 25), not both")
        return value

    @field_validator("smtp_password")
    @classmethod
    def _password_with_user_name(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None and info.data.get("smtp_username") is None:
            raise ValueError("set without PLEDGEWATCH_SMTP_USERNAME: the password would never be sent")
        return value

    @field_validator("smtp_helo_name")
    @classmethod
    def _helo_name(cls, value: str | None) -> str | None:
        problem = helo_name_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("smtp_from")
    @classmethod
    def _from_address(cls, value: str) -> str:
        if not parse_address(value, dotted_domain=False).username.isascii():  # a domain is sent as its A-label
            raise ValueError(f"{value[:80]!r}: the From address must be ASCII before the @: every message would "
                             "need SMTPUTF8, and a server without it could take none")
        return value

    @model_validator(mode="after")
    def _first_delay_within_the_longest(self) -> NotifierConfig:
        for kind, base, cap in (("", self.retry_base_seconds, self.retry_max_seconds),
                                ("REMINDER_", self.reminder_retry_base_seconds, self.reminder_retry_max_seconds)):
            if base > cap:
                raise ValueError(f"PLEDGEWATCH_{kind}RETRY_BASE_SECONDS={base:g} is more than "
                                 f"PLEDGEWATCH_{kind}RETRY_MAX_SECONDS={cap:g}: every retry would wait the longest "
                                 "delay at most, never the first one; give a first delay within the longest")
        return self

    @model_validator(mode="after")
    def _lease_outlasting_two_polls(self) -> NotifierConfig:
        # A send of any length keeps its job: the worker renews the lease at its polls (delivery.py, _ending).
        # Only a lease that ends before the next poll can come is lost, and then another worker sends it again.
        lease, poll = self.delivery_lease_seconds, self.delivery_poll_seconds
        if lease < 2 * poll:
            raise ValueError(f"PLEDGEWATCH_DELIVERY_LEASE_SECONDS={lease:g} is less than twice "
                             f"PLEDGEWATCH_DELIVERY_POLL_SECONDS={poll:g}: a send's lease is renewed at a poll, and "
                             "one ending between two polls lets another worker send the alert again; give a lease "
                             f"of at least {2 * poll:g}")
        return self

    @property
    def release_memory_seconds(self) -> int:
        return self.release_memory_days * 86_400

    @property
    def delivery_retry(self) -> RetryPolicy:
        """When a failed delivery is tried again (the delay is stored with the job in Redis)."""
        return RetryPolicy(self.retry_base_seconds, self.retry_max_seconds, jitter=True)

    @property
    def reminder_retry(self) -> RetryPolicy:
        """When a failed reminder is fired again (the delay is stored with the job in Redis)."""
        return RetryPolicy(self.reminder_retry_base_seconds, self.reminder_retry_max_seconds, jitter=True)

    @property
    def remind_at(self) -> time:
        """``reminder_time`` as an aware time of day (UTC)."""
        hours, minutes = (int(x) for x in self.reminder_time.split(":"))
        return time(hours, minutes, tzinfo=timezone.utc)
