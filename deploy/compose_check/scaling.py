"""`--scale workshops-lot-north=2`: two healthy replicas that share the lot's consumer group."""
from __future__ import annotations

import asyncio
import json

from aiokafka.admin import AIOKafkaAdminClient

from .compose import Compose
from .proofs import HOST_BROKER, healthy
from .run import CheckFailed, eventually, sh


def scaled_lot(c: Compose, service: str = "workshops-lot-north", group: str = "workshops.lot-north") -> str:
    """Replicas share a lot by joining its one consumer group (Tansu does not report members'
    hosts, so membership is counted: one member before, two after, each replica naming it)."""
    eventually(lambda: _members(group) == 1, 60, f"one member in consumer group {group} before scaling")
    c("up", "-d", "--no-build", "--scale", f"{service}=2")
    ids = eventually(lambda: healthy(c, service, replicas=2), 240, f"two healthy {service}", interval=3)
    eventually(lambda: _members(group) == 2, 120, f"two members in consumer group {group}")
    joined = [i for i in ids if _started_in(group, sh("docker", "logs", i))]
    if len(joined) != 2:
        raise CheckFailed(f"{2 - len(joined)} replica(s) did not log service.started in group {group}")
    return f"2 replicas healthy, both in consumer group {group} (1 member before, 2 after)"


def _started_in(group: str, logs) -> bool:
    for line in (logs.stdout + logs.stderr).decode(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("event") == "service.started" and entry.get("group") == group:
            return True
    return False


def _members(group: str) -> int:
    return asyncio.run(_describe(group))


async def _describe(group: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=HOST_BROKER)
    await admin.start()
    try:
        [resp] = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    return sum(len(g[-1]) for g in resp.groups)  # each group: (..., members)
