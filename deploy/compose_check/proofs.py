"""What the running stack must show: the init job's topics, roles and databases; every service
healthy; a referral published from the host becoming an invitation email; nothing left after
`down` (two replicas of a lot: scaling.py)."""
from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import uuid
from datetime import datetime, timezone

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from contracts import referral as R
from contracts import topics as T
from contracts.lots import LOTS
from ptfc.db_names import database_for
from ptfc.catalogue import instances

from .compose import Compose
from .run import Broken, CheckFailed, eventually, out

HOST_BROKER = f"localhost:{os.environ.get('KAFKA_HOST_PORT', '9094')}"  # the EXTERNAL listener's port


def init_job(c: Compose) -> str:
    [init] = c.containers("init") or [""]
    exited = lambda: (s := c.state(init))["Status"] == "exited" and s  # noqa: E731
    state = eventually(exited, 180, "init exits")
    if state["ExitCode"] != 0:
        raise CheckFailed(f"init exited {state['ExitCode']}:\n{c.logs('init')}")
    topics = set(asyncio.run(_list_topics()))
    missing = set(T.all_topics(list(LOTS))) - topics
    wanted = {database_for(name, lot) for name, lot in instances()}
    sql = "SELECT datname FROM pg_database UNION ALL SELECT 'role:' || rolname FROM pg_roles WHERE rolcanlogin"
    rows = set(c.exec("postgres", "psql", "-U", "postgres", "-d", "postgres", "-Atc", sql).split())
    no_db, no_role = wanted - rows, {w for w in wanted if f"role:{w}" not in rows}
    if missing or no_db or no_role:
        raise CheckFailed(f"after init: topics missing {sorted(missing)}, databases missing {sorted(no_db)}, "
                          f"roles missing {sorted(no_role)}")
    return f"exit 0; {len(topics)} topics, {len(wanted)} roles and databases"


async def _list_topics() -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=HOST_BROKER)
    await admin.start()
    try:
        return await admin.list_topics()
    finally:
        await admin.close()


def healthy(c: Compose, service: str, replicas: int = 1) -> list[str]:
    """The service's containers once `replicas` of them are running and healthy, none restarted."""
    ids = c.containers(service)
    states = [c.state(i) for i in ids]
    restarted = [s for s in states if s.get("Restarting") or s["Status"] == "exited"]
    if restarted:
        raise Broken(f"{service} is not running ({restarted[0]['Status']}):\n{c.logs(service)}")
    restarts = [int(out("docker", "inspect", "-f", "{{.RestartCount}}", i)) for i in ids]
    if any(restarts):  # a service waits for what it needs; it never exits on the way up
        raise Broken(f"{service} restarted {sum(restarts)} time(s):\n{c.logs(service)}")
    ok = [i for i, s in zip(ids, states) if s.get("Health", {}).get("Status") == "healthy"]
    return ok if len(ok) == replicas == len(ids) else []


def all_healthy(c: Compose) -> str:
    services = c.app_services()
    for name in services:
        try:
            eventually(lambda: healthy(c, name), 240, f"{name} healthy", interval=3)
        except Broken:
            raise
        except CheckFailed as exc:
            raise CheckFailed(f"{exc}\n{c.logs(name)}") from None
    return f"{len(services)} services healthy: {', '.join(services)}"


def referral_to_invitation(c: Compose) -> str:
    person, case = f"P-{uuid.uuid4().hex[:12]}", f"C-{uuid.uuid4().hex[:12]}"
    address = f"{person.lower()}@parents.example"
    data = {"referral_id": f"R-{uuid.uuid4().hex[:12]}", "case_number": case, "route": "court_order",
            "programme": "ptfc", "cafcass_area": "A1", "court": "Leeds Family Court",
            "ordered_on": datetime.now(timezone.utc).date().isoformat(),
            "parent": {"person_id": person, "given_name": "Alex", "family_name": "Example",
                       "email": address, "phone": "+44 7700 900123"},
            "co_parent_person_ids": [], "fca": {"name": "Fay Adviser", "email": "fca@cafcass.example"},
            "court_email": "court@justice.example", "plan_suitable": True}
    event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/partners/cafcass", "type": R.REQUESTED,
             "time": datetime.now(timezone.utc).isoformat(), "subject": case,
             "datacontenttype": "application/json", "data": data}
    asyncio.run(_publish(T.PARTNER_REFERRALS, json.dumps(event).encode(), case.encode()))
    files = eventually(lambda: c.exec("mailpit", "sh", "-c", f"grep -rlF '{address}' /mail || true").split(),
                       120, "an email to the referred parent in the catcher's Maildir")
    msg = email.message_from_string(c.exec("mailpit", "cat", files[0]), policy=email.policy.default)
    body = msg.get_body(("plain",)).get_content()
    if msg["To"].addresses[0].addr_spec != address or "/parent-hub/activate?token=" not in body:
        raise CheckFailed(f"the email to the parent is not an invitation: {msg['Subject']!r}")
    return f"published on {HOST_BROKER}; invitation {msg['Subject']!r} in {files[0]}"


async def _publish(topic: str, value: bytes, key: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=HOST_BROKER, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


def down(c: Compose) -> str:
    c("down", "-v", "--remove-orphans")
    left = {k: v for k, v in c.leftovers().items() if v}
    if left:
        raise CheckFailed(f"left after down: {left}")
    return "no container, volume or network of the project left"
