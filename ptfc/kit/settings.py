"""The kit's plumbing, from environment variables only (documented in the README): broker, database,
HTTP, logging, retries, clock, topic namespace and the instance's lot. The programme's numbers are
`services/programme.py`'s; a service's own settings are `services/<name>/settings.py`."""
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
    dead_letter_keep_days: int = 30  # a refused message's kept bytes and key go this long after (0: kept)
    clock: str = "system"  # "system", or "file:<path>" holding an ISO time (tests, replays)

    # Which lot this instance serves (workshops), and the Cafcass-area-to-lot table: the lots whose
    # topics are provisioned, referral's routing and reporting's filters (contracts/lots.py).
    lot: str | None = None
    lot_table_file: str | None = None
