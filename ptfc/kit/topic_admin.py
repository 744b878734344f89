"""Creates the system's topics (the embedded stack, the compose one-shot job and tests use it)."""
from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from contracts.lots import LOTS, load_area_table
from contracts.topics import (LEARNING_EVENTS, OPS_REPLAY, PLANS_EVENTS, REFERRAL_EVENTS, WORKSHOPS_EVENTS,
                             all_topics, namespaced)
from ptfc.kit.kafka_security import client_kwargs
from ptfc.kit.logging import get_logger
from ptfc.kit.retry import TRANSIENT, until_available
from ptfc.kit.settings import Settings

log = get_logger()
# While the broker starts, aiokafka raises more than connection errors (no controller elected
# yet, metadata not ready): any KafkaError is worth another try. A topic the broker refuses
# (e.g. a bad replication factor) is raised as a RuntimeError instead: retrying cannot help.
BROKER_STARTING = TRANSIENT + (KafkaError,)
# The topics the KPI report reads keep their whole history: `ptfc report rebuild` replays them
# from the beginning (services/reporting). Topics created before this need it set by hand.
# None of these carries a name, address or free text; partner input (which does) is not kept forever.
# So does the operator's replay topic (a handful of ids): a service whose database is new reads
# from the beginning whether a replay is open.
KEEP_HISTORY = frozenset({REFERRAL_EVENTS, LEARNING_EVENTS, WORKSHOPS_EVENTS, PLANS_EVENTS, OPS_REPLAY})


def topic_configs(settings: Settings, name: str) -> dict[str, str]:
    configs = {"max.message.bytes": str(4 * 1024 * 1024)}
    if name in {namespaced(settings.topic_namespace, t) for t in KEEP_HISTORY}:
        configs["retention.ms"] = "-1"
    return configs


def lots_of(settings: Settings) -> list[str]:
    """The documented lots and every lot the operator's area table names: a referral to a lot with
    no hand-off topic would hold up the referral service's outbox (it sends in order)."""
    return sorted(set(LOTS) | set(load_area_table(settings.lot_table_file).values()))


async def ensure_topics(settings: Settings, lots: list[str] | None = None,
                        give_up_after: float = 120.0) -> list[str]:
    """Create the missing topics; returns those this call created. Safe to run from any number
    of places at once: a topic another one created first counts as created."""
    lots = lots or lots_of(settings)
    names = [namespaced(settings.topic_namespace, t) for t in all_topics(lots)]
    return await until_available(lambda: _create_missing(settings, names), "broker", log,
                                 give_up_after=give_up_after, transient=BROKER_STARTING)


async def _create_missing(settings: Settings, names: list[str]) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers, **client_kwargs(settings))
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [n for n in names if n not in existing]
        if not missing:
            return []
        response = await admin.create_topics([
            NewTopic(n, settings.kafka_topic_partitions, settings.kafka_replication_factor,
                     topic_configs=topic_configs(settings, n))
            for n in missing])
        created = []
        for topic, code, *message in response.topic_errors:
            if code == 0:
                created.append(topic)
            elif code != TopicAlreadyExistsError.errno:  # already there: someone else made it
                error = for_code(code)
                if error.retriable:
                    raise error(f"topic {topic}: {message}")
                raise RuntimeError(f"the broker refused topic {topic}: {error.__name__} {message}")
        return created
    finally:
        await admin.close()
