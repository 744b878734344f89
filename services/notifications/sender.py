"""The sending loop: claim due notifications, send over SMTP, record each outcome at once.

Each email's outcome commits right after its SMTP transaction (not per batch), so a crash can
repeat at most the emails that were on the wire at that moment — with their stable Message-ID.
"""
from __future__ import annotations

import asyncio
from email.utils import parseaddr
from datetime import datetime, timedelta, timezone

import asyncpg

from contracts import notification as N
from contracts import topics as T
from ptfc.kit.logging import get_logger, scrub_text
from ptfc.kit import db, outbox
from ptfc.kit.outbox import Emitter
from ptfc.kit.retry import TRANSIENT, backoff
from services.notifications import store
from services.notifications.domain import delivery
from ptfc.kit.addresses import BadAddress, normalized as checked_address
from services.notifications.domain.render import Renderer
from services.notifications.smtp import Connection, SmtpError

log = get_logger()


def wall_now() -> datetime:
    """Sending is operational, not a programme rule: it runs on the wall clock (as Postgres's
    now() does for new rows), whatever clock the service's timers are given."""
    return datetime.now(timezone.utc)


async def _close(conn) -> None:
    """Best effort: a connection that broke with the database is closed here or already gone."""
    if conn is not None:
        try:
            await asyncio.wait_for(conn.close(), timeout=2)
        except Exception:
            conn.terminate()


class Sender:
    def __init__(self, svc) -> None:
        self.svc, self.s = svc, svc.config
        self.renderer = Renderer()
        self.connections = [Connection(self.s) for _ in range(max(1, self.s.smtp_concurrency))]
        self.wake = asyncio.Event()
        self.envelope_from = parseaddr(self.s.smtp_from)[1]

    async def run(self) -> None:
        # Its own pool, not waiting for WAL flushes: losing a 'sent' record in a Postgres crash
        # only repeats that email with its same Message-ID, and waiting would cost a disk flush
        # per email. The consumer's pool stays fully durable (its commits precede offset commits).
        self.pool = await db.create_pool(self.svc.dsn, len(self.connections) + 1, synchronous_commit="off")
        listener = None
        attempt = 0
        while True:
            try:
                if listener is None or listener.is_closed():
                    listener = await asyncpg.connect(self.svc.dsn)
                    await listener.add_listener("ptfc_notifications", self._woken)
                claimed = await self.send_due()
                attempt = 0
                if claimed == 0:
                    try:
                        await asyncio.wait_for(self.wake.wait(), timeout=1.0)
                    except asyncio.TimeoutError:
                        pass
                    self.wake.clear()
            except asyncio.CancelledError:
                for c in self.connections:
                    await c.close()
                await _close(listener)
                await self.pool.close()
                raise
            except TRANSIENT as exc:
                attempt += 1
                await _close(listener)
                listener = None
                log.warning("sender.retry", attempt=attempt, error=type(exc).__name__)
                await asyncio.sleep(backoff(attempt, 0.2, 10.0))

    def _woken(self, *_) -> None:
        self.svc.metrics.inc("sender_wakeups_total")  # NOTIFY reached us (else: 1 s polling)
        self.wake.set()

    async def send_due(self, limit: int = 100) -> int:
        rows = await store.claim(self.pool, wall_now(), limit,
                                 timedelta(seconds=self.s.smtp_lease_seconds))
        if not rows:
            return 0
        queue: asyncio.Queue = asyncio.Queue()
        for row in rows:
            queue.put_nowait(row)
        await asyncio.gather(*(self._worker(conn, queue) for conn in self.connections))
        return len(rows)

    async def _worker(self, conn: Connection, queue: asyncio.Queue) -> None:
        # One database connection per SMTP connection for the whole round: acquiring from the
        # pool per email would add asyncpg's reset round trip to every email.
        async with self.pool.acquire() as db_conn:
            while not queue.empty():
                await self._deliver(conn, db_conn, queue.get_nowait())

    async def _deliver(self, conn: Connection, db_conn, row) -> None:
        nid, now = row.notification_id, wall_now()
        try:
            msg = self.renderer.build(notification_id=nid, template=row.template,
                                      context={**row.context, "about_name": row.about_name or "the parent"},
                                      name=row.name, address=row.email, sender=self.s.smtp_from,
                                      attachments=row.attachments, programme=row.programme,
                                      route=row.route)
            await conn.send(self.envelope_from, checked_address(row.email), msg.as_bytes())
            outcome = delivery.Outcome("sent")
        except BadAddress as exc:
            outcome = delivery.bad_address(str(exc))
        except SmtpError as exc:
            outcome = delivery.after_failure(exc.code, exc.reason, row.attempts, self.s.smtp_max_attempts,
                                           now, self.s.smtp_retry_base_seconds)
        except Exception as exc:  # a template bug: retried a bounded number of times, then failed
            outcome = delivery.after_failure(None, f"render failed: {type(exc).__name__}", row.attempts,
                                           self.s.smtp_max_attempts, now, self.s.smtp_retry_base_seconds)
        await self._record(db_conn, row, outcome)

    async def _record(self, conn, row, outcome: delivery.Outcome) -> None:
        nid, now = row.notification_id, wall_now()
        emitter = Emitter(self.svc.source, f"notification|{nid}|{row.attempts}", now, row.case_number,
                          self.svc.topic)
        if outcome.status == "sent":  # the hot path: a single autocommitted statement
            await emitter.emit(T.NOTIFICATIONS_EVENTS, N.SENT, N.NotificationSent(
                notification_id=nid, template=row.template, role=row.role))
            await store.mark_sent(conn, nid, now, emitter.rows[0], delivery.bearer_links(row.context))
            self.svc.metrics.inc("emails_sent_total")
            return
        async with conn.transaction():
            if outcome.status == "retry":
                await store.mark_retry(conn, nid, outcome.retry_at, outcome.reason)
                self.svc.metrics.inc("email_retries_total")
            else:
                await store.mark_failed(conn, nid, outcome.reason, delivery.bearer_links(row.context))
                await emitter.emit(T.NOTIFICATIONS_EVENTS, N.FAILED, N.NotificationFailed(
                    notification_id=nid, template=row.template, role=row.role,
                    permanent=outcome.permanent, reason=scrub_text(outcome.reason)[:300]))  # partners read it: a server may quote the address
                self.svc.metrics.inc("emails_failed_total")
            await outbox.write(conn, emitter.rows)
        if outcome.status != "sent":
            log.warning("email.not_sent", notification_id=nid, case=row.case_number, status=outcome.status,
                        reason=outcome.reason[:200])
