"""End offsets where ACLs let an observer describe a topic but not read it (ptfc/kit/reading.py).

Tansu stores no ACLs, so this is the one path no broker here can drive: a stand-in consumer whose
fetch is refused as Apache Kafka refuses it. The probe must give way to the broker's own answer
(right on such a broker), or `ptfc status` and `ptfc replay end` could never finish."""
from __future__ import annotations

import asyncio

from aiokafka import TopicPartition
from aiokafka.errors import TopicAuthorizationFailedError

from ptfc.kit.reading import end_offsets

TP = TopicPartition("ptfc.referral.events", 0)


class DescribeOnly:
    def __init__(self) -> None:
        self.assigned: list = []

    async def end_offsets(self, tps):
        return {tp: 7 for tp in tps}

    def assign(self, tps) -> None:
        self.assigned = list(tps)

    def seek(self, tp, offset) -> None:
        pass

    def highwater(self, tp):
        return None

    async def getmany(self, *tps, timeout_ms=0):
        raise TopicAuthorizationFailedError()

    def unsubscribe(self) -> None:
        self.assigned = []


def test_an_observer_that_may_not_read_gets_the_brokers_end_offsets():
    consumer = DescribeOnly()
    assert asyncio.run(end_offsets(consumer, [TP], timeout=1)) == {TP: 7}
    assert consumer.assigned == []  # left with no assignment, as after a probe
