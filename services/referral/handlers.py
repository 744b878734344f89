"""Referral subscribers: parse the contract, call the domain, store, emit."""
from __future__ import annotations


from faststream.kafka import KafkaRouter

from contracts import cppp as C
from contracts import learning as L
from contracts.lots import LOTS
from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import CloudEvent
from ptfc.kit import timers
from ptfc.kit.erasure import erase_kept
from ptfc.kit.handling import Context, Route, batched
from ptfc.kit.deadletter import DeadLetter
from ptfc.kit.subscribe import publishes, subscribe
from services.referral import cppp_intake, cppp_outcomes, outcomes, store
from services.referral.domain import intake


@batched
async def on_referral_requested(ctxs: list[Context]) -> None:
    """Set-based: a run of requests is read in two statements, decided one by one in order (each
    seeing the ones before it, as if handled alone), and written in one."""
    conn, svc = ctxs[0].conn, ctxs[0].service
    requests = [ctx.event.data for ctx in ctxs]
    seen = await store.known(conn, [r.referral_id for r in requests])
    history = await store.histories(conn, [r.parent.person_id for r in requests])
    cases, rule = await cppp_intake.Cases.load(conn, requests), svc.config.cppp_rule
    decided, accepted = [], []
    for ctx in ctxs:
        req = ctx.event.data
        if req.referral_id in seen:
            continue  # the same referral_id sent again (under another event id) is one referral
        seen.add(req.referral_id)
        key = (req.parent.person_id, req.programme)
        before = history.get(key, intake.History())
        decision = intake.decide(req, ctx.event.time, svc.config.areas, before, svc.config.targets)
        history[key] = before.after(decision)
        if isinstance(decision, R.ReferralRejected):
            decided.append((req, None, ctx.event.time))
            await ctx.emit(T.REFERRAL_EVENTS, R.REJECTED, decision)
            continue
        decided.append((req, decision, ctx.event.time))
        accepted.append(decision)
        await announce(ctx, req, decision)
        if decision.programme == "cppp":
            await cppp_intake.consented(ctx, cases, decision, rule)
    await store.add(conn, decided)
    # Each programme its own clock: PTfC's day-42 report, CPPP's end of window (and its start).
    await outcomes.schedule_non_completion(conn, [a for a in accepted if a.programme == "ptfc"],
                                           svc.config.completion_deadline_days)
    await cppp_intake.finish(conn, cases, accepted, rule)


async def announce(ctx: Context, req: R.ReferralRequested, decision: R.ReferralAccepted) -> None:
    # Contacts first: same key (case), same relay order, so notifications know them before any
    # email request about this case arrives.
    contacts = [(req.parent.person_id, "parent", intake.contact_name(req), req.parent.email),
                (f"fca:{req.referral_id}", "fca", req.fca.name, req.fca.email)]
    if req.court_email:
        contacts.append((f"court:{req.referral_id}", "court", req.court, req.court_email))
    for contact_id, role, name, email in contacts:
        await ctx.emit(T.NOTIFICATIONS_REQUESTS, N.CONTACT_RECORDED, N.ContactRecorded(
            contact_id=contact_id, role=role, name=name, email=email, programme=req.programme, route=req.route))
    if req.programme == "cppp":
        await cppp_intake.record_guardian(ctx, req)  # CPPP has no certificate: no name to print
    else:
        await ctx.emit(T.LEARNING_NAMES, L.CERTIFICATE_NAME_RECORDED, L.CertificateNameRecorded(
            person_id=req.parent.person_id, display_name=intake.contact_name(req)))
    await ctx.emit(T.REFERRAL_EVENTS, R.ACCEPTED, decision)
    # Last, so the ids of the events above stay what they were before the hand-off existed.
    await ctx.emit(T.partner_handoff(decision.lot), R.PARENT_REFERRED, intake.hand_off(req, decision))


async def on_referral_withdrawn(ctx: Context, event: CloudEvent[R.ReferralWithdrawn]) -> None:
    row = await store.get(ctx.conn, event.data.referral_id)
    if row is None or row.status == "rejected":
        raise DeadLetter("no accepted referral with this referral_id")
    if row.status != "active":
        return  # already closed: a withdrawal changes nothing
    await store.close(ctx.conn, row.referral_id, "withdrawn", event.time)
    await timers.cancel(ctx.conn, outcomes.NON_COMPLETION, row.referral_id, event.time)
    await timers.cancel(ctx.conn, cppp_intake.LAPSE, row.referral_id, event.time)  # a withdrawal stops CPPP too
    await ctx.emit(T.REFERRAL_EVENTS, R.WITHDRAWAL_ACCEPTED, R.WithdrawalAccepted(
        referral_id=row.referral_id, case_number=row.case_number, person_id=row.person_id,
        lot=row.lot))
    await outcomes.referral_ended(ctx, row, "withdrawn", event.time)


async def on_erasure_requested(ctx: Context, event: CloudEvent[R.ErasureRequested]) -> None:
    """This service keeps no personal data; it tells every service that does (names, addresses,
    plan terms, kept bytes) to erase theirs. Counts and dates stay, so the figures do not change."""
    await ctx.emit(T.REFERRAL_EVENTS, R.PERSON_ERASED, R.PersonErased(person_id=event.data.person_id,
                                                                   cause="requested"))
    await erase_kept(ctx.conn, event.data.person_id)  # the sent contacts, names and hand-off it kept


OUTBOUND = [  # the types this service publishes on its facts topic (AsyncAPI)
    R.ACCEPTED, R.REJECTED, R.WITHDRAWAL_ACCEPTED, R.COMPLETED, R.NON_COMPLETION_REPORTED,
    R.PERSON_ERASED,
]


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, {
        T.PARTNER_REFERRALS: Route({R.REQUESTED: on_referral_requested,
                                    R.WITHDRAWN: on_referral_withdrawn,
                                    C.SESSION_RECORDED: cppp_outcomes.on_session_recorded,
                                    R.ERASURE_REQUESTED: on_erasure_requested}, strict=True),
        T.LEARNING_EVENTS: Route({L.ELEARNING_COMPLETED: outcomes.on_elearning_completed,
                                  L.CERTIFICATE_ISSUED: outcomes.on_certificate_issued}),
        T.WORKSHOPS_EVENTS: Route({W.PARENT_ATTENDED: outcomes.on_parent_attended,
                                   W.SAFEGUARDING_CONCERN_RECORDED: outcomes.on_safeguarding_concern_recorded}),
    }, "Cafcass referrals, and the learning and workshop facts that "
       "decide what the FCA and court are told.")
    publishes(router, svc, T.REFERRAL_EVENTS, OUTBOUND, "Referral outcomes for Cafcass and services.")
    publishes(router, svc, T.NOTIFICATIONS_REQUESTS, [N.CONTACT_RECORDED, N.REQUESTED],
              "Contacts and emails to the FCA and court (sensitive; read only by notifications).")
    publishes(router, svc, T.LEARNING_NAMES, [L.CERTIFICATE_NAME_RECORDED],
              "Names printed on certificates (sensitive; read only by learning).")
    for lot in LOTS:  # the documented lots; an operator's own table may name others
        publishes(router, svc, T.partner_handoff(lot), [R.PARENT_REFERRED, R.PARENT_CLOSED],
                  f"Parents referred to {lot}, with contact details, for that lot's delivery partner alone.")
    return router
