"""HTTP clients for tests: `call` (urllib, JSON) for ordinary requests; `exchange` (h11 over a raw
socket) where a test needs control of the bytes: chunked bodies, huge headers, answers that come
before the body is all sent; `trickle` for a client that never finishes its request."""
from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Iterable

import h11


def _call(method: str, url: str, body: dict | None) -> tuple[int, dict | bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            raw, status, ctype = r.read(), r.status, r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raw, status, ctype = e.read(), e.code, e.headers.get("Content-Type", "")
    return status, json.loads(raw) if "json" in ctype and raw else raw


async def call(method: str, url: str, body: dict | None = None) -> tuple[int, dict | bytes]:
    return await asyncio.to_thread(_call, method, url, body)


@dataclass
class Answer:
    status: int | None = None  # None: the connection closed without an answer
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> dict:
        return json.loads(self.body)


async def exchange(port: int, method: str, target: str, headers: Iterable[tuple[str, str]] = (),
                   chunks: Iterable[bytes] | None = None, timeout: float = 10) -> Answer:
    """One request on a new connection, reading the answer while the body is still being sent.
    With `chunks` and no Content-Length among `headers`, the body goes chunked."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    conn = h11.Connection(h11.CLIENT)
    hdrs = [("Host", "127.0.0.1"), *headers]
    if chunks is not None and not any(k.lower() == "content-length" for k, _ in hdrs):
        hdrs.append(("Transfer-Encoding", "chunked"))

    async def send() -> None:
        try:
            writer.write(conn.send(h11.Request(method=method, target=target, headers=hdrs)))
            for chunk in chunks or ():
                writer.write(conn.send(h11.Data(data=chunk)))
                await writer.drain()
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
        except (ConnectionError, h11.LocalProtocolError):
            pass  # the server answered and closed before the body was all sent

    async def receive() -> Answer:
        answer = Answer()
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError:
                return answer  # closed mid-answer or before one
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Response):
                answer.status = event.status_code
                answer.headers = {k.decode().lower(): v.decode() for k, v in event.headers}
            elif isinstance(event, h11.Data):
                answer.body += event.data
            elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                return answer

    sending = asyncio.create_task(send())
    try:
        async with asyncio.timeout(timeout):
            return await receive()
    finally:
        sending.cancel()
        writer.close()


async def trickle(port: int, head: bytes, drip: bytes, every: float, limit: float) -> float | None:
    """Send `head`, then `drip` one byte every `every` seconds and never finish: the seconds until
    the server closed the connection, or None if it was still open after `limit` seconds."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    closed = asyncio.create_task(reader.read())  # b"" (or what it sent before closing) at EOF
    try:
        writer.write(head)
        for byte in drip * int(limit / every + 1):
            if closed.done() or time.monotonic() - started > limit:
                break
            try:
                writer.write(bytes([byte]))
                await writer.drain()
            except ConnectionError:
                break
            await asyncio.wait([closed], timeout=every)
        if not closed.done():
            await asyncio.wait([closed], timeout=max(0.0, limit - (time.monotonic() - started)))
        return time.monotonic() - started if closed.done() else None
    finally:
        closed.cancel()
        writer.close()
