"""Completion, non-completion after day 42, and safeguarding: what the FCA and court are told."""
from __future__ import annotations

from datetime import datetime, timezone

from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from ptfc.kit.clock import ManualClock
from ptfc.kit.timers import TimerLoop
from services.notifications.app import SPEC as NOTIFICATIONS
from services.referral.app import SPEC as REFERRAL
from tests.support.builders import referral, uid
from tests.support.kafka import TopicReader, envelope, eventually, publish
from tests.support.services import running

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)


def mail(sink, to: str, subject_part: str) -> list:
    return [m for m in sink.messages if m["To"].addresses[0].addr_spec == to and subject_part in m["Subject"]]


async def test_completion_non_completion_and_concern_reach_the_fca_and_court(settings, producer, smtp_sink):
    s = settings
    clock = ManualClock(T0)
    case = uid("C")
    done, late = referral(case=case), referral(case=case)
    late["parent"].update(given_name="Robin", family_name="Late")
    late["fca"]["email"] = "fca-two@cafcass.example"
    late["court_email"] = "court-two@justice.example"
    async with running(REFERRAL, s, clock=clock) as ref, running(NOTIFICATIONS, s, smtp_port=smtp_sink.port):
        out = await TopicReader(s.kafka_bootstrap_servers, ref.topic(T.REFERRAL_EVENTS)).start()
        names = await TopicReader(s.kafka_bootstrap_servers, ref.topic(T.LEARNING_NAMES)).start()
        for r in (done, late):
            await publish(producer, ref.topic(T.PARTNER_REFERRALS), envelope(R.REQUESTED, r, subject=case, time=T0), case)
        await out.wait_for(lambda es: len(es) >= 2, what="two acceptances")
        recorded = await names.wait_for(lambda es: len(es) >= 2 and es, what="certificate names")
        assert {e["data"]["display_name"] for e in recorded} == {"Alex Example", "Robin Late"}

        def fact(type_, data, topic):
            return publish(producer, ref.topic(topic), envelope(type_, data, subject=case, time=T0,
                                                                source="/ptfc/test"), case)
        p_done, p_late = done["parent"]["person_id"], late["parent"]["person_id"]
        await fact(L.ELEARNING_COMPLETED, {"person_id": p_done, "completed_at": "2026-11-10T10:00:00+00:00",
                                           "within_target": True}, T.LEARNING_EVENTS)
        await fact(W.PARENT_ATTENDED, {"person_id": p_done, "session_id": "S1", "lot": "lot-north",
                                       "attended_on": "2026-11-20", "recorded_at": "2026-11-20T18:00:00+00:00"},
                   T.WORKSHOPS_EVENTS)
        await fact(L.CERTIFICATE_ISSUED, {"person_id": p_done, "certificate_number": "PTFC-AAAA-BBBB-CCCC-DDDD",
                                          "issued_at": "2026-11-21T18:00:00+00:00", "elearning_completed_on": "2026-11-10",
                                          "workshop_attended_on": "2026-11-20"}, T.LEARNING_EVENTS)
        await fact(L.ELEARNING_COMPLETED, {"person_id": p_late, "completed_at": "2026-11-12T10:00:00+00:00",
                                           "within_target": True}, T.LEARNING_EVENTS)
        await fact(W.SAFEGUARDING_CONCERN_RECORDED, {"person_id": p_late, "lot": "lot-north"}, T.WORKSHOPS_EVENTS)

        completed = (await out.wait_for(lambda es: [e for e in es if e["type"] == R.COMPLETED]))[0]["data"]
        assert (completed["person_id"], completed["certificate_number"]) == (p_done, "PTFC-AAAA-BBBB-CCCC-DDDD")
        assert (completed["elearning_completed_on"], completed["workshop_attended_on"]) == ("2026-11-10", "2026-11-20")
        await eventually(lambda: mail(smtp_sink, "fca@cafcass.example", "completed")
                         and mail(smtp_sink, "court@justice.example", "completed"), what="completion emails")
        body = mail(smtp_sink, "court@justice.example", "completed")[0].get_body(("plain",)).get_content()
        assert "Alex Example" in body and "PTFC-AAAA-BBBB-CCCC-DDDD" in body and "10 November 2026" in body
        concern = await eventually(lambda: mail(smtp_sink, "fca-two@cafcass.example", "safeguarding"), what="concern")
        assert "Robin Late" in concern[0].as_string()
        assert not mail(smtp_sink, done["parent"]["email"], "safeguarding")

        # Day 0 is 3 November, the day the referral was made (v1.1), not the order's 2 November.
        clock.set(datetime(2026, 12, 15, 23, 59, tzinfo=timezone.utc))  # the last minute of day 42
        assert await TimerLoop(ref, REFERRAL.timers).fire_due() == 0
        clock.set(datetime(2026, 12, 16, 0, 0, 1, tzinfo=timezone.utc))
        reported = (await out.wait_for(lambda es: [e for e in es if e["type"] == R.NON_COMPLETION_REPORTED],
                                       timeout=20))
        assert len(reported) == 1 and reported[0]["data"]["person_id"] == p_late
        assert (reported[0]["data"]["elearning_completed"], reported[0]["data"]["workshop_attended"]) == (True, False)
        assert reported[0]["data"]["reported_on"] == "2026-12-16" and reported[0]["time"].startswith("2026-12-16T00:00")
        [email] = await eventually(lambda: mail(smtp_sink, "fca-two@cafcass.example", "not completed"), what="report")
        assert "not attended" in email.get_body(("plain",)).get_content()
        # The court hears of the non-completion (so it is a working recipient), never of the concern.
        await eventually(lambda: mail(smtp_sink, "court-two@justice.example", "not completed"), what="court report")
        assert not mail(smtp_sink, "court-two@justice.example", "safeguarding")
        assert await ref.pool.fetchval("SELECT status FROM referrals WHERE person_id = $1", p_done) == "completed"
        await out.stop(); await names.stop()

