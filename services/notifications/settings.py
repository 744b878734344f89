"""Notifications' settings: how it reaches the SMTP server (no programme number is its to apply)."""
from __future__ import annotations

from typing import Literal

from pydantic import PositiveFloat, PositiveInt

from services.programme import FromEnvironment


class NotificationsSettings(FromEnvironment):
    smtp_host: str = "127.0.0.1"
    smtp_port: PositiveInt = 1025
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Planning Together for Children <no-reply@ptfc.example>"
    smtp_timeout_seconds: PositiveFloat = 15.0
    smtp_concurrency: PositiveInt = 4
    smtp_max_attempts: PositiveInt = 8
    smtp_retry_base_seconds: PositiveFloat = 5.0
    # A claimed email not recorded within the lease (its sender died) is sent again, same Message-ID.
    smtp_lease_seconds: PositiveFloat = 30.0
