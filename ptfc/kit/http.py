"""A small HTTP/1.1 server for liveness, readiness, metrics and a service's own few routes.

Hand-written on asyncio streams to keep services free of a web framework for five endpoints.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from ptfc.kit.logging import get_logger

log = get_logger()


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"

    @classmethod
    def json(cls, doc: Any, status: int = 200) -> "Reply":
        return cls(status, json.dumps(doc).encode())


Route = Callable[[Request], Awaitable[Reply]]
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
           405: "Method Not Allowed", 410: "Gone", 413: "Payload Too Large",
           500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class HttpServer:
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)  # (method, path prefix)
    server: asyncio.base_events.Server | None = None

    def add(self, method: str, prefix: str, route: Route) -> None:
        self.routes[(method, prefix)] = route

    async def start(self, host: str, port: int) -> int:
        self.server = await asyncio.start_server(self._serve, host, port)
        return self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server:
            self.server.close()

    def _match(self, method: str, path: str) -> Route | None:
        best = None
        for (m, prefix), route in self.routes.items():
            exact = prefix.endswith("/") and path.startswith(prefix) or path == prefix
            if m == method and exact and (best is None or len(prefix) > len(best[0])):
                best = (prefix, route)
        return best[1] if best else None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, v in
                       (ln.split(":", 1) for ln in lines[1:] if ":" in ln)}
            length = int(headers.get("content-length", "0"))
            if length > 1024 * 1024:
                reply = Reply(413)
            else:
                body = await reader.readexactly(length) if length else b""
                path, _, qs = target.partition("?")
                query = dict(p.partition("=")[::2] for p in qs.split("&") if p)
                route = self._match(method, path)
                reply = await route(Request(method, path, query, headers, body)) if route else Reply(404)
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError, ConnectionError):
            reply = Reply(400)
        except Exception as exc:  # never let one bad request take the service down
            log.error("http.error", error=type(exc).__name__)
            reply = Reply(500)
        writer.write(f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'OK')}\r\n"
                     f"Content-Type: {reply.content_type}\r\nContent-Length: {len(reply.body)}\r\n"
                     "Connection: close\r\n\r\n".encode() + reply.body)
        try:
            await writer.drain()
        finally:
            writer.close()
