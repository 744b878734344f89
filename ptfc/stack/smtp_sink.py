"""An SMTP sink (aiosmtpd) that keeps every email as an .eml file an operator can open."""
from __future__ import annotations

import email
import email.policy
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class _Keeper:
    def __init__(self, folder: Path | None, parse: bool = True) -> None:
        self.folder, self.parse = folder, parse
        self.arrivals: list[tuple[float, str]] = []  # (monotonic time, first recipient)
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self.refuse: set[str] = set()  # addresses answered with a permanent 550 (tests)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.arrivals.append((time.monotonic(), envelope.rcpt_tos[0] if envelope.rcpt_tos else ""))
        if not self.parse:  # benchmarks: arrival times only
            return "250 Message accepted"
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            n = len(self.messages)
        if self.folder is not None:
            (self.folder / f"{n:06d}.eml").write_bytes(envelope.content)
        return "250 Message accepted"


class SmtpSink:
    def __init__(self, port: int, folder: Path | None = None, parse: bool = True) -> None:
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.keeper = _Keeper(folder, parse)
        self.controller = Controller(self.keeper, hostname="127.0.0.1", port=port,
                                     data_size_limit=10 * 1024 * 1024)
        self.port = port

    def start(self) -> "SmtpSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        with self.keeper.lock:
            return list(self.keeper.messages)
