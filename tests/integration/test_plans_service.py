"""The plans service against the real broker and database; referral and workshop facts are
published directly (their services are tested on their own)."""
from __future__ import annotations

import io
import json
from urllib.parse import urlsplit

from pypdf import PdfReader

from contracts import notification as N
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from services.plans.app import SPEC
from services.plans.domain.agreement import AREAS
from tests.support.builders import uid
from tests.support.http import exchange
from tests.support.kafka import TopicReader, envelope, eventually, publish
from tests.support.services import running

HUB = "/partners/parent-hub/plans"


def accepted(case: str, person: str, co: list[str], suitable: bool = True) -> dict:
    return {"referral_id": uid("R"), "case_number": case, "person_id": person, "programme": "ptfc",
            "route": "court_order", "lot": "lot-north", "cafcass_area": "A1",
            "ordered_on": "2026-11-02", "referred_on": "2026-11-02",
            "elearning_due_on": "2026-11-16", "workshop_due_on": "2026-12-07",
            "completion_due_on": "2026-12-14", "co_parent_person_ids": co, "plan_suitable": suitable}


class Case:
    """Two parents of one case, made known to the service as accepted referrals."""

    def __init__(self, svc, producer, suitable=(True, True)) -> None:
        self.svc, self.producer = svc, producer
        self.case, self.a, self.b = uid("C"), uid("P"), uid("P")
        self.refs = [accepted(self.case, self.a, [self.b], suitable[0]),
                     accepted(self.case, self.b, [self.a], suitable[1])]

    async def known(self) -> None:
        for ref in self.refs:
            await self.fact(T.REFERRAL_EVENTS, R.ACCEPTED, ref)
        await eventually(lambda: self.svc.pool.fetchval(
            "SELECT count(*) = 2 FROM parents WHERE case_number = $1", self.case), what="parents known")

    async def fact(self, topic: str, type_: str, data: dict) -> None:
        await publish(self.producer, self.svc.topic(topic),
                      envelope(type_, data, subject=self.case, source="/ptfc/test"), self.case)

    async def hub(self, type_: str, data: dict, event: dict | None = None) -> dict:
        event = event or envelope(type_, data, subject=self.case, source=HUB)
        await publish(self.producer, self.svc.topic(T.PARTNER_PLANS), event, self.case)
        return event


def of(events, case, type_=None):
    return [e for e in events if e["subject"] == case and (type_ is None or e["type"] == type_)]


def pdf_text(body: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())


def reasons(dl: TopicReader) -> list[str]:
    return [dict(r.headers)["ptfc-reason"].decode() for r in dl.records]


