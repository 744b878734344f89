"""Configuration from environment variables only (documented in the README)."""
from __future__ import annotations

from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_acks: Literal["all", "1", "0"] = "all"
    # Off by default: Tansu rejects InitProducerId. On in docker-compose with Apache Kafka.
    kafka_enable_idempotence: bool = False
    kafka_topic_partitions: int = 4
    kafka_replication_factor: int = 1
    topic_namespace: str = ""
    # Authentication and TLS to the broker, for every client (ptfc/kit/kafka_security.py; README
    # "Kafka security"). The password is a SecretStr: no repr or log line shows it.
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = None  # unset: the system's trusted CAs
    kafka_ssl_certfile: str | None = None  # a client certificate (mutual TLS), with its key
    kafka_ssl_keyfile: str | None = None
    # A consumer is dropped from its group after this long without a heartbeat; Tansu also holds a
    # group's join for half of it, so it is the floor of a start or rebalance (subscribe.py).
    kafka_session_timeout_ms: int = 10000
    # Under load a fetch waits for min_bytes, at most max_wait: batches big enough for set-based
    # handlers (measured in the README's benchmark section). Adaptive (fetch_policy.py): only while
    # records come fast; otherwise a fetch asks for one byte and waits at most idle_wait, so a
    # message at rest is handled at once. Not adaptive: every fetch waits for min_bytes.
    kafka_fetch_max_wait_ms: int = 200
    kafka_fetch_min_bytes: int = 65536
    kafka_fetch_adaptive: bool = True
    kafka_fetch_idle_wait_ms: int = 100

    # The server; each service uses its own database on it (DATABASE_NAME, default ptfc_<service>).
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    database_name: str | None = None
    database_pool_size: int = 10

    http_host: str = "127.0.0.1"
    http_port: int = 0  # 0: an ephemeral port, written to the log

    log_level: str = "INFO"
    consumer_batch_size: int = 500
    max_attempts: int = 5  # tries of one failing message before it is dead-lettered
    retry_base_seconds: float = 0.2
    retry_max_seconds: float = 30.0
    relay_batch_size: int = 1000
    park_max_seconds: float = 900.0  # how long an event may wait for a fact from another topic
    clock: str = "system"  # "system", or "file:<path>" holding an ISO time (tests, replays)

    # Programme rules (defaults from the partner contract; operators can change the numbers).
    elearning_target_days: int = 14
    workshop_target_days: int = 35
    completion_deadline_days: int = 42
    reminder_days: str = "7,12"
    invitation_ttl_hours: int = 72
    certificate_delay_hours: int = 24
    follow_up_due_days: int = 42
    elearning_reminder_hours: int = 48  # before a session, to a booked parent with e-learning left
    follow_up_reminder_days: int = 7  # before a follow-up call is due, to the trainer
    # CPPP (contract v1.1): each parent attends this many sessions, this many of them joint,
    # within this many weeks of day 0.
    cppp_sessions_required: int = 4
    cppp_joint_sessions_required: int = 1
    cppp_window_weeks: int = 12
    # A closed referral's parent's personal data is erased this many months after it closed
    # (unless they were referred again meanwhile); 0 turns the timer off.
    personal_data_retention_months: int = 24

    lot: str | None = None
    lot_table_file: str | None = None
    parent_hub_url: str = "http://127.0.0.1:8080/parent-hub"
    # Bearer token for GET /certificates/<number> (learning); unset: the endpoint answers 503.
    certificate_api_token: str | None = None
    # Parenting-plan download links (plans): how long one works, and the public base URL they
    # start with (unset: this instance's own http://HTTP_HOST:port, right for `make run` only).
    plan_link_ttl_days: int = 14
    plans_public_url: str | None = None

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Planning Together for Children <no-reply@ptfc.example>"
    smtp_timeout_seconds: float = 15.0
    smtp_concurrency: int = 4
    smtp_max_attempts: int = 8
    smtp_retry_base_seconds: float = 5.0
    # A claimed email not recorded within the lease (its sender died) is sent again, same Message-ID.
    smtp_lease_seconds: float = 30.0
