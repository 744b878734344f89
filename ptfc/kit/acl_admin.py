"""Applying the access model's ACL bindings (ptfc/kit/acls.py) to the broker: `ptfc topics --acls`.

aiokafka has the CreateAcls and DescribeAcls requests but no admin method for them, so they go
through its client (`AIOKafkaClient.bootstrap/send`), with the same SASL/TLS settings as every
other client. Creating an ACL that exists changes nothing, so this may be re-run.

A broker without ACLs says so in one of three ways, each raised as AclsUnsupported with the reason:
it does not offer the ACL API; it has no authorizer (Apache Kafka answers SECURITY_DISABLED); or
it answers without keeping anything. The embedded Tansu broker (0.6) is the third kind: it lists
the API, answers DescribeAcls with no ACLs and CreateAcls with a stub. So the first binding is
created and read back before the others are sent: a broker that does not hold it enforces nothing.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Iterator

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import IncompatibleBrokerVersion, KafkaError, SecurityDisabled, for_code
from aiokafka.protocol.admin import CreateAclsRequest, DescribeAclsRequest

from ptfc.kit.acls import Binding
from ptfc.kit.kafka_security import client_kwargs


class AclsUnsupported(Exception):
    """The broker cannot hold or enforce ACLs; nothing was applied."""


async def _send(client: AIOKafkaClient, node: int, request: Any, what: str) -> Any:
    try:
        return await client.send(node, request)
    except IncompatibleBrokerVersion:
        raise AclsUnsupported("the broker does not offer the ACL API") from None
    except KafkaError as exc:  # Tansu's CreateAcls answer cannot be decoded: the connection drops
        raise AclsUnsupported(f"the broker's answer to {what} could not be read ({type(exc).__name__})") from None


def _check(code: int, what: str) -> None:
    if code == SecurityDisabled.errno:
        raise AclsUnsupported("the broker has no authorizer (set authorizer.class.name)")
    if code:
        error = for_code(code)
        raise RuntimeError(f"the broker refused {what}: {error.__name__} (apply ACLs as a super user)")


async def _create(client: AIOKafkaClient, node: int, binding: Binding) -> None:
    response = await _send(client, node, CreateAclsRequest(*binding.wire()), "CreateAcls")
    results = list(getattr(response, "creation_responses", None) or [])
    if len(results) != 1:
        raise AclsUnsupported("the broker answered CreateAcls without a result: it keeps no ACLs")
    _check(results[0][0], "CreateAcls")


async def _holds(client: AIOKafkaClient, node: int, binding: Binding) -> bool:
    response = await _send(client, node, DescribeAclsRequest(*binding.wire()), "DescribeAcls")
    _check(response.error_code, "DescribeAcls")
    return bool(response.resources)


@contextmanager
def _quiet_connection() -> Iterator[None]:
    """aiokafka logs a traceback when it cannot decode an answer (Tansu's CreateAcls): that case is
    reported as AclsUnsupported, in one line."""
    conn_log = logging.getLogger("aiokafka.conn")
    level = conn_log.level
    conn_log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        conn_log.setLevel(level)


async def apply(settings: Any, found: list[Binding]) -> int:
    """Create every binding; returns how many. Raises AclsUnsupported before sending the rest if
    the broker does not keep the first."""
    client = AIOKafkaClient(bootstrap_servers=settings.kafka_bootstrap_servers, client_id="ptfc-acls",
                            **client_kwargs(settings))
    await client.bootstrap()
    try:
        node = client.get_random_node()  # any broker: KRaft forwards ACL changes to the controller
        with _quiet_connection():
            await _create(client, node, found[0])
        if not await _holds(client, node, found[0]):
            raise AclsUnsupported("the broker accepted an ACL and holds none: it does not enforce ACLs")
        for binding in found[1:]:
            await _create(client, node, binding)
        return len(found)
    finally:
        await client.close()
