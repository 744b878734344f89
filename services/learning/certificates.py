"""Certificates: scheduled once both stages are done, issued by a durable timer, printed as a PDF.

Load-bearing: a certificate is issued only by `on_certificate_due`, which re-checks both stages
inside its own transaction, and UNIQUE (referral_id) in the database makes a second one impossible.
"""
from __future__ import annotations

import asyncio
import base64

from contracts import learning as L
from contracts import topics as T
from ptfc.kit import pdf as kit_pdf
from ptfc.kit import timers
from ptfc.kit.logging import get_logger
from services.learning import certificate_store, store
from services.learning.domain import course
from services.learning.records import Certificate
from services.learning.domain.pdf import NAME_UNKNOWN, certificate_pdf  # noqa: F401 (api.py and tests use them)

log = get_logger()
TIMER = "certificate"


async def schedule_if_due(conn, parent, progress, programme) -> None:
    """Called whenever a stage completes: only when both are done is the certificate scheduled."""
    if not course.both_stages_done(progress.elearning_completed_at, progress.attended_on):
        return
    due = course.certificate_due_at(progress.workshop_ended_at, progress.attendance_recorded_at,
                                    progress.elearning_completed_at, programme.certificate_delay_hours)
    await timers.schedule(conn, TIMER, progress.referral_id, parent.case_number, due,
                          {"person_id": parent.person_id})


async def attended(ctx, parent, data) -> None:
    """The workshops service's ParentAttended: the second stage, once."""
    if await store.record_attendance(ctx.conn, parent.referral_id, data.attended_on, data.recorded_at,
                                     data.ended_at):
        progress = await store.progress(ctx.conn, parent.referral_id)
        await schedule_if_due(ctx.conn, parent, progress, ctx.service.config)


async def on_certificate_due(tctx) -> None:
    conn, referral_id = tctx.conn, tctx.timer.key
    parent = await store.parent(conn, tctx.timer.payload["person_id"], lock=True)
    if not course.current_at(referral_id, parent, tctx.timer.due_at):
        return  # withdrawn, or replaced by a re-referral, before it was due: no certificate
    progress = await store.progress(conn, referral_id)
    if not course.both_stages_done(progress.elearning_completed_at, progress.attended_on):
        return  # cannot happen through schedule_if_due; checked again because it must never happen
    issued_at = tctx.timer.due_at  # programme time, so a late-firing timer dates it truly
    cert = Certificate(course.new_certificate_number(), referral_id, parent.person_id,
                       parent.case_number, parent.programme, issued_at,
                       course.local_date(progress.elearning_completed_at), progress.attended_on)
    if not await certificate_store.add(conn, cert):
        return
    await tctx.emit(T.LEARNING_EVENTS, L.CERTIFICATE_ISSUED, L.CertificateIssued(
        person_id=cert.person_id, certificate_number=cert.certificate_number, issued_at=issued_at,
        elearning_completed_on=cert.elearning_completed_on, workshop_attended_on=cert.workshop_attended_on))
    name = await certificate_store.name(conn, cert.person_id)
    if name and (missing := kit_pdf.unprintable(name)):  # a script with no font yet: say so, not what
        log.warning("certificate.name_not_fully_printable", case=cert.case_number, characters=missing)
    pdf_file = await asyncio.to_thread(attachment, cert, name)  # 0.1-0.5 s of CPU: not on the loop
    number = cert.certificate_number
    await tctx.request_email("learning_certificate", cert.person_id,
                             {"certificate_number": number,
                              "elearning_completed_on": course.long_date(cert.elearning_completed_on),
                              "workshop_attended_on": course.long_date(cert.workshop_attended_on)},
                             attachments=[pdf_file])
    log.info("certificate.issued", case=cert.case_number, referral_id=referral_id)


def attachment(cert: Certificate, name: str | None) -> dict[str, str]:
    """The certificate as an email attachment. A PDF is binary, and an attachment travels in a
    JSON string: base64, which notifications decodes back to the same bytes."""
    return {"filename": f"certificate-{cert.certificate_number}.pdf", "content_type": "application/pdf",
            "content_base64": base64.b64encode(certificate_pdf(cert, name)).decode("ascii")}
