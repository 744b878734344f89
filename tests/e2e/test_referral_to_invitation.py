"""Partner events in, emails and partner events out, with every service a separate process."""
from __future__ import annotations

import asyncio
import json
import re
import signal
import uuid
from collections import Counter
from urllib.parse import parse_qs, urlparse


from contracts import referral as R
from contracts import topics as T
from tests.e2e.conftest import LOT
from tests.support.builders import referral, uid
from tests.support.http import call
from tests.support.kafka import TopicReader, envelope, eventually, publish

PERSONAL: list[str] = []  # every name, email and phone these tests send, checked at the end


def letters() -> str:
    """A made-up name part no log line or id could contain by chance (ids are hex)."""
    return "".join(chr(ord("g") + int(c, 16) % 20) for c in uuid.uuid4().hex[:10]).capitalize()


def remember(req: dict) -> dict:
    """Every name part, address and number of this referral, each its own unique value."""
    p, fca = req["parent"], req["fca"]
    p.update(given_name=letters(), family_name=letters())
    fca["name"] = f"{letters()} {letters()}"
    PERSONAL.extend([p["given_name"], p["family_name"], p["email"], p["phone"], fca["name"], fca["email"],
                     req["court_email"]])
    return req


def mails_to(system, address: str) -> list:
    return [m for m in system.sink.messages if m["To"].addresses[0].addr_spec == address]


def token_of(msg) -> str:
    url = re.search(r"https://hub\.example/parent-hub/activate\?token=\S+", msg.get_body(("plain",)).get_content())
    return parse_qs(urlparse(url.group(0)).query)["token"][0]


async def test_co_parents_each_get_their_own_single_invitation(system, producer):
    case = uid("C")
    a, b = uid("P"), uid("P")
    ra = remember(referral(case=case, person=a, co_parent_person_ids=[b]))
    rb = remember(referral(case=case, person=b, co_parent_person_ids=[a]))
    rb["parent"]["phone"] = "+44 7700 900456"
    PERSONAL.append(rb["parent"]["phone"])
    for r in (ra, rb):
        await publish(producer, system.topic(T.PARTNER_REFERRALS), envelope(R.REQUESTED, r, subject=case), case)
    await eventually(lambda: mails_to(system, ra["parent"]["email"]) and mails_to(system, rb["parent"]["email"]),
                     timeout=60, what="both invitations")
    verify = f"http://127.0.0.1:{system.port('learning')}/invitations/verify"
    for mine, other in ((ra, rb), (rb, ra)):
        [msg] = mails_to(system, mine["parent"]["email"])
        whole = msg.as_string()
        assert other["parent"]["email"] not in whole and other["parent"]["family_name"] not in whole
        assert other["parent"]["person_id"] not in whole
        status, body = await call("POST", verify, {"token": token_of(msg)})
        assert status == 200 and body["person_id"] == mine["parent"]["person_id"]
    await asyncio.sleep(2)  # room for a wrong second email to arrive
    assert len(mails_to(system, ra["parent"]["email"])) == 1 == len(mails_to(system, rb["parent"]["email"]))


async def test_rejected_referral_is_one_event_with_every_reason_and_no_email(system, producer, infra):
    req = remember(referral(route="self_referral", cafcass_area="nowhere"))
    req["fca"]["email"] = "broken@"
    case = req["case_number"]
    events = await TopicReader(infra.kafka, system.topic(T.REFERRAL_EVENTS)).start()
    ev = envelope(R.REQUESTED, req, subject=case)
    await publish(producer, system.topic(T.PARTNER_REFERRALS), ev, case)
    await publish(producer, system.topic(T.PARTNER_REFERRALS), ev, case)  # a repeat changes nothing
    mine = lambda es: [e for e in es if e["subject"] == case]
    await events.wait_for(mine, timeout=30, what="the rejection")
    await asyncio.sleep(2)
    await events.poll()
    [rejected] = mine(events.events())
    assert rejected["type"] == R.REJECTED
    assert {r["code"] for r in rejected["data"]["reasons"]} == {"route_not_allowed", "unknown_cafcass_area",
                                                                 "invalid_email"}
    assert mails_to(system, req["parent"]["email"]) == []
    await events.stop()


