"""The SMTP server the services send to: keeps each delivery's arrival, recipient and Message-ID.

Headers only (the standard library's header parser): a certificate email carries a 50 KB PDF, and
thousands of them must not cost the run's CPU.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Delivery:
    at: float  # time.monotonic() when the server accepted it (the 250 after DATA)
    to: str
    message_id: str


class _Handler:
    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.lock = threading.Lock()
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        headers = self.parser.parsebytes(envelope.content)
        with self.lock:
            self.deliveries.append(Delivery(time.monotonic(), ",".join(envelope.rcpt_tos),
                                            str(headers.get("Message-ID", ""))))
        return "250 Message accepted"


class Mailbox:
    def __init__(self, port: int) -> None:
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port,
                                     data_size_limit=10 * 1024 * 1024)
        self.port = port

    def start(self) -> "Mailbox":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def deliveries(self) -> list[Delivery]:
        with self.handler.lock:
            return list(self.handler.deliveries)
