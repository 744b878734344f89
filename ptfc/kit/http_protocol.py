"""uvicorn's h11 protocol with the two things it lacks for a port that faces other systems.

- A deadline for receiving each request, head and body (`receipt_seconds`), then the connection
  is closed. uvicorn's keep-alive timer does not cover this: any byte resets it, so a client
  trickling a header one byte at a time would hold a connection for ever.
- A lingering close. When the server answers before reading all the client sends (413 for a
  body, 400 for a malformed head) and closes at once, the kernel answers the unread bytes with a
  reset, and the client often loses the answer with it. So such a close first half-closes (FIN
  after the answer) and reads and drops what still comes, for up to LINGER_SECONDS.
"""
from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ptfc.kit.logging import get_logger

log = get_logger()
LINGER_SECONDS = 2.0


class _Lingering:
    """The transport as uvicorn's protocol sees it; only `close` and `is_closing` differ."""

    def __init__(self, transport: Any, protocol: "TimedH11Protocol") -> None:
        self._t, self._p, self.lingering = transport, protocol, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._t, name)

    def close(self, linger: bool = True) -> None:
        if self.lingering and linger:
            return
        unread = self._p.conn.their_state in (h11.SEND_BODY, h11.ERROR)
        if linger and unread and self._t.can_write_eof() and not self._t.is_closing():
            self.lingering = True
            self._t.write_eof()  # after what is buffered: the answer goes out whole, then FIN
            self._t.resume_reading()
            self._p.loop.call_later(LINGER_SECONDS, self._t.close)
        else:
            self._t.close()

    def is_closing(self) -> bool:
        return self.lingering or self._t.is_closing()


class TimedH11Protocol(H11Protocol):
    receipt_seconds = 10.0
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(_Lingering(transport, self))  # type: ignore[arg-type]
        self._watch()

    def data_received(self, data: bytes) -> None:
        if self.transport.lingering:
            return  # the rest of a request already answered: dropped
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()  # the next request on a kept-alive connection gets its own deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _watch(self) -> None:
        # IDLE: the head is not complete yet; SEND_BODY: the body is not. DONE: the app has it
        # all, and the handler deadline (kit.http_guards.Deadline) takes over.
        receiving = self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing()
        if receiving and self._deadline is None:
            self._deadline = self.loop.call_later(self.receipt_seconds, self._expired)
        elif not receiving:
            self._disarm()

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            log.info("http.request_too_slow", seconds=self.receipt_seconds)
            self.transport.close(linger=False)  # a client this slow gets no more of our time


def with_receipt_deadline(seconds: float) -> type[TimedH11Protocol]:
    """The protocol class for uvicorn's `http=` setting (it builds one per connection)."""
    return type("TimedH11Protocol", (TimedH11Protocol,), {"receipt_seconds": seconds})
