"""Running commands, timing steps and waiting with a deadline, for the compose check."""
from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from typing import Callable, TypeVar

T = TypeVar("T")


class CheckFailed(Exception):
    """A step's proof did not hold: the message says what was expected and what was seen."""


class Broken(CheckFailed):
    """A failure waiting cannot mend (a container exited or restarted): no more polling."""


def sh(*cmd: str, env: dict | None = None, input: bytes | None = None, timeout: float = 900,
       check: bool = True, cwd: str | os.PathLike | None = None) -> subprocess.CompletedProcess:
    """Run a command, output captured; a failure raises CheckFailed with the command's last lines."""
    proc = subprocess.run(list(cmd), capture_output=True, input=input, timeout=timeout, cwd=cwd,
                          env={**os.environ, **(env or {})})
    if check and proc.returncode != 0:
        raise failure(proc)
    return proc


def failure(proc: subprocess.CompletedProcess) -> CheckFailed:
    tail = (proc.stdout + proc.stderr).decode(errors="replace").strip().splitlines()[-15:]
    return CheckFailed(f"`{' '.join(map(str, proc.args[:6]))}` exited {proc.returncode}:\n  " + "\n  ".join(tail))


def out(*cmd: str, **kw) -> str:
    return sh(*cmd, **kw).stdout.decode().strip()


def eventually(probe: Callable[[], T | None], timeout: float, what: str, interval: float = 2.0) -> T:
    """Poll until probe() returns something truthy; CheckFailed after the deadline (the probe's
    last answer, or last error, in the message)."""
    deadline, last = time.monotonic() + timeout, None
    while True:
        try:
            got = probe()
            if got:
                return got
            last = got
        except Broken:
            raise
        except CheckFailed as exc:
            last = exc
        if time.monotonic() > deadline:
            raise CheckFailed(f"not within {timeout:.0f} s: {what} (last seen: {last})")
        time.sleep(interval)


@dataclass
class Steps:
    """Each step's name, seconds and one-line result, printed as it ends and again at the end."""
    done: list[tuple[str, float, str]] = field(default_factory=list)

    def run(self, name: str, fn: Callable[[], str | None]) -> None:
        print(f"--> {name}", flush=True)
        start = time.monotonic()
        try:
            note = fn() or "ok"
        except Exception:
            self.done.append((name, time.monotonic() - start, "FAILED"))
            raise
        self.done.append((name, time.monotonic() - start, note))
        print(f"    {time.monotonic() - start:6.1f} s  {note}", flush=True)

    def summary(self) -> str:
        width = max(len(n) for n, _, _ in self.done)
        return "\n".join(f"  {n:<{width}}  {s:6.1f} s  {note}" for n, s, note in self.done)
