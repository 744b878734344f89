"""`ptfc deadletters`: list what was refused, show it, send it back fixed, against the real broker."""
from __future__ import annotations

import json

from contracts import referral as R
from contracts import topics as T
from ptfc import deadletters as dl
from services.referral.app import SPEC as REFERRAL
from tests.support.builders import referral
from tests.support.kafka import TopicReader, envelope, eventually, publish
from tests.support.services import for_service, running


async def letters_for(settings, wanted: int) -> list[dl.Letter]:
    async def enough():
        got = await dl.read_all(settings)
        return got if len(got) >= wanted else None
    return await eventually(enough, timeout=30, what=f"{wanted} dead letters")


async def test_an_operator_lists_shows_and_replays_refused_messages(settings, producer):
    req = referral()
    case = req["case_number"]
    broken = envelope(R.REQUESTED, {**req, "plan_suitable": "yes"}, subject=case)  # a string, not a boolean
    early = envelope(R.WITHDRAWN, {"referral_id": req["referral_id"], "reason": "x"}, subject=case)
    async with running(REFERRAL, settings) as svc:
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.REFERRAL_EVENTS)).start()
        topic = svc.topic(T.PARTNER_REFERRALS)
        await publish(producer, topic, broken, case)
        await publish(producer, topic, early, case)  # before its referral: refused after decoding
        # Dead letters carry no key, so the two may sit on different partitions: told apart by reason.
        first, second = sorted(await letters_for(settings, 2), key=lambda d: "plan_suitable" not in d.headers["ptfc-reason"])
        text = dl.summary([first, second])
        assert "2 dead letters" in text and "plan_suitable" in text and "no accepted referral" in text
        assert "yes" not in first.headers["ptfc-reason"]
        # The topic holds no bytes and no key; `show` reads the partner's message from the database.
        assert (first.value, first.key) == (b"", None) and first.withheld
        kept = await dl.kept_bytes(for_service(settings, "referral"), first)
        assert req["parent"]["email"] in dl.show(first, kept) and kept[1] == case.encode()
        assert req["parent"]["email"] not in dl.show(first)

        fixed = json.dumps({**broken, "data": req}).encode()  # the partner's corrected message
        settings = for_service(settings, "referral")  # the operator's view of its database
        assert await dl.replay(settings, first, corrected=fixed) == topic
        await out.wait_for(lambda es: [e for e in es if e["type"] == R.ACCEPTED], what="the corrected referral")
        # The same withdrawal again would be a repeat (its id was taken in): a new id lets it count.
        await dl.replay(settings, second, new_id=True)
        await out.wait_for(lambda es: [e for e in es if e["type"] == R.WITHDRAWAL_ACCEPTED], what="withdrawal")
        assert len(await dl.read_all(settings)) == 2  # nothing new was refused
        await out.stop()


def test_bytes_from_an_internal_topic_are_never_shown():
    letter = dl.Letter(0, 7, None, b"", {"ptfc-reason": "r", "ptfc-withheld": "kept in the learning database",
                                         "ptfc-origin-topic": "t1.ptfc.learning.names"})
    assert letter.internal and "not shown" in dl.show(letter, (b"Jo Private", b"C-1"))
    assert "Jo Private" not in dl.show(letter, (b"Jo Private", b"C-1"))