async def test_refusal_negotiation_to_completion_with_history_and_a_repeat_once(settings, producer):
    async with running(SPEC, settings) as svc:
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.PLANS_EVENTS)).start()
        dl = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        mail = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.NOTIFICATIONS_REQUESTS)).start()
        unsuitable, case = Case(svc, producer, suitable=(True, False)), Case(svc, producer)
        await unsuitable.known()
        await case.known()
        await unsuitable.hub(P.OPENED, {"person_id": unsuitable.a})
        refused = await out.wait_for(lambda es: of(es, unsuitable.case, P.OPENING_REFUSED), what="refusal")
        assert refused[0]["data"]["reason"] == "not_available"

        await case.hub(P.OPENED, {"person_id": case.a})
        await case.hub(P.PROPOSAL_SUBMITTED, {"person_id": case.a, "proposals": [
            {"area": a, "terms": f"secret terms {a}"} for a in AREAS]})
        decisions = ["agree", "seek_help", "ask_court"]
        answers = [{"area": a, "decision": decisions[i % 3]} for i, a in enumerate(AREAS[:-1])]
        answers.append({"area": AREAS[-1], "decision": "counter", "terms": "secret counter"})
        answer = await case.hub(P.RESPONSE_SUBMITTED, {"person_id": case.b, "responses": answers})
        await case.hub(P.RESPONSE_SUBMITTED, {}, event=answer)  # the same event again: once
        # b cannot accept their own counter; a can.
        await case.hub(P.RESPONSE_SUBMITTED, {"person_id": case.b, "responses": [
            {"area": AREAS[-1], "decision": "agree"}]})
        await case.hub(P.RESPONSE_SUBMITTED, {"person_id": case.a, "responses": [
            {"area": AREAS[-1], "decision": "agree"}]})
        done = await out.wait_for(lambda es: of(es, case.case, P.PLAN_COMPLETED), what="completed")
        assert done[0]["data"]["decisions"][AREAS[0]] == "agreed"
        assert done[0]["data"]["decisions"][AREAS[-1]] == "agreed"
        await dl.wait_for(lambda _: "own proposal" in " ".join(reasons(dl)), what="own-proposal dead letter")
        to_mediator = await case.hub(P.SHARED, {"person_id": case.b, "with": "mediator",
                                                "email": "med@mediation.example"})
        to_fca = await case.hub(P.SHARED, {"person_id": case.a, "with": "fca", "email": "fca@cafcass.example"})
        await case.hub(P.SHARED, {"person_id": case.a, "with": "children"})
        shared = await out.wait_for(lambda es: len(of(es, case.case, P.PLAN_SHARED)) == 3 and
                                    of(es, case.case, P.PLAN_SHARED), what="shared")
        assert [(e["data"]["with"], e["data"]["emailed"]) for e in shared] == [
            ("mediator", True), ("fca", True), ("children", False)]  # children are never emailed
        # Completion sends each parent their links; then each share: the professionals' contact and
        # link, and for the children a child-friendly link to the parent who shared (never to a child).
        sent = await mail.wait_for(lambda es: len(es) >= 7 and es, what="contacts and email requests")
        assert [(e["type"], e["data"].get("template")) for e in sent] == [
            (N.REQUESTED, "plan_for_parent"), (N.REQUESTED, "plan_for_parent"),
            (N.CONTACT_RECORDED, None), (N.REQUESTED, "plan_share_link"),
            (N.CONTACT_RECORDED, None), (N.REQUESTED, "plan_share_link"), (N.REQUESTED, "plan_for_parent")]
        assert [e["data"]["context"]["occasion"] for e in (sent[0], sent[1], sent[6])] == [
            "completed", "completed", "children"]
        assert {sent[0]["data"]["contact_id"], sent[1]["data"]["contact_id"]} == {case.a, case.b}
        assert sent[6]["data"]["contact_id"] == case.a
        assert [e["data"]["role"] for e in (sent[2], sent[4])] == ["mediator", "fca"]
        assert sent[2]["data"]["contact_id"] == sent[3]["data"]["contact_id"] == f"plan-share:{to_mediator['id']}"
        assert sent[4]["data"]["contact_id"] == sent[5]["data"]["contact_id"] == f"plan-share:{to_fca['id']}"
        fca_context = sent[5]["data"]["context"]
        assert fca_context["agreed"] == 4 and "child_link" not in fca_context and "secret" not in json.dumps(sent)
        answer = await exchange(svc.http_port, "GET", urlsplit(fca_context["plan_link"]).path)
        assert answer.status == 200 and "Complete: every area has a final decision" in pdf_text(answer.body)

        mine = of(out.events(), case.case)
        assert [e["type"] for e in mine].count(P.PLAN_OPENED) == 1
        assert len(of(mine, case.case, P.AREA_UPDATED)) == 10 + 10 + 1  # the repeat added nothing
        published = json.dumps(out.events())
        assert "secret" not in published and ".example" not in published
        history = await svc.pool.fetch("SELECT area, person_id, action, terms FROM plan_history "
                                       "WHERE case_number = $1 ORDER BY id", case.case)
        last = [(h["person_id"], h["action"], h["terms"]) for h in history if h["area"] == AREAS[-1]]
        assert last == [(case.a, "proposed", f"secret terms {AREAS[-1]}"), (case.b, "counter", "secret counter"),
                        (case.a, "agree", None)]
        assert await svc.pool.fetchval("SELECT status FROM plans WHERE case_number = $1", case.case) == "completed"
        await out.stop(); await dl.stop(); await mail.stop()


async def test_concern_closes_the_plan_silently_and_withdrawal_stops_submissions(settings, producer):
    async with running(SPEC, settings) as svc:
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.PLANS_EVENTS)).start()
        dl = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        mail = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.NOTIFICATIONS_REQUESTS)).start()
        concern, withdrawn = Case(svc, producer), Case(svc, producer)
        for c in (concern, withdrawn):
            await c.known()
            await c.hub(P.OPENED, {"person_id": c.a})
            await c.hub(P.PROPOSAL_SUBMITTED, {"person_id": c.a, "proposals": [{"area": "money", "terms": "t"}]})
        await out.wait_for(lambda es: len([e for e in es if e["type"] == P.AREA_UPDATED]) >= 2, what="proposals")

        await concern.fact(T.WORKSHOPS_EVENTS, W.SAFEGUARDING_CONCERN_RECORDED,
                           {"person_id": concern.b, "lot": "lot-north"})
        closed = await out.wait_for(lambda es: of(es, concern.case, P.PLAN_CLOSED), what="closed")
        assert closed[0]["data"] == {"case_number": concern.case}  # no reason, no person
        await concern.hub(P.RESPONSE_SUBMITTED, {"person_id": concern.b, "responses": [
            {"area": "money", "decision": "agree"}]})
        await concern.hub(P.OPENED, {"person_id": concern.a})

        await withdrawn.fact(T.REFERRAL_EVENTS, R.WITHDRAWAL_ACCEPTED, {
            "referral_id": withdrawn.refs[1]["referral_id"], "case_number": withdrawn.case,
            "person_id": withdrawn.b, "lot": "lot-north"})
        await eventually(lambda: svc.pool.fetchval("SELECT NOT active FROM parents WHERE person_id = $1",
                                                   withdrawn.b), what="withdrawn")
        await withdrawn.hub(P.RESPONSE_SUBMITTED, {"person_id": withdrawn.b, "responses": [
            {"area": "money", "decision": "agree"}]})
        await dl.wait_for(lambda _: len(dl.records) >= 3, what="three dead letters")
        assert sorted(reasons(dl)) == ["plan closed", "plan closed", "the referral for this person_id was withdrawn"]
        assert await svc.pool.fetchval("SELECT status FROM plans WHERE case_number = $1", withdrawn.case) == "open"
        await out.poll(); await mail.poll()
        assert [e["type"] for e in of(out.events(), concern.case)].count(P.PLAN_CLOSED) == 1
        assert mail.records == []  # nothing is emailed to anyone, the other parent included
        await out.stop(); await dl.stop(); await mail.stop()


