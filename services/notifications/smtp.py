"""SMTP delivery with aiosmtplib over a few kept-open connections (settings: host, port, TLS, login)."""
from __future__ import annotations

import asyncio
import aiosmtplib


class SmtpError(Exception):
    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


class Connection:
    def __init__(self, settings) -> None:
        self.s = settings
        self.client: aiosmtplib.SMTP | None = None

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.s
        client = aiosmtplib.SMTP(hostname=s.smtp_host, port=s.smtp_port, timeout=s.smtp_timeout_seconds,
                                 use_tls=s.smtp_security == "tls", start_tls=s.smtp_security == "starttls")
        await client.connect()
        if s.smtp_username:
            await client.login(s.smtp_username, s.smtp_password or "")
        return client

    async def send(self, sender: str, recipient: str, data: bytes) -> None:
        """One message, already flattened; raises SmtpError with the server's code (None for
        connection trouble)."""
        try:
            if self.client is None or not self.client.is_connected:
                self.client = await self._connect()
            await self.client.sendmail(sender, [recipient], data)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            code = min((r.code for r in exc.recipients), default=None)
            raise SmtpError(code, f"recipient refused ({code})") from None
        except aiosmtplib.SMTPResponseException as exc:
            await self.close()
            raise SmtpError(exc.code, f"SMTP {exc.code}: {exc.message[:200]}") from None
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as exc:
            await self.close()
            raise SmtpError(None, f"{type(exc).__name__}: {str(exc)[:200]}") from None

    async def close(self) -> None:
        if self.client is not None:
            try:
                self.client.close()
            except Exception:
                pass
            self.client = None
