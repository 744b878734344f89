"""The HTTP server every service runs: uvicorn in the service's own event loop, with limits.

No extra process or thread: `HttpServer.start` binds the socket itself (so a busy port raises
here, where `Service.start` can report it) and runs `uvicorn.Server.serve` as a task.

Limits, because these ports face probes, scrapers and partners' systems:
- request head: `max_header_bytes`: 400 from uvicorn while it is still arriving (h11's
  incomplete-event limit), 431 once parsed (see `http_guards.SizeLimit`);
- request body: `max_body_bytes` (413, also for chunked bodies: see `http_guards.SizeLimit`);
- receiving one request, head and body: `receipt_seconds`, then the connection is closed (see
  `http_protocol`, which also closes lingeringly so a client still sending sees its 413 or 400);
- handling one request: `handler_seconds` (503, see `http_guards.Deadline`);
- connections and requests at once: `concurrency` (uvicorn answers 503 beyond).
"""
from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from ptfc.kit.http_guards import guarded
from ptfc.kit.http_protocol import with_receipt_deadline
from ptfc.kit.logging import get_logger

log = get_logger()


@dataclass(frozen=True)
class HttpLimits:
    max_body_bytes: int = 1024 * 1024
    max_header_bytes: int = 16 * 1024
    receipt_seconds: float = 10.0
    handler_seconds: float = 10.0
    keep_alive_seconds: float = 5.0
    concurrency: int = 100


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[override]
        # The service owns SIGINT/SIGTERM (kit.service.serve) and stops this server itself.
        yield


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE)[0]
    # proto must be IPPROTO_TCP (socket.create_server leaves 0): asyncio sets TCP_NODELAY on accepted
    # connections only then, and without it a kept-alive request waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


@dataclass
class HttpServer:
    limits: HttpLimits = field(default_factory=HttpLimits)
    server: _Server | None = None
    _task: asyncio.Task | None = None

    async def start(self, app: Any, host: str, port: int) -> int:
        """Serve `app` (an ASGI app, e.g. FastAPI) on host:port; returns the bound port."""
        lim = self.limits
        sock = _bind(host, port)
        protocol = with_receipt_deadline(lim.receipt_seconds)
        config = uvicorn.Config(
            guarded(app, lim.max_header_bytes, lim.max_body_bytes, lim.handler_seconds), http=protocol,
            lifespan="off", log_config=None, log_level="warning", access_log=False, server_header=False,
            proxy_headers=False, h11_max_incomplete_event_size=lim.max_header_bytes,
            timeout_keep_alive=int(lim.keep_alive_seconds), limit_concurrency=lim.concurrency,
            timeout_graceful_shutdown=2)
        self.server = _Server(config)
        self._task = asyncio.create_task(self.server.serve(sockets=[sock]))
        async with asyncio.timeout(10):
            while not self.server.started:
                if self._task.done():
                    sock.close()
                    self._task.result()  # raises what stopped it
                    raise RuntimeError("the HTTP server stopped while starting")
                await asyncio.sleep(0.005)
        return sock.getsockname()[1]

    async def stop(self) -> None:
        if self.server is None or self._task is None:
            return
        self.server.should_exit = True
        try:
            await asyncio.wait_for(self._task, timeout=5)
        except asyncio.TimeoutError:
            pass
        except Exception as exc:  # stopping must go on: the producer and pool close after this
            log.warning("http.stop_failed", error=type(exc).__name__)
