"""Creates the system's topics (the embedded stack, the compose one-shot job and tests use it)."""
from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from contracts.lots import LOTS
from contracts.topics import all_topics, namespaced
from ptfc.kit.settings import Settings


async def ensure_topics(settings: Settings, lots: list[str] | None = None, attempts: int = 30) -> list[str]:
    names = [namespaced(settings.topic_namespace, t) for t in all_topics(lots or LOTS)]
    for attempt in range(attempts):  # the broker may still be starting (compose)
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [n for n in names if n not in existing]
            if missing:
                try:
                    await admin.create_topics([
                        NewTopic(n, settings.kafka_topic_partitions, settings.kafka_replication_factor,
                                 topic_configs={"max.message.bytes": str(4 * 1024 * 1024)})
                        for n in missing])
                except TopicAlreadyExistsError:
                    pass
            return missing
        except (OSError, asyncio.TimeoutError, Exception) as exc:  # noqa: B014 - aiokafka raises broadly
            if attempt == attempts - 1:
                raise RuntimeError(f"could not create topics on {settings.kafka_bootstrap_servers}: {exc}") from exc
            await asyncio.sleep(1.0)
        finally:
            await admin.close()
    return []