async def test_a_plan_finished_with_what_is_agreed_reaches_parents_and_the_court_by_link(settings, producer):
    async with running(SPEC, settings) as svc:
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.PLANS_EVENTS)).start()
        dl = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        mail = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.NOTIFICATIONS_REQUESTS)).start()
        case = Case(svc, producer)
        await case.known()
        await case.hub(P.OPENED, {"person_id": case.a})
        await case.hub(P.PROPOSAL_SUBMITTED, {"person_id": case.a, "proposals": [
            {"area": "living_arrangements", "terms": "Alternate weeks, handover on Sundays."},
            {"area": "education", "terms": "Stay at Oak Lane."}, {"area": "money", "terms": "Half each."}]})
        await case.hub(P.RESPONSE_SUBMITTED, {"person_id": case.b, "responses": [
            {"area": "living_arrangements", "decision": "agree"}, {"area": "education", "decision": "agree"},
            {"area": "money", "decision": "counter", "terms": "Unagreed counter."}]})
        await case.hub(P.FINISHED, {"person_id": case.b})
        finished = await out.wait_for(lambda es: of(es, case.case, P.PLAN_FINISHED), what="finished")
        states = finished[0]["data"]["areas"]
        assert (states["living_arrangements"], states["money"], states["health"]) == ("agreed", "proposed", "open")
        await case.hub(P.RESPONSE_SUBMITTED, {"person_id": case.a, "responses": [
            {"area": "money", "decision": "agree"}]})
        await case.hub(P.SHARED, {"person_id": case.b, "with": "court", "email": "family@court.example"})
        await case.hub(P.FINISHED, {"person_id": case.a})  # again: a fresh link for a, nothing else
        sent = await mail.wait_for(lambda es: len(es) >= 5 and es, what="links to parents and the court")
        requested = [(e["data"]["template"], e["data"]["contact_id"], e["data"]["context"].get("occasion"))
                     for e in sent if e["type"] == N.REQUESTED]
        assert sorted(requested[:2]) == sorted([("plan_for_parent", case.a, "finished"),
                                                ("plan_for_parent", case.b, "finished")])
        assert requested[2][0] == "plan_share_link" and requested[2][1].startswith("plan-share:")
        assert requested[3:] == [("plan_for_parent", case.a, "again")]
        assert sent[2]["type"] == N.CONTACT_RECORDED and sent[2]["data"]["role"] == "court"
        await dl.wait_for(lambda _: reasons(dl), what="a submission to a finished plan")
        assert reasons(dl) == ["plan finished with what is agreed"]
        assert await svc.pool.fetchval("SELECT status FROM plans WHERE case_number = $1", case.case) == "finished"
        mine = of(out.events(), case.case)
        assert len(of(mine, case.case, P.PLAN_FINISHED)) == 1 and not of(mine, case.case, P.PLAN_COMPLETED)

        court_link = urlsplit(sent[3]["data"]["context"]["plan_link"]).path
        plan = pdf_text((await exchange(svc.http_port, "GET", court_link)).body)
        assert "Finished on" in plan and "with what is agreed: 2 of 10 areas agreed" in plan
        assert "Alternate weeks, handover on Sundays." in plan and "Money Open: not agreed yet" in plan
        assert "Unagreed counter" not in plan and "Half each" not in plan
        child = await exchange(svc.http_port, "GET", urlsplit(sent[1]["data"]["context"]["child_link"]).path)
        words = pdf_text(child.body)
        assert "Alternate weeks, handover on Sundays." in words
        assert "School Your parents agreed: Stay at Oak Lane." in words
        assert [w for w in ("propos", "counter", "not agreed", "court", "open", "history", "money", "half each")
                if w in words.lower()] == []

        # A concern closes the plan, and every link to it stops working.
        await case.fact(T.WORKSHOPS_EVENTS, W.SAFEGUARDING_CONCERN_RECORDED, {"person_id": case.a, "lot": "lot-north"})
        await out.wait_for(lambda es: of(es, case.case, P.PLAN_CLOSED), what="closed")
        answer = await exchange(svc.http_port, "GET", court_link)
        assert (answer.status, answer.json()) == (410, {"error": "this link has been withdrawn"})
        await out.stop(); await dl.stop(); await mail.stop()
