"""Authentication and TLS to the broker, from the environment, for every Kafka client we build.

One mapping from Settings (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME,
KAFKA_SASL_PASSWORD, KAFKA_SSL_CAFILE, KAFKA_SSL_CERTFILE, KAFKA_SSL_KEYFILE) to the two forms the
clients take: aiokafka's keyword arguments (producers, consumers, admin clients) and faststream's
security object (the services' broker, which hands the same arguments to aiokafka). A test holds
the two to each other. The password leaves its SecretStr only here, into the client's arguments:
`describe` (what a log line may say) names the protocol, mechanism and user, never the password.
"""
from __future__ import annotations

import ssl
from typing import Any

from aiokafka.helpers import create_ssl_context
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


class KafkaSecurityError(ValueError):
    """The settings cannot describe a connection (said with the variable to set, no value)."""


def _uses_tls(settings: Any) -> bool:
    return settings.kafka_security_protocol in ("SSL", "SASL_SSL")


def _uses_sasl(settings: Any) -> bool:
    return settings.kafka_security_protocol.startswith("SASL_")


def ssl_context(settings: Any) -> ssl.SSLContext | None:
    """A verifying context (hostname checked) for SSL and SASL_SSL; None for plaintext."""
    if not _uses_tls(settings):
        return None
    if bool(settings.kafka_ssl_certfile) != bool(settings.kafka_ssl_keyfile):
        raise KafkaSecurityError("set both KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE (a client certificate "
                                 "needs its key), or neither")
    return create_ssl_context(cafile=settings.kafka_ssl_cafile, certfile=settings.kafka_ssl_certfile,
                              keyfile=settings.kafka_ssl_keyfile)


def _credentials(settings: Any) -> tuple[str, str, str]:
    mechanism, user, password = (settings.kafka_sasl_mechanism, settings.kafka_sasl_username,
                                 settings.kafka_sasl_password)
    missing = [name for name, v in (("KAFKA_SASL_MECHANISM", mechanism), ("KAFKA_SASL_USERNAME", user),
                                    ("KAFKA_SASL_PASSWORD", password)) if not v]
    if missing:
        raise KafkaSecurityError(f"KAFKA_SECURITY_PROTOCOL={settings.kafka_security_protocol} needs "
                                 f"{', '.join(missing)}")
    return mechanism, user, password.get_secret_value()


def client_kwargs(settings: Any) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer, AIOKafkaAdminClient and
    AIOKafkaClient; empty for plaintext (their defaults)."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return {}
    out: dict[str, Any] = {"security_protocol": protocol, "ssl_context": ssl_context(settings)}
    if _uses_sasl(settings):
        mechanism, user, password = _credentials(settings)
        out.update(sasl_mechanism=mechanism, sasl_plain_username=user, sasl_plain_password=password)
    return out


def faststream_security(settings: Any) -> BaseSecurity | None:
    """The same, as faststream's KafkaBroker(security=...) takes it; None for plaintext."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    context = ssl_context(settings)
    if not _uses_sasl(settings):
        return BaseSecurity(ssl_context=context, use_ssl=True)
    mechanism, user, password = _credentials(settings)
    return SASL[mechanism](user, password, ssl_context=context, use_ssl=_uses_tls(settings))


def describe(settings: Any) -> dict[str, str]:
    """What a log line may say about the connection's security: never the password."""
    out = {"protocol": settings.kafka_security_protocol}
    if _uses_sasl(settings):
        out.update(mechanism=str(settings.kafka_sasl_mechanism), user=str(settings.kafka_sasl_username))
    return out
