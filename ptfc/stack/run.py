"""`make run` / `ptfc stack`: broker, database, SMTP sink and every service, on this machine."""
from __future__ import annotations

import asyncio
import os
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import quote

from ptfc import supervisor
from ptfc.kit.settings import Settings
from ptfc.kit.topic_admin import ensure_topics
from ptfc.provision import provision
from ptfc.catalogue import instances
from ptfc.stack import broker, database, local
from ptfc.stack.ports import StackError, require_free
from ptfc.stack.smtp_sink import SmtpSink


def _port(env: str, default: int) -> int:
    return int(os.environ.get(env, default))


def main(root: Path) -> int:
    kafka_port, pg_port = _port("PTFC_KAFKA_PORT", 19092), _port("PTFC_PG_PORT", 15432)
    smtp_port, http_base = _port("PTFC_SMTP_PORT", 1025), _port("PTFC_HTTP_BASE", 8081)
    insts = instances()
    try:
        require_free(kafka_port, "the broker", "PTFC_KAFKA_PORT")
        require_free(pg_port, "PostgreSQL", "PTFC_PG_PORT")
        require_free(smtp_port, "the SMTP sink", "PTFC_SMTP_PORT")
        for i in range(len(insts)):
            require_free(http_base + i, "a service's health endpoint", "PTFC_HTTP_BASE")
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    supervisor.stop_on_signals()  # from the first moment: a stop during start-up cleans up too
    var = Path(os.environ.get("PTFC_VAR_DIR") or root / ".var")
    logs, mail = var / "logs", var / "mail"
    logs.mkdir(parents=True, exist_ok=True)
    started: list = []
    procs: list = []
    sink = None
    try:
        print(f"data and logs in {var}")
        started.append(broker.start_tansu(kafka_port, logs / "tansu.log"))
        print(f"  broker (Tansu)       127.0.0.1:{kafka_port}")
        started.append(database.start_postgres(var / "pg", pg_port, logs / "postgres.log"))
        print(f"  PostgreSQL           127.0.0.1:{pg_port}")
        sink = SmtpSink(smtp_port, mail).start()
        print(f"  SMTP sink            127.0.0.1:{smtp_port}  (emails as .eml files in {mail})")
        admin = f"postgresql://postgres@127.0.0.1:{pg_port}/postgres"
        password = "ptfc-local"
        roles = asyncio.run(provision(admin, insts, password))
        settings = Settings(kafka_bootstrap_servers=f"127.0.0.1:{kafka_port}")
        asyncio.run(ensure_topics(settings))
        print(f"  topics and {len(roles)} databases ready; starting {len(insts)} services:")
        # The operator console's token: the one set, else a new one per run (printed once, below).
        token = os.environ.get("OPERATOR_API_TOKEN") or secrets.token_urlsafe(24)
        names = [f"{name}.{lot}" if lot else name for name, lot in insts]
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka_port}",
               "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_SECURITY": "none",
               "OPERATOR_API_TOKEN": token, "REPORTING_HEALTH_URLS": ",".join(
                   f"{n}=http://127.0.0.1:{http_base + i}/health/ready" for i, n in enumerate(names))}
        procs = []
        for i, (name, lot) in enumerate(insts):
            role = roles[f"{name}.{lot}" if lot else name]
            # Each service logs in as its own role; it owns only its own database.
            env_i = {**env, "DATABASE_URL": f"postgresql://{role}:{quote(password)}@127.0.0.1:{pg_port}/postgres"}
            procs.append(supervisor.spawn(name, lot, env_i, http_base + i, str(logs)))
        ok = supervisor.wait_ready(procs)
        local.write(root, f"127.0.0.1:{kafka_port}", admin)
        print("all services are up. Ctrl-C stops everything." if ok else "some services are not up; see .var/logs")
        if "reporting" in names:
            print(f"operator console: http://127.0.0.1:{http_base + names.index('reporting')}/console  (token: "
                  + ("OPERATOR_API_TOKEN as set" if os.environ.get("OPERATOR_API_TOKEN") else token) + ")")
        while all(p.poll() is None for _, _, p in procs):
            time.sleep(0.5)
        print("a service exited; stopping everything (see .var/logs)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping...")
        return 0
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        local.remove(root)
        database.stop_everything(procs, sink, started)
        print("stopped.")

