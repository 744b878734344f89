"""Referral -> learning -> notifications, in-process, against the real broker, database and SMTP."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

from contracts import learning as L
from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from ptfc.kit.clock import ManualClock
from services.learning.app import SPEC as LEARNING
from services.notifications.app import SPEC as NOTIFICATIONS
from services.referral.app import SPEC as REFERRAL
from tests.support.builders import referral, uid
from tests.support.http import call
from tests.support.kafka import TopicReader, envelope, eventually, publish
from tests.support.services import running


def link_token(msg) -> str:
    text = msg.get_body(("plain",)).get_content()
    url = re.search(r"https?://\S+/activate\?token=\S+", text).group(0)
    return parse_qs(urlparse(url).query)["token"][0]


async def test_invitation_email_has_a_working_single_use_link(settings, producer, smtp_sink):
    s = settings
    sent_at = datetime.now(timezone.utc)
    clock = ManualClock(sent_at)
    req = referral()
    case, person = req["case_number"], req["parent"]["person_id"]
    async with running(REFERRAL, s), running(LEARNING, s, clock=clock) as learning, \
            running(NOTIFICATIONS, s, smtp_port=smtp_sink.port) as notif:
        events = await TopicReader(s.kafka_bootstrap_servers, notif.topic(T.NOTIFICATIONS_EVENTS)).start()
        await publish(producer, notif.topic(T.PARTNER_REFERRALS),
                      envelope(R.REQUESTED, req, subject=case, time=sent_at), case)
        await eventually(lambda: smtp_sink.messages, timeout=40, what="invitation email")
        msg = smtp_sink.messages[0]
        assert msg["To"].addresses[0].addr_spec == req["parent"]["email"]
        assert "Planning Together for Children" in msg["Subject"]
        assert msg.get_body(("html",)) is not None and msg.get_body(("plain",)) is not None
        assert re.fullmatch(r"<[0-9a-f]{32}@notifications\.ptfc>", msg["Message-ID"])
        token = link_token(msg)
        url = f"http://127.0.0.1:{learning.http_port}/invitations/verify"
        status, body = await call("POST", url, {"token": token})
        assert (status, body["person_id"]) == (200, person)
        assert (await call("POST", url, {"token": token + "x"}))[0] == 404
        clock.set(sent_at + timedelta(hours=72))
        assert (await call("POST", url, {"token": token}))[1]["state"] == "expired"
        clock.set(sent_at + timedelta(hours=1))
        await publish(producer, notif.topic(T.PARTNER_LEARNING),
                      envelope(L.ACCOUNT_ACTIVATED, {"person_id": person}, subject=case,
                               source="/partners/parent-hub"), case)
        await eventually(lambda: learning.pool.fetchval(
            "SELECT used_at IS NOT NULL FROM invitations WHERE person_id = $1", person), what="activation")
        assert (await call("POST", url, {"token": token}))[1]["state"] == "used"
        sent = await events.wait_for(lambda es: [e for e in es if e["type"] == N.SENT], what="sent event")
        assert sent[0]["subject"] == case and req["parent"]["email"] not in str(sent[0])
        # Once sent, notifications keeps no working link (a backup of its database opens nothing).
        kept = await notif.pool.fetchval("SELECT context FROM notifications WHERE status = 'sent'")
        kept = kept if isinstance(kept, dict) else json.loads(kept)
        assert "activation_link" not in kept and kept["expires_at"] and token not in str(kept)
        # Woken by NOTIFY, not found by the one-second poll: the triggers and LISTENs match.
        for svc in (learning, notif):
            assert svc.metrics.counters["outbox_wakeups_total"] >= 1
        assert notif.metrics.counters["sender_wakeups_total"] >= 1
        await events.stop()


async def test_permanent_refusal_is_recorded_and_published_once(settings, producer, smtp_sink):
    s = settings
    req = referral()
    smtp_sink.keeper.refuse.add(req["parent"]["email"].lower())
    case = req["case_number"]
    async with running(REFERRAL, s), running(LEARNING, s), running(NOTIFICATIONS, s, smtp_port=smtp_sink.port) as notif:
        events = await TopicReader(s.kafka_bootstrap_servers, notif.topic(T.NOTIFICATIONS_EVENTS)).start()
        await publish(producer, notif.topic(T.PARTNER_REFERRALS), envelope(R.REQUESTED, req, subject=case), case)
        failed = await events.wait_for(lambda es: [e for e in es if e["type"] == N.FAILED], timeout=40)
        assert failed[0]["data"]["permanent"] is True and "550" in failed[0]["data"]["reason"]
        row = await notif.pool.fetchrow("SELECT status, attempts FROM notifications")
        assert (row["status"], row["attempts"]) == ("failed", 1)
        assert smtp_sink.messages == []
        await eventually(lambda: notif.pool.fetchval("SELECT count(*) = 0 FROM outbox WHERE sent_at IS NULL"),
                         what="outbox sent")
        published = [r for r in await events.read_to_end() if json.loads(r.value)["type"] == N.FAILED]
        assert len(published) == 1
        await events.stop()


async def test_a_request_that_overtakes_its_contact_waits_for_it_while_the_rest_of_its_run_is_sent(
        settings, producer, smtp_sink):
    """Requests are a set-based run: one without its contact sends the batch to the careful replay,
    which queues the others and parks that one until its contact is recorded."""
    s = settings
    case = uid("C")
    known, late = uid("plan-share"), uid("plan-share")
    source = "/services/plans"

    def contact(contact_id: str, email: str) -> dict:
        return envelope(N.CONTACT_RECORDED, {"contact_id": contact_id, "role": "mediator", "name": "Mediator",
                                             "email": email}, subject=case, source=source)

    def request(contact_id: str) -> dict:
        return envelope(N.REQUESTED, {"template": "plan_shared", "contact_id": contact_id, "context": {
            "case_number": case, "about": "nobody-known", "decided": 3, "areas": 10}}, subject=case, source=source)

    async with running(NOTIFICATIONS, s, smtp_port=smtp_sink.port) as notif:
        topic = notif.topic(T.NOTIFICATIONS_REQUESTS)
        for value in (contact(known, "known@mediation.example"), request(known), request(late)):
            await producer.send(topic, json.dumps(value).encode(), key=case.encode())  # one batch
        await producer.flush()
        await eventually(lambda: [m for m in smtp_sink.messages if "known@" in str(m["To"])], timeout=30,
                         what="the email whose contact was known")
        assert await notif.pool.fetchval("SELECT count(*) FROM parked") == 1
        await publish(producer, topic, contact(late, "late@mediation.example"), case)
        await eventually(lambda: [m for m in smtp_sink.messages if "late@" in str(m["To"])], timeout=30,
                         what="the parked request, sent once its contact came")
        assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in smtp_sink.messages) == [
            "known@mediation.example", "late@mediation.example"]
        assert await notif.pool.fetchval("SELECT count(*) FROM parked") == 0


async def test_refused_input_on_a_sensitive_topic_is_kept_here_not_copied_to_partners(settings, producer):
    """ptfc.deadletter is read by partners: a refused contact (a name and an address) is published
    with its reason and origin only; its bytes stay in the notifications database."""
    case = uid("C")
    bad = json.dumps(envelope(N.CONTACT_RECORDED, {"contact_id": uid("c"), "role": "neighbour",
                                                   "name": "Jo Private", "email": "jo@private.example"},
                              subject=case, source="/services/referral")).encode()
    async with running(NOTIFICATIONS, settings) as notif:
        dl = await TopicReader(settings.kafka_bootstrap_servers, notif.topic(T.DEADLETTER)).start()
        await publish(producer, notif.topic(T.NOTIFICATIONS_REQUESTS), bad, case)
        await dl.wait_for(lambda _: dl.records, what="the dead letter")
        rec = dl.records[0]
        headers = {k: v.decode() for k, v in rec.headers}
        assert rec.value in (b"", None) and b"private" not in b"".join(v for _, v in rec.headers)
        assert "data does not match" in headers["ptfc-reason"]
        assert headers["ptfc-withheld"].startswith("kept in the notifications database")
        kept = await notif.pool.fetchval("SELECT withheld FROM dead_letters WHERE \"offset\" = $1",
                                         int(headers["ptfc-origin-offset"]))
        assert kept == bad
        await dl.stop()
