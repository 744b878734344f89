"""The emails the workshops service asks for. Contact details never pass through here: parents
are addressed by person_id (the referral service recorded them), trainers by `trainer:<id>`.

Nothing here is ever about a safeguarding concern: that reaches the FCA through the referral
service and nobody else, least of all the other parent.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts import notification as N
from contracts import topics as T
from contracts.workshop import Trainer
from services.workshops.domain import invites
from services.workshops.domain.workshop import UK
from services.workshops.domain.invites import SessionDetails


def trainer_contact_id(trainer_id: str) -> str:
    return f"trainer:{trainer_id}"


async def _send(ctx: Any, template: str, contact_id: str, subject: str, context: dict,
                attachments: list[dict[str, str]] | None = None) -> None:
    await ctx.request_email(template, contact_id, context, subject, attachments or ())


def _offer(offered: SessionDetails | None) -> dict | None:
    if offered is None:
        return None
    return {"session_id": offered.session_id, "mode": offered.mode, "when": "; ".join(invites.when(offered))}


async def trainer_recorded(ctx: Any, trainer: Trainer, subject: str) -> None:
    """When a session is scheduled, weeks before the only email to its trainer (a follow-up reminder)."""
    await ctx.emit(T.NOTIFICATIONS_REQUESTS, N.CONTACT_RECORDED, N.ContactRecorded(
        contact_id=trainer_contact_id(trainer.trainer_id), role="trainer", name=trainer.name,
        email=trainer.email), subject=subject)


async def booking_confirmed(ctx: Any, person_id: str, subject: str, details: SessionDetails,
                            elearning_complete: bool, stamp: datetime) -> None:
    await _send(ctx, "workshop_booking_confirmed", person_id, subject,
                {**invites.context(details), "elearning_complete": elearning_complete,
                 "parent_hub_url": ctx.service.config.parent_hub_url},
                [invites.attachment(details, stamp)])


async def booking_refused(ctx: Any, person_id: str, subject: str, reason: str, requested: str | None,
                          offered: SessionDetails | None) -> None:
    await _send(ctx, "workshop_booking_refused", person_id, subject,
                {"reason": reason, "requested_session_id": requested, "offer": _offer(offered)})


async def rebook(ctx: Any, person_id: str, subject: str, reason: str, released: SessionDetails,
                 offered: SessionDetails | None, stamp: datetime) -> None:
    """The parent has no place any more and is asked to book another session.

    reason: session_cancelled | elearning_incomplete | absent. A cancelled session's invitation
    is withdrawn from the parent's calendar too."""
    attachments = [invites.attachment(released, stamp, cancelled=True)] if reason == "session_cancelled" else []
    await _send(ctx, "workshop_rebook", person_id, subject,
                {**invites.context(released), "reason": reason, "offer": _offer(offered),
                 "parent_hub_url": ctx.service.config.parent_hub_url}, attachments)


async def elearning_reminder(ctx: Any, person_id: str, subject: str, details: SessionDetails) -> None:
    await _send(ctx, "workshop_elearning_reminder", person_id, subject,
                {**invites.context(details), "parent_hub_url": ctx.service.config.parent_hub_url})


async def follow_up_reminder(ctx: Any, trainer_id: str, subject: str, *, person_id: str, case_number: str,
                             session_id: str, due_at: datetime) -> None:
    """The trainer knows the parent from their own register: ids only, no name travels here."""
    due = due_at.astimezone(UK)
    await _send(ctx, "workshop_follow_up_reminder", trainer_contact_id(trainer_id), subject,
                {"person_id": person_id, "case_number": case_number, "session_id": session_id,
                 "due_on": f"{due:%A} {due.day} {due:%B %Y}"})