async def test_notifications_killed_mid_burst_still_delivers_each_email(system, producer):
    """SIGKILL the notification service while 200 invitations are in flight, then restart it."""
    reqs = [remember(referral()) for _ in range(200)]
    wanted = {r["parent"]["email"] for r in reqs}
    for r in reqs:
        await publish(producer, system.topic(T.PARTNER_REFERRALS),
                      envelope(R.REQUESTED, r, subject=r["case_number"]), r["case_number"])
    delivered = lambda: [m for m in system.sink.messages if m["To"].addresses[0].addr_spec in wanted]
    await eventually(lambda: len(delivered()) >= 20, timeout=90, interval=0.01, what="burst under way")
    label, port, proc = system.procs["notifications"]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    at_kill = len(delivered())
    assert at_kill < 200, "the kill came after the burst: nothing was in flight to test"
    system.start("notifications", port=port)
    await system.wait_ready(["notifications"])
    await eventually(lambda: len({m["Message-ID"] for m in delivered()}) >= 200, timeout=120,
                     what="all 200 invitations")
    await asyncio.sleep(4)  # past the lease: any email left claimed would be resent by now
    mails = delivered()
    by_id = Counter(m["Message-ID"] for m in mails)
    per_recipient = Counter(m["To"].addresses[0].addr_spec for m in mails)
    repeats = len(mails) - len(by_id)
    print(f"\nkill at {at_kill}/200 delivered; {len(mails)} SMTP deliveries, {len(by_id)} distinct, "
          f"{repeats} repeated (same Message-ID)")
    assert len(by_id) == 200 and set(per_recipient) == wanted
    # Each recipient has one email: any repeat is the same message (same Message-ID) re-sent
    # because the kill fell between the SMTP server's 250 and our record of it.
    for address in wanted:
        assert len({m["Message-ID"] for m in mails if m["To"].addresses[0].addr_spec == address}) == 1
    assert repeats <= int(system.env.get("SMTP_CONCURRENCY", "4"))


def checked_text(record) -> str:
    """Key, headers and value of a record: none may carry anything personal (a dead letter too:
    every partner reads ptfc.deadletter, so refused bytes stay in the refusing service)."""
    headers = {k: v.decode(errors="replace") for k, v in (record.headers or [])}
    return (repr(record.key) + repr(headers) + (record.value or b"").decode(errors="replace"))


async def test_no_personal_data_in_logs_or_outbound_topics(system, infra):
    assert PERSONAL, "runs after the tests above"
    bootstrap = infra.kafka
    # Every topic the system writes that a partner or another service may read, derived from the
    # topic list (not written out), so a new topic is scanned without anyone remembering to: all
    # but partner input, our two sensitive internal topics, and the lot's own hand-off (below).
    outbound = [t for t in T.all_topics([LOT]) if not t.startswith("ptfc.partner.") and t not in T.SENSITIVE]
    assert {T.REFERRAL_EVENTS, T.DEADLETTER, T.PLANS_EVENTS} <= set(outbound)
    seen = 0
    for name in outbound:
        reader = await TopicReader(bootstrap, system.topic(name)).start()
        records = await reader.read_to_end()
        await reader.stop()
        seen += len(records)
        text = "\n".join(checked_text(r) for r in records)
        leaks = [p for p in set(PERSONAL) if p in text]
        assert not leaks, f"{name} carries personal data: {len(leaks)} values"
    assert seen > 200
    # The hand-off is the one partner topic with contact details, by contract: only this lot's
    # partner reads it, and it carries parents referred and closed, nothing else.
    reader = await TopicReader(bootstrap, system.topic(T.partner_handoff(LOT))).start()
    handoff = [json.loads(r.value) for r in await reader.read_to_end()]
    await reader.stop()
    assert handoff and {e["type"] for e in handoff} <= {R.PARENT_REFERRED, R.PARENT_CLOSED}
    assert any(p in json.dumps(handoff) for p in PERSONAL)  # the scan above would have seen them
    logs = system.logs()
    assert "service.started" in logs
    lines = [line for line in logs.splitlines() if line.strip()]
    not_json = []
    for line in lines:  # structured logs only: every line is one JSON object
        try:
            json.loads(line)
        except ValueError:
            not_json.append(line[:200])
    assert not not_json, not_json[:5]
    leaks = [p for p in set(PERSONAL) if p in logs]
    assert not leaks, f"service logs carry personal data: {leaks[:3]}"
