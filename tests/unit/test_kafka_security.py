"""SASL and TLS settings from the environment -> the Kafka clients' arguments, one mapping for
aiokafka and faststream, and a password no repr, dump or log description shows."""
from __future__ import annotations

import ssl

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka.security import parse_security

from ptfc.kit.kafka_security import KafkaSecurityError, client_kwargs, describe, faststream_security
from ptfc.kit.settings import Settings

PASSWORD = "s3cret-Pa55word"
MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


def sasl(protocol: str, mechanism: str) -> Settings:
    return Settings(kafka_security_protocol=protocol, kafka_sasl_mechanism=mechanism,
                    kafka_sasl_username="ptfc-referral", kafka_sasl_password=PASSWORD)


def test_plaintext_adds_nothing():
    s = Settings(kafka_security_protocol="PLAINTEXT")
    assert client_kwargs(s) == {} and faststream_security(s) is None


@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "SASL_SSL"])
@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_sasl_maps_the_same_for_aiokafka_and_faststream(protocol, mechanism):
    s = sasl(protocol, mechanism)
    kw = client_kwargs(s)
    assert (kw["security_protocol"], kw["sasl_mechanism"], kw["sasl_plain_username"],
            kw["sasl_plain_password"]) == (protocol, mechanism, "ptfc-referral", PASSWORD)
    assert isinstance(kw["ssl_context"], ssl.SSLContext) == (protocol == "SASL_SSL")
    broker = parse_security(faststream_security(s))  # what faststream hands aiokafka
    assert {k: v for k, v in broker.items() if k != "ssl_context"} == {
        k: v for k, v in kw.items() if k != "ssl_context"}
    assert isinstance(broker["ssl_context"], ssl.SSLContext) == (protocol == "SASL_SSL")


def test_tls_verifies_the_broker_and_its_host_name():
    s = Settings(kafka_security_protocol="SSL")
    kw = client_kwargs(s)
    context = kw["ssl_context"]
    assert kw["security_protocol"] == "SSL" and "sasl_mechanism" not in kw
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert parse_security(faststream_security(s))["security_protocol"] == "SSL"


def test_settings_come_from_the_environment(monkeypatch):
    for name, value in {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                        "KAFKA_SASL_USERNAME": "ptfc-learning", "KAFKA_SASL_PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(name, value)
    kw = client_kwargs(Settings())
    assert (kw["security_protocol"], kw["sasl_mechanism"], kw["sasl_plain_username"]) == (
        "SASL_SSL", "SCRAM-SHA-512", "ptfc-learning")


def test_missing_credentials_are_named_and_no_value_is_shown():
    s = Settings(kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="SCRAM-SHA-256",
                 kafka_sasl_username="ptfc-plans")
    with pytest.raises(KafkaSecurityError, match="KAFKA_SASL_PASSWORD") as exc:
        client_kwargs(s)
    assert "ptfc-plans" not in str(exc.value)
    with pytest.raises(KafkaSecurityError, match="KAFKA_SSL_KEYFILE"):
        client_kwargs(Settings(kafka_security_protocol="SSL", kafka_ssl_certfile="/etc/client.pem"))


def test_the_password_is_never_shown():
    s = sasl("SASL_SSL", "SCRAM-SHA-512")
    shown = [repr(s), str(s), s.model_dump_json(), str(s.model_dump()), str(describe(s))]
    assert not [text for text in shown if PASSWORD in text]
    assert describe(s) == {"protocol": "SASL_SSL", "mechanism": "SCRAM-SHA-512", "user": "ptfc-referral"}


@pytest.mark.parametrize("mechanism", MECHANISMS)
async def test_every_client_accepts_the_arguments(mechanism):
    kw = client_kwargs(sasl("SASL_SSL", mechanism))
    # The constructors check the combination (an SSL protocol needs a context, a mechanism its
    # credentials): built here, never started.
    producer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:1", **kw)
    consumer = AIOKafkaConsumer(bootstrap_servers="127.0.0.1:1", **kw)
    admin = AIOKafkaAdminClient(bootstrap_servers="127.0.0.1:1", **kw)
    assert producer.client._sasl_mechanism == mechanism and consumer._client._security_protocol == "SASL_SSL"
    await admin.close()
