"""The fetch limits the kit sets at run time reach the broker (aiokafka pinned at 0.14.0).

aiokafka takes fetch_min_bytes and fetch_max_wait_ms only when a consumer is created; the kit
changes them on its Fetcher afterwards (ptfc/kit/fetching.py). This checks, on the real broker,
that the fetch requests sent afterwards carry them, so an upgrade that stops reading them fails.
"""
from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.consumer import fetcher as aiokafka_fetcher

from contracts import topics as T
from ptfc.kit import fetching
from ptfc.kit.fetch_policy import FetchLimits


async def test_fetch_requests_ask_for_the_limits_set_after_the_consumer_started(settings, monkeypatch):
    sent: list[tuple[int, int]] = []
    build = aiokafka_fetcher.FetchRequest

    topic = f"{settings.topic_namespace}.{T.PARTNER_LEARNING}"

    def recording(max_wait_ms, min_bytes, *args, **kwargs):
        if topic in repr((args, kwargs)):  # this consumer's: a session-wide service may fetch too
            sent.append((max_wait_ms, min_bytes))
        return build(max_wait_ms, min_bytes, *args, **kwargs)

    monkeypatch.setattr(aiokafka_fetcher, "FetchRequest", recording)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False,
                                fetch_min_bytes=65536, fetch_max_wait_ms=200)
    await consumer.start()
    try:
        fetching.apply(consumer, FetchLimits(min_bytes=1, max_wait_ms=37))
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        await consumer.getmany(timeout_ms=300)  # an empty topic: the fetcher asks meanwhile
    finally:
        await consumer.stop()
    assert sent and set(sent) == {(37, 1)}, sent
