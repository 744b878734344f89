"""Isolation between partners (contract v1.1), against the real broker: what each partner may
read (contracts/access.py) carries nothing that is not theirs.

Referral runs; a parent is referred to lot-north and one to lot-east, a safeguarding concern is
raised about the lot-north parent, and Cafcass sends a referral that is refused (a name, email and
phone in it). Then every topic each partner may read is read to its end: the refused parent's
values are nowhere (ptfc.deadletter carries reasons and origins only, every partner reads it),
lot-east's partner finds nothing of the lot-north parent, and no partner finds the concern."""
from __future__ import annotations

import json

from contracts import access as A
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from ptfc.kit import acls
from services.referral.app import SPEC as REFERRAL
from tests.support.builders import referral, uid
from tests.support.deadletters import kept, published_nothing
from tests.support.kafka import TopicReader, envelope, eventually, publish
from tests.support.services import running

LOTS = ["lot-north", "lot-east"]  # the test's topics exist for these two (conftest)


def someone(**over) -> dict:
    """A referral whose parent's every value is this test's own (the builder shares a phone)."""
    req = referral(**over)
    digits = "".join(str(int(c, 16) % 10) for c in uid("")[-6:])
    req["parent"].update(given_name=uid("Given"), family_name=uid("Family"), email=f"{uid('e')}@x.example",
                         phone=f"+44 7700 9{digits}")
    return req


def values(req: dict) -> list[str]:
    p = req["parent"]
    return [p["person_id"], req["case_number"], p["given_name"], p["family_name"], p["email"], p["phone"]]


def text(record) -> str:
    headers = [(k, v.decode(errors="replace")) for k, v in (record.headers or [])]
    return repr(record.key) + repr(headers) + (record.value or b"").decode(errors="replace")


async def read_all(svc, topics: set[str]) -> dict[str, str]:
    """Each topic read to its end, as text."""
    out = {}
    for topic in sorted(topics):
        reader = await TopicReader(svc.settings.kafka_bootstrap_servers, svc.topic(topic)).start()
        out[topic] = "\n".join(text(r) for r in await reader.read_to_end())
        await reader.stop()
    return out


async def test_what_a_partner_may_read_holds_no_other_lots_parent_no_concern_and_no_refused_bytes(
        settings, producer):
    north, east, refused = someone(), someone(cafcass_area="A10"), someone()
    async with running(REFERRAL, settings) as svc:
        topic = svc.topic(T.PARTNER_REFERRALS)
        for req in (north, east):
            await publish(producer, topic, envelope(R.REQUESTED, req, subject=req["case_number"]), req["case_number"])
        bad = envelope(R.REQUESTED, {**refused, "plan_suitable": "yes"}, subject=refused["case_number"])
        await publish(producer, topic, bad, refused["case_number"])
        await eventually(lambda: svc.pool.fetchval("SELECT count(*) = 2 FROM referrals WHERE referral_id = ANY($1)",
                                                   [north["referral_id"], east["referral_id"]]),
                         what="both referrals accepted")  # a concern about an unknown parent is ignored
        concern = {"person_id": north["parent"]["person_id"], "lot": "lot-north"}
        await publish(producer, svc.topic(T.WORKSHOPS_EVENTS), envelope(
            W.SAFEGUARDING_CONCERN_RECORDED, concern, subject=north["case_number"], source="/ptfc/workshops.lot-north"),
            north["case_number"])
        await eventually(lambda: svc.pool.fetchval(
            "SELECT concern_raised_at IS NOT NULL FROM referrals WHERE referral_id = $1", north["referral_id"]),
            what="the concern applied")
        await eventually(lambda: svc.pool.fetchval("SELECT count(*) = 0 FROM outbox WHERE sent_at IS NULL"),
                         what="everything published")

        partners = [a for a in acls.model(LOTS) if a.kind == A.PARTNER]
        read = await read_all(svc, set().union(*(a.reads for a in partners)))
        seen = {a.principal: {t: read[t] for t in a.reads} for a in partners}
        dead = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        letters = await dead.read_to_end()
        await dead.stop()
        assert len(letters) == 1 and published_nothing(letters[0])
        assert refused["parent"]["email"].encode() in await kept(svc.pool, letters[0])  # kept, not published

    for principal, topics in seen.items():
        everything = "\n".join(topics.values())
        assert not [v for v in values(refused) if v in everything], f"{principal} reads the refused referral"
        assert "safeguarding" not in everything.lower(), f"{principal} reads of a safeguarding concern"
    east_partner = seen[acls.delivery_partner("lot-east")]
    assert not [v for v in values(north) if v in "\n".join(east_partner.values())]
    handoff = [json.loads(line[line.index("{"):]) for line in east_partner[T.partner_handoff("lot-east")].splitlines()]
    assert [e["data"]["person_id"] for e in handoff] == [east["parent"]["person_id"]]  # the scan saw data
    assert north["parent"]["email"] in seen[acls.delivery_partner("lot-north")][T.partner_handoff("lot-north")]
