"""Notifier settings, from ``PLEDGEWATCH_*`` environment variables (beside the common Settings,
which own ``PLEDGEWATCH_WEBHOOK_TIMEOUT``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifierConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLEDGEWATCH_", extra="ignore")

    delivery_attempts: int = Field(default=6, ge=1, description="Attempts per alert and channel before a dead letter.")
    retry_base_seconds: float = Field(default=2.0, gt=0, description="First retry delay; doubles each attempt.")
    retry_max_seconds: float = Field(default=600.0, gt=0, description="Longest delay between two attempts.")
    destination_concurrency: int = Field(default=16, ge=1, description="Sends in flight per destination (host).")
    delivery_max_inflight: int = Field(default=64, ge=1, description="Sends in flight (or waiting) in all.")
    delivery_poll_seconds: float = Field(default=0.2, gt=0, description="How often due deliveries are looked for.")
    delivery_lease_seconds: float = Field(default=60.0, gt=0,
                                          description="A claimed delivery not finished by then is retried.")
    smtp_host: str = Field(default="localhost", description="SMTP server for email channels.")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_tls: bool = Field(default=False, description="Implicit TLS (port 465).")
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = Field(default="pledgewatch@localhost", description="From address of alert emails.")
    smtp_timeout: float = Field(default=10.0, gt=0)
    apprise_timeout: float = Field(default=15.0, gt=0, description="Seconds before an Apprise notification gives up.")
    reminder_time: str = Field(default="09:00", pattern=r"^\d{2}:\d{2}$",
                               description="UTC time of day reminders fire on their day.")
    reminder_misfire_grace_seconds: float | None = Field(
        default=None, gt=0, description="A reminder missed by longer is dropped; unset: always sent late, once.")
    reminder_attempts: int = Field(default=5, ge=1, description="Attempts to fire a reminder before a dead letter.")
    reminder_retry_base_seconds: float = Field(default=30.0, gt=0,
                                               description="First delay after a failed firing; doubles each attempt.")
    reminder_retry_max_seconds: float = Field(default=3600.0, gt=0, description="Longest delay between firings.")
    leader_ttl_seconds: float = Field(default=15.0, gt=0, description="Scheduler lock lifetime; renewed at a third.")
