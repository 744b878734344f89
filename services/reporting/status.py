"""`ptfc status`: every service instance's consumer lag (from Kafka) and the dead letters by reason
(from the reporting database, which reads `ptfc.deadletter`): what the console's "System state"
shows, read the way `ptfc report` reads, so it needs no token and no URL, only the settings."""
from __future__ import annotations

from typing import Any

from contracts.topics import namespaced
from ptfc.kit.kafka_security import client_kwargs
from ptfc.kit.settings import Settings
from services.reporting import ops, store
from services.reporting.cli import _connect


async def status(settings: Settings) -> dict[str, Any]:
    conn = await _connect(settings)
    try:
        generation = await store.generation(conn)
        dead = await store.dead_letter_summary(conn)
    finally:
        await conn.close()
    group = namespaced(settings.topic_namespace, "reporting" + (f".g{generation}" if generation else ""))
    lags = await ops.consumer_lags(settings.kafka_bootstrap_servers, settings.topic_namespace, group,
                                   security=client_kwargs(settings))
    return {"consumer_lag": [{"instance": lag.instance, "group": lag.group, "lag": lag.lag} for lag in lags],
            "dead_letters": [{**d, "last_at": d["last_at"].isoformat()} for d in dead]}


def render(doc: dict[str, Any]) -> str:
    """For people: lag per instance, then dead letters by reason."""
    lines = ["consumer lag (messages not yet read)"]
    width = max((len(row["instance"]) for row in doc["consumer_lag"]), default=8)
    for row in doc["consumer_lag"]:
        lag = "no offsets committed yet" if row["lag"] is None else f"{row['lag']:,}"
        lines.append(f"  {row['instance'].ljust(width)}  {lag}")
    lines += ["", "dead letters by reason" + ("" if doc["dead_letters"] else ": none")]
    for d in doc["dead_letters"]:
        lines.append(f"  {d['count']:>6}  {d['service']} <- {d['origin']}: {d['reason']} (last {d['last_at'][:16]})")
    return "\n".join(lines)
