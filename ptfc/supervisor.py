"""`ptfc run all`: every service instance as its own OS process, stopped together."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from ptfc.catalogue import instances


def spawn(name: str, lot: str | None, env: dict[str, str], port: int,
          log_dir: str | None = None) -> tuple[str, int, subprocess.Popen]:
    """`ptfc run <name>` as its own process: the same command as the container entry point."""
    label = f"{name}.{lot}" if lot else name
    penv = {**env, "HTTP_PORT": str(port)}
    if lot:
        penv["LOT"] = lot
    out = open(os.path.join(log_dir, f"{label}.log"), "ab") if log_dir else None
    proc = subprocess.Popen([sys.executable, "-m", "ptfc.cli", "run", name], env=penv,
                            stdout=out, stderr=subprocess.STDOUT if out else None)
    return label, port, proc


def launch(env: dict[str, str], http_base: int, log_dir: str | None = None) -> list[tuple[str, int, subprocess.Popen]]:
    return [spawn(name, lot, env, http_base + i, log_dir) for i, (name, lot) in enumerate(instances())]


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=1) as r:
            return json.load(r).get("ready", False)
    except Exception:
        return False


def wait_ready(procs, timeout: float = 120.0, show=print) -> bool:
    deadline = time.monotonic() + timeout
    pending = {label for label, _, _ in procs}
    while pending and time.monotonic() < deadline:
        for label, port, proc in procs:
            if label in pending and proc.poll() is not None:
                show(f"  {label:<32} EXITED (code {proc.returncode}); see its log")
                pending.discard(label)
            elif label in pending and ready(port):
                show(f"  {label:<32} up   http://127.0.0.1:{port}/health/ready")
                pending.discard(label)
        time.sleep(0.3)
    for label in sorted(pending):
        show(f"  {label:<32} not ready after {timeout:.0f}s")
    return not pending


def stop_all(procs, timeout: float = 15.0) -> None:
    for _, _, proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for _, _, proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both stop cleanly, even when started where SIGINT was ignored (a
    background job of a non-interactive shell inherits SIGINT as ignored)."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def run_all(http_base: int) -> int:
    stop_on_signals()
    procs = launch(dict(os.environ), http_base)
    try:
        wait_ready(procs)
        while all(p.poll() is None for _, _, p in procs):
            time.sleep(0.5)
        print("a service exited; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all(procs)
